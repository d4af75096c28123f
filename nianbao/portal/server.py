"""The sample portal as a real HTTP server on loopback, for the demo and the crawl tests.

A real server (not a mocked downloader) means the crawler is exercised end to
end: robots.txt, charsets from headers and meta tags, JS-only pagers, query
string pagination, POSTed list requests, JSON list APIs, conditional requests
(``ETag``/``Last-Modified`` → 304), gzipped HTML and 404s all behave as on the web.  The
``catalog`` is the ground truth the tests compare the crawl and the parser
against.

Sections (paths on the portal's host):

- ``/xxgk/ndbg/index.html`` TRS WCM column and ``/jyj/ndbg/list.jsp?page=N`` GBK JSP column (``site.py``);
- ``/col/col4300/index.html`` → ``/col/col4321/index.html`` Hanweb JCMS sub-site, records via
  ``POST /module/web/jpage/dataproxy.jsp`` (``hanweb.py``), with a PDF-only and a DOCX-attachment report;
- ``/wsjkj/xxgk/`` (302) → ``/wsjkj/gkmlpt/index`` Guangdong gkmlpt sub-site, lists via ``/wsjkj/gkmlpt/api/all/<cat>``,
  and its annual-report page ``/wsjkj/gkmlpt/annualreport`` (``gkmlpt.py``);
- ``/rsj/col/col1229000100/index.html`` → ``/rsj/col/col1229000101/index.html`` Hanweb JPaaS sub-site: a shell
  of ``unitbuild.js`` units built by ``GET /api-gateway/jpaas-publish-server/front/page/build/unit`` (``jpaas.py``);
- ``/kjj/`` → ``/kjj/xxgknb/`` and ``/tjj/`` → ``/tjj/xxgknb/xlist.shtml``: static pagers under other names and
  signatures (``createPage(…)``, ``createPageHTML('page_div', …, 'xlist', 'shtml', …)``), dates inside links, a
  政府工作报告 menu item (``trsvariants.py``);
- ``/mzj/`` → ``/mzj/xxgk/xxgknb/index.html`` Anhui 集约化 platform: no pager link, pages 2…N only at the URL
  template of the ``Ls.pagination`` script's callback, ``/mzj/content/column/6790571?pageIndex=N`` (``lspager.py``);
- ``/gdwnb/index.html`` N generated reports, rendered on request (``start_portal(extra_reports=N)``, ``bulk.py``);
- ``/gzyl/…`` failing pages (``start_portal(faults=True)``, ``faults.py``);
- ``/sfj/`` → ``/sfj/ndbg/index.html`` a list built by JavaScript from ``/sfj/api/list.json?page=N``
  (``start_portal(js_section=True)``, ``jsapp.py``): only a crawl that renders pages finds its reports.
"""

from __future__ import annotations

import copy
import dataclasses
import gzip
import hashlib
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from . import bulk, gkmlpt, hanweb, jpaas, jsapp, lspager, site, trsvariants
from .faults import Faults
from .site import Doc, Response


@dataclass(frozen=True)
class CatalogEntry:
    """One listed page (or file) on the portal and what it is known to contain."""

    url: str  # absolute: the URL the list links to (a detail page, or the file itself)
    is_report: bool
    title: str  # as in the column list
    metadata: dict[str, str]  # label (no spaces/colons) → value as printed, "" when empty; {} for files
    encoding: str  # "utf-8" or "gbk", "binary" for a file
    report: dict | None  # canonical report dict, None for non-reports
    style: str | None  # render style of the report body ("pdf"/"docx" for files), None for non-reports
    attachments: tuple[str, ...] = ()  # absolute URLs of the files that hold the report's tables
    section: str = ""  # "xxgk", "jyj", "hanweb", "gkmlpt", "jpaas", "kjj", "tjj", "mzj", "bulk" or "sfj" (JavaScript-only)


@dataclass(frozen=True)
class Fault:
    """A page that fails on purpose (``start_portal(faults=True)``); see ``faults.py`` for the kinds."""

    url: str
    kind: str
    recoverable: bool  # a crawler that retries politely ends up with the page's bytes
    title: str = ""  # as listed (a report title, so crawlers try it)
    report: dict | None = None  # what the page shows when it is served at all


