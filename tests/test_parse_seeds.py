"""`nianbao parse` on the five real seed reports reproduces every hand-checked value."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, flatten, load_expected, run_cli

SEEDS = sorted(p.stem for p in (FIXTURES / "seeds").glob("*.txt"))
SECTIONS = ("proactive_disclosure", "applications", "review_litigation")


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict]:
    """All seeds through one real CLI call: one JSON line per file, in argument order."""
    files = [str(FIXTURES / "seeds" / f"{s}.txt") for s in SEEDS]
    result = run_cli("parse", *files)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(SEEDS)
    return {s: json.loads(line) for s, line in zip(SEEDS, lines, strict=True)}


def test_five_seeds_are_present():
    assert len(SEEDS) == 5


@pytest.mark.parametrize("seed", SEEDS)
def test_every_cell_matches_expected(parsed, seed):
    expected = load_expected(seed)
    report = parsed[seed]
    for section in SECTIONS:
        got, want = flatten(report[section]), flatten(expected[section])
        assert got == want, f"{seed} {section}: " + str({k: (got.get(k), v) for k, v in want.items() if got.get(k) != v})


@pytest.mark.parametrize("seed", SEEDS)
def test_report_identity_matches_expected(parsed, seed):
    expected, report = load_expected(seed), parsed[seed]
    assert report["template_version"] == expected["template_version"]
    assert report["reporting_year"] == expected["reporting_year"]
    assert report["issuing_body"] == expected["issuing_body"]
    assert report["title"] == expected["title"]
    for label, value in (expected.get("metadata") or {}).items():
        assert report["metadata"][label] == value


@pytest.mark.parametrize("seed", SEEDS)
def test_null_cells_are_null_not_zero(parsed, seed):
    expected, report = load_expected(seed), parsed[seed]
    cells = {f"{s}.{k}": v for s in SECTIONS for k, v in flatten(report[s]).items()}
    nulls = {p for p, v in cells.items() if v is None}
    assert nulls == set(expected["null_cells"])


@pytest.mark.parametrize("seed", SEEDS)
def test_rule_outcomes_match_expected(parsed, seed):
    expected, report = load_expected(seed), parsed[seed]
    got = {c["rule"]: c for c in report["checks"]}
    for rule in expected["rules"]:
        assert got[rule["rule"]]["status"] == rule["status"], rule["rule"]
        if "instances" in rule:
            assert got[rule["rule"]]["instances"] == rule["instances"], rule["rule"]
        assert len(got[rule["rule"]]["failed"]) == len(rule["failed"])


def test_every_number_has_provenance(parsed):
    for seed, report in parsed.items():
        cells = {f"{s}.{k}": v for s in SECTIONS for k, v in flatten(report[s]).items()}
        for path, value in cells.items():
            if value is not None:
                where = report["provenance"][path]
                assert "line" in where and where["text"], (seed, path)


def test_surplus_cells_are_reported_not_hidden(parsed):
    warnings = parsed["003_30467e87f80f2712"]["warnings"]
    assert any("applications.total_processed" in w and "8 cells" in w for w in warnings)
    assert any(w.startswith("review_litigation") and "16 cells" in w for w in warnings)


def test_unsupported_and_missing_files_fail_cleanly(tmp_path):
    doc = tmp_path / "report.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    result = run_cli("parse", str(doc))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["status"] == "unsupported_format"
    missing = run_cli("parse", str(tmp_path / "nope.html"))
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
    assert "nope.html" in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
