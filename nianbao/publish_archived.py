"""An archived report page, viewed from Datasette without running anything it contains.

Scraped HTML is untrusted: it may carry scripts, trackers and forms.  The page is
rebuilt from the WARC archive, cleaned by nh3 (the ammonia HTML sanitiser: only
harmless tags and attributes survive) and sent with a Content-Security-Policy
``sandbox`` that forbids scripts, forms and any network request, so even a bug in
cleaning cannot run code or phone home.  Text is sent as text; PDF and Word files
as downloads.
"""

from __future__ import annotations

import asyncio
import base64
import html
import io
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote, urljoin

import nh3
from datasette.utils.asgi import Response
from lxml import etree

from archive import Archive, ArchiveError, StoredRecord
from nianbao.build import filename_of
from parsers.html import cell_elements, decode_html, read_html
from parsers.pdf import source_box
from parsers.report import detect_format

# No script, no form, no request of its own; a link may still be followed, and may download a file.
CSP = "sandbox allow-downloads; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "private, max-age=3600",
}
BANNER = (
    '<div style="font:14px sans-serif;background:#fff3cd;border-bottom:1px solid #d9b600;padding:.5em 1em">'
    "存档副本，已移除脚本 — archived copy, scripts and external resources removed. "
    "原网址 URL: <code>{url}</code> · 抓取时间 fetched {fetched_at} · 记录 record <code>{record_id}</code>{more}</div>"
)


@dataclass(frozen=True)
class ArchivedView:
    """What to send: status, content type, extra headers, body."""

    status: int
    content_type: str
    headers: dict[str, str]
    body: bytes


def _is_html(content_type: str, body: bytes) -> bool:
    if content_type:
        return "html" in content_type
    return body.lstrip()[:1] == b"<"


def _drop_remote_resources(element: str, attribute: str, value: str) -> str | None:
    # Images would be fetched from the portal (or a tracker) by the reader's browser: keep the alt text only.
    return None if attribute in ("src", "srcset") else value


LinkMap = Callable[[str], str]


MARK = "nb-cell"  # the id of the highlighted cell: a link ending in #nb-cell scrolls to it, no script needed
_CELL_ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, **{tag: nh3.ALLOWED_ATTRIBUTES.get(tag, set()) | {"id"}
                                                  for tag in ("td", "th")}}


