"""The metadata block as real portals print it in text (parsers.metadata): a value ends at the next
``label：`` of any wording, a known label inside a longer one is not a field, and bulleted labels
with their value on the next line are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.rows import metadata_columns
from parsers import metadata, parse_bytes
from parsers.tokens import text_tokens

FIXTURES = Path(__file__).parent / "fixtures" / "text"


def meta(text: str) -> dict[str, str]:
    return metadata.extract(text_tokens(text))


def parse_file(name: str) -> dict:
    return parse_bytes((FIXTURES / name).read_bytes(), filename=name)


# ---------------------------------------------------------------------------
# G1: a value ends at the next label, known or not


@pytest.mark.parametrize(("line", "expected"), [
    ("发布者:区教体局   发布日期:2021-01-19 14:36:15   浏览次数:19432",
     {"发布者": "区教体局", "发布日期": "2021-01-19 14:36:15"}),
    ("来源:原创     发布时间:2023-01-31 13:24    浏览次数:次", {"来源": "原创", "发布时间": "2023-01-31 13:24"}),
    ("发布机构:市住房和城乡建设局 发布时间: 2022-01-27 浏览次数:",
     {"发布机构": "市住房和城乡建设局", "发布时间": "2022-01-27"}),
    ("发布时间: 2020-02-20 10:10 文章字号:", {"发布时间": "2020-02-20 10:10"}),
    ("来源:区人民政府办公室 时间:2017-01-12 10:01", {"来源": "区人民政府办公室", "时间": "2017-01-12 10:01"}),
    ("来源:攀枝花市西区审计局 选择阅读字号:[ ] 阅读次数:", {"来源": "攀枝花市西区审计局"}),
    # glued to the value before it, a known label still starts a pair
    ("索引号：123发布机构：某局", {"索引号": "123", "发布机构": "某局"}),
    ("来源：区人民政府办公室时间：2017-01-12", {"来源": "区人民政府办公室", "时间": "2017-01-12"}),
])
def test_a_value_ends_at_the_next_label_known_or_not(line, expected):
    assert meta(line) == expected


def test_unknown_labels_end_values_in_real_excerpts():
    """前进区教育局 2020 and 晋安区 2016: 浏览次数 and 时间 no longer run into the value before them."""
    assert parse_file("qianjin_jyj_2020_meta.txt")["metadata"] == {"发布者": "区教体局",
                                                                  "发布日期": "2021-01-19 14:36:15"}
    d = parse_file("fzja_jinan_qzf_2016_meta.txt")
    assert d["metadata"] == {"来源": "区人民政府办公室", "时间": "2017-01-12 10:01"}
    assert d["issuing_body"] == "福州市晋安区"


def test_time_fills_the_published_date_column_but_the_poster_is_not_the_publisher():
    columns = metadata_columns({"发布者": "admin", "时间": "2017-01-12 10:01"})
    assert columns["published_date"] == "2017-01-12 10:01"
    assert columns["publisher"] is None


# ---------------------------------------------------------------------------
# G2: a known label inside a longer, unknown one


@pytest.mark.parametrize(("line", "expected"), [
    ("文 号: 文件分类: 所属机构:", {"文号": "", "文件分类": "", "所属机构": ""}),
    ("文号: 业务分类: 所属机构:", {"文号": "", "所属机构": ""}),
    ("来源：某局 发文时间：2021-01-01", {"来源": "某局"}),
    ("索引号：x 副标题：y", {"索引号": "x"}),
])
def test_a_known_label_inside_a_longer_label_is_not_a_field(line, expected):
    assert meta(line) == expected


def test_xialuqu_empty_fields_stay_empty():
    """新下陆街道 2022: `文 号: 文件分类: 所属机构:` all empty; 文号 was read as `文件`."""
    m = parse_file("xialuqu_xinxialu_jd_2022_meta.txt")["metadata"]
    assert m["文号"] == "" and m["文件分类"] == "" and m["所属机构"] == ""
    assert m["索引号"] == "000014349/2023-05239" and m["发布日期"] == "2023-01-17" and m["发布机构"] == "新下陆街道"


# ---------------------------------------------------------------------------
# G3: bullets, and a bare label with its value on the next line


def test_bulleted_labels_with_the_value_on_the_next_line():
    """汝州市住建局 2021 (Henan portals): `• 索引号` / `• SZFHCXJSJ202200002` …"""
    d = parse_file("ruzhou_zjj_2021_bullet_meta.txt")
    assert d["metadata"] == {
        "发文字号": "", "索引号": "SZFHCXJSJ202200002", "发布日期": "2022-01-27", "主题分类": "市政府各部门",
        "体裁分类": "", "服务对象": "", "发布机构": "市住房和城乡建设局", "发布时间": "2022-01-27",
    }
    assert d["title"] == "汝州市住房和城乡建设局2021年政府信息公开工作年度报告"


def test_bulleted_pairs_on_their_lines():
    """柳湖镇 2019: `• 时间:2020-01-23 14:59` / `• 浏览次数:` / `• 来源:柳湖镇`."""
    assert parse_file("kongtong_liuhu_2019_bullet_meta.txt")["metadata"] == {"时间": "2020-01-23 14:59",
                                                                            "来源": "柳湖镇"}


def test_labels_without_bullets_with_the_value_on_the_next_line():
    text = "发文字号\n索引号\nSZFHCXJSJ202200002\n发布日期\n2022-01-27\n某局2021年政府信息公开工作年度报告\n"
    assert meta(text) == {"发文字号": "", "索引号": "SZFHCXJSJ202200002", "发布日期": "2022-01-27"}


@pytest.mark.parametrize("text", [
    # a label printed with its colon and nothing after it is empty: the title below is not its value
    "文号：\n某局2021年政府信息公开工作年度报告\n一、总体情况\n",
    # a bulleted label does not take an unbulleted line, nor one after a blank line
    "• 服务对象\n某局2021年政府信息公开工作年度报告\n一、总体情况\n",
    "服务对象\n\n某局2021年政府信息公开工作年度报告\n一、总体情况\n",
])
def test_the_title_below_an_empty_label_is_not_its_value(text):
    d = parse_bytes(text.encode(), filename="r.txt")
    assert d["title"] == "某局2021年政府信息公开工作年度报告"
    assert set(d["metadata"].values()) == {""}


def test_a_bulleted_label_in_html_blocks():
    page = ("<html><body><ul><li>• 索引号</li><li>• 001/2022-1</li><li>• 发布日期</li><li>• 2022-01-27</li></ul>"
            "<h1>某局2021年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>2021年，我局推进政务公开。</p>"
            "</body></html>")
    d = parse_bytes(page.encode(), filename="r.html")
    assert d["metadata"] == {"索引号": "001/2022-1", "发布日期": "2022-01-27"}


def test_traditional_script_labels_give_the_same_fields_with_values_as_printed():
    from parsers import metadata
    from parsers.tokens import Token

    lines = ["索引號:035210000/2025-00016", "發布機構:江蘇省水利廳", "• 發布日期:2025-09-02 15:46"]
    got = metadata.extract([Token(line, {"line": n + 1, "col": 0}) for n, line in enumerate(lines)])
    assert got == {"索引号": "035210000/2025-00016", "发布机构": "江蘇省水利廳", "发布日期": "2025-09-02 15:46"}


def test_a_label_with_its_colon_takes_the_next_line_only_when_the_value_has_its_shape():
    from parsers import metadata
    from parsers.tokens import Token

    lines = ["发布时间:", "2023-01-18 10:36", "信息来源:", "市政府办公室", "文号:", "某市2022年政府信息公开工作年度报告"]
    got = metadata.extract([Token(line, {"line": n + 1, "col": 0}) for n, line in enumerate(lines)])
    # A date under a date label; not a body under 信息来源 or a title under 文号 (they may be empty).
    assert got == {"发布时间": "2023-01-18 10:36", "信息来源": "", "文号": ""}
