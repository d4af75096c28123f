"""Canonical report → every shape a report reaches the parser in: text, HTML variants, DOCX, PDF.

The round-trip tests need the *same* numbers printed the many ways real portals
print them, so that a parser bug shows up as a changed value rather than as a
hand-written fixture that happens to agree with the parser.  The tables come
from ``render.py``'s table model (one source of labels and merged cells); this
module only lays them out.

PDF library choice: reportlab.  It is maintained (BSD, releases every few
months), pure Python for what is used here, and ships Adobe's CID font
``STSong-Light``: Chinese text needs no font file on the machine, and pdfminer
(under pdfplumber) maps the CIDs back to Unicode, so the parser reads the same
characters that were written.  fpdf2 would need a TTF found on the system, which
differs between machines and CI images.

Null cells: where a layout keeps every cell's position (grids, rows) a null is
an empty cell; where it does not (one cell per line or per paragraph) an empty
cell would vanish, so those layouts print the placeholder a real report prints
("/"), except ``cell_lines_empty``, where each cell is followed by a blank line
and an empty cell is one more empty line, as converters print it.  Either way
the parser must read null, never 0.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from html import escape

import lxml.html
from lxml import etree

from . import render
from .render import Table, place

TEXT_VARIANTS = ("pipe", "tab", "markdown", "cell_lines", "cell_lines_empty", "paragraph_cells", "lone_pipe",
                 "spaces")
HTML_VARIANTS = (*render.STYLES, "nested", "nbsp", "split_labels", "split_header", "stray_cells",
                 "traditional", "fullwidth_digits", "placeholders", "no_captions", "one_table",
                 "review_by_group", "review_by_outcome")
PLACEHOLDER = "/"
SPACES_WRAP = 16  # characters of a row label per line in the "spaces" text layout (a narrow PDF cell)

# Simplified → traditional for characters of the template labels (a small map, the inverse of what
# the parser folds back); enough to make a traditional-script copy of a report's tables.
TRAD = str.maketrans({
    "开": "開", "报": "報", "处": "處", "复": "複", "议": "議", "讼": "訟", "计": "計", "数": "數",
    "请": "請", "权": "權", "机": "機", "构": "構", "属": "屬", "国": "國", "险": "險", "稳": "穩",
    "护": "護", "务": "務", "过": "過", "执": "執", "询": "詢", "无": "無", "规": "規", "范": "範",
    "费": "費", "结": "結", "转": "轉", "续": "續", "办": "辦", "维": "維", "纠": "糾", "审": "審",
    "总": "總", "况": "況", "现": "現", "关": "關", "实": "實", "项": "項", "会": "會", "发": "發",
    "废": "廢", "业": "業", "组": "組", "织": "織", "单": "單", "对": "對", "确": "確", "认": "認",
    "获": "獲", "补": "補", "额": "額", "购": "購", "采": "採", "强": "強", "许": "許", "罚": "罰",
    "访": "訪", "举": "舉", "诉": "訴", "类": "類", "为": "為", "区": "區", "县": "縣",
})
_FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


# ---------------------------------------------------------------------------
# The document model: paragraphs (str) and tables, in reading order.


def document(report: dict) -> list[str | Table]:
    """Title, headings, prose lines and tables in the order ``render_report_html`` prints them."""
    version = report.get("template_version") or "none"
    texts = report.get("texts") or {}
    out: list[str | Table] = [report["title"]] if report.get("title") else []

    def prose(key: str) -> None:
        out.extend(line.strip() for line in (texts.get(key) or "").splitlines() if line.strip())

    if version not in ("2019", "2021"):
        for heading, key in (("一、总体情况", "overview"), ("二、存在的主要问题及改进情况", "problems_improvements"),
                             ("三、其他需要报告的事项", "other_matters")):
            out.append(heading)
            prose(key)
        return out
    titles = render.section_titles(version)
    out.append(titles["overview"])
    prose("overview")
    out.append(titles["proactive_disclosure"])
    out.extend(block for _, block in render.disclosure_tables(report, version))
    out.append(titles["applications"])
    out.append(render.applications_table(report, version))
    out.append(titles["review_litigation"])
    out.append(render.review_table(report))
    out.append(titles["problems_improvements"])
    prose("problems_improvements")
    out.append(titles["other_matters"])
    prose("other_matters")
    return out


def expand(table: Table) -> list[list[str]]:
    """The table as a full grid of strings; cells covered by a merged cell are ""."""
    placed = place(table)
    width = max((c + cell.colspan for row in placed for c, cell in row), default=0)
    grid = [[""] * width for _ in placed]
    for r, row in enumerate(placed):
        for c, cell in row:
            grid[r][c] = cell.text
    return grid


def metadata_lines(meta: dict[str, str] | None) -> list[str]:
    return [f"{k}：{v}" for k, v in (meta or {}).items()]


# ---------------------------------------------------------------------------
# Text.


def _null(text: str, kind: str) -> str:
    return PLACEHOLDER if kind == "value" and text == "" else text


def render_text(report: dict, variant: str = "pipe", meta: dict[str, str] | None = None) -> str:
    """The report flattened to text the ways copy-paste and converters flatten it."""
    if variant not in TEXT_VARIANTS:
        raise ValueError(f"unknown text variant {variant!r}; one of {TEXT_VARIANTS}")
    lines: list[str] = metadata_lines(meta)
    for block in document(report):
        if isinstance(block, str):
            lines.append(block)
            if variant in ("cell_lines", "cell_lines_empty"):
                lines.append("")
            continue
        if variant == "pipe":  # printed cells only, as "a | b | c |"
            lines += [" | ".join(c.text for c in row) + " |" for row in block]
        elif variant == "tab":  # full grid, merged cells leave empty fields
            lines += ["\t".join(row) for row in expand(block)]
        elif variant == "markdown":
            grid = expand(block)
            lines += ["| " + " | ".join(grid[0]) + " |", "|" + "---|" * len(grid[0])]
            lines += ["| " + " | ".join(row) + " |" for row in grid[1:]]
        elif variant == "cell_lines_empty":  # a blank line after each cell, an empty cell an empty line
            for row in block:
                for c in row:
                    lines += [c.text, ""]
        elif variant in ("cell_lines", "paragraph_cells"):
            for row in block:
                for c in row:
                    lines.append(_null(c.text, c.kind))
                    if variant == "cell_lines":
                        lines.append("")
        elif variant == "spaces":  # a PDF text layer: "label v v v", long labels wrapped before the values
            for row in block:
                labels = " ".join(c.text for c in row if c.kind != "value" and c.text)
                values = [_null(c.text, c.kind) for c in row if c.kind == "value"]
                if values and len(labels) > SPACES_WRAP:
                    cut = len(labels) - (len(labels) - 1) % SPACES_WRAP - 1
                    lines += [labels[k : k + SPACES_WRAP] for k in range(0, cut, SPACES_WRAP)]
                    labels = labels[cut:]
                lines.append(" ".join([labels, *values]).strip())
        else:  # lone_pipe: "| label", then each further cell followed by a line holding only "|"
            for row in block:
                first, *rest = row
                lines += [f"| {_null(first.text, first.kind)}", "|"]
                for c in rest:
                    lines += [_null(c.text, c.kind), "|"]
                lines.append("|||")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# HTML: render.py's styles plus the perturbations editors and CMSs add.


def _cells(root: etree._Element):
    return [el for el in root.iter("td", "th")]


def _cell_text(td: etree._Element) -> str:
    return "".join(td.itertext()).replace("\xa0", " ").strip()


def _set_text(td: etree._Element, html: str) -> None:
    for child in list(td):
        td.remove(child)
    frag = lxml.html.fragment_fromstring(f"<span>{html}</span>")
    td.text = None
    td.append(frag)


def _split_label(text: str) -> str:
    """Break a long label as narrow Word cells do: after its numbering, or in the middle."""
    m = re.match(r"^((?:[（(][一二三四五六七八九十]+[）)]|\d[.．、]|[一二三四五六七八九十]+、))(.+)$", text)
    if m:
        return f"{escape(m.group(1))}<br>{escape(m.group(2))}"
    half = len(text) // 2
    return f"{escape(text[:half])} {escape(text[half:])}"


def _split_header_rows(root: etree._Element) -> None:
    """Section 二's 信息内容 header row becomes two rows: label heads on top, their second halves below."""
    for tr in list(root.iter("tr")):
        tds = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if not tds or _cell_text(tds[0]) != "信息内容":
            continue
        second = etree.Element("tr")
        tds[0].set("rowspan", "2")
        for td in tds[1:]:
            text = _cell_text(td)
            cut = 3 if len(text) > 4 else len(text)
            _set_text(td, escape(text[:cut]))
            low = etree.SubElement(second, "td")
            if td.get("colspan"):
                low.set("colspan", td.get("colspan"))
            low.text = text[cut:]
        tr.addnext(second)


