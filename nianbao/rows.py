"""One parsed report → the rows it contributes to each database table.

Pure functions of the parser's canonical report; labels come from the schema
(parsers/report_format.json) so that every row carries its official Chinese
label next to its key, and every number the table cell it was read from.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache

from parsers import schema
from parsers.checks import flatten_cells

# The metadata block's labels (as keys of the parser's `metadata`) → reports columns.
METADATA_COLUMNS = {
    "索引号": "index_number",
    "信息名称": "info_title",
    "发布机构": "publisher",
    "主题分类": "subject",
    "发布日期": "published_date",
    "成文日期": "written_date",
    "废止日期": "repeal_date",
    "文号": "document_number",
    "关键词": "keywords",
}
# Other spellings portals use for the same fields.
METADATA_ALIASES = {
    "信息索引号": "索引号", "名称": "信息名称", "标题": "信息名称", "文件名称": "信息名称",
    "发文机关": "发布机构", "发布单位": "发布机构", "公开主体": "发布机构", "信息分类": "主题分类",
    "发文日期": "发布日期", "公开日期": "发布日期", "生成日期": "发布日期", "发布时间": "发布日期",
    "发表日期": "发布日期", "公文生成日期": "发布日期", "时间": "发布日期", "日期": "发布日期",
    "印发日期": "成文日期", "发文单位": "发布机构",
    "失效日期": "废止日期", "发文字号": "文号", "主题词": "关键词", "关键字": "关键词",
}
APPLICANT_COLUMNS = schema.application_columns()
REVIEW_COLUMNS = schema.review_columns()
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def number(value):
    """Decimal amounts become floats for SQLite; counts stay ints; None stays None (never 0)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def iso_date(printed: str | None) -> str | None:
    """`2025年2月6日`, `2025-02-06 10:00` … → `2025-02-06`, so dates sort and facet."""
    m = _DATE.search(printed or "")
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None


def metadata_columns(page_metadata: dict) -> dict:
    """The standard fields as columns (first spelling found wins); the printed value is kept."""
    out = dict.fromkeys(METADATA_COLUMNS.values())
    for label, value in page_metadata.items():
        canonical = label if label in METADATA_COLUMNS else METADATA_ALIASES.get(label)
        if canonical and out[METADATA_COLUMNS[canonical]] is None and isinstance(value, str):
            out[METADATA_COLUMNS[canonical]] = value
    return out


@cache
def labels(version: str) -> dict[str, str]:
    """Every key of a template → its official label: `applications.granted` → （一）予以公开.

    By template, because the two differ (2019 处理决定数量 is 2021's 本年处理决定数量).  A report whose
    template is unknown (a page holding only section 四) has only section 四's, the same in both.
    """
    if version not in ("2019", "2021"):
        return {k: v for k, v in labels("2021").items() if k.startswith("review_litigation.")}
    tables = schema.schema()["templates"][version]["tables"]
    out: dict[str, str] = {}
    for row in tables["applications"]["rows"]:
        out[f"applications.{row['key']}"] = row["label"]
    for group in tables["review_litigation"]["groups"]:
        out[f"review_litigation.{group['key']}"] = group["label"]
    for item in tables["proactive_disclosure"]["items"]:
        out[f"proactive_disclosure.{item['key']}"] = item["label"]
        for row in item["rows"]:
            out[f"proactive_disclosure.{item['key']}.{row['key']}"] = row["label"]
        for col in item["columns"]:
            out[f"proactive_disclosure.{item['key']}.column.{col['key']}"] = col["label"]
            out[f"unit.{item['key']}.{col['key']}"] = col.get("unit", "")
    return out


@cache
def application_order(version: str) -> dict[str, int]:
    if version not in ("2019", "2021"):
        return {}
    return {label.key: i for i, label in enumerate(schema.application_rows(version)[0])}


@cache
def rule_descriptions(version: str) -> dict[str, str | None]:
    if version not in ("2019", "2021"):
        version = "2021"  # section 四 alone: its rules are the same in both templates
    return {r["id"]: r.get("description") for r in schema.rules(version)}


def application_rows(report_id: str, report: dict) -> list[dict]:
    version = report["template_version"]
    order, lab = application_order(version), labels(version)
    out = []
    for row_key, cells in (report.get("applications") or {}).items():
        out.append({
            "report_id": report_id, "row_key": row_key, "row_order": order.get(row_key),
            "row_label": lab.get(f"applications.{row_key}"),
            **{c: number(cells.get(c)) for c in APPLICANT_COLUMNS},
        })
    return out


def review_rows(report_id: str, report: dict) -> list[dict]:
    return [
        {"report_id": report_id, "group_key": group,
         "group_label": labels(report["template_version"]).get(f"review_litigation.{group}"),
         **{c: number(cells.get(c)) for c in REVIEW_COLUMNS}}
        for group, cells in (report.get("review_litigation") or {}).items()
    ]


@cache
def disclosure_labels(version: str) -> dict[str, str]:
    """``labels(version)``, with the other template's for an item printed in its form (fee_amount on a 2019 page)."""
    return {**labels("2019" if version == "2021" else "2021"), **labels(version)}


def disclosure_rows(report_id: str, report: dict) -> list[dict]:
    """Long format (one row per cell): the two templates' section 二 tables differ in shape."""
    out = []
    lab = disclosure_labels(report["template_version"])
    for item, rows in (report.get("proactive_disclosure") or {}).items():
        for row, cols in rows.items():
            for col, value in cols.items():
                out.append({
                    "report_id": report_id, "item": item, "item_label": lab.get(f"proactive_disclosure.{item}"),
                    "row_key": row, "row_label": lab.get(f"proactive_disclosure.{item}.{row}"),
                    "column_key": col, "column_label": lab.get(f"proactive_disclosure.{item}.column.{col}"),
                    "unit": lab.get(f"unit.{item}.{col}"), "value": number(value),
                })
    return out


def check_rows(report_id: str, report: dict) -> list[dict]:
    descriptions = rule_descriptions(report["template_version"])
    return [
        {"report_id": report_id, "rule": c["rule"], "description": descriptions.get(c["rule"]),
         "status": c["status"], "instances": c.get("instances"),
         "failed": json.dumps(c.get("failed") or [], ensure_ascii=False, default=str),
         "not_evaluable": json.dumps(c.get("not_evaluable") or [], ensure_ascii=False, default=str),
         "status_if_blank_as_zero": c.get("status_if_blank_as_zero")}
        for c in report.get("checks") or []
    ]


def cell_rows(report_id: str, report: dict) -> list[dict]:
    """Every table value with the source cell it came from: the researcher's audit trail."""
    values = flatten_cells(report)
    prov = report.get("provenance") or {}
    out = []
    for path, value in values.items():
        where = dict(prov.get(path) or {})
        text = where.pop("text", None)
        out.append({"report_id": report_id, "path": path, "value": number(value), "source_text": text,
                    "location": json.dumps(where, ensure_ascii=False) if where else None})
    return out
