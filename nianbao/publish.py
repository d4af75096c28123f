"""Derived tables for publishing, added to the database at the end of ``build``.

Everything here is computed from the tables ``build`` has written (reports,
applications, review_litigation, checks), so it is rebuilt with them and never
edited by hand.  ``report_summary`` is what most researchers want: one row per
report with its body placed in province/city/county and the key figures of
sections 三 and 四 side by side, ready to facet, sum and download.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache

import sqlite_utils

from nianbao.regions import place_body
from nianbao.rows import REVIEW_COLUMNS
from parsers.schema import schema

SUMMARY = "report_summary"
REGION_COLUMNS = ("body", "province", "city", "county", "township", "division_code", "level", "body_kind")
REPORT_COLUMNS = ("title", "reporting_year", "template_version", "parse_status", "checks_status", "site")
# report_summary column → applications row_key (the 总计 column is used throughout).
SINGLE_ROWS = {
    "new_requests": "new_received", "carried_over": "carried_over", "granted": "granted",
    "partially_granted": "partially_granted", "total_processed": "total_processed",
    "carried_forward": "carried_forward",
}
REVIEW_GROUPS = {"review": "review", "lawsuit_direct": "litigation_direct",
                 "lawsuit_after_review": "litigation_after_review"}
REVIEW_OUTCOMES = REVIEW_COLUMNS


# report_summary column → the schema's key for that figure: a data row in one template, a subtotal
# (report_format.json "derived") in the other (（六）其他处理 is one row in 2019, three in 2021).
GROUP_FIGURES = {"denied_total": "denied_total", "unable_total": "unable_total",
                 "not_processed_total": "not_processed_total", "other_total": "other_processing"}
_ROW_IN_EXPR = re.compile(r"applications\.(\w+)\.\{col\}")


@cache
def row_groups() -> dict[str, dict[str, tuple[str, ...]]]:
    """Per template: summary column → the data rows it adds up, as report_format.json defines them."""
    out = {}
    for version, template in schema()["templates"].items():
        data_rows = {r["key"] for r in template["tables"]["applications"]["rows"] if r["data"]}
        derived = {d["key"]: tuple(_ROW_IN_EXPR.findall(d["expr"])) for d in template.get("derived", [])}
        out[version] = {
            column: (key,) if key in data_rows else derived[f"applications.{key}.{{col}}"]
            for column, key in GROUP_FIGURES.items()
        }
    return out


@cache
def denied_reasons() -> tuple[str, ...]:
    return row_groups()["2021"]["denied_total"]


def summary_columns() -> dict[str, type]:
    cols: dict[str, type] = {"report_id": str, "title": str}
    cols |= {c: str for c in REGION_COLUMNS}
    cols |= {"reporting_year": int, "template_version": str, "parse_status": str, "checks_status": str,
             "failed_rules": str, "site": str}
    cols |= {"new_requests": int, "carried_over": int, "granted": int, "partially_granted": int,
             "denied_total": int, **{k: int for k in denied_reasons()}, "unable_total": int,
             "not_processed_total": int, "other_total": int, "total_processed": int, "carried_forward": int,
             "disclosure_rate": float}
    cols |= {f"{g}_{o}": int for g in REVIEW_GROUPS for o in REVIEW_OUTCOMES}
    cols |= {"lawsuits_total": int}
    return cols


def total_of(values: Iterable[int | float | None]) -> int | float | None:
    """Sum of printed cells; None when any is blank or missing (a blank is unknown, not 0)."""
    values = list(values)
    if not values or any(v is None for v in values):
        return None
    return sum(values)


def disclosure_rate(granted, partially_granted, total_processed) -> float | None:
    """(予以公开 + 部分公开) / 总计 of requests handled; None when unknown or nothing was handled."""
    if None in (granted, partially_granted) or not total_processed:
        return None
    return round((granted + partially_granted) / total_processed, 4)


def figures(version: str | None, app: dict[str, int | None], review: dict[str, dict]) -> dict:
    """The key numbers of one report from its applications totals and review_litigation rows."""
    out: dict = {col: app.get(key) for col, key in SINGLE_ROWS.items()}
    groups = row_groups().get(version or "", {})
    for col in ("denied_total", "unable_total", "not_processed_total", "other_total"):
        rows = groups.get(col, ())
        out[col] = total_of(app.get(k) for k in rows) if app else None
    for key in denied_reasons():
        out[key] = app.get(key)
    out["disclosure_rate"] = disclosure_rate(out["granted"], out["partially_granted"], out["total_processed"])
    for prefix, group in REVIEW_GROUPS.items():
        for outcome in REVIEW_OUTCOMES:
            out[f"{prefix}_{outcome}"] = (review.get(group) or {}).get(outcome)
    out["lawsuits_total"] = total_of([out["lawsuit_direct_total"], out["lawsuit_after_review_total"]]) \
        if review else None
    return out


def summary_rows(db: sqlite_utils.Database) -> Iterable[tuple[int, dict]]:
    """(reports.rowid, row) for every report, so that report_summary shares the search index's rowids."""
    app: dict[str, dict[str, int | None]] = defaultdict(dict)
    for report_id, row_key, total in db.execute("select report_id, row_key, total from applications"):
        app[report_id][row_key] = total
    review: dict[str, dict[str, dict]] = defaultdict(dict)
    cols = ", ".join(REVIEW_OUTCOMES)
    for report_id, group, *values in db.execute(f"select report_id, group_key, {cols} from review_litigation"):
        review[report_id][group] = dict(zip(REVIEW_OUTCOMES, values, strict=True))
    failed: dict[str, list[str]] = defaultdict(list)
    for report_id, rule in db.execute("select report_id, rule from checks where status = 'fail' order by rule"):
        failed[report_id].append(rule)
    report_cols = ", ".join(REPORT_COLUMNS)
    query = (f"select rowid, id, issuing_body, publisher, info_title, list_title, {report_cols} "
             "from reports order by rowid")
    for rowid, rid, issuing_body, publisher, info_title, list_title, *rest in db.execute(query):
        base = dict(zip(REPORT_COLUMNS, rest, strict=True))
        region = place_body(issuing_body, publisher, base["title"], context=(info_title, list_title))
        row = {"report_id": rid, **base, **region, "failed_rules": ", ".join(failed[rid]) or None,
               **figures(base["template_version"], app.get(rid, {}), review.get(rid, {}))}
        yield rowid, row


def create_summary(db: sqlite_utils.Database) -> int:
    columns = summary_columns()
    db[SUMMARY].create(columns, pk="report_id", foreign_keys=[("report_id", "reports", "id")])
    names = list(columns)
    sql = (f"insert into {SUMMARY} (rowid, {', '.join(names)}) "
           f"values (?, {', '.join('?' * len(names))})")
    count = 0
    batch: list[tuple] = []
    for rowid, row in summary_rows(db):
        batch.append((rowid, *(row[n] for n in names)))
        if len(batch) >= 5000:
            db.conn.executemany(sql, batch)
            count += len(batch)
            batch = []
    db.conn.executemany(sql, batch)
    db.conn.commit()
    count += len(batch)
    for cols in (["province", "city"], ["level"], ["body_kind"], ["reporting_year"], ["division_code"],
                 ["body"], ["checks_status"], ["new_requests"]):
        db[SUMMARY].create_index(cols, if_not_exists=True)
    return count


def enrich(db: sqlite_utils.Database) -> None:
    """Add the publishing layer (report_summary with regions and key figures) to a fresh database."""
    create_summary(db)