def _perturb(html: str, variant: str) -> str:
    if variant == "nested":
        return f'<table width="100%"><tr><td class="layout">{html}</td></tr></table>'
    if variant == "traditional":
        return html.translate(TRAD)
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for td in _cells(root):
        text = _cell_text(td)
        numeric = bool(re.fullmatch(r"[+-]?\d+(?:\.\d+)?", text))
        if variant == "nbsp" and text == "":
            _set_text(td, "&nbsp;&nbsp;")
        elif variant == "fullwidth_digits" and numeric:
            _set_text(td, escape(text.translate(_FULLWIDTH)))
        elif variant == "split_labels" and not numeric and 4 <= len(text) <= 40 and "勾稽" not in text:
            _set_text(td, _split_label(text))
    if variant == "split_header":
        _split_header_rows(root)
    if variant == "no_captions":  # section 二 without its 第二十条第（X）项 caption rows
        for tr in list(root.iter("tr")):
            if _cell_text(tr).startswith("第二十条"):
                tr.getparent().remove(tr)
    if variant == "one_table":  # the whole article in one table: paragraphs become full-width rows
        giant = etree.Element("table", border="1")
        for child in list(root):
            if child.tag == "table":
                for tr in list(child.iter("tr")):
                    giant.append(tr)
            else:
                td = etree.SubElement(etree.SubElement(giant, "tr"), "td", colspan="16")
                td.append(child)
        return lxml.html.tostring(giant, encoding="unicode")
    if variant == "stray_cells":
        for tr in root.iter("tr"):
            etree.SubElement(tr, "td").text = "\xa0"
    return "".join(lxml.html.tostring(c, encoding="unicode") for c in root)


