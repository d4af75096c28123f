"""Evaluate the template's consistency rules (勾稽关系) on a parsed report.

Rules come from report_format.json as ``sum(lhs) == sum(rhs)`` with optional
``for_each`` placeholders.  A failing rule is reported, never corrected; an
instance that touches a blank cell is ``not_evaluable`` and also says what it
would give with blanks read as 0.
"""

from __future__ import annotations

from decimal import Decimal

from . import schema

TOLERANCE = Decimal("0.00005")


_MISSING = object()


class _Cells(dict):
    """The report's table cells flattened once (path → value): rules look up thousands of paths."""

    def __init__(self, report: dict) -> None:
        super().__init__()

        def walk(node: dict, prefix: str) -> None:
            for k, v in node.items():
                if isinstance(v, dict):
                    walk(v, f"{prefix}{k}.")
                else:
                    self[prefix + k] = v
        for section in ("proactive_disclosure", "applications", "review_litigation"):
            walk(report.get(section) or {}, section + ".")


def _get(cells: dict, path: str):
    value = cells.get(path, _MISSING)
    return (None, False) if value is _MISSING else (value, True)


def _instances(rule: dict, cells: dict):
    for_each = rule.get("for_each") or {}
    if not for_each:
        yield None, rule["lhs"], rule["rhs"]
        return
    (name, keys), = for_each.items()
    for key in keys:
        lhs = [p.replace("{" + name + "}", key) for p in rule["lhs"]]
        rhs = [p.replace("{" + name + "}", key) for p in rule["rhs"]]
        # A path the template does not have (e.g. a 2021-only row in a 2019 cells) is not an instance.
        if all(_get(cells, p)[1] for p in lhs + rhs):
            yield key, lhs, rhs


def _sum(values) -> Decimal:
    return sum((Decimal(str(v)) for v in values), Decimal(0))


def _equation(rule: dict, cells: dict) -> dict:
    instances, failed, not_evaluable = 0, [], []
    for name, lhs, rhs in _instances(rule, cells):
        instances += 1
        lv = [_get(cells, p)[0] for p in lhs]
        rv = [_get(cells, p)[0] for p in rhs]
        label = name or rule["id"]
        nulls = [p for p, v in zip(lhs + rhs, lv + rv, strict=True) if v is None]
        as_zero = abs(_sum(v or 0 for v in lv) - _sum(v or 0 for v in rv)) <= TOLERANCE
        if nulls:
            not_evaluable.append({"instance": label, "blank_as_zero": "pass" if as_zero else "fail",
                                  "null_cells": nulls})
        elif not as_zero:
            failed.append({"instance": label, "lhs": float(_sum(lv)) if _sum(lv) % 1 else int(_sum(lv)),
                           "rhs": float(_sum(rv)) if _sum(rv) % 1 else int(_sum(rv))})
    # No instance failed: "pass" if every instance could be evaluated, else "pass_where_evaluable"
    # (the report's blanks decide, and status_if_blank_as_zero says what reading them as 0 gives).
    if failed:
        status = "fail"
    elif not instances:
        status = "not_evaluable"
    else:
        status = "pass_where_evaluable" if not_evaluable else "pass"
    result = {"rule": rule["id"], "status": status, "instances": instances, "failed": failed,
              "not_evaluable": not_evaluable}
    if not_evaluable:
        zero_ok = not failed and all(n["blank_as_zero"] == "pass" for n in not_evaluable)
        result["status_if_blank_as_zero"] = "pass" if zero_ok else "fail"
    return result


def _cells(report: dict):
    """(path, value, column key) of every numeric cell in the three table sections."""
    def walk(node, prefix):
        for k, v in node.items():
            path = f"{prefix}.{k}"
            if isinstance(v, dict):
                yield from walk(v, path)
            else:
                yield path, v, k
    for section in ("proactive_disclosure", "applications", "review_litigation"):
        yield from walk(report.get(section) or {}, section)


def _amount_columns(version: str) -> set[str]:
    return {c.key for it in schema.disclosure_items(version).values() for c in it.columns if c.type == "decimal"}


def _sanity(rule_id: str, report: dict, version: str) -> dict:
    amounts = _amount_columns(version)
    failed = []
    for path, value, col in _cells(report):
        if value is None:
            continue
        if rule_id == "NONNEGATIVE" and col != "change_this_year" and value < 0:
            failed.append({"cell": path, "value": value})
        if rule_id == "INTEGER_COUNTS" and col not in amounts and value != int(value):
            failed.append({"cell": path, "value": value})
    return {"rule": rule_id, "status": "fail" if failed else "pass", "failed": failed}


def evaluate(report: dict) -> list[dict]:
    """Every rule of the report's template, in schema order; [] for reports without tables."""
    version = report.get("template_version")
    if version not in ("2019", "2021"):
        return []
    out = []
    cells = _Cells(report)
    for rule in schema.rules(version):
        if rule.get("lhs") is None:
            out.append(_sanity(rule["id"], report, version))
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