def sanitise(markup: str, links: LinkMap | None = None, *, marked: bool = False) -> str:
    """Only inert markup: no script, style, iframe, form, event handler, javascript: URL or remote image.

    ``links`` rewrites each link's target (see ``_link_map``); ``marked`` keeps the one ``id`` that
    marks a highlighted cell (``MARK``), and no other id."""
    def keep(element: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return value if value == MARK else None
        if links is not None and attribute == "href":
            return links(value)
        return _drop_remote_resources(element, attribute, value)

    return nh3.clean(markup, link_rel="noopener noreferrer nofollow", url_schemes={"http", "https"},
                     attributes=_CELL_ATTRIBUTES if marked else None, attribute_filter=keep)


def _link_map(archive: Archive, page_url: str, to_archived: str) -> LinkMap:
    """A page's links as a reader of the copy needs them: to the archived copy of the target when
    there is one (``to_archived`` + its record id, relative to the page being shown), else to the
    original URL made absolute.  Left as they were, relative links would point into this site."""
    def target(href: str) -> str:
        href = href.strip()
        if href.startswith("#") or not href:
            return href
        absolute = urljoin(page_url, href)
        if not absolute.startswith(("http://", "https://")):
            return absolute
        with _LOCK:
            try:
                rec = archive.latest(absolute.split("#", 1)[0])
            except ArchiveError:
                rec = None
        if rec is not None and rec.status is not None and 200 <= rec.status < 300:
            return to_archived + quote(rec.record_id, safe="")
        return absolute

    return target


_LOCK = threading.Lock()


@cache
def _open(archive_dir: Path) -> Archive:
    """The archive, opened once per process and read-only: the site may be served from a read-only mount."""
    return Archive(archive_dir, readonly=True)


def _read(archive_dir: Path, record_id: str) -> tuple[Archive, StoredRecord, bytes] | ArchivedView:
    """The archive, a record and its body; a 404 view when it is not archived."""
    try:
        archive = _open(archive_dir)
        with _LOCK:  # one read-only connection, shared by the server's threads
            rec = archive.get(record_id)
            return archive, rec, archive.read_body(rec)
    except ArchiveError as exc:
        return ArchivedView(404, "text/plain; charset=utf-8", SECURITY_HEADERS, f"not archived: {exc}".encode())


def _banner(rec: StoredRecord, more: str = "") -> str:
    """The banner over every view of an archived record; ``more`` (markup) is added to its line."""
    return BANNER.format(url=html.escape(rec.url), fetched_at=html.escape(rec.fetched_at or ""),
                         record_id=html.escape(rec.record_id), more=more)


def _download(rec: StoredRecord) -> str:
    """A link to the record's file from a ``/-/cell/<report>/<path>`` page (relative: works under a base URL)."""
    return f'<a href="../../archived/{quote(rec.record_id, safe="")}">下载 download</a>'


def render(archive_dir: Path, record_id: str) -> ArchivedView:
    """Read one archived response and make it safe to show."""
    read = _read(archive_dir, record_id)
    return read if isinstance(read, ArchivedView) else _view(*read)


def _view(archive: Archive, rec: StoredRecord, body: bytes) -> ArchivedView:
    content_type = (rec.content_type or "").lower()
    if _is_html(content_type, body) or content_type.startswith("text/"):
        text = decode_html(body, rec.content_type)  # as the parser reads it (wrong charsets included)
        if not _is_html(content_type, body):
            return ArchivedView(200, "text/plain; charset=utf-8", SECURITY_HEADERS, text.encode("utf-8"))
        return _html_view(_banner(rec), sanitise(text, _link_map(archive, rec.final_url, "")), rec.url)
    name = filename_of(rec.final_url) or "document"
    headers = {**SECURITY_HEADERS, "content-disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}"}
    return ArchivedView(200, rec.content_type or "application/octet-stream", headers, body)


def render_cell(archive_dir: Path, record_id: str, where: dict, label: str) -> ArchivedView:
    """The archived source of a figure with the place it was printed highlighted (``#nb-cell``).

    The place is found by the parser's own reading of the same bytes, so "table 2, row 5, column 3"
    means what it meant when the figure was read: the format as the parser told it
    (``parsers.report.detect_format``); an HTML page's cell by its walk (``parsers.html.cell_elements``),
    a PDF's cell or text line by its table finder (``parsers.pdf.source_box``), shown on a picture of
    the page; a Word file's cell in the file as ``parsers.docx.docx_tokens`` reads it.  Other files
    are shown or sent as ``render`` does.
    """
    read = _read(archive_dir, record_id)
    if isinstance(read, ArchivedView):
        return read
    archive, rec, body = read
    label = f"<b>{html.escape(label)}</b>"
    fmt = detect_format(body, filename_of(rec.final_url), rec.content_type)
    if fmt == "pdf":
        return _pdf_cell(rec, body, where, label) or _view(*read)
    if fmt == "docx":
        return _docx_cell(rec, body, where, label) or _view(*read)
    key = (where.get("table"), where.get("row"), where.get("col"))
    if fmt != "html" or None in key:
        return _view(*read)
    root = read_html(body, rec.content_type)  # as the parser read it
    cell = cell_elements(root).get(key) if root is not None else None
    if cell is None:
        note = "单元格未找到 the cell was not found in this copy"
        markup = decode_html(body, rec.content_type)
    else:
        cell.set("id", MARK)
        note = "标出的单元格 highlighted cell"
        markup = etree.tostring(root, method="html", encoding="unicode")
    links = _link_map(archive, rec.final_url, "../../archived/")
    return _html_view(_banner(rec, f" · {note}: {label}"), sanitise(markup, links, marked=True), rec.url)


PDF_RESOLUTION = 110  # dots per inch of the page picture: legible table text at a screen's width


def _pdf_cell(rec: StoredRecord, body: bytes, where: dict, label: str) -> ArchivedView | None:
    """A picture of the PDF page with the figure's cell (or text line) boxed; None when the place
    cannot be found again (then the file itself is sent)."""
    import pdfplumber

    try:
        found = source_box(body, where)
        if found is None:
            return None
        pageno, box = found
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            picture = pdf.pages[pageno - 1].to_image(resolution=PDF_RESOLUTION)
            picture.draw_rect(box, stroke=(232, 89, 12), stroke_width=3, fill=(255, 243, 191, 80))
            png = io.BytesIO()
            picture.save(png, format="PNG")
    except Exception:  # noqa: BLE001 - a damaged PDF: the file itself is still there to download
        return None
    scale = PDF_RESOLUTION / 72
    x0, top, x1, bottom = (round(v * scale) for v in box)
    banner = _banner(rec, f" · 第 {pageno} 页 page {pageno}: {label} · {_download(rec)}")
    image = base64.b64encode(png.getvalue()).decode("ascii")
    # The box is drawn on the picture; an empty element over it is what #nb-cell scrolls to.
    page = (f'<div style="position:relative;display:inline-block"><img alt="page {pageno}" '
            f'src="data:image/png;base64,{image}"><div id="{MARK}" style="position:absolute;left:{x0}px;'
            f'top:{top}px;width:{x1 - x0}px;height:{bottom - top}px;outline:none;background:none"></div></div>')
    return _html_view(banner, page, rec.url)


def _docx_cell(rec: StoredRecord, body: bytes, where: dict, label: str) -> ArchivedView | None:
    """A Word file as the parser read it (``parsers.docx.docx_tokens``: its paragraphs, and its
    tables cell by cell at the rows and columns figures name), with the figure's cell or paragraph
    marked; None when the file cannot be read (then it is sent as it is)."""
    from parsers.docx import docx_tokens

    try:
        tokens, _images = docx_tokens(body)
    except Exception:  # noqa: BLE001 - a damaged file: it is still there to download
        return None
    want = (where.get("table"), where.get("row"), where.get("col"), where.get("block"))
    parts: list[str] = []
    grid: dict[tuple[int, int], str] = {}
    table: int | None = None

    def close_table() -> None:
        if table is None:
            return
        rows = 1 + max(r for r, _ in grid)
        cols = 1 + max(c for _, c in grid)
        parts.append("<table>" + "".join(
            "<tr>" + "".join(f"<td{grid[r, c][0]}>{grid[r, c][1]}</td>" if (r, c) in grid else "<td></td>"
                             for c in range(cols)) + "</tr>" for r in range(rows)) + "</table>")
        grid.clear()

    for t in tokens:
        w = t.where
        mark = f' id="{MARK}"' if (w.get("table"), w.get("row"), w.get("col"), w.get("block")) == want else ""
        text = html.escape(t.text).replace("\n", "<br>")
        if "table" in w:
            if w["table"] != table:
                close_table()
                table = w["table"]
            grid[w["row"], w["col"]] = (mark, text)
        else:
            close_table()
            table = None
            parts.append(f"<p{mark}>{text}</p>")
    close_table()
    found = any(f'id="{MARK}"' in part for part in parts)
    note = "标出的单元格 highlighted cell" if found else "单元格未找到 the cell was not found in this file"
    banner = _banner(rec, f" · Word 文件按解析读取 the Word file as read · {note}: {label} · {_download(rec)}")
    return _html_view(banner, "".join(parts), rec.url)


# The page's own styles are gone with its <style> and style attributes: ruled tables keep it legible.
STYLE = ("table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:2px 6px}"
         f"#{MARK}{{outline:3px solid #e8590c;background:#fff3bf;scroll-margin-top:30vh}}")


def _html_view(banner: str, body: str, url: str) -> ArchivedView:
    title = html.escape(f"存档 archived: {url}")
    page = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title><style>{STYLE}</style>'
            f"</head><body>{banner}{body}</body></html>")
    return ArchivedView(200, "text/html; charset=utf-8", SECURITY_HEADERS, page.encode("utf-8"))


