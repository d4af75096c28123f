"""Word files as Word writes them, not only as python-docx does: content controls, tracked changes.

Forms put values in content controls (``<w:sdt>``), whole tables are wrapped in block-level ones,
edited reports keep tracked insertions (``<w:ins>``) and deletions, and paragraphs carry tab stops.
A DOCX rendered by the round-trip generator is rewritten that way; the values must not change.
"""

from __future__ import annotations

import io
import random
import zipfile

from conftest import flatten
from lxml import etree

from nianbao.portal import formats
from nianbao.portal.render import random_report
from parsers.report import parse_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SECTIONS = ("proactive_disclosure", "applications", "review_litigation")


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def wrap(element: etree._Element, *tags: str) -> None:
    """Put ``element`` inside nested new elements ``tags[0]/tags[1]/…`` where it stands."""
    outer = etree.Element(w(tags[0]))
    element.addprevious(outer)
    inner = outer
    for tag in tags[1:]:
        inner = etree.SubElement(inner, w(tag))
    inner.append(element)


def as_word_writes_it(docx: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(source.read("word/document.xml"))
    tables = root.findall(f".//{w('tbl')}")
    wrap(tables[-2], "sdt", "sdtContent")                       # section 三 in a block content control
    runs = [r for r in tables[-1].iter(w("r")) if (r.findtext(w("t")) or "").strip().isdigit()]
    for run in runs[::2]:
        wrap(run, "sdt", "sdtContent")                          # values of 四 in inline content controls
    for run in runs[1::2]:
        wrap(run, "ins")                                        # … and in tracked insertions
        deleted = etree.SubElement(etree.SubElement(run.getparent().getparent(), w("del")), w("r"))
        etree.SubElement(deleted, w("delText")).text = "999"    # a deleted value is not printed
    for p in root.iter(w("p")):
        ppr = p.find(w("pPr"))
        if ppr is None:
            ppr = etree.Element(w("pPr"))
            p.insert(0, ppr)
        etree.SubElement(etree.SubElement(ppr, w("tabs")), w("tab"), {w("val"): "left", w("pos"): "420"})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, etree.tostring(root) if item.filename == "word/document.xml" else data)
    return out.getvalue()


def test_content_controls_and_tracked_changes_keep_every_value():
    report = random_report(random.Random(7), "2021")
    docx = as_word_writes_it(formats.render_docx(report))
    assert b"w:sdt" in zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")
    out = parse_bytes(docx, filename="r.docx")
    assert out["status"] == "ok", out["errors"]
    for section in SECTIONS:
        assert flatten(out[section]) == flatten(report[section]), section
    assert out["title"] == report["title"]
