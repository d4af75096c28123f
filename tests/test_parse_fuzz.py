"""Mutated and truncated inputs never crash the parser (fixed seed, bounded count)."""

from __future__ import annotations

import random

import pytest
from conftest import FIXTURES

from parsers import parse_bytes

SEED_TEXTS = sorted((FIXTURES / "seeds").glob("*.txt"))
PDF = FIXTURES / "real" / "huaian_szf_2024_report.pdf"
HTML = FIXTURES / "real" / "handan_trs_detail_page_2020.saved.html"


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One of: truncate, delete a slice, duplicate a slice, flip bytes, splice markup."""
    if not data:
        return data
    op = rng.randrange(5)
    a, b = sorted(rng.randrange(len(data)) for _ in range(2))
    if op == 0:
        return data[:a]
    if op == 1:
        return data[:a] + data[b:]
    if op == 2:
        return data[:b] + data[a:b] + data[b:]
    if op == 3:
        buf = bytearray(data)
        for _ in range(rng.randrange(1, 50)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        return bytes(buf)
    junk = rng.choice([b"<table><tr><td rowspan=99999>", b"</td></tr>", b"<td colspan=-3>", b"\xff\xfe", b"|\t|",
                       "（七）总计\t1\t2".encode(), b"<!--", b"]]>", b"\x00" * 10])
    return data[:a] + junk + data[a:]


def test_report_shape_survives_every_mutation():
    rng = random.Random(20261123)
    sources = [(p.read_bytes(), p.name) for p in SEED_TEXTS] + [(HTML.read_bytes(), HTML.name)]
    for _ in range(300):
        data, name = rng.choice(sources)
        report = parse_bytes(mutate(data, rng), filename=name)
        assert report["status"] in ("ok", "partial", "error")
        assert report["template_version"] in ("2019", "2021", "none")
        assert isinstance(report["errors"], list)


@pytest.mark.parametrize("cut", [0, 100, 1000, 10_000, 100_000, 300_000])
def test_truncated_pdf(cut):
    report = parse_bytes(PDF.read_bytes()[:cut], filename="x.pdf")
    assert report["status"] in ("ok", "partial", "error")
    if report["status"] == "error":
        assert report["errors"]


def test_mutated_pdf_bytes():
    rng = random.Random(7)
    data = PDF.read_bytes()
    for _ in range(12):
        report = parse_bytes(mutate(data, rng), filename="x.pdf")
        assert report["status"] in ("ok", "partial", "error")


def test_html_mutation_as_html():
    rng = random.Random(11)
    for p in SEED_TEXTS:
        page = "<html><body><table>" + "".join(
            "<tr>" + "".join(f"<td>{c}</td>" for c in line.split("\t")) + "</tr>"
            for line in p.read_text("utf-8").splitlines()) + "</table></body></html>"
        for _ in range(20):
            report = parse_bytes(mutate(page.encode(), rng), filename="x.html")
            assert report["status"] in ("ok", "partial", "error")


def _generated(fmt: str) -> bytes:
    """A DOCX or PDF made by the round-trip renderers (python-docx / reportlab), fixed seed."""
    from nianbao.portal import formats
    from nianbao.portal.render import random_report

    return formats.render_as(random_report(random.Random(5), "2021"), fmt, "x")[0]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_mutated_and_truncated_generated_files(fmt):
    """Zip/PDF structure damaged anywhere: a report with a status, never an exception."""
    rng = random.Random(31 if fmt == "docx" else 37)
    data = _generated(fmt)
    cuts = [0, 4, 30, len(data) // 3, len(data) // 2, len(data) - 22, len(data) - 1]
    samples = [data[:c] for c in cuts] + [mutate(data, rng) for _ in range(25)]
    for sample in samples:
        report = parse_bytes(sample, filename=f"report.{fmt}")
        assert report["status"] in ("ok", "partial", "error")
        assert report["template_version"] in ("2019", "2021", "none")
        if report["status"] == "error":
            assert report["errors"]


@pytest.mark.parametrize("name", ["report.doc", "report.wps", "report.xls", "report.et"])
def test_legacy_office_files_are_unsupported_not_crashes(name):
    rng = random.Random(3)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.randrange(256) for _ in range(2000))
    for data in (ole, ole[:9], b"", mutate(ole, rng)):
        report = parse_bytes(data, filename=name)
        assert report["status"] == "unsupported_format"
        assert report["errors"]