_SENTINEL = 987654321  # stands for a null cell in the "placeholders" variant, replaced after rendering


def _with_sentinel(node):
    if isinstance(node, dict):
        return {k: _with_sentinel(v) for k, v in node.items()}
    return _SENTINEL if node is None else node


def render_html(report: dict, variant: str = "word", meta: dict[str, str] | None = None) -> str:
    """A whole page: metadata table (gkmlpt/TRS style) then the article body in one variant."""
    if variant not in HTML_VARIANTS:
        raise ValueError(f"unknown HTML variant {variant!r}; one of {HTML_VARIANTS}")
    style = variant if variant in render.STYLES else ("word" if variant in ("nbsp", "traditional") else "plain")
    source = report
    if variant in ("placeholders", "paragraphs"):  # layouts where an empty cell would vanish
        source = {**report, **{k: _with_sentinel(report.get(k) or {})
                               for k in ("proactive_disclosure", "applications", "review_litigation")}}
    review = variant.removeprefix("review_") if variant.startswith("review_") else "row"
    body = render.render_report_html(source, style, review).replace(str(_SENTINEL), PLACEHOLDER)
    if variant not in render.STYLES and review == "row":
        body = _perturb(body, variant)
    head = ""
    if meta:
        cells = "".join(f"<tr><td class='label'>{escape(k)}：</td><td>{escape(v)}</td></tr>" for k, v in meta.items())
        head = f'<div class="xxgk-meta"><table class="gkml-table">{cells}</table></div>\n'
    title = escape(report.get("title") or "")
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_政府信息公开</title></head>'
            f'<body>{head}<div class="article-content" id="zoom">{body}</div></body></html>')


# ---------------------------------------------------------------------------
# DOCX: Word tables with merged cells.


