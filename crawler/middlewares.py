"""Downloader middlewares: archive every response, skip what is archived, record final failures.

Each does one thing; their priorities place them around Scrapy's own:

- ``SkipArchivedMiddleware`` (50): a report page or attachment already archived
  (with its metadata) is not fetched again, unless ``NIANBAO_REFRESH`` asks for
  conditional re-fetches.  This makes crawls incremental and resumable: after a
  SIGKILL, the next crawl fetches only what the archive index does not hold.
- ``RecordFailuresMiddleware`` (500, below RetryMiddleware's 550): sees only what
  retries gave up on, and writes each final failure to the archive.
- ``StopRedirectLoopsMiddleware`` (620, above RedirectMiddleware's 600): ends a redirect
  chain that comes back on itself, and records it as a failure.
- ``ArchiveResponsesMiddleware`` (950, next to the downloader): bodies still
  compressed, redirects not yet followed, so the WARC holds what the server sent.
"""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future

from archive import ArchiveError
from crawler import archive_process
from crawler.archiving import archive_for

logger = logging.getLogger(__name__)

# Status codes and markers of anti-bot walls: recorded as blocked, never circumvented.
BLOCK_STATUSES = {403: "forbidden", 412: "anti-bot challenge (412)", 418: "anti-bot", 521: "anti-bot challenge (521)"}
_BLOCK_MARKERS = (b"captcha", "验证码".encode(), "安全验证".encode(), b"__jsl_clearance", b"waf")
# A challenge answered with 200/202 is known by its shape, not its size: a page with (almost) no text whose
# script is a WAF's (瑞数 ``$_ts``, 云锁 ``YunSuoAutoJump``/``security_verify_``, 加速乐 ``__jsl``, 阿里云
# ``acw_sc__v2``) or sets a cookie and reloads.  瑞数's page carries kilobytes of ``$_ts.cd``; the same script
# on a page with content is that page, not a challenge.
_CHALLENGE_SIGNS = (b"$_ts=window", b"yunsuoautojump", b"security_verify_", b"__jsl", b"acw_sc__v2")
_RELOADS = re.compile(rb"document\.cookie[\s\S]{0,2000}?(?:location|reload\s*\()")  # searched in lower case
_NOT_TEXT = re.compile(rb"<\s*(script|style)\b.*?<\s*/\s*\1\s*>|<!--.*?-->|<[^>]*>|&nbsp;|\s+", re.I | re.S)
CHALLENGE_MAX_BYTES = 64 * 1024  # bigger pages are documents; this bounds the work per response
CAPTCHA_MAX_BYTES = 4096  # a page this small naming a captcha or a WAF is one, whatever its text
CHALLENGE_MAX_TEXT = 60  # bytes of visible text (20 Chinese characters) a challenge page may show


def challenge_page(body: bytes) -> bool:
    """Is this 2xx body an anti-bot challenge rather than the page asked for?"""
    if len(body) > CHALLENGE_MAX_BYTES:
        return False
    # Every report and list page is asked: substring tests first (microseconds), the regexes only for
    # pages that have a WAF's sign or touch a cookie.
    low = body.lower()
    if len(body) < CAPTCHA_MAX_BYTES and any(m in low for m in _BLOCK_MARKERS):
        return True  # a small page that names a captcha or a WAF
    if not any(sign in low for sign in _CHALLENGE_SIGNS) and (
            b"document.cookie" not in low or not _RELOADS.search(low)):
        return False
    return len(_NOT_TEXT.sub(b"", body)) <= CHALLENGE_MAX_TEXT


def _decoded(response: Response) -> bytes | None:
    """The body of a small response as the client would read it (the archive middleware sees it compressed)."""
    body = response.body
    if len(body) > CHALLENGE_MAX_BYTES:
        return None
    encoding = (response.headers.get("Content-Encoding") or b"").lower()
    try:
        if encoding in (b"gzip", b"x-gzip"):
            return gzip.decompress(body)[:CHALLENGE_MAX_BYTES + 1]
        if encoding == b"deflate":
            return zlib.decompress(body)[:CHALLENGE_MAX_BYTES + 1]
    except (OSError, zlib.error, EOFError):
        return None
    return body if not encoding or encoding == b"identity" else None