async def cell_page(datasette, request) -> Response:
    """Datasette route ``/-/cell/<report_id>/<path>``: a figure, shown where it was printed."""
    report_id, path = unquote(request.url_vars["report_id"]), unquote(request.url_vars["path"])
    root = archive_dir_of(datasette)
    db = datasette.get_database()
    row = (await db.execute(
        "select c.location, c.value, c.source_text, r.source_record_id from cells c"
        " join reports r on r.id = c.report_id where c.report_id = ? and c.path = ?", [report_id, path])).first()
    if row is None or root is None or not (root / "index.sqlite").is_file():
        what = "no such figure" if row is None else "no archive beside this database"
        return Response.text(what, status=404, headers=SECURITY_HEADERS)
    where = json.loads(row["location"] or "{}")
    label = f"{path} = {row['value'] if row['value'] is not None else '—'} ({row['source_text'] or ''})"
    view = await asyncio.to_thread(render_cell, root, row["source_record_id"], where, label)
    return Response(view.body, status=view.status, headers=view.headers, content_type=view.content_type)


def archive_dir_of(datasette) -> Path | None:
    """The archive is DATA/archive beside DATA/nianbao.db: the database says where it was built."""
    dbs = [db for name, db in datasette.databases.items() if db.path and name != "_internal"]
    return Path(dbs[0].path).resolve().parent / "archive" if dbs else None


async def archived_page(datasette, request) -> Response:
    """Datasette route ``/-/archived/<record_id>`` (the id percent-encoded, as render_cell links it)."""
    record_id = unquote(request.url_vars["record_id"])
    root = archive_dir_of(datasette)
    if root is None or not (root / "index.sqlite").is_file():
        return Response.text("no archive beside this database", status=404, headers=SECURITY_HEADERS)
    view = await asyncio.to_thread(render, root, record_id)
    return Response(view.body, status=view.status, headers=view.headers, content_type=view.content_type)
