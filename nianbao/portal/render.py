"""Canonical report dict → the HTML body a government CMS would publish.

The sample portal must look like the real thing to the crawler and the parser:
tables with the official labels of each template, merged header cells, grouped
row labels, and the markup quirks of the ways editors publish (Word export,
bare tables, copy-pasted paragraphs, tables split at a page break).  Labels come
from ``parsers/report_format.json`` so the portal and the parser share one
source of truth for wording, while the layout here is written independently.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from html import escape
from importlib import resources

STYLES = ("word", "plain", "paragraphs", "split_tables")
TEMPLATES = ("2019", "2021", "none")

# Where Word-exported tables wrap narrow header cells; the break is what real pages show.
_WORD_BREAKS = {
    "商业企业": "商业<br>企业",
    "科研机构": "科研<br>机构",
    "社会公益组织": "社会公<br>益组织",
    "法律服务机构": "法律服<br>务机构",
    "结果维持": "结果<br>维持",
    "结果纠正": "结果<br>纠正",
    "其他结果": "其他<br>结果",
    "尚未审结": "尚未<br>审结",
    "本年新制作数量": "本年新<br>制作数量",
    "本年新公开数量": "本年新<br>公开数量",
}
_CELL_STYLE = "border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"
_SPAN_STYLE = "font-size:10.5pt;font-family:宋体"
_NUM_STYLE = "font-size:10.5pt;font-family:'Times New Roman'"


@cache
def schema() -> dict:
    """The canonical schema shipped with the parsers package (package data, not a test file)."""
    return json.loads(resources.files("parsers").joinpath("report_format.json").read_text("utf-8"))


def template(version: str) -> dict:
    return schema()["templates"][version]


def section_titles(version: str = "2021") -> dict[str, str]:
    return {s["key"]: s["title"] for s in template(version)["sections"]}


# ---------------------------------------------------------------------------
# A table model every style renders from.


@dataclass
class Cell:
    text: str  # plain text, or "" for an empty cell
    kind: str = "label"  # "header" | "label" | "value"
    rowspan: int = 1
    colspan: int = 1


Table = list[list[Cell]]


def fmt_number(value: int | float | None) -> str:
    """A value as printed: integers plain, 万元 amounts with the decimals they were given."""
    if value is None:
        return ""
    if isinstance(value, bool):  # pragma: no cover - never in reports, guards against True → "True"
        value = int(value)
    if isinstance(value, int):
        return str(value)
    d = Decimal(repr(value))
    if d == d.to_integral_value() and "." not in repr(value):
        return str(int(d))
    return format(d, "f")


def _value(v) -> Cell:
    return Cell(fmt_number(v), "value")


def disclosure_tables(report: dict, version: str) -> list[tuple[str, Table]]:
    """Section 二 as one block per 第二十条 item: caption row, 信息内容 header row, data rows."""
    data = report.get("proactive_disclosure") or {}
    width = 1 + max(len(it["columns"]) for it in template(version)["tables"]["proactive_disclosure"]["items"])
    blocks = []
    for item in template(version)["tables"]["proactive_disclosure"]["items"]:
        cols = item["columns"]
        last_span = width - len(cols)  # the last column stretches to the table's width
        rows: Table = [[Cell(item["label"], "header", colspan=width)]]
        head = [Cell("信息内容", "header")]
        for n, c in enumerate(cols):
            head.append(Cell(c["label"], "header", colspan=last_span if n == len(cols) - 1 else 1))
        rows.append(head)
        for r in item["rows"]:
            values = (data.get(item["key"]) or {}).get(r["key"]) or {}
            row = [Cell(r["label"], "label")]
            for n, c in enumerate(cols):
                cell = _value(values.get(c["key"]))
                cell.colspan = last_span if n == len(cols) - 1 else 1
                row.append(cell)
            rows.append(row)
        blocks.append((item["key"], rows))
    return blocks


def applications_table(report: dict, version: str) -> Table:
    """Section 三 with the official merged header and grouped row labels (3 label columns + 7 values)."""
    spec = template(version)["tables"]["applications"]
    cols = [c for c in schema()["applicant_columns"]]
    data = report.get("applications") or {}
    by_key = {r["key"]: r for r in spec["rows"]}

    def depth(row: dict) -> int:
        d, g = 0, row.get("group")
        while g:
            d, g = d + 1, by_key[g].get("group")
        return d

    def data_rows_under(group: str) -> int:
        return sum(1 for r in spec["rows"] if r["data"] and _ancestor(r, group, by_key))

    org = [c for c in cols if c["group"] == "legal_person_or_other_org"]
    table: Table = [
        [Cell(spec["corner_note"], "header", rowspan=3, colspan=3), Cell("申请人情况", "header", colspan=7)],
        [Cell("自然人", "header", rowspan=2), Cell("法人或其他组织", "header", colspan=len(org)),
         Cell("总计", "header", rowspan=2)],
        [Cell(c["label"], "header") for c in org],
    ]
    pending: list[Cell] = []  # group labels waiting for the first data row they span
    for r in spec["rows"]:
        if not r["data"]:
            pending.append(Cell(r["label"], "label", rowspan=data_rows_under(r["key"])))
            continue
        label = Cell(r["label"], "label", colspan=3 - depth(r))
        values = (data.get(r["key"]) or {})
        table.append([*pending, label, *(_value(values.get(c["key"])) for c in cols)])
        pending = []
    return table


def _ancestor(row: dict, group: str, by_key: dict) -> bool:
    g = row.get("group")
    while g:
        if g == group:
            return True
        g = by_key[g].get("group")
    return False


REVIEW_LAYOUTS = ("row", "by_group", "by_outcome")


def review_table(report: dict, layout: str = "row") -> Table:
    """Section 四: 行政复议 (5) | 行政诉讼 (10 = 未经复议直接起诉 5 + 复议后起诉 5), one row of 15 values.

    Narrow pages print it otherwise: ``by_group`` one row per group (行政复议, 行政诉讼（未经复议直接起诉）,
    行政诉讼（复议后起诉）) under the five outcomes; ``by_outcome`` turned on its side, one row per outcome.
    """
    spec = template("2021")["tables"]["review_litigation"]
    labels = [c["label"] for c in spec["columns"]]
    data = report.get("review_litigation") or {}
    values = []
    for path in spec["cell_order"]:
        group, col = path.split(".")
        values.append(_value((data.get(group) or {}).get(col)))
    groups = [g["label"] if not g["parent_label"] else f"{g['parent_label']}（{g['label']}）" for g in spec["groups"]]
    if layout == "by_group":
        return [[Cell("", "header"), *(Cell(lab, "header") for lab in labels)],
                *([Cell(g, "label"), *values[5 * n : 5 * n + 5]] for n, g in enumerate(groups))]
    if layout == "by_outcome":
        return [[Cell("", "header"), *(Cell(g, "header") for g in groups)],
                *([Cell(lab, "label"), *values[o::5]] for o, lab in enumerate(labels))]
    return [
        [Cell("行政复议", "header", colspan=5), Cell("行政诉讼", "header", colspan=10)],
        [*(Cell(lab, "header", rowspan=2) for lab in labels),
         Cell("未经复议直接起诉", "header", colspan=5), Cell("复议后起诉", "header", colspan=5)],
        [Cell(lab, "header") for lab in labels * 2],
        values,
    ]


def place(table: Table) -> list[list[tuple[int, Cell]]]:
    """Each printed cell with its grid column, rowspan/colspan resolved (per row)."""
    occupied: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(table):
        col, out = 0, []
        for cell in row:
            while (r, col) in occupied:
                col += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    occupied.add((r + dr, col + dc))
            out.append((col, cell))
            col += cell.colspan
        placed.append(out)
    return placed


def split_table(table: Table, at: int) -> tuple[Table, Table]:
    """Cut a table before row ``at`` as an editor does at a page break.

    Cells spanning the cut are shortened in the first part and continued by an
    empty cell of the same width in the second, so both parts stay rectangular.
    """
    placed = place(table)
    first: Table = []
    carry: list[tuple[int, Cell]] = []
    for r in range(at):
        row = []
        for col, cell in placed[r]:
            if r + cell.rowspan > at:
                carry.append((col, Cell("", cell.kind, rowspan=r + cell.rowspan - at, colspan=cell.colspan)))
                cell = Cell(cell.text, cell.kind, rowspan=at - r, colspan=cell.colspan)
            row.append(cell)
        first.append(row)
    second = [[c for _, c in row] for row in placed[at:]]
    if second:
        second[0] = [c for _, c in sorted(carry + placed[at], key=lambda pc: pc[0])]
    return first, second


# ---------------------------------------------------------------------------
# Styles.


def _attrs(cell: Cell) -> str:
    out = ""
    if cell.rowspan > 1:
        out += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        out += f' colspan="{cell.colspan}"'
    return out


def _word_cell(cell: Cell) -> str:
    if cell.text == "":
        inner = '<span lang="EN-US">&nbsp;<o:p></o:p></span>'
    elif cell.kind == "value":
        inner = f'<span lang="EN-US" style="{_NUM_STYLE}">{escape(cell.text)}<o:p></o:p></span>'
    else:
        text = _WORD_BREAKS.get(cell.text) or escape(cell.text)
        inner = f'<span style="{_SPAN_STYLE}">{text}<o:p></o:p></span>'
    align = ' align="center" style="text-align:center"' if cell.kind != "label" else ""
    return (f'<td{_attrs(cell)} valign="center" style="{_CELL_STYLE}">'
            f'<p class="MsoNormal"{align}>{inner}</p></td>')


def _plain_cell(cell: Cell) -> str:
    return f"<td{_attrs(cell)}>{escape(cell.text)}</td>"


def table_html(table: Table, style: str) -> str:
    if style == "word":
        rows = "".join("<tr>" + "".join(_word_cell(c) for c in row) + "</tr>\n" for row in table)
        return ('<table class="MsoNormalTable" border=1 cellspacing=0 cellpadding=0 '
                'style="border-collapse:collapse;border:none">\n<tbody>\n' + rows + "</tbody></table>\n")
    rows = "".join("<tr>" + "".join(_plain_cell(c) for c in row) + "</tr>\n" for row in table)
    return '<table border="1" cellspacing="0" cellpadding="4" width="100%">\n<tbody>\n' + rows + "</tbody></table>\n"


def paragraphs_html(table: Table) -> str:
    """Every cell its own paragraph in reading order, as after a copy-paste that lost the table."""
    return "".join(f"<p>{escape(c.text) if c.text else '&nbsp;'}</p>\n" for row in table for c in row)


def _para(text: str, style: str, *, center: bool = False, bold: bool = False) -> str:
    body = escape(text)
    if bold:
        body = f"<strong>{body}</strong>"
    if style == "word":
        align = ' align="center" style="text-align:center"' if center else ' style="text-indent:32.0pt"'
        return f'<p class="MsoNormal"{align}><span style="font-size:16.0pt;font-family:仿宋_GB2312">{body}</span></p>\n'
    align = ' style="text-align:center"' if center else ' style="text-indent:2em"'
    return f"<p{align}>{body}</p>\n"


def _text_block(text: str | None, style: str) -> str:
    return "".join(_para(line.strip(), style) for line in (text or "").splitlines() if line.strip())


def _render_table(table: Table, style: str, *, split: bool = False) -> str:
    if style == "paragraphs":
        return paragraphs_html(table)
    if style == "split_tables" and split:
        # The cut falls inside （三）不予公开, where a page break usually lands in Word.
        at = next(n for n, row in enumerate(table) if any(c.text.startswith("5.属于三类") for c in row))
        first, second = split_table(table, at)
        return table_html(first, "plain") + "<p>&nbsp;</p>\n" + table_html(second, "plain")
    return table_html(table, "word" if style == "word" else "plain")


def render_report_html(report: dict, style: str = "word", review_layout: str = "row") -> str:
    """The article body of one annual report as the portal publishes it."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; one of {STYLES}")
    version = report.get("template_version") or "none"
    texts = report.get("texts") or {}
    title = report.get("title") or ""
    out = [_para(title, style, center=True, bold=True)] if title else []
    if version not in ("2019", "2021"):
        # Reports without the national tables (before 2019, or written freely): prose only.
        out.append(_para("一、总体情况", style, bold=True))
        out.append(_text_block(texts.get("overview"), style))
        out.append(_para("二、存在的主要问题及改进情况", style, bold=True))
        out.append(_text_block(texts.get("problems_improvements"), style))
        out.append(_para("三、其他需要报告的事项", style, bold=True))
        out.append(_text_block(texts.get("other_matters"), style))
        return "".join(out)
    titles = section_titles(version)
    out.append(_para(titles["overview"], style, bold=True))
    out.append(_text_block(texts.get("overview"), style))
    out.append(_para(titles["proactive_disclosure"], style, bold=True))
    blocks = disclosure_tables(report, version)
    if style in ("word", "split_tables", "paragraphs"):
        out.append(_render_table([row for _, block in blocks for row in block], style))
    else:  # plain: one small table per article item, as many portals do
        out.extend(_render_table(block, style) for _, block in blocks)
    out.append(_para(titles["applications"], style, bold=True))
    out.append(_render_table(applications_table(report, version), style, split=True))
    out.append(_para(titles["review_litigation"], style, bold=True))
    out.append(_render_table(review_table(report, review_layout), style))
    out.append(_para(titles["problems_improvements"], style, bold=True))
    out.append(_text_block(texts.get("problems_improvements"), style))
    out.append(_para(titles["other_matters"], style, bold=True))
    out.append(_text_block(texts.get("other_matters"), style))
    return "".join(out)


