"""Which printed lines open a section: the headings as real reports word them, and lines that do not."""

from __future__ import annotations

import pytest

from parsers import sections
from parsers.normalize import norm
from parsers.tokens import Token


def section_of(line: str) -> list[str]:
    return [key for key, pattern in sections._HEADINGS.items() if pattern.search(norm(line))]


@pytest.mark.parametrize(("line", "key"), [
    ("一、总体情况", "overview"),
    ("一、概述", "overview"),
    ("一、主要工作概述", "overview"),
    ("一、工作概况", "overview"),
    ("一、工作基本情况", "overview"),
    ("一、本年度政府信息公开工作的基本情况", "overview"),
    ("二、主动公开情况", "proactive_disclosure"),
    ("二、主动公开政府信息情况", "proactive_disclosure"),
    ("（二）主动公开政府信息情况", "proactive_disclosure"),
    ("三、收到和处理政府信息公开申请情况", "applications"),
    ("三、收到和处理信息公开申请情况", "applications"),
    ("四、政府信息公开行政复议、行政诉讼情况", "review_litigation"),
    ("四、因政府信息公开工作被申请行政复议和提起行政诉讼情况", "review_litigation"),
    ("五、存在的主要问题及改进情况", "problems_improvements"),
    ("五、存在问题及改进情况", "problems_improvements"),
    ("五、政府信息公开工作存在的主要问题及改进情况", "problems_improvements"),
    ("五、信息公开工作存在的主要问题及改进情况", "problems_improvements"),
    ("六、其他需要报告的事项", "other_matters"),
    ("六、其他需报告事项", "other_matters"),
    ("六、其他需要報告的事項", "other_matters"),  # traditional script
])
def test_real_headings(line, key):
    assert section_of(line) == [key]
    assert sections.is_heading(Token(line))


@pytest.mark.parametrize("line", [
    "我局工作中存在问题",                            # a sentence, not numbered
    "（一）主动公开方面",                            # a subsection of 一
    "2019年，我局未发生行政复议、行政诉讼情况",
    "一是主动公开政府信息情况良好",
    "四、结转下年度继续办理",                        # a row of table 三
    "（三）基本情况",                                # "基本情况" opens the report only as its first section
])
def test_lines_that_are_not_headings(line):
    assert section_of(line) == []


def test_subsections_of_section_one_are_not_sections():
    # Section 一 often walks through the same topics as the sections after it, numbered (一), (二) …
    lines = ["一、总体情况", "（一）主动公开政府信息情况。", "2020年，主动公开信息120条。",
             "（四）申请行政复议和提起行政诉讼情况。", "2020年，行政复议0件，行政诉讼0件。",
             "二、主动公开政府信息情况", "第二十条第（一）项", "三、收到和处理政府信息公开申请情况",
             "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    tokens = [Token(line, {"block": n}) for n, line in enumerate(lines)]
    found = {key: lines[i] for key, i in sections.locate(tokens).items()}
    assert found == {"overview": "一、总体情况", "proactive_disclosure": "二、主动公开政府信息情况",
                     "applications": "三、收到和处理政府信息公开申请情况",
                     "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
                     "problems_improvements": "五、存在的主要问题及改进情况", "other_matters": "六、其他需要报告的事项"}


def test_sections_numbered_in_brackets():
    lines = ["（一）总体情况", "正文", "（二）主动公开政府信息情况", "（三）收到和处理政府信息公开申请情况"]
    tokens = [Token(line, {"block": n}) for n, line in enumerate(lines)]
    assert list(sections.locate(tokens)) == ["overview", "proactive_disclosure", "applications"]


def test_a_first_heading_numbered_1_does_not_hide_the_others():
    lines = ["1. 总体情况", "正文", "二、主动公开政府信息情况", "第二十条第（一）项", "五、存在的主要问题及改进情况", "问题",
             "六、其他需要报告的事项", "无。"]
    tokens = [Token(line, {"block": n}) for n, line in enumerate(lines)]
    assert list(sections.locate(tokens)) == ["overview", "proactive_disclosure", "problems_improvements",
                                             "other_matters"]


def test_headings_printed_inside_paragraphs_open_their_sections():
    from parsers.report import parse_bytes

    text = ("某街道2024年政府信息公开工作年度报告\n"
            "本报告由街道办事处编制。如对本报告有疑问，请与我们联系（电话：0714-8766001）。一、总体情况\n"
            "（一）政府信息主动公开情况。全年主动公开信息120条。\n"
            "五、存在的主要问题及改进情况 一是公开不够及时。二是解读形式单一。\n"
            "六、其他需要报告的事项\n无。\n")
    report = parse_bytes(text.encode(), filename="r.txt")
    assert report["texts"]["overview"] == "（一）政府信息主动公开情况。全年主动公开信息120条。"
    assert report["texts"]["problems_improvements"] == "一是公开不够及时。二是解读形式单一。"


def test_a_heading_announced_by_a_colon_inside_a_paragraph():
    """舟曲县八楞乡 2021: "…现将2021年工作情况汇报如下: 一、总体情况 1、…。 二、主动公开政府信息情况"."""
    from conftest import FIXTURES

    from parsers.report import parse_bytes

    name = "zhouqu_balengxiang_2021_headings_after_colon.txt"
    report = parse_bytes((FIXTURES / "text" / name).read_bytes(), filename=name)
    overview = report["texts"]["overview"]
    assert overview.startswith("1、主动公开政府信息的情况:40条") and overview.endswith("提起行政诉讼的情况:无。")


def test_a_heading_line_ending_with_a_full_stop_is_one_heading():
    """新抚区发改局 2020: "一、区发改局信息公开总体情况概述。" — its last words are not the section's text."""
    lines = ["一、区发改局信息公开总体情况概述。", "根据《条例》规定，区发改局深化信息公开的内容。"]
    tokens, _ = sections.split_headings([Token(line, {"line": n + 1}) for n, line in enumerate(lines)])
    assert sections.section_text(tokens, sections.spans(tokens)["overview"]) == lines[1]


def test_a_table_of_contents_is_not_where_sections_start():
    lines = ["一、概述,(一)注重重点推进。,二、主动公开政府信息情况,三、依申请公开政府信息情况,",
             "一、概述", "2012年度报告根据《条例》编制。"]
    tokens, _ = sections.split_headings([Token(line, {"line": n + 1}) for n, line in enumerate(lines)])
    found = sections.locate(tokens)
    assert tokens[found["overview"]].text == "一、概述" and found["overview"] == 1
