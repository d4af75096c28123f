"""The sample portal as a real HTTP server on loopback, for the demo and the crawl tests.

A real server (not a mocked downloader) means the crawler is exercised end to
end: robots.txt, charsets from headers and meta tags, JS-only pagers, query
string pagination and 404s all behave as on the web.  The ``catalog`` is the
ground truth the tests compare the crawl and the parser against.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from . import site


@dataclass(frozen=True)
class CatalogEntry:
    """One detail page on the portal and what it is known to contain."""

    url: str  # absolute
    is_report: bool
    title: str  # as in the column list
    metadata: dict[str, str]  # label (no spaces/colons) → value as printed, "" when empty
    encoding: str  # "utf-8" or "gbk"
    report: dict | None  # canonical report dict, None for non-reports
    style: str | None  # render style of the report body, None for non-reports


def route_key(raw_path: str) -> str:
    """Path as routed: JSP pages keep their (sorted) query, static pages ignore it."""
    parts = urlsplit(raw_path)
    path = parts.path or "/"
    if path.endswith(".jsp") and parts.query:
        return f"{path}?{urlencode(sorted(parse_qsl(parts.query)))}"
    return path


def make_handler(routes: dict[str, site.Response]) -> type[BaseHTTPRequestHandler]:
    not_found = site.Response(site.not_found_page().encode("utf-8"), "text/html; charset=utf-8", 404)

    class Handler(BaseHTTPRequestHandler):
        server_version = "nianbao-sample-portal/1.0"
        protocol_version = "HTTP/1.1"

        def _respond(self, with_body: bool) -> None:
            resp = routes.get(route_key(self.path), not_found)
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.content_type)
            self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            if with_body:
                self.wfile.write(resp.body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._respond(True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._respond(False)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - keep test and demo output clean
            pass

    return Handler


@dataclass
class Portal:
    """A running sample portal; ``stop()`` (or leaving the ``with`` block) shuts it down."""

    url: str
    catalog: list[CatalogEntry]
    _server: ThreadingHTTPServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def reports(self) -> list[CatalogEntry]:
        return [e for e in self.catalog if e.is_report]

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> Portal:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_portal(host: str = "127.0.0.1", port: int = 0) -> Portal:
    """Serve the portal from a daemon thread; port 0 picks a free port."""
    routes, entries = site.build()
    server = ThreadingHTTPServer((host, port), make_handler(routes))
    server.daemon_threads = True
    actual_host, actual_port = server.server_address[:2]
    base = f"http://{actual_host}:{actual_port}"
    catalog = [
        CatalogEntry(url=base + e.path, is_report=e.report is not None, title=e.title, metadata=dict(e.metadata),
                     encoding=e.encoding, report=e.report, style=e.style)
        for e in entries
    ]
    thread = threading.Thread(target=server.serve_forever, name="nianbao-portal", daemon=True)
    thread.start()
    return Portal(url=base + "/", catalog=catalog, _server=server, _thread=thread)