def render_docx(report: dict, meta: dict[str, str] | None = None) -> bytes:
    import docx

    document_ = docx.Document()
    for line in metadata_lines(meta):
        document_.add_paragraph(line)
    for block in document(report):
        if isinstance(block, str):
            document_.add_paragraph(block)
            continue
        placed = place(block)
        width = max(c + cell.colspan for row in placed for c, cell in row)
        table = document_.add_table(rows=len(block), cols=width)
        table.style = "Table Grid"
        # Cell objects fetched once (table.cell() rescans the table on each call); merges do not
        # overlap, so each fetched corner stays valid while the others are merged.
        grid = [list(row.cells) for row in table.rows]
        for r, row in enumerate(placed):
            for c, cell in row:
                target = grid[r][c]
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(grid[r + cell.rowspan - 1][c + cell.colspan - 1])
                lines = cell.text.split("\n")
                target.paragraphs[0].text = lines[0]
                for extra in lines[1:]:
                    target.add_paragraph(extra)
    buf = io.BytesIO()
    document_.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------
# PDF: ruled tables as a WPS/Word export prints them.

_FONT = "STSong-Light"
_VERTICAL = ("申请人情况", "三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理")


PDF_VARIANTS = ("ruled", "unruled")


def render_pdf(report: dict, meta: dict[str, str] | None = None, variant: str = "ruled") -> bytes:
    """A4 PDF; group labels of section 三 are printed one character per line, as in narrow Word columns.

    ``unruled``: the tables drawn without lines, as WPS and some converters export them, so that the
    text layer is all a reader gets (rows as "label v v v", long labels wrapped around the values);
    an empty cell would vanish there, so nulls print the placeholder "/".
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as RLTable

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    body = ParagraphStyle("body", fontName=_FONT, fontSize=10, leading=14, wordWrap="CJK")
    cell_style = ParagraphStyle("cell", fontName=_FONT, fontSize=7, leading=9, wordWrap="CJK")
    buf = io.BytesIO()
    # invariant: no creation time or random document id, so the same report is the same bytes
    # (a server serves a file unchanged until it changes; the portal must too).
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=36, rightMargin=36, topMargin=40, bottomMargin=40,
                            title=report.get("title") or "", invariant=1)
    flow: list = [Paragraph(escape(line), body) for line in metadata_lines(meta)]
    for block in document(report):
        if isinstance(block, str):
            flow.append(Paragraph(escape(block), body))
            continue
        placed = place(block)
        width = max(c + cell.colspan for row in placed for c, cell in row)
        grid: list[list] = [[""] * width for _ in block]
        spans = []
        for r, row in enumerate(placed):
            for c, cell in row:
                text = cell.text
                if text in _VERTICAL and cell.rowspan > 2:
                    text = "\n".join(text)
                if variant == "unruled" and cell.kind == "value" and not text:
                    text = PLACEHOLDER
                grid[r][c] = text if cell.kind == "value" else Paragraph(escape(text).replace("\n", "<br/>"),
                                                                        cell_style)
                if cell.rowspan > 1 or cell.colspan > 1:
                    spans.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
        usable = A4[0] - 72
        widths = _column_widths(block, width, usable)
        lines = [("GRID", (0, 0), (-1, -1), 0.5, "black")] if variant == "ruled" else []
        table = RLTable(grid, colWidths=widths, style=TableStyle([
            *lines, ("FONTNAME", (0, 0), (-1, -1), _FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 7), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *spans]))
        flow += [table, Spacer(1, 6)]
    doc.build(flow)
    return buf.getvalue()


def _column_widths(table: Table, width: int, usable: float) -> list[float]:
    if width == 10:  # section 三: 3 label columns, 7 value columns
        return [22, 40, 170] + [(usable - 232) / 7] * 7
    if width == 15:
        return [usable / 15] * 15
    return [usable * 0.34] + [usable * 0.66 / (width - 1)] * (width - 1)


# ---------------------------------------------------------------------------


RENDERERS: dict[str, Callable[..., str | bytes]] = {
    "text": render_text, "html": render_html,
    "docx": lambda report, variant="word", meta=None: render_docx(report, meta),
    "pdf": lambda report, variant="ruled", meta=None: render_pdf(report, meta, variant),
}
EXTENSIONS = {"text": ".txt", "html": ".html", "docx": ".docx", "pdf": ".pdf"}


def render_as(report: dict, fmt: str, variant: str, meta: dict[str, str] | None = None) -> tuple[bytes, str]:
    """(bytes, file name) of ``report`` in one format and variant."""
    out = RENDERERS[fmt](report, variant, meta)
    data = out.encode("utf-8") if isinstance(out, str) else out
    return data, f"report{EXTENSIONS[fmt]}"