def _headers(headers) -> list[tuple[str, str]]:
    # dict's own items(): Scrapy's Headers.items() re-normalises every key and value on the way out.
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in dict.items(headers) for v in vs]


class ArchiveResponsesMiddleware:
    """Archive each response byte-exact as it comes off the wire."""

    def __init__(self, crawler) -> None:
        self.archive = archive_for(crawler)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        """Send the response to the archive process and pass it on at once.

        The download slot is free again while the archive process works; a callback that needs
        the record id (a report's) awaits ``archived(response)``.
        """
        first_url = (request.meta.get("redirect_urls") or [request.url])[0]
        headers = _headers(response.headers)
        if "playwright" in response.flags:  # scrapy-playwright: the browser's DOM, not the server's bytes
            headers = [("X-Archive-Orig-Content-Length" if k.lower() == "content-length" else k, v)
                       for k, v in headers]
            headers.append(("X-Nianbao-Rendered", "chromium"))
        kind = request.meta.get("nianbao_kind", "other")
        if kind in ("report", "list") and 200 <= response.status < 300 and (body := _decoded(response)) is not None \
                and challenge_page(body):
            # Archived as what it is, not as the report: the index must not count it archived.
            request.meta["nianbao_challenge"] = True
            kind = "other"
        try:
            stored = self.archive.defer(archive_process.write_response, {
                "url": first_url if response.status // 100 != 3 else request.url,
                "final_url": response.url,
                "status": response.status,
                "headers": headers,
                "body": response.body,
                "fetched_at": datetime.now(UTC),
                "request_headers": _headers(request.headers),
                "protocol": getattr(response, "protocol", None) or "HTTP/1.1",
                "kind": kind,
                "method": request.method,
            }, self._describe(kind, response))
        except ArchiveError as e:  # the archive process died: the crawl is stopping
            raise IgnoreRequest(f"not archived: {e}") from e
        # Kept beside the request, not in its meta: meta travels to disk and Redis queues, a Deferred cannot.
        # (The URL, not the request, in the errback: a value holding its weak key would keep it alive.)
        self.archive.pending[request] = stored.addCallbacks(self._stored, self._not_stored, errbackArgs=(request.url,))
        return response

    def _stored(self, result) -> tuple[str, dict | None]:
        record, page_metadata = result
        self.stats.inc_value("nianbao/archived")
        if record.record_type == "revisit":
            self.stats.inc_value("nianbao/revisits")
        return record.record_id, page_metadata

    def _not_stored(self, failure, url: str) -> None:
        self.stats.inc_value("nianbao/archive_errors")
        logger.error("archiving %s failed: %s", url, failure.getErrorMessage())
        return None

    @staticmethod
    def _describe(kind: str, response: Response) -> tuple[str, str | None] | None:
        """Content-Type and Content-Encoding of a report page whose metadata block the archive
        process reads as it stores the page; None for anything else (a rendered page is read by
        the spider, from the browser's DOM)."""
        if kind != "report" or response.status != 200 or "playwright" in response.flags:
            return None
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        if "html" not in (content_type or "text/html"):
            return None
        encoding = response.headers.get("Content-Encoding")
        return content_type, encoding.decode("latin-1") if encoding else None


async def archived(crawler, response: Response) -> tuple[str, dict | None] | None:
    """(record id, page metadata read by the archive process, if it read it) of a response once it
    is stored; None if it could not be."""
    stored = archive_for(crawler).pending.pop(response.request, None)
    return None if stored is None else await maybe_deferred_to_future(stored)


