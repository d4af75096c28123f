"""Downloader middleware that writes every response to the WARC archive."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scrapy import signals
from scrapy.http import Request, Response

from archive import Archive


class ArchiveResponsesMiddleware:
    """Archive each response byte-exact as it comes off the wire.

    It sits next to the downloader (priority 950), so bodies are still
    compressed and redirects not yet followed: the WARC is what the server
    sent.  The record id travels on in ``request.meta['nianbao_record_id']``
    for the spider's item, which adds the page metadata later.
    """

    def __init__(self, data_dir: Path) -> None:
        self.archive = Archive(data_dir / "archive")

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(Path(crawler.settings.get("NIANBAO_DATA", "data")))
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        mw.stats = crawler.stats
        crawler.nianbao_archive = mw.archive  # shared with the pipelines
        return mw

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        first_url = (request.meta.get("redirect_urls") or [request.url])[0]
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs]
        request_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in request.headers.items() for v in vs]
        rec = self.archive.write_response(
            url=first_url,
            final_url=response.url,
            status=response.status,
            headers=headers,
            body=response.body,
            fetched_at=datetime.now(UTC),
            request_headers=request_headers,
            protocol=(response.protocol or "HTTP/1.1").upper() if hasattr(response, "protocol") else "HTTP/1.1",
            kind=request.meta.get("nianbao_kind", "other"),
        )
        request.meta["nianbao_record_id"] = rec.record_id
        self.stats.inc_value("nianbao/archived")
        if rec.record_type == "revisit":
            self.stats.inc_value("nianbao/revisits")
        return response

    def spider_closed(self, spider=None) -> None:
        self.archive.close()
