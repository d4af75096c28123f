"""``html.read_html`` parses UTF-8 pages from their bytes: the tree must be the one the decoded text gives.

The bytes path is taken only where the decoded text is exactly the bytes read as UTF-8; every
other page (other charsets, a wrong declaration, a BOM, replacement characters, an XML
declaration lxml refuses on text) keeps the text path.  Each case compares both ways.
"""

from __future__ import annotations

import pytest
from conftest import FIXTURES
from lxml import etree

from parsers import html

PAGE = ("<!DOCTYPE html><html><head>{meta}<title>2023年政府信息公开工作年度报告</title></head><body>"
        "<p>一、总体情况</p><table><tr><td>本年新收政府信息公开申请数量</td><td>12</td></tr></table>"
        "<p>（一）主动公开。全年主动公开政府信息187条，“两微一端”同步发布。</p></body></html>")


def _tree(root: etree._Element | None) -> bytes | None:
    return None if root is None else etree.tostring(root, encoding="utf-8")


def _cases() -> list[tuple[str, bytes, str | None]]:
    utf8 = PAGE.format(meta="<meta charset='utf-8'>")
    bare = PAGE.format(meta="")
    return [
        ("utf-8 declared", utf8.encode(), None),
        ("utf-8 undeclared", bare.encode(), None),
        ("utf-8 by header, gbk in meta", PAGE.format(meta="<meta charset='gbk'>").encode(), "text/html; charset=utf-8"),
        ("declared utf-8, sent as gbk", (utf8 * 5).encode("gbk"), None),
        ("gbk by header", bare.encode("gbk"), "text/html; charset=GBK"),
        ("utf-8 with a BOM", b"\xef\xbb\xbf" + bare.encode(), None),
        ("broken utf-8", bare.encode()[:-40] + b"\xff\xfe" + bare.encode()[-40:], None),
        ("xml declaration", b"<?xml version='1.0' encoding='utf-8'?>" + bare.encode(), None),
        ("blank", b"  \n ", None),
        ("nul bytes", bare.encode().replace("一".encode(), b"\x00"), None),
    ]


@pytest.mark.parametrize(("data", "content_type"), [c[1:] for c in _cases()], ids=[c[0] for c in _cases()])
def test_same_tree_as_the_decoded_text(data: bytes, content_type: str | None) -> None:
    expected = html.parse_tree(html.decode_html(data, content_type))
    assert _tree(html.read_html(data, content_type)) == _tree(expected)


@pytest.mark.parametrize("path", sorted((FIXTURES / "html").glob("*.html")), ids=lambda p: p.name)
def test_fixture_pages(path) -> None:
    data = path.read_bytes()
    assert _tree(html.read_html(data)) == _tree(html.parse_tree(html.decode_html(data)))