# ---------------------------------------------------------------------------
# Random but consistent reports.

DISTRICTS = ("东湖区", "青山区", "河西区", "城南区", "滨江区", "桃源县", "临川区", "清河县")
_STREETS = ("东风", "解放", "新华", "长江", "和平", "胜利", "建设", "人民路")
_DEPARTMENTS = ("教育局", "卫生健康局", "民政局", "人力资源和社会保障局", "自然资源局", "住房和城乡建设局",
                "市场监督管理局", "财政局", "交通运输局", "生态环境分局", "人民政府办公室")
_YEARS = {"2019": (2019, 2020), "2021": (2021, 2022, 2023, 2024), "none": (2015, 2016, 2017, 2018)}


def random_body(rng: random.Random) -> str:
    district = rng.choice(DISTRICTS)
    if rng.random() < 0.3:
        return f"{district}{rng.choice(_STREETS)}街道办事处"
    return f"{district}{rng.choice(_DEPARTMENTS)}"


def _small(rng: random.Random, hi: int, zero_rate: float = 0.6) -> int:
    return 0 if rng.random() < zero_rate else rng.randint(1, hi)


def _amount(rng: random.Random) -> float | int:
    if rng.random() < 0.4:
        return 0
    return round(rng.uniform(0.5, 900), rng.choice((2, 4)))


