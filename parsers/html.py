"""HTML → token stream.

lxml does the parsing (it is several times faster than a BeautifulSoup tree and
the hot path of ``build``); tables are expanded to a grid so that each cell
knows its row and column whatever rowspan/colspan the CMS editor produced, but
each printed cell is emitted once.
"""

from __future__ import annotations

import codecs
import re
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
    return _decode(data, content_type)[0]


def _decode(data: bytes, content_type: str | None) -> tuple[str, bool]:
    """``decode_html``'s text, and whether it is exactly ``data.decode("utf-8")``: then lxml can read
    the bytes themselves, which is faster than reading the decoded text."""
    encoding, text = html_to_unicode(content_type or "", data)
    if text.count("\ufffd") > 20:
        # The declared charset is wrong (or missing): a strict decode that succeeds is the truth.
        for fallback in ("utf-8", "gb18030"):
            try:
                return data.decode(fallback), fallback == "utf-8"
            except UnicodeDecodeError:
                continue
        return text, False
    # No replacement character: the decode was strict.  A BOM was cut off the text, not the bytes.
    exact = "\ufffd" not in text and codecs.lookup(encoding).name == "utf-8" and not data.startswith(codecs.BOM_UTF8)
    return text, exact


_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)
_UTF8_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8")


def parse_tree(html: str) -> etree._Element | None:
    """The page as a plain lxml tree.

    ``etree.HTMLParser`` rather than ``lxml.html``: the latter looks up a Python element class
    for every node the walk touches, which was a fifth of the parse time; nothing here needs
    its helper methods.  Comments are dropped at parse time (commented-out metadata fields).
    An XML declaration (XHTML pages, some CMS exports) is dropped first: lxml refuses decoded
    text that names an encoding, and the text is already decoded.
    """
    html = _XML_DECLARATION.sub("", html, count=1)
    if not html.strip():
        return None
    return _parse(html, _PARSER)


_XML_DECLARATION = re.compile(r"^[\ufeff\s]*<\?xml[^>]*\?>")


def read_html(data: bytes, content_type: str | None = None) -> etree._Element | None:
    """``parse_tree(decode_html(data, content_type))``, without lxml reading the decoded text where
    the page is UTF-8: it then parses the bytes, with the encoding imposed (any meta charset is
    ignored, as it is for text), which gives the same tree faster."""
    text, exact = _decode(data, content_type)
    if not exact or _XML_DECLARATION.match(text):
        # An XML declaration naming another encoding would make libxml2 read the bytes
        # differently from the decoded text: such pages keep the text path.
        return parse_tree(text)
    return _parse(data, _UTF8_PARSER) if text.strip() else None


def _parse(source: str | bytes, parser: etree.HTMLParser) -> etree._Element | None:
    try:
        return etree.fromstring(source, parser)
    except (etree.ParserError, ValueError):
        return None


# Descendants that change how an element's text reads: line breaks, blocks, skipped content.
_STRUCTURE = frozenset({"br"} | BLOCK | SKIP)
_BREAKS = frozenset({"br"} | SKIP)  # structure that is not a block
_CELLS = frozenset(("td", "th"))
_LAYOUT = frozenset(("table", "p", "div", "li", "h1", "h2", "h3", "h4"))


def _strip(text: str | None) -> str:
    return (text or "").replace("\xa0", " ").replace("\u3000", " ").strip()


def _all_text(el: etree._Element) -> str:
    """Every text inside an element, its own tail excluded: the "text" serialisation, in one C call
    (several times faster than joining ``itertext()``, which yields each piece to Python)."""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


def _flat_text(el: etree._Element) -> str:
    """The text of an element whose text reads the same flat."""
    return _all_text(el).replace("\xa0", " ").replace("\u3000", " ").strip()


def _walked_text(el: etree._Element) -> str:
    """Text of an element with <br> and block children as line breaks, skipped content dropped."""
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


