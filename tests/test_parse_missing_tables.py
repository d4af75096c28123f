"""A report from 2019 on without readable tables is `partial`, and says why; an older one is not.

County portals often paste the three tables as pictures (a screenshot of the Word file), or put
them only in an attachment.  The values are then missing, not absent: a researcher filtering on
`parse_status = 'ok'` must not count such a report as read.  Before 2019 there were no standard
tables, so their absence is normal there.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from parsers.report import parse_bytes

SECTIONS = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "PNG")
    return out.getvalue()


def page(year: int, body: str) -> bytes:
    return f"""<html><head><meta charset="utf-8"><title>某某区人民政府{year}年政府信息公开工作年度报告</title></head>
<body><div class="article"><h1>某某区人民政府{year}年政府信息公开工作年度报告</h1>
<p><img src="/images/logo.png"></p>
<p>一、总体情况</p><p>{year}年，我区深入推进政务公开。</p>
{body}
<p>五、存在的主要问题及改进情况</p><p>一是公开质量有待提高。</p>
<p>六、其他需要报告的事项</p><p>无。</p></div></body></html>""".encode()


def test_tables_printed_as_pictures_make_a_partial_parse_that_names_them():
    body = "".join(f'<p>{h}</p><p style="text-align:center"><img src="/u/t{n}.png" /></p>'
                   for n, h in enumerate(SECTIONS))
    report = parse_bytes(page(2022, body), filename="r.html")
    assert report["status"] == "partial"
    # The logo above section 一 is not counted: only pictures inside sections 二–四 are.
    assert report["errors"] == ["no standard tables found in sections 二–四; 3 image(s) there: "
                                "tables printed as pictures are not read (no OCR)"]
    assert report["template_version"] == "none"
    assert report["applications"] == {} and report["checks"] == []
    assert report["texts"]["overview"] == "2022年，我区深入推进政务公开。"


def test_a_picture_inside_a_paragraph_with_text_is_counted_once():
    body = (f"<p>{SECTIONS[0]}</p><div><p>见下表：<img src='/a.png'/></p></div>"
            f"<p>{SECTIONS[1]}</p><div><span><img src='/b.png'/></span><p>说明</p></div>")
    report = parse_bytes(page(2021, body), filename="r.html")
    assert "2 image(s)" in report["errors"][0]


def test_sections_without_tables_or_pictures():
    body = "".join(f"<p>{h}</p><p>本年度共主动公开信息120条。</p>" for h in SECTIONS)
    report = parse_bytes(page(2020, body), filename="r.html")
    assert report["status"] == "partial"
    assert report["errors"] == ["no standard tables found in sections 二–四"]


def test_a_2019_report_page_with_no_sections_at_all_points_to_its_attachment():
    data = ("<html><body><h1>某某镇2023年政府信息公开工作年度报告</h1>"
            "<p>详见附件：<a href='/a.pdf'>年度报告.pdf</a></p></body></html>").encode()
    report = parse_bytes(data, filename="r.html")
    assert report["status"] == "partial"
    assert report["errors"] == ["no standard tables found on the page"]


def test_before_2019_no_tables_is_normal():
    body = ("<p>二、主动公开政府信息情况</p><p>全年主动公开信息356条。<img src='/p.jpg'></p>"
            "<p>三、依申请公开政府信息情况</p><p>全年受理申请12件。</p>")
    report = parse_bytes(page(2017, body), filename="r.html")
    assert report["status"] == "ok"
    assert report["errors"] == []
    assert report["warnings"] == ["table sections found but neither template recognised"]


def test_pictures_in_a_docx_report():
    import docx
    from docx.shared import Cm

    document = docx.Document()
    document.add_paragraph("某某街道办事处2022年政府信息公开工作年度报告")
    document.add_paragraph("一、总体情况")
    document.add_paragraph("2022年，本街道深入推进政务公开。")
    for heading in SECTIONS:
        document.add_paragraph(heading)
        document.add_picture(io.BytesIO(png()), width=Cm(4))
    document.add_paragraph("五、存在的主要问题及改进情况")
    out = io.BytesIO()
    document.save(out)
    report = parse_bytes(out.getvalue(), filename="r.docx")
    assert report["status"] == "partial"
    assert "3 image(s)" in report["errors"][0]


@pytest.mark.parametrize("pictures", [0, 2])
def test_pictures_in_a_pdf_report(pictures):
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.setFont("STSong-Light", 12)
    y = 800
    for text in ("某某县人民政府2021年政府信息公开工作年度报告", "一、总体情况", "2021年，本县推进政务公开。",
                 *SECTIONS, "五、存在的主要问题及改进情况"):
        pdf.drawString(60, y, text)
        y -= 30
        if text in SECTIONS[:pictures]:
            pdf.drawImage(ImageReader(io.BytesIO(png())), 60, y - 20, 80, 40)
            y -= 60
    pdf.save()
    report = parse_bytes(out.getvalue(), filename="r.pdf")
    assert report["status"] == "partial"
    assert ("image(s)" in report["errors"][0]) == bool(pictures)
    if pictures:
        assert f"{pictures} image(s)" in report["errors"][0]


def test_a_table_whose_labels_are_found_but_no_value_says_so():
    from conftest import FIXTURES

    page = (FIXTURES / "html" / "15_missing_captions_2021.html").read_text("utf-8")
    start = page.index("<table", page.index("收到和处理政府信息公开申请情况"))
    end = page.index("</table>", start)
    import re

    blanked = page[:start] + re.sub(r"<td>\d+</td>", "<td></td>", page[start:end]) + page[end:]
    report = parse_bytes(blanked.encode(), filename="r.html")
    assert all(v is None for row in report["applications"].values() for v in row.values())
    assert "applications: its labels were found but not one value" in report["warnings"]
