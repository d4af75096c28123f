"""Text whose table rows print their values with spaces (PDF text layers, copy-paste): how
``parsers.tokens.text_tokens`` reads them, and what the parser then gets from real text layers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import flatten

from parsers import parse_bytes, sections, tables
from parsers.tokens import text_tokens

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "real" / "huaian_szf_2024_report.expected.json").read_text("utf-8"))


def rows(text: str) -> list[list[str]]:
    """Each printed line's fields, in order."""
    out: dict[int, list[str]] = {}
    for t in text_tokens(text):
        out.setdefault(t.where["line"], []).append(t.text)
    return list(out.values())


def shape(text: str) -> list[tuple[str, dict, tuple | None]]:
    return [(t.text, t.where, t.grid) for t in text_tokens(text)]


# ---------------------------------------------------------------------------
# The tokenizer


def test_label_then_values_is_a_row_of_cells_like_the_tab_layout():
    spaced = "一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119\n"
    tabbed = spaced.replace(" ", "\t")
    assert rows(spaced) == [["一、本年新收政府信息公开申请数量", "3001", "53", "0", "0", "61", "4", "3119"]]
    assert shape(spaced) == shape(tabbed)


def test_a_line_of_values_only_is_a_row_of_cells():
    assert rows("0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n") == [["0"] * 15]
    assert rows("5 / / 2 7 8 — — 1 9 / / / / /\n") == [["5", "/", "/", "2", "7", "8", "—", "—", "1", "9",
                                                       "/", "/", "/", "/", "/"]]


def test_values_keep_their_printed_form():
    assert rows("行政事业性收费 96171.6\n规章 1,234 0 1,234\n行政许可 ２４\n") == [
        ["行政事业性收费", "96171.6"], ["规章", "1,234", "0", "1,234"], ["行政许可", "２４"]]
    toks = text_tokens("规章 1,234 +2 -3\n")
    assert [t.value.number for t in toks[1:]] == [1234, 2, -3]


@pytest.mark.parametrize("line", [
    "2021年 共收到申请 35 件",                      # numbers inside prose
    "报告所列数据的统计期限自 2024",                  # one number after a text that names no row
    "P. 9",
    "2020 年,我单位对形成的政府信息实现了依法、有序公开,",
    "统计期限为2024年1月1日至2024年12月31日",
    "发布时间：2022年01月24日 08:47",
    "发布日期：2021-01-11",
    "联系电话：0517 83606591",                        # a value after "label："
    "答复），均在法定期限内予以答复。政府信息公开行政复议 351",  # a row label's words ending a sentence
    "件，其中结果维持 25",                            # a clause
    "（一）",
    "1.",
    "第二十条 第（八）项",
    "信息内容 本年制发件数 本年废止件数 现行有效件数",  # header lines
    "总计商 业 企",
    "结 结 其 尚",
    "- 4 -",                                          # page numbers
    "— 12 —",
    "4 / 6",
])
def test_prose_dates_numbering_headers_and_page_numbers_stay_one_cell(line):
    assert rows(line) == [[line]]


def test_one_value_is_split_off_only_after_a_template_row_label():
    assert rows("行政处罚 3985758\n行政许可 /\n结果维持 5\n") == [
        ["行政处罚", "3985758"], ["行政许可", "/"], ["结果维持", "5"]]


def test_a_group_label_printed_beside_the_row_label_stays_a_label():
    # The group and row label (one field or two: either names the row) are followed by the 7 values.
    row = rows("三、本年度办理结果 （一）予以公开 7 2 0 0 0 1 10\n")[0]
    assert " ".join(row[:-7]) == "三、本年度办理结果 （一）予以公开" and row[-7:] == ["7", "2", "0", "0", "0", "1", "10"]
    # a label that names the row as a whole is not cut
    assert rows("（四）无 1.本机关不掌握相关政府信息 746 12 0 0 10 1 769\n")[0][0] == "（四）无 1.本机关不掌握相关政府信息"