def _disclosure(rng: random.Random, version: str) -> dict:
    out: dict = {}
    for item in template(version)["tables"]["proactive_disclosure"]["items"]:
        block = out.setdefault(item["key"], {})
        for r in item["rows"]:
            row = block.setdefault(r["key"], {})
            for c in item["columns"]:
                if c["type"] == "decimal":
                    row[c["key"]] = _amount(rng)
                elif c["type"] == "signed_int":
                    row[c["key"]] = rng.randint(-3, 6) if rng.random() < 0.5 else 0
                else:
                    row[c["key"]] = _small(rng, 300 if c["key"] == "decisions" else 25, 0.4)
    if version == "2021":
        for row in out["art20_1"].values():  # in force can not be less than issued this year
            row["in_force"] = max(row["in_force"], row["issued"])
    return out


def _applications(rng: random.Random, version: str) -> dict:
    """Counts that satisfy APP_BALANCE, APP_ROW_TOTAL and APP_RESULTS_SUM by construction."""
    spec = template(version)["tables"]["applications"]
    data_rows = [r["key"] for r in spec["rows"] if r["data"]]
    results = [k for k in data_rows if k not in ("new_received", "carried_over", "total_processed", "carried_forward")]
    cols = [c["key"] for c in schema()["applicant_columns"] if c["key"] != "total"]
    app: dict = {k: {} for k in data_rows}
    scale = {"natural_person": 12, "commercial_enterprise": 4, "other_org": 2}
    for col in cols:
        hi = scale.get(col, 1)
        rate = 0.5 if col == "natural_person" else 0.85
        for k in results:
            app[k][col] = _small(rng, hi if k in ("granted", "unable_not_held") else max(1, hi // 3), rate)
        processed = sum(app[k][col] for k in results)
        forward = _small(rng, 3, 0.8)
        over = rng.randint(0, min(processed + forward, 2)) if rng.random() < 0.3 else 0
        app["total_processed"][col] = processed
        app["carried_forward"][col] = forward
        app["carried_over"][col] = over
        app["new_received"][col] = processed + forward - over
    for k in data_rows:
        app[k]["total"] = sum(app[k][c] for c in cols)
    return {k: {c["key"]: app[k][c["key"]] for c in schema()["applicant_columns"]} for k in data_rows}


def _review(rng: random.Random) -> dict:
    out = {}
    for group in ("review", "litigation_direct", "litigation_after_review"):
        row = {k: _small(rng, 2, 0.8) for k in ("upheld", "corrected", "other", "pending")}
        row["total"] = sum(row.values())
        out[group] = row
    return out


def _texts(rng: random.Random, report: dict, year: int) -> dict:
    published = rng.randint(60, 900)
    app = report.get("applications") or {}
    received = (app.get("new_received") or {}).get("total")
    body = report["issuing_body"]
    overview = [
        f"{year}年，{body}深入贯彻落实《中华人民共和国政府信息公开条例》，围绕中心工作，"
        "扎实推进政府信息公开工作，现将有关情况报告如下。",
        f"（一）主动公开。全年通过门户网站、政务新媒体等渠道主动公开政府信息{published}条，"
        f"其中政策文件{rng.randint(3, 40)}条，工作动态{rng.randint(20, 300)}条。",
    ]
    if received is not None:
        overview.append(f"（二）依申请公开。全年共受理政府信息公开申请{received}件，均在法定期限内答复。")
    else:
        overview.append(f"（二）依申请公开。全年共受理政府信息公开申请{rng.randint(0, 9)}件，"
                        f"办结{rng.randint(0, 9)}件，未发生因信息公开引起的行政复议和行政诉讼。")
    overview.append("（三）政府信息管理。严格落实信息发布保密审查制度，动态更新政府信息公开目录。")
    overview.append("（四）平台建设。优化政府网站信息公开专栏，栏目设置更加规范。")
    overview.append("（五）监督保障。将政府信息公开工作纳入年度绩效考核，开展常态化督查。")
    problems = [
        "一是政策解读形式较为单一；二是基层公开人员业务能力有待提高。",
        f"{year + 1}年，将进一步加强业务培训，丰富解读形式，提升公开质量。",
    ]
    other = [rng.choice(["本年度未收取信息处理费。", "本机关未收取政府信息公开信息处理费。", "无。"])]
    return {"overview": "\n".join(overview), "problems_improvements": "\n".join(problems),
            "other_matters": "\n".join(other)}


def random_report(rng: random.Random, template: str, *, body: str | None = None, year: int | None = None) -> dict:
    """A random report of the given template ("2019", "2021" or "none") whose tables pass every rule."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}; one of {TEMPLATES}")
    year = year or rng.choice(_YEARS[template])
    body = body or random_body(rng)
    report: dict = {
        "template_version": template,
        "reporting_year": year,
        "issuing_body": body,
        "title": f"{body}{year}年政府信息公开工作年度报告",
        "proactive_disclosure": {},
        "applications": {},
        "review_litigation": {},
    }
    if template != "none":
        report["proactive_disclosure"] = _disclosure(rng, template)
        report["applications"] = _applications(rng, template)
        report["review_litigation"] = _review(rng)
    report["texts"] = _texts(rng, report, year)
    return report