def route_key(raw_path: str) -> str:
    """Path as routed: JSP pages keep their (sorted) query, static pages ignore it."""
    parts = urlsplit(raw_path)
    path = parts.path or "/"
    if path.endswith(".jsp") and parts.query:
        return f"{path}?{urlencode(sorted(parse_qsl(parts.query)))}"
    return path


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def not_modified(headers, etag: str, modified: int) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return "*" in tags or etag in tags
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            return modified <= int(parsedate_to_datetime(ims).timestamp())
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
    return False


class App:
    """Everything the handler serves: static routes, then the dynamic parts."""

    def __init__(self, base: str, *, faults: bool, extra_reports: int, js_section: bool = False) -> None:
        self.base = base
        self.stopping = threading.Event()
        self.faults = Faults(self.stopping) if faults else None
        self.hanweb = hanweb.HanwebSite()
        self.gkmlpt = gkmlpt.GkmlptSite(base)
        self.jpaas = jpaas.JpaasSite()
        self.trsvariants = trsvariants.TrsVariantSites()
        self.lspager = lspager.LsPagerSite(base)
        self.bulk = bulk.BulkColumn(extra_reports)
        self.jsapp = jsapp.JsAppSite() if js_section else None
        fault_rows = [p.entry for p in self.faults.pages.values()] if self.faults else []
        departments = [("区财政局信息公开", hanweb.HOME_PATH), ("区卫生健康局信息公开", gkmlpt.ENTRY_PATH),
                       ("区人社局信息公开", jpaas.HOME_PATH), ("区科技局信息公开", "/kjj/"), ("区统计局信息公开", "/tjj/"),
                       ("区民政局信息公开", lspager.HOME_PATH)]
        if self.jsapp:
            departments.append(("区司法局信息公开", jsapp.HOME_PATH))
        columns = [bulk.COLUMN] if extra_reports else []
        routes, entries = site.build(departments, columns, fault_rows)
        self.routes: dict[str, Response] = {**routes, **self.hanweb.routes, **self.gkmlpt.routes,
                                            **self.jpaas.routes, **self.trsvariants.routes, **self.lspager.routes}
        self.docs: list[Doc] = ([site.doc_of(e) for e in entries] + self.hanweb.docs + self.gkmlpt.docs
                                + self.jpaas.docs + self.trsvariants.docs + self.lspager.docs)
        if self.jsapp:
            self.routes.update(self.jsapp.routes)
            self.docs += self.jsapp.docs
        self.not_found = Response(site.not_found_page().encode("utf-8"), "text/html; charset=utf-8", 404)

    def respond(self, method: str, raw_path: str, body: bytes, handler) -> Response | None:
        path = urlsplit(raw_path).path or "/"
        if path == hanweb.PROXY_PATH:
            return self.hanweb.dataproxy(method, raw_path, body)
        if path == jpaas.API_PATH:
            return self.jpaas.api(method, raw_path)
        resp = self.routes.get(route_key(raw_path))
        if resp is None and path.startswith(gkmlpt.API_PREFIX):
            resp = self.gkmlpt.api(raw_path)
        if resp is None and path == lspager.PAGE_PATH:
            resp = self.lspager.serve(raw_path)
        if resp is None and self.jsapp and path == jsapp.API_PATH:
            resp = self.jsapp.api(raw_path)
        if resp is None:
            resp = self.bulk.serve(path)
        if resp is None and self.faults and self.faults.handles(path):
            if method == "POST":
                return _not_allowed()
            return self.faults.serve(path, handler)
        if resp is None:
            return self.not_found
        if method == "POST":
            return _not_allowed()
        return resp


def _not_allowed() -> Response:
    return Response(b"<h1>405 Method Not Allowed</h1>", "text/html; charset=utf-8", 405,
                    headers=(("Allow", "GET, HEAD"),))


MAX_BODY = 1 << 20


