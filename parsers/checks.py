"""Evaluate the template's consistency rules (勾稽关系) on a parsed report.

Rules come from report_format.json as ``sum(lhs) == sum(rhs)`` with optional
``for_each`` placeholders.  A failing rule is reported, never corrected; an
instance that touches a blank cell is ``not_evaluable`` and also says what it
would give with blanks read as 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from . import schema

TOLERANCE = Decimal("0.00005")


def flatten_cells(report: dict) -> dict[str, object]:
    """The report's table cells flattened once (path → value, in document order).

    Rules look up thousands of paths; the sanity rules read every cell.
    """
    cells: dict[str, object] = {}

    def walk(node: dict, prefix: str) -> None:
        for k, v in node.items():
            if isinstance(v, dict):
                walk(v, f"{prefix}{k}.")
            else:
                cells[prefix + k] = v

    for section in ("proactive_disclosure", "applications", "review_litigation"):
        walk(report.get(section) or {}, section + ".")
    return cells


@dataclass(frozen=True)
class _Instance:
    label: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    paths: tuple[str, ...]  # lhs + rhs
    conditional: bool  # a for_each instance: it exists only where the report has all its paths


@dataclass(frozen=True)
class _Rule:
    id: str
    instances: tuple[_Instance, ...] | None  # None: a sanity rule over every cell


@cache
def _compiled(version: str) -> tuple[_Rule, ...]:
    """The version's rules with their ``for_each`` placeholders expanded once, not per report."""
    out = []
    for rule in schema.rules(version):
        if rule.get("lhs") is None:
            out.append(_Rule(rule["id"], None))
            continue
        for_each = rule.get("for_each") or {}
        instances = []
        if not for_each:
            lhs, rhs = tuple(rule["lhs"]), tuple(rule["rhs"])
            instances.append(_Instance(rule["id"], lhs, rhs, lhs + rhs, False))
        else:
            (name, keys), = for_each.items()
            for key in keys:
                lhs = tuple(p.replace("{" + name + "}", key) for p in rule["lhs"])
                rhs = tuple(p.replace("{" + name + "}", key) for p in rule["rhs"])
                instances.append(_Instance(key or rule["id"], lhs, rhs, lhs + rhs, True))
        out.append(_Rule(rule["id"], tuple(instances)))
    return tuple(out)


def _sum(values) -> Decimal:
    return sum((Decimal(str(v)) for v in values), Decimal(0))


def _number(total: Decimal) -> int | float:
    return float(total) if total % 1 else int(total)


def _equation(rule: _Rule, cells: Mapping[str, object]) -> dict:
    instances, failed, not_evaluable = 0, [], []
    get, has = cells.get, cells.__contains__
    for inst in rule.instances or ():
        # A path the template does not have (e.g. a 2021-only row in a 2019 report) is not an instance.
        if inst.conditional and not all(map(has, inst.paths)):
            continue
        instances += 1
        values = list(map(get, inst.paths))
        lv, rv = values[: len(inst.lhs)], values[len(inst.lhs):]
        if None not in values:
            ls, rs = sum(lv), sum(rv)
            if ls.__class__ is int and rs.__class__ is int:
                # Counts (the common case): exact in integers, no Decimal needed.
                if ls != rs:
                    failed.append({"instance": inst.label, "lhs": ls, "rhs": rs})
                continue
        nulls = [p for p, v in zip(inst.paths, values, strict=True) if v is None]
        as_zero = abs(_sum(v or 0 for v in lv) - _sum(v or 0 for v in rv)) <= TOLERANCE
        if nulls:
            not_evaluable.append({"instance": inst.label, "blank_as_zero": "pass" if as_zero else "fail",
                                  "null_cells": nulls})
        elif not as_zero:
            failed.append({"instance": inst.label, "lhs": _number(_sum(lv)), "rhs": _number(_sum(rv))})
    # No instance failed: "pass" if every instance could be evaluated, else "pass_where_evaluable"
    # (the report's blanks decide, and status_if_blank_as_zero says what reading them as 0 gives).
    if failed:
        status = "fail"
    elif not instances:
        status = "not_evaluable"
    else:
        status = "pass_where_evaluable" if not_evaluable else "pass"
    result = {"rule": rule.id, "status": status, "instances": instances, "failed": failed,
              "not_evaluable": not_evaluable}
    if not_evaluable:
        zero_ok = not failed and all(n["blank_as_zero"] == "pass" for n in not_evaluable)
        result["status_if_blank_as_zero"] = "pass" if zero_ok else "fail"
    return result


@cache
def _amount_columns(version: str) -> frozenset[str]:
    """Money columns (万元, may have decimals): of both templates, since an item may be printed in
    the other template's form (fee_amount on a 2019-template page)."""
    return frozenset(c.key for v in ("2019", "2021") for it in schema.disclosure_items(v).values()
                     for c in it.columns if c.type == "decimal")


def _column(path: str) -> str:
    return path[path.rfind(".") + 1:]


def _sanity(rule_id: str, cells: Mapping[str, object], version: str) -> dict:
    failed = []
    if rule_id == "NONNEGATIVE":
        failed = [{"cell": path, "value": value} for path, value in cells.items()
                  if value is not None and value < 0 and _column(path) != "change_this_year"]
    elif rule_id == "INTEGER_COUNTS":
        amounts = _amount_columns(version)
        failed = [{"cell": path, "value": value} for path, value in cells.items()
                  if value is not None and value.__class__ is not int and _column(path) not in amounts
                  and value != int(value)]
    return {"rule": rule_id, "status": "fail" if failed else "pass", "failed": failed}


def evaluate(report: dict, cells: Mapping[str, object] | None = None) -> list[dict]:
    """Every rule of the report's template, in schema order; [] for reports without tables.

    ``cells`` is the report's table cells by path when the caller already has them (the parser
    does); the report's three sections are flattened otherwise.
    """
    version = report.get("template_version")
    review_only = False
    if version not in ("2019", "2021"):
        if not report.get("review_litigation"):
            return []
        # Only section 四 was read (a page holding its table alone): its rules are the same in both
        # templates, and only they (and the sanity rules) apply.
        version, review_only = "2021", True
    out = []
    if cells is None:
        cells = flatten_cells(report)
    for rule in _compiled(version):
        if review_only and rule.instances is not None \
                and not all(p.startswith("review_litigation.") for i in rule.instances for p in i.paths):
            continue
        if rule.instances is None:
            result = _sanity(rule.id, cells, version)
            if result["failed"]:  # listed in document order, whatever order ``cells`` has
                result = _sanity(rule.id, flatten_cells(report), version)
            out.append(result)
        else:
            out.append(_equation(rule, cells))
    return out


def overall(checks: list[dict]) -> str | None:
    """One word for a report: fail > pass_where_evaluable > pass; None without checks."""
    if not checks:
        return None
    statuses = {c["status"] for c in checks}
    if "fail" in statuses:
        return "fail"
    if statuses == {"not_evaluable"}:
        return "not_evaluable"
    return "pass_where_evaluable" if statuses - {"pass"} else "pass"