def _cell_text(cell: etree._Element) -> str | None:
    """A data cell's text, or None when the cell wraps content: a cell holding a nested table or a
    run of paragraphs is a page-layout cell, not a data cell.

    One pass over the cell's descendants answers both questions: whether it wraps content, and
    whether its text reads the same flat (no <br>, no skipped content, at most one block inside),
    so that it is read in one C call; only cells with line breaks, several blocks or skipped
    content take the Python walk.
    """
    if len(cell) == 0:
        return _strip(cell.text)
    layout = 0
    structure = 0
    first_block = False
    for d in cell.iterdescendants():
        tag = d.tag
        if tag == "table":
            return None
        if tag in _STRUCTURE:
            structure += 1
            if structure == 1:
                first_block = tag in BLOCK
            if tag in _LAYOUT:
                layout += 1
    if layout >= 4 and len(_all_text(cell)) > 200:
        return None
    if structure == 0 or (structure == 1 and first_block):
        return _flat_text(cell)
    return _walked_text(cell)


class _Enough(Exception):
    """The caller asked for the first tokens only (the metadata block): stop walking the page."""


class _Emitter:
    def __init__(self, limit: int | None = None, until: Callable[[Token], bool] | None = None,
                 cells: dict | None = None) -> None:
        self.tokens: list[Token] = []
        self.cells = cells  # when given: (table, row, col) of each data cell -> its element
        self.images: list[int] = []  # token index at which each <img> appears
        self.tables = 0
        self.blocks = 0
        self.limit = limit
        self.until = until
        self.bounded = limit is not None or until is not None

    def _full(self) -> None:
        if self.limit is not None and len(self.tokens) >= self.limit:
            raise _Enough
        if self.until is not None and self.until(self.tokens[-1]):
            raise _Enough

    def loose(self, text: str | None) -> None:
        """Text outside tables: each line (split by <br> or newlines) is a paragraph."""
        if not text or text.isspace():  # the newlines between tags: most tails are only these
            return
        for line in text.replace("\xa0", " ").replace("\u3000", " ").split("\n"):
            line = line.strip()
            if line:
                self.tokens.append(Token(line, {"block": self.blocks}))
                self.blocks += 1
                if self.bounded:
                    self._full()

    def element(self, el: etree._Element) -> None:
        tag = el.tag
        if tag.__class__ is not str or tag in SKIP:
            return
        if tag == "table":
            self.table(el)
            return
        if tag == "img":
            self.images.append(len(self.tokens))
            return
        if tag in BLOCK:
            # A block without blocks inside is one paragraph (or several, split at <br>).
            if len(el) == 0:
                self.loose(el.text)  # loose() trims each line: the same as trimming the whole first
                return
            flat = True
            images = 0
            for d in el.iterdescendants():
                dtag = d.tag
                if dtag in BLOCK:
                    break  # walked child by child below, where its images are counted
                if dtag in _BREAKS:
                    flat = False
                elif dtag == "img":
                    images += 1
            else:
                self.images.extend([len(self.tokens)] * images)
                self.loose(_flat_text(el) if flat else _walked_text(el))
                return
        self.loose(el.text)
        for child in el:
            self.element(child)
            tail = child.tail
            if tail and not tail.isspace():
                self.loose(tail)

    def table(self, table: etree._Element) -> None:
        index = self.tables
        self.tables += 1
        occupied: set[tuple[int, int]] = set()
        rows = [[c for c in tr if c.tag in _CELLS] for tr in table.iter("tr") if _owner_table(tr) is table]
        # A table with one cell per row is a frame around content (layout), not data.
        layout = all(len(cells) <= 1 for cells in rows)
        append = self.tokens.append
        bounded = self.bounded
        for r, cells in enumerate(rows):
            col = 0
            grid = (index, r)
            for cell in cells:
                if occupied:
                    while (r, col) in occupied:
                        col += 1
                rowspan = cell.get("rowspan")
                rowspan = 1 if rowspan is None else _span(rowspan)
                colspan = cell.get("colspan")
                colspan = 1 if colspan is None else _span(colspan)
                if rowspan > 1:
                    # Only the rows below need to know: this row's own columns are never revisited.
                    for dr in range(1, rowspan):
                        for dc in range(colspan):
                            occupied.add((r + dr, col + dc))
                if layout:
                    text = None
                elif len(cell) == 0:
                    text = cell.text
                    text = text.replace("\xa0", " ").replace("\u3000", " ").strip() if text else ""
                else:
                    text = _cell_text(cell)
                if text is None:
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
                    append(Token(text, where, True, grid))
                    if self.cells is not None:
                        self.cells[grid + (col,)] = cell
                    if bounded:
                        self._full()
                col += colspan


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
                until: Callable[[Token], bool] | None = None, images: list[int] | None = None) -> list[Token]:
    """The page as tokens in reading order.

    ``limit`` and ``until`` (a token that ends the walk, itself included) let a caller that
    needs only the top of the page, such as the metadata block, skip the report's tables.
    ``images``, when given, receives the token index at which each ``<img>`` outside a data
    table appears: a section whose tables are pictures can then say so.
    """
    emitter = _Emitter(limit, until)
    try:
        _walk(emitter, root)
    except _Enough:
        pass
    if images is not None:
        images.extend(emitter.images)
    return emitter.tokens