def test_a_label_wrapped_before_its_values_is_joined():
    text = "（二）部分公开（区分处理的，只计这一情\n形，不计其他情形） 447 7 0 0 0 0 454\n"
    assert rows(text) == [["（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "447", "7", "0", "0", "0", "0", "454"]]
    toks = text_tokens(text)
    assert toks[0].where == {"line": 2, "col": 0} and toks[0].grid == toks[1].grid


def test_a_label_wrapped_before_tab_separated_values_is_joined():
    text = "（二）部分公开（区分处理的，只计这一情\n形，不计其他情形）\t447\t7\t0\t0\t0\t0\t454\n"
    assert rows(text)[0][0] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"


def test_a_label_wrapped_around_a_line_of_values_is_joined():
    text = "4.无正当理由大量反复申请 0 0 0 0 0 0 0\n5.要求行政机关确认或重新出\n1 0 0 0 0 0 1\n具已获取信息\n"
    assert rows(text)[1] == ["5.要求行政机关确认或重新出具已获取信息", "1", "0", "0", "0", "0", "0", "1"]
    assert len(rows(text)) == 2


def test_interleaved_group_label_pieces_are_left_out_of_the_join():
    text = ("（六）其\n2、申请人逾期未按收费通知要\n他处理\n求缴纳费用、行政机关不再处理 6 0 0 0 0 0 6\n"
            "其政府信息公开申请\n3、其他 108 2 0 0 0 0 110\n")
    got = rows(text)
    assert ["2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理", "6", "0", "0", "0", "0", "0", "6"] in got
    assert got[-1][0] == "3、其他"


def test_a_label_line_followed_by_its_values_is_left_to_the_extractor():
    """"label" / "v v v": the label line already names the row; nothing is joined."""
    text = "（二）部分公开（区分处理的，只计这一情\n447 7 0 0 0 0 454\n形，不计其他情形）\n"
    assert rows(text) == [["（二）部分公开（区分处理的，只计这一情"], ["447", "7", "0", "0", "0", "0", "454"],
                          ["形，不计其他情形）"]]


def test_text_that_is_no_piece_of_a_label_is_not_joined():
    text = "维持 纠正 结果 审结 维持 纠正 结果 结\n72 64 178 37 351 13 4 8 1 26 12 1 1 6 20\n五、存在的主要问题及改进情况\n"
    assert [len(r) for r in rows(text)] == [1, 15, 1]


# ---------------------------------------------------------------------------
# Real text layers


def test_huaian_pdftext_fragment_reads_section_3():
    """tests/fixtures/real: pdftotext-style text of pp.4-5 of the 淮安 2024 report (三 up to （四）1)."""
    out = parse_bytes((FIXTURES / "real" / "huaian_szf_2024_report_section3.pdftext.txt").read_bytes(),
                      filename="huaian.txt")
    assert out["template_version"] == "2021"
    printed = ["new_received", "carried_over", "granted", "partially_granted", "denied_state_secret",
               "denied_prohibited_by_law", "denied_endangers_security_stability", "denied_third_party_rights",
               "denied_internal_affairs", "denied_process_info", "denied_enforcement_case_files",
               "denied_administrative_inquiry", "unable_not_held"]
    for key, cells in out["applications"].items():
        want = EXPECTED["applications"][key] if key in printed else dict.fromkeys(cells)
        assert cells == want, key
    assert out["proactive_disclosure"]["art20_8"]["administrative_fees"]["fee_amount"] == 96171.6
    assert not any("partially_granted" in w for w in out["warnings"])


def test_huaian_tab_fragment_joins_the_wrapped_label():
    out = parse_bytes((FIXTURES / "text" / "huaian_szf_2024_section3_tabs.txt").read_bytes(), filename="x.txt")
    assert out["applications"]["partially_granted"] == EXPECTED["applications"]["partially_granted"]


def test_huaian_whole_report_text_layer_reads_every_value():
    out = parse_bytes((FIXTURES / "text" / "huaian_szf_2024_report.pdfplumber.txt").read_bytes(),
                      filename="huaian.txt")
    assert out["status"] == "ok", out["errors"]
    for key in ("template_version", "reporting_year", "issuing_body", "title", "metadata"):
        assert out[key] == EXPECTED[key], key
    for section in ("proactive_disclosure", "applications", "review_litigation"):
        assert flatten(out[section]) == flatten(EXPECTED[section]), section
    assert all(c["status"] == "pass" for c in out["checks"]), out["checks"]
    assert out["warnings"] == []
    # prose lines with a row label's words and a number are not cut
    assert "政府信息公开行政复议 351\n件" in out["texts"]["overview"]


def test_flipbook_page_section_4_values_on_one_line():
    """Page 9 of a flipbook: 四's 15 values on one line under vertical header characters.

    The page holds no template marker; the tokens and the section 四 reader are checked directly here
    (``parse_bytes`` on the whole page: tests/test_parse_section4_page.py).
    """
    tokens = text_tokens((FIXTURES / "text" / "audit_2020_flipbook_page9.txt").read_text("utf-8"))
    spans = sections.spans(tokens)
    out = tables.Extraction()
    assert tables.review_litigation(tokens, spans["review_litigation"], out) == 15
    assert flatten(out.values["review_litigation"]) == dict.fromkeys(flatten(EXPECTED["review_litigation"]), 0)
    assert out.warnings == []
    assert sections.section_text(tokens, spans["problems_improvements"]).startswith("2020 年,在区政府")