class SkipArchivedMiddleware:
    """Incremental and resumable crawling from the archive index."""

    SKIPPABLE = {"report", "attachment"}

    def __init__(self, crawler) -> None:
        self.archive = archive_for(crawler)
        self.stats = crawler.stats
        self.refresh = crawler.settings.getbool("NIANBAO_REFRESH")
        archived, described, reports = self.archive.run_now(archive_process.crawl_state)
        # A report page is done when it and every attachment it links are archived: a crawl killed
        # between the page and its PDF fetches the page again to reach the PDF.
        done = {url for url, attachments in reports if url in described
                and all(a in archived for a in attachments)}
        self.known = {"report": done, "attachment": archived}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request, spider=None):
        kind = request.meta.get("nianbao_kind")
        if kind not in self.SKIPPABLE or request.url not in self.known[kind]:
            return None
        host = urlsplit(request.url).hostname
        if kind == "report":
            self.stats.inc_value(f"nianbao/host/{host}/reports_known")
        if not self.refresh:
            self.stats.inc_value("nianbao/skipped_archived")
            raise IgnoreRequest(f"already archived: {request.url}")
        return self._make_conditional(request)

    async def _make_conditional(self, request: Request) -> None:
        """Refresh: ask the server whether the page changed since the archived copy."""
        for name, value in await self.archive.run(archive_process.validators, request.url):
            if name.lower() == "etag":
                request.headers.setdefault("If-None-Match", value)
            elif name.lower() == "last-modified":
                request.headers.setdefault("If-Modified-Since", value)


class _FailureRecorder:
    """Middlewares that write final failures to the archive's crawl log."""

    def __init__(self, crawler) -> None:
        self.archive = archive_for(crawler)
        self.crawl_id = crawler.nianbao_crawl_id
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _record(self, request: Request, kind: str, reason: str, status: int | None = None,
                url: str | None = None) -> None:
        host = urlsplit(request.url).hostname
        self.stats.inc_value(f"nianbao/{kind}")
        self.stats.inc_value(f"nianbao/host/{host}/errors")
        self.archive.send("add_event", kind, url=url or request.url, data={
            "crawl_id": self.crawl_id, "reason": reason, "status": status,
            "request_kind": request.meta.get("nianbao_kind"),
            "referer": (request.headers.get("Referer") or b"").decode("latin-1") or None,
            "retries": request.meta.get("retry_times", 0)})


class StopRedirectLoopsMiddleware(_FailureRecorder):
    """Stop a redirect chain that comes back to a URL it visited, and record it as a failure.

    Sits above RedirectMiddleware (600), which would otherwise follow A→B→A up to
    REDIRECT_MAX_TIMES and then drop the request without a trace in the crawl log.
    """

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        location = response.headers.get("Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        visited = [*request.meta.get("redirect_urls", []), request.url]
        if target in visited:
            self._record(request, "failure", f"redirect loop: {' -> '.join([*visited, target])}",
                         response.status, url=visited[0])
            raise IgnoreRequest(f"redirect loop at {request.url}")
        return response


class RecordFailuresMiddleware(_FailureRecorder):
    """Write every final failure (after retries) to the archive as a ``failure`` or ``blocked`` event."""

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        # A 2xx challenge was recognised (``challenge_page``) where the response was archived.
        challenge = request.meta.get("nianbao_challenge", False)
        if response.status in BLOCK_STATUSES or challenge:
            reason = BLOCK_STATUSES.get(response.status, "anti-bot or captcha page")
            self._record(request, "blocked", reason, response.status)
            if challenge:  # a 2xx challenge is not the page: no callback reads it as one
                raise IgnoreRequest(f"anti-bot challenge at {request.url}")
        elif response.status >= 400 and response.status != 404 or (
                response.status == 404 and request.meta.get("nianbao_kind") in ("report", "attachment", "list")):
            self._record(request, "failure", f"HTTP {response.status}", response.status)
        return response

    def process_exception(self, request: Request, exception: Exception, spider=None):
        if isinstance(exception, IgnoreRequest):
            return None
        self._record(request, "failure", f"{type(exception).__name__}: {exception}"[:300])
        return None
