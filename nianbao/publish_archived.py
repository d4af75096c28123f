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
import html
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote

import nh3
from datasette.utils.asgi import Response

from archive import Archive, ArchiveError
from parsers.html import decode_html

CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "private, max-age=3600",
}
BANNER = (
    '<div style="font:14px sans-serif;background:#fff3cd;border-bottom:1px solid #d9b600;padding:.5em 1em">'
    "存档副本，已移除脚本 — archived copy, scripts and external resources removed. "
    "原网址 URL: <code>{url}</code> · 抓取时间 fetched {fetched_at} · 记录 record <code>{record_id}</code></div>"
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


def sanitise(markup: str) -> str:
    """Only inert markup: no script, style, iframe, form, event handler, javascript: URL or remote image."""
    return nh3.clean(markup, link_rel="noopener noreferrer nofollow", url_schemes={"http", "https"},
                     attribute_filter=_drop_remote_resources)


_LOCK = threading.Lock()


@cache
def _open(archive_dir: Path) -> Archive:
    """The archive, opened once per process and read-only: the site may be served from a read-only mount."""
    return Archive(archive_dir, readonly=True)


def render(archive_dir: Path, record_id: str) -> ArchivedView:
    """Read one archived response and make it safe to show."""
    try:
        archive = _open(archive_dir)
        with _LOCK:  # one read-only connection, shared by the server's threads
            rec = archive.get(record_id)
            body = archive.read_body(rec)
    except ArchiveError as exc:
        return ArchivedView(404, "text/plain; charset=utf-8", SECURITY_HEADERS, f"not archived: {exc}".encode())
    content_type = (rec.content_type or "").lower()
    if _is_html(content_type, body) or content_type.startswith("text/"):
        text = decode_html(body, rec.content_type)  # as the parser reads it (wrong charsets included)
        if not _is_html(content_type, body):
            return ArchivedView(200, "text/plain; charset=utf-8", SECURITY_HEADERS, text.encode("utf-8"))
        banner = BANNER.format(url=html.escape(rec.url), fetched_at=html.escape(rec.fetched_at or ""),
                               record_id=html.escape(rec.record_id))
        page = f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{banner}{sanitise(text)}</body></html>'
        return ArchivedView(200, "text/html; charset=utf-8", SECURITY_HEADERS, page.encode("utf-8"))
    name = Path(rec.final_url.split("?", 1)[0]).name or "document"
    headers = {**SECURITY_HEADERS, "content-disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}"}
    return ArchivedView(200, rec.content_type or "application/octet-stream", headers, body)



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