def cell_elements(root: etree._Element) -> dict[tuple[int, int, int], etree._Element]:
    """Each data cell's element by the (table, row, col) its tokens' provenance names: the walk of
    ``html_tokens`` itself, so that the numbering is the parser's, rowspans and layout tables included."""
    cells: dict[tuple[int, int, int], etree._Element] = {}
    _walk(_Emitter(cells=cells), root)
    return cells


def _walk(emitter: _Emitter, root: etree._Element) -> None:
    """The page's walk: its body (else the whole tree, for fragments)."""
    body = root.find("body")
    emitter.element(body if body is not None else root)


_FEED = 2048  # characters fed to the incremental parser at a time
_TABLE_PARTS = frozenset(("table", "tr", "td", "th", "tbody", "thead", "tfoot", "caption"))


def top_tokens(text: str, limit: int, until: Callable[[Token], bool]) -> list[Token] | None:
    """``html_tokens(parse_tree(text), limit, until)``, parsing only as much of the page as that needs.

    The metadata block sits above the report, which is most of the page: the page is fed to
    lxml's incremental parser until a block element that ``until`` accepts has been closed,
    outside any table.  The tree parsed so far then yields exactly the tokens the whole page
    would, up to that block: what precedes a closed element does not change with what follows
    it (libxml2 builds as it reads), and every open element around it holds a block (it), so
    it is walked the same way.  The walk must reach a token that ``until`` accepts (or
    ``limit``); otherwise, and for a page without such a block, the whole page is parsed.
    """
    parser = etree.HTMLPullParser(events=("end",), remove_comments=True, remove_pis=True)
    text = _XML_DECLARATION.sub("", text, count=1)
    try:
        for start in range(0, len(text), _FEED):
            parser.feed(text[start:start + _FEED])
            if any(el.tag in BLOCK and el.tag not in _TABLE_PARTS and until(Token(_flat_text(el)))
                   and next(el.iterancestors("table"), None) is None for _, el in parser.read_events()):
                tokens = html_tokens(parser.close(), limit=limit, until=until)
                if len(tokens) >= limit or (tokens and until(tokens[-1])):
                    return tokens
                break
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        pass
    root = parse_tree(text)
    return html_tokens(root, limit=limit, until=until) if root is not None else None


def page_title(root: etree._Element) -> str | None:
    el = root.find(".//title")
    if el is not None and el.text and el.text.strip():
        return el.text.strip()
    return None