def make_handler(app: App) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "nianbao-sample-portal/1.0"
        protocol_version = "HTTP/1.1"

        def _serve(self, method: str) -> None:
            body = b""
            if method == "POST":
                length = self.headers.get("Content-Length", "")
                if not length.isdigit() or int(length) > MAX_BODY or self.headers.get("Transfer-Encoding"):
                    self.close_connection = True  # the body's end is unknown: do not read another request
                    self._send(hanweb.bad_request("请求体长度无效"), method)
                    return
                body = self.rfile.read(int(length))
            resp = app.respond(method, self.path, body, self)
            if resp is None:  # a fault that answered (or not) on its own
                return
            try:
                self._send(resp, method)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a hang outlasted its timeout)
                self.close_connection = True

        def _send(self, resp: Response, method: str) -> None:
            modified = int(resp.last_modified or site.SITE_UPDATED)
            tag = etag_of(resp.body) if resp.status == 200 else ""  # validators only for 200s
            cacheable = resp.status == 200 and method in ("GET", "HEAD")
            if cacheable and not_modified(self.headers, tag, modified):
                self.send_response(304)
                self.send_header("ETag", tag)
                self.send_header("Last-Modified", formatdate(modified, usegmt=True))
                self.end_headers()
                return
            body = resp.body
            # HTML gzipped for clients that accept it, as nginx in front of most portals does.
            gzipped = (resp.status == 200 and resp.content_type.startswith("text/html")
                       and "gzip" in (self.headers.get("Accept-Encoding") or "")
                       and not any(k.lower() == "content-encoding" for k, _ in resp.headers))
            if gzipped:
                body = gzip.compress(body, mtime=0)
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.content_type)
            self.send_header("Content-Length", str(len(body)))
            if gzipped:
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Vary", "Accept-Encoding")
            if resp.status == 200:
                self.send_header("ETag", tag)
                self.send_header("Last-Modified", formatdate(modified, usegmt=True))
            for name, value in resp.headers:
                self.send_header(name, value)
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._serve("GET")

        def do_HEAD(self) -> None:  # noqa: N802
            self._serve("HEAD")

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - keep test and demo output clean
            pass

    return Handler


class _Entries(Sequence):
    """Catalog entries: the fixed ones, then the generated column's, made on access."""

    def __init__(self, portal: Portal, reports_only: bool) -> None:
        self._portal = portal
        self._fixed = [e for e in portal._entries if e.is_report or not reports_only]

    def __len__(self) -> int:
        return len(self._fixed) + self._portal._app.bulk.n

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(index)
        if index < len(self._fixed):
            return self._fixed[index]
        return self._portal._bulk_entry(index - len(self._fixed))

    def __iter__(self) -> Iterator[CatalogEntry]:
        yield from self._fixed
        for i in range(self._portal._app.bulk.n):
            yield self._portal._bulk_entry(i)


