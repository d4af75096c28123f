"""A page that holds only section 四 still gives its values.

Flipbooks publish a report one page per HTML file, and the page that prints the 行政复议/行政诉讼
table often prints nothing of sections 二 and 三: no label there names the template.  Section 四's
15 columns are the same in the 2019 and the 2021 template, so its values are read all the same; the
template stays unknown ("none") and the status says the other sections are missing.  The table is
known by its header's two lawsuit groups (未经复议直接起诉, 复议后起诉), which no report written before
the templates prints: an old report's "行政复议、行政诉讼" prose is not read as the table.
"""

from __future__ import annotations

from conftest import FIXTURES

from nianbao import rows
from parsers.report import parse_bytes

ZEROS = {g: dict.fromkeys(("upheld", "corrected", "other", "pending", "total"), 0)
         for g in ("review", "litigation_direct", "litigation_after_review")}


def parse_fixture(name: str) -> dict:
    path = FIXTURES / "text" / name
    return parse_bytes(path.read_bytes(), filename=name)


def test_a_flipbook_page_with_only_section_4_gives_its_15_values():
    """Page 8 of 威海市文登区信访局's 2022 flipbook: heading, broken header lines, 15 zeros, then 五."""
    report = parse_fixture("wendeng_xfj_2022_flipbook_page8.txt")
    assert report["review_litigation"] == ZEROS
    assert report["template_version"] == "none"
    assert report["status"] == "partial"
    assert report["errors"] == ["section proactive_disclosure not found", "section applications not found"]
    assert report["title"] == "威海市文登区信访局2022年政府信息公开工作年度报告"
    # Section 四's own rules apply whatever the template; those of 二 and 三 are not listed.
    assert [c["rule"] for c in report["checks"]] == ["REVIEW_TOTAL", "LIT_DIRECT_TOTAL", "LIT_AFTER_REVIEW_TOTAL",
                                                      "NONNEGATIVE", "INTEGER_COUNTS"]
    assert all(c["status"] == "pass" for c in report["checks"])
    assert report["provenance"]["review_litigation.review.total"]["line"] == 9


def test_vertical_header_characters_and_the_last_row_of_section_3_before_it():
    """Page 9 of the flipbook "2020年报_审计局": 三's last row, then 四 under one-character header lines."""
    report = parse_fixture("audit_2020_flipbook_page9.txt")
    assert report["review_litigation"] == ZEROS
    assert report["status"] == "partial"
    # The book's name is the only title printed; its "_" joins the report's name and the body.
    assert report["title"] == "2020年报_审计局"
    assert report["issuing_body"] == "审计局"


def test_a_report_written_before_the_templates_is_not_read_as_section_4():
    text = ("2013年某某局政府信息公开工作年度报告\n一、概述\n2013年，我局主动公开信息120条。\n"
            "四、因政府信息公开申请行政复议、提起行政诉讼的情况\n2013年，我局发生行政复议1件、行政诉讼2件，"
            "结果维持1件。\n五、存在的主要问题及改进措施\n无。\n")
    report = parse_bytes(text.encode(), filename="old.txt")
    assert report["review_litigation"] == {}
    assert report["checks"] == []


def test_the_published_rows_of_a_section_4_page():
    """The build writes such a report's section 四 rows and checks; labels are section 四's own."""
    report = parse_fixture("wendeng_xfj_2022_flipbook_page8.txt")
    review = rows.review_rows("r1", report)
    assert [(r["group_key"], r["group_label"], r["total"]) for r in review] == [
        ("review", "行政复议", 0), ("litigation_direct", "未经复议直接起诉", 0),
        ("litigation_after_review", "复议后起诉", 0)]
    assert rows.application_rows("r1", report) == []
    assert rows.disclosure_rows("r1", report) == []
    assert {r["rule"] for r in rows.check_rows("r1", report)} >= {"REVIEW_TOTAL"}
    assert len(rows.cell_rows("r1", report)) == 15


def test_sections_2_and_3_pasted_as_pictures_are_named_beside_a_printed_section_4():
    """County portals paste 二 and 三 as pictures and print 四 as a table: 四 is read, and the errors
    say where the pictures are, so a reader knows the values exist but were not read (no OCR)."""
    head = "".join(f"<td>{x}</td>" for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2)
    review = ("<table><tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>"
              "<tr><td rowspan=2>结果维持</td><td rowspan=2>结果纠正</td><td rowspan=2>其他结果</td>"
              "<td rowspan=2>尚未审结</td><td rowspan=2>总计</td><td colspan=5>未经复议直接起诉</td>"
              f"<td colspan=5>复议后起诉</td></tr><tr>{head}</tr>"
              "<tr>" + "".join(f"<td>{v}</td>" for v in (1, 0, 0, 0, 1, 0, 2, 0, 0, 2, 0, 0, 0, 0, 0)) + "</tr></table>")
    page = ("<html><body><h1>某某县2022年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>2022年，我县……</p>"
            "<p>二、主动公开政府信息情况</p><p><img src='a.png'></p>"
            "<p>三、收到和处理政府信息公开申请情况</p><p><img src='b.png'></p><p><img src='c.png'></p>"
            f"<p>四、政府信息公开行政复议、行政诉讼情况</p>{review}<p>五、存在的主要问题及改进情况</p><p>无。</p>"
            "</body></html>")
    report = parse_bytes(page.encode(), filename="page.html")
    assert report["status"] == "partial" and report["template_version"] == "none"
    assert report["review_litigation"]["review"]["total"] == 1
    assert report["review_litigation"]["litigation_direct"]["corrected"] == 2
    assert report["errors"] == [
        "section proactive_disclosure: no standard table found; 1 image(s) there: tables printed as pictures"
        " are not read (no OCR)",
        "section applications: no standard table found; 2 image(s) there: tables printed as pictures are not"
        " read (no OCR)"]
