"""Reports the portal publishes as files: a real PDF shipped in ``files/`` and DOCX written with python-docx.

The PDF is a real report (淮安市人民政府2024年政府信息公开工作年度报告, see
``files/huaian_szf_2024_report.json`` for where its values come from).  The DOCX
is generated from a report dict the way Word reports look: a centred title,
section headings as paragraphs, and the three tables with merged header cells,
grouped row labels and header text broken over two lines.
"""

from __future__ import annotations

import io
import json
from functools import cache
from importlib import resources

from .render import Table, applications_table, disclosure_tables, place, review_table, section_titles

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Narrow Word cells wrap these headers; the line break is in the file as in real reports.
_BREAKS = {"商业企业": "商业\n企业", "科研机构": "科研\n机构", "社会公益组织": "社会公\n益组织",
           "法律服务机构": "法律服\n务机构", "结果维持": "结果\n维持", "结果纠正": "结果\n纠正"}


@cache
def huaian_pdf() -> bytes:
    return resources.files("nianbao.portal").joinpath("files/huaian_szf_2024_report.pdf").read_bytes()


def huaian_report() -> dict:
    """The PDF's values in the canonical report shape (a fresh copy each call)."""
    text = resources.files("nianbao.portal").joinpath("files/huaian_szf_2024_report.json").read_text("utf-8")
    return json.loads(text)["report"]


def _grid(table: Table) -> tuple[list[tuple[int, int, object]], int]:
    """(row, column, cell) of every cell on the grid, and the grid's width."""
    placed = [(r, col, cell) for r, row in enumerate(place(table)) for col, cell in row]
    width = max((col + cell.colspan for _, col, cell in placed), default=0)
    return placed, width


def _add_table(document, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.table import _Cell

    placed, width = _grid(table)
    out = document.add_table(rows=len(table), cols=width)
    out.style = "Table Grid"
    # The <w:tc> elements before any merge: Table.cell() rescans the whole grid on every call.
    tcs = [list(tr.tc_lst) for tr in out._tbl.tr_lst]
    for r, c, cell in placed:
        target = _Cell(tcs[r][c], out)
        if cell.rowspan > 1 or cell.colspan > 1:
            # Each span is merged once, from its own corners, so the elements it absorbs are never used again.
            target = target.merge(_Cell(tcs[r + cell.rowspan - 1][c + cell.colspan - 1], out))
        lines = _BREAKS.get(cell.text, cell.text).split("\n")
        target.text = lines[0]
        para = target.paragraphs[0]
        for line in lines[1:]:
            run = para.add_run()
            run.add_break()
            para.add_run(line)
        if cell.kind != "label":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER


def report_docx(report: dict, note: str = "") -> bytes:
    """A Word file of a report with tables (2019 or 2021 template); ``note`` ends it (a correction)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    version = report["template_version"]
    titles = section_titles(version)
    texts = report.get("texts") or {}
    document = docx.Document()
    document.core_properties.title = report.get("title") or ""
    document.core_properties.author = "办公室"
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(report.get("title") or "")
    run.bold, run.font.size = True, Pt(18)

    def section(key: str) -> None:
        document.add_paragraph().add_run(titles[key]).bold = True

    def prose(key: str) -> None:
        for line in (texts.get(key) or "").splitlines():
            if line.strip():
                document.add_paragraph(line.strip())

    section("overview")
    prose("overview")
    section("proactive_disclosure")
    _add_table(document, [row for _, block in disclosure_tables(report, version) for row in block])
    section("applications")
    _add_table(document, applications_table(report, version))
    section("review_litigation")
    _add_table(document, review_table(report))
    section("problems_improvements")
    prose("problems_improvements")
    section("other_matters")
    prose("other_matters")
    if note:
        document.add_paragraph(note)
    buf = io.BytesIO()
    document.save(buf)
    return _stable_zip(buf.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The same package with every member dated alike: python-docx stamps each with the time of
    saving, and the same report must be the same bytes in every portal start (as a server's file)."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(zipfile.ZipInfo(item.filename, date_time=(2020, 1, 1, 0, 0, 0)),
                            source.read(item.filename), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