class Portal:
    """A running sample portal; ``stop()`` (or leaving the ``with`` block) shuts it down."""

    def __init__(self, url: str, app: App, server: ThreadingHTTPServer, thread: threading.Thread) -> None:
        self.url = url
        self._app = app
        self._server = server
        self._thread = thread
        self._entries = [self._entry(d) for d in app.docs]
        self._revised: dict[str, CatalogEntry] = {}  # generated entries replaced by revise()
        self._revisions: dict[str, int] = {}
        self._lock = threading.Lock()
        base = url.rstrip("/")
        self.faults: list[Fault] = [
            Fault(base + p.path, p.kind, p.recoverable, p.title, p.report)
            for p in (app.faults.pages.values() if app.faults else ())]

    def __repr__(self) -> str:
        return f"Portal(url={self.url!r}, catalog=<{len(self.catalog)} entries>, faults={len(self.faults)})"

    def _entry(self, d: Doc) -> CatalogEntry:
        base = self.url.rstrip("/")
        return CatalogEntry(url=base + d.path, is_report=d.report is not None, title=d.title,
                            metadata=dict(d.metadata), encoding=d.encoding, report=d.report, style=d.style,
                            attachments=tuple(base + a for a in d.attachments), section=d.section)

    def _bulk_entry(self, i: int) -> CatalogEntry:
        path = bulk.path_of(i)
        return self._revised.get(path) or self._entry(self._app.bulk.doc(i))

    @property
    def catalog(self) -> Sequence[CatalogEntry]:
        """Every listed page in list order; the generated column's entries are made on access."""
        return _Entries(self, reports_only=False)

    @property
    def reports(self) -> Sequence[CatalogEntry]:
        return _Entries(self, reports_only=True)

    def fault_attempts(self, url: str) -> int:
        """How many requests a fault URL has had."""
        return self._app.faults.attempts(urlsplit(url).path) if self._app.faults else 0

    def revise(self, url: str) -> CatalogEntry:
        """Publish a corrected version of a report page: one number (and the totals it feeds) changes,
        a correction notice is added, so the bytes, ETag and Last-Modified change; returns the new entry."""
        parts = urlsplit(url)
        path = route_key(parts.path + (f"?{parts.query}" if parts.query else ""))
        with self._lock:
            index = next((n for n, d in enumerate(self._app.docs) if route_key(d.path) == path), None)
            doc = self._app.docs[index] if index is not None else None
            if doc is None and (i := self._app.bulk.index_of(path)) is not None:
                doc = self._app.bulk.doc(i)
            if doc is None or doc.report is None:
                raise KeyError(f"no report page at {url}")
            if doc.render is None:
                raise ValueError(f"{url} is a published file and cannot be revised")
            old = self._revised.get(path) or (self._entries[index] if index is not None else self._entry(doc))
            n = self._revisions[path] = self._revisions.get(path, 0) + 1
            report = corrected(old.report)
            note = f"更正说明：本报告第{n}次更正（修订号 R{n:02d}），已更正依申请公开情况统计数据。"
            previous = max(self._app.routes[route_key(p)].last_modified if route_key(p) in self._app.routes
                           else 0.0 for p in [doc.path, *doc.attachments])
            modified = float(max(int(time.time()), int(previous) + 1))
            self._app.routes.update({route_key(p): r for p, r in doc.render(report, note, modified).items()})
            entry = dataclasses.replace(old, report=report)
            if index is not None:
                self._entries[index] = entry
                self._app.docs[index] = dataclasses.replace(doc, report=report)
            else:
                self._revised[path] = entry
            return entry

    def stop(self) -> None:
        self._app.stopping.set()  # releases hanging fault pages
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> Portal:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def corrected(report: dict) -> dict:
    """The report with one more application granted to a natural person (every total follows),
    or, without tables, one more item in the overview's count of published items."""
    new = copy.deepcopy(report)
    app = new.get("applications") or {}
    if all(k in app for k in ("new_received", "granted", "total_processed")):
        for row in ("new_received", "granted", "total_processed"):
            for col in ("natural_person", "total"):
                app[row][col] = (app[row].get(col) or 0) + 1
        texts = new.get("texts") or {}
        received = app["new_received"]["total"]
        if texts.get("overview"):
            texts["overview"] = re.sub(r"(受理政府信息公开申请)\d+件", rf"\g<1>{received}件", texts["overview"], count=1)
        return new
    texts = new.setdefault("texts", {})
    overview = texts.get("overview") or ""
    if re.search(r"\d+条", overview):
        texts["overview"] = re.sub(r"(\d+)条", lambda m: f"{int(m.group(1)) + 1}条", overview, count=1)
    else:
        texts["overview"] = overview + "\n全年主动公开政府信息1条。"
    return new


def start_portal(host: str = "127.0.0.1", port: int = 0, *, faults: bool = False, extra_reports: int = 0,
                 js_section: bool = False) -> Portal:
    """Serve the portal from a daemon thread; port 0 picks a free port.

    ``faults`` adds the failing pages of ``faults.py`` (listed in ``Portal.faults``);
    ``extra_reports`` adds a column of that many generated reports at ``/gdwnb/``;
    ``js_section`` adds 区司法局 (``jsapp.py``), whose list only a rendering crawl finds: off by default,
    so that the catalog stays what a crawl without a browser can reach.
    """
    server = ThreadingHTTPServer((host, port), BaseHTTPRequestHandler)
    server.daemon_threads = True
    actual_host, actual_port = server.server_address[:2]
    base = f"http://{actual_host}:{actual_port}"
    try:
        app = App(base, faults=faults, extra_reports=extra_reports, js_section=js_section)
    except BaseException:
        server.server_close()
        raise
    server.RequestHandlerClass = make_handler(app)
    thread = threading.Thread(target=server.serve_forever, name="nianbao-portal", daemon=True)
    thread.start()
    return Portal(base + "/", app, server, thread)
