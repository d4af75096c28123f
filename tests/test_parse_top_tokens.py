"""The metadata block is read from the top of a page, parsed incrementally (parsers.html.top_tokens).

Reading only the top must give exactly the tokens the whole page gives, up to the first section
heading, on every kind of page: the frozen real and portal-style pages, every page of the
sample portal, and the generated reports in every HTML variant, with and without a metadata
block, with the heading inside and outside layout tables.
"""

from __future__ import annotations

import random
import urllib.request

import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.portal import formats
from nianbao.portal.render import random_report
from parsers import html, metadata, sections


def whole(text: str):
    root = html.parse_tree(text)
    return html.html_tokens(root, limit=metadata.MAX_SCAN, until=sections.is_heading) if root is not None else None


def assert_same(data: bytes, where: str) -> None:
    text = html.decode_html(data)
    assert html.top_tokens(text, metadata.MAX_SCAN, sections.is_heading) == whole(text), where


FILES = sorted(p for p in (FIXTURES / "html").glob("*.htm*")) + sorted((FIXTURES / "real").glob("*.html"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_frozen_pages(path):
    assert_same(path.read_bytes(), path.name)


def test_every_page_of_the_sample_portal(portal):
    for entry in portal.catalog:
        data = urllib.request.urlopen(entry.url).read()
        if data[:5] != b"%PDF-" and not data.startswith(b"PK"):
            assert_same(data, entry.url)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), template=st.sampled_from(["2019", "2021", "none"]),
       variant=st.sampled_from(formats.HTML_VARIANTS), with_meta=st.booleans())
def test_generated_reports_in_every_html_variant(seed, template, variant, with_meta):
    report = random_report(random.Random(seed), template)
    meta = {"索引号": f"11410000-{seed % 9999:04d}/2023-00012", "发布机构": report["issuing_body"]} if with_meta else None
    data, _ = formats.render_as(report, "html", variant, meta)
    assert_same(data, variant)


@pytest.mark.parametrize("markup", [
    "<p>索引号：1</p><div>一、总体情况<p>正文</p></div>",                 # heading as loose text of a block
    "<table><tr><td>索引号：1</td></tr><tr><td><p>一、总体情况</p><table><tr><td>1</td><td>2</td></tr></table></td></tr></table>",
    "<div><b>一、</b>总体情况<p>x</p></div>",                             # heading split by inline markup
    "<noscript><p>一、总体情况</p></noscript><p>发布机构：甲</p><h2>一、总体情况</h2>",
    "<p>" + "导航 " * 3000 + "</p><p>一、总体情况</p>",                   # heading beyond the first chunk
    "<p>发布机构：甲</p>" * 200 + "<p>一、总体情况</p>",                   # more tokens than the scan limit
])
def test_awkward_pages(markup):
    assert_same(f"<html><body>{markup}</body></html>".encode(), markup[:40])


def test_a_page_with_a_heading_is_not_parsed_whole(monkeypatch):
    """The point of it: below the first heading (the report, most of the page) nothing is parsed."""
    data = (FIXTURES / "html" / "01_trs_word_2021.html").read_bytes()
    text = html.decode_html(data)
    expected = whole(text)
    assert expected and sections.is_heading(expected[-1])

    def no_whole_parse(_text):
        raise AssertionError("the whole page was parsed")

    monkeypatch.setattr(html, "parse_tree", no_whole_parse)
    assert html.top_tokens(text, metadata.MAX_SCAN, sections.is_heading) == expected


def test_mutated_pages_give_the_same_tokens_and_never_raise():
    """Truncated, spliced and byte-flipped pages (the fuzz mutations): still the whole page's tokens."""
    from test_parse_fuzz import mutate

    rng = random.Random(20261124)
    sources = [p.read_bytes() for p in FILES]
    for n in range(300):
        data = mutate(rng.choice(sources), rng)
        assert_same(data, f"mutation {n}")
