"""HTML → token stream.

lxml does the parsing (it is several times faster than a BeautifulSoup tree and
the hot path of ``build``); tables are expanded to a grid so that each cell
knows its row and column whatever rowspan/colspan the CMS editor produced, but
each printed cell is emitted once.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree
from w3lib.encoding import html_to_unicode

from .tokens import Token

BLOCK = frozenset(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 table tr td th tbody thead tfoot caption "
    "section article header footer nav blockquote pre form center address figure main aside".split()
)
SKIP = frozenset("script style noscript template iframe object embed select button input textarea head".split())


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Decode with the charset from the HTTP header, the page's meta tag, a BOM, else detection.

    Portals that declare UTF-8 but send GBK exist; w3lib falls back sensibly.
    """
    _, text = html_to_unicode(content_type or "", data)
    if text.count("\ufffd") > 20:
        # The declared charset is wrong (or missing): a strict decode that succeeds is the truth.
        for encoding in ("utf-8", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    return text


_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)


def parse_tree(html: str) -> etree._Element | None:
    """The page as a plain lxml tree.

    ``etree.HTMLParser`` rather than ``lxml.html``: the latter looks up a Python element class
    for every node the walk touches, which was a fifth of the parse time; nothing here needs
    its helper methods.  Comments are dropped at parse time (commented-out metadata fields).
    """
    if not html.strip():
        return None
    try:
        root = etree.fromstring(html, _PARSER)
    except (etree.ParserError, ValueError):
        return None
    return root


# Descendants that change how an element's text reads: line breaks, blocks, skipped content.
_STRUCTURE = ("br", *sorted(BLOCK | SKIP))
_LAYOUT = ("table", "p", "div", "li", "h1", "h2", "h3", "h4")


def _plain(el: etree._Element) -> bool:
    """No <br>, no skipped content and at most one block inside: the text reads the same flat."""
    found = el.iterdescendants(*_STRUCTURE)
    first = next(found, None)
    return first is None or (first.tag in BLOCK and first.tag != "table" and next(found, None) is None)


def _text(el: etree._Element) -> str:
    """Text of an element with <br> and block children as line breaks, comments dropped.

    Most cells are a bare text or one <p> of spans: their text is read in C (itertext); only
    cells with line breaks, several blocks or skipped content take the Python walk.
    """
    if len(el) == 0:
        return (el.text or "").replace("\xa0", " ").replace("\u3000", " ").strip()
    if _plain(el):
        return "".join(el.itertext()).replace("\xa0", " ").replace("\u3000", " ").strip()
    parts: list[str] = []

    def walk(e: etree._Element) -> None:
        if not isinstance(e.tag, str) or e.tag in SKIP:
            if e.tail:
                parts.append(e.tail)
            return
        if e.tag == "br" or e.tag in BLOCK:
            parts.append("\n")
        if e.text:
            parts.append(e.text)
        for c in e:
            walk(c)
        if e.tag in BLOCK:
            parts.append("\n")
        if e.tail:
            parts.append(e.tail)

    if el.text:
        parts.append(el.text)
    for c in el:
        walk(c)
    return "".join(parts).replace("\xa0", " ").replace("\u3000", " ").strip()


def _has_block(el: etree._Element) -> bool:
    return any(isinstance(d.tag, str) and d.tag in BLOCK for d in el.iterdescendants())


class _Enough(Exception):
    """The caller asked for the first tokens only (the metadata block): stop walking the page."""


class _Emitter:
    def __init__(self, limit: int | None = None, until: Callable[[Token], bool] | None = None) -> None:
        self.tokens: list[Token] = []
        self.tables = 0
        self.blocks = 0
        self.limit = limit
        self.until = until

    def _full(self) -> None:
        if self.limit is not None and len(self.tokens) >= self.limit:
            raise _Enough
        if self.until is not None and self.until(self.tokens[-1]):
            raise _Enough

    def loose(self, text: str | None) -> None:
        """Text outside tables: each line (split by <br> or newlines) is a paragraph."""
        if not text:
            return
        for line in text.replace("\xa0", " ").replace("\u3000", " ").split("\n"):
            line = line.strip()
            if line:
                self.tokens.append(Token(line, {"block": self.blocks}))
                self.blocks += 1
                self._full()

    def element(self, el: etree._Element) -> None:
        if not isinstance(el.tag, str) or el.tag in SKIP:
            return
        if el.tag == "table":
            self.table(el)
            return
        if el.tag in BLOCK and not _has_block(el):
            self.loose(_text(el))
            return
        self.loose(el.text)
        for child in el:
            self.element(child)
            self.loose(child.tail)

    def table(self, table: etree._Element) -> None:
        index = self.tables
        self.tables += 1
        occupied: set[tuple[int, int]] = set()
        rows = [r for r in table.iter("tr") if _owner_table(r) is table]
        # A table with one cell per row is a frame around content (layout), not data.
        layout = all(sum(1 for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")) <= 1 for tr in rows)
        for r, tr in enumerate(rows):
            col = 0
            for cell in tr:
                if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                    continue
                while (r, col) in occupied:
                    col += 1
                rowspan = _span(cell.get("rowspan"))
                colspan = _span(cell.get("colspan"))
                for dr in range(rowspan):
                    for dc in range(colspan):
                        occupied.add((r + dr, col + dc))
                if layout or _wraps_content(cell):
                    # A layout cell wrapping real content: read its content as blocks.
                    self.loose(cell.text)
                    for child in cell:
                        self.element(child)
                        self.loose(child.tail)
                else:
                    where = {"table": index, "row": r, "col": col}
                    if rowspan > 1:
                        where["rowspan"] = rowspan
                    if colspan > 1:
                        where["colspan"] = colspan
                    self.tokens.append(Token(_text(cell), where, in_table=True))
                    self._full()
                col += colspan


def _wraps_content(cell: etree._Element) -> bool:
    """A cell holding a nested table or a run of paragraphs is a page-layout cell, not a data cell."""
    if len(cell) == 0:
        return False
    blocks = 0
    for d in cell.iterdescendants(*_LAYOUT):
        if d.tag == "table":
            return True
        blocks += 1
    return blocks >= 4 and len("".join(cell.itertext())) > 200


def _owner_table(tr: etree._Element) -> etree._Element | None:
    for anc in tr.iterancestors("table"):
        return anc
    return None


def _span(value: str | None) -> int:
    if value is None:
        return 1
    try:
        return max(1, min(int((value or "1").strip()), 200))
    except ValueError:
        return 1


def html_tokens(root: etree._Element, limit: int | None = None,
                until: Callable[[Token], bool] | None = None) -> list[Token]:
    """The page as tokens in reading order.

    ``limit`` and ``until`` (a token that ends the walk, itself included) let a caller that
    needs only the top of the page, such as the metadata block, skip the report's tables.
    """
    body = root.find("body")
    emitter = _Emitter(limit, until)
    try:
        emitter.element(body if body is not None else root)
    except _Enough:
        pass
    return emitter.tokens


def page_title(root: etree._Element) -> str | None:
    el = root.find(".//title")
    if el is not None and el.text and el.text.strip():
        return el.text.strip()
    return None
