"""The crawl log: start and end of every crawl in the archive, per-host counts, progress lines.

``crawl_started``/``crawl_finished`` events are WARC metadata records (see
archive.Archive.add_event), so the database's portal health table is rebuilt
from the archive alone.  A crawl killed before it finished has a start and no
end: that, too, is visible.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter, defaultdict
from urllib.parse import urlsplit

from scrapy import signals
from twisted.internet import task

from crawler.archiving import archive_for

logger = logging.getLogger(__name__)


class CrawlLog:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.interval = crawler.settings.getfloat("NIANBAO_PROGRESS_INTERVAL", 30.0)
        self.pages: Counter = Counter()
        self.reports: Counter = Counter()
        self.platforms: dict[str, Counter] = defaultdict(Counter)
        self.started = 0.0
        self.loop = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def spider_opened(self, spider) -> None:
        self.started = time.monotonic()
        self.start_urls = list(getattr(spider, "start_urls", []))
        archive_for(self.crawler).send("add_event", "crawl_started", data={
            "crawl_id": self.crawler.nianbao_crawl_id, "pid": os.getpid(), "spider": spider.name, "start_urls": self.start_urls,
            "refresh": self.crawler.settings.getbool("NIANBAO_REFRESH")})
        if self.interval > 0:
            self.loop = task.LoopingCall(self.log_progress)
            self.loop.start(self.interval, now=False)

    def response_received(self, response, request, spider) -> None:
        self.pages[urlsplit(response.url).hostname] += 1

    def item_scraped(self, item, response, spider) -> None:
        host = urlsplit(item["url"]).hostname
        self.reports[host] += 1
        if item.get("platform"):
            self.platforms[host][item["platform"]] += 1

    def log_progress(self) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        pages = sum(self.pages.values())
        errors = self.stats.get_value("nianbao/failure", 0) + self.stats.get_value("nianbao/blocked", 0)
        logger.info("progress: %d pages (%.1f/s), %d reports found, %d already archived, %d errors",
                    pages, pages / elapsed, sum(self.reports.values()),
                    self.stats.get_value("nianbao/skipped_archived", 0), errors)

    def platform(self, host: str, stats: dict) -> str | None:
        """The platform the host's reports were listed on; else the one its list pages showed
        (a JPaaS or renamed column that yields nothing still says what it runs on)."""
        if self.platforms[host]:
            return self.platforms[host].most_common(1)[0][0]
        prefix = f"nianbao/host/{host}/platform/"
        seen = Counter({k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)})
        for name, _ in seen.most_common():
            if name != "generic":
                return name
        return "generic" if seen else None

    def spider_closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        stats = self.stats.get_stats()
        hosts = sorted(set(self.pages) | set(self.reports)
                       | {urlsplit(u).hostname for u in self.start_urls})
        per_host = {}
        for host in hosts:
            per_host[host] = {
                "pages": self.pages[host],
                "reports": self.reports[host],
                "reports_known": stats.get(f"nianbao/host/{host}/reports_known", 0),
                "errors": stats.get(f"nianbao/host/{host}/errors", 0),
                "platform": self.platform(host, stats),
            }
        archive_for(self.crawler).send("add_event", "crawl_finished", data={
            "crawl_id": self.crawler.nianbao_crawl_id, "spider": spider.name, "start_urls": self.start_urls, "reason": reason,
            "seconds": round(time.monotonic() - self.started, 3), "hosts": per_host,
            "stats": {k: v for k, v in stats.items() if isinstance(v, int | float) and "/host/" not in k},
        })


class SharedQueueIdle:
    """Distributed mode: a worker with an empty share of the queue waits while others still work.

    With scrapy-redis a worker closes as soon as the shared queue is momentarily
    empty, although a busy worker may be about to push the next list page's
    requests.  Workers announce themselves in a Redis hash (busy/idle with a
    timestamp); an idle worker stays open while another one was busy recently.
    """

    STALE = 60.0  # seconds without news: that worker died

    def __init__(self, crawler) -> None:
        import redis

        settings = crawler.settings
        self.client = redis.Redis.from_url(settings.get("REDIS_URL"))
        self.key = settings.get("SCHEDULER_QUEUE_KEY", "nianbao").rsplit(":", 1)[0] + ":workers"
        self.me = f"{os.getpid()}-{id(self)}"
        self.last_busy_note = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy.exceptions import NotConfigured

        if "scrapy_redis" not in (crawler.settings.get("SCHEDULER") or ""):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.busy, signal=signals.request_scheduled)
        crawler.signals.connect(ext.busy, signal=signals.response_received)
        crawler.signals.connect(ext.idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def _note(self, state: str) -> None:
        self.client.hset(self.key, self.me, f"{state}:{time.time()}")

    def busy(self, *args, **kwargs) -> None:
        now = time.monotonic()
        if now - self.last_busy_note > 1.0:
            self.last_busy_note = now
            self._note("busy")

    def idle(self, spider) -> None:
        from scrapy.exceptions import DontCloseSpider

        self._note("idle")
        now = time.time()
        for worker, value in self.client.hgetall(self.key).items():
            state, _, stamp = value.decode().partition(":")
            if worker.decode() != self.me and state == "busy" and now - float(stamp) < self.STALE:
                raise DontCloseSpider

    def closed(self, spider, reason) -> None:
        self.client.hdel(self.key, self.me)


# Failures of the network, not of the code: the log line says what failed; a traceback says nothing more.
_NETWORK_ERRORS = ("twisted.internet.error.", "twisted.web._newclient.", "twisted.internet.defer.CancelledError",
                   "scrapy.exceptions.Download", "OpenSSL.SSL.Error", "builtins.TimeoutError")
_QUIET_LOGGERS = ("scrapy.core.scraper", "scrapy.downloadermiddlewares.robotstxt")


def _network_error(exc: BaseException | None) -> bool:
    """Is this, or what it wraps (Scrapy's Download*Error wraps Twisted's), a failure of the network?"""
    seen = 0
    while exc is not None and seen < 5:
        kind = type(exc)
        if f"{kind.__module__}.{kind.__qualname__}".startswith(_NETWORK_ERRORS):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


class _OneLineNetworkErrors(logging.Filter):
    """A download that failed (refused, reset, DNS, timeout) is logged in one line with its reason;
    tracebacks stay for everything else, where they point at a bug."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and _network_error(exc):
            message = record.getMessage()
            record.msg = message if str(exc) in message else f"{message}: {exc}"
            record.args = ()
            record.exc_info = record.exc_text = None
        return True


class QuietNetworkErrors:
    """Installs ``_OneLineNetworkErrors`` on Scrapy's loggers that report failed downloads, for the
    crawl's life: a dead portal gives a few lines, not pages of tracebacks."""

    def __init__(self, crawler) -> None:
        self.filter = _OneLineNetworkErrors()
        for name in _QUIET_LOGGERS:
            logging.getLogger(name).addFilter(self.filter)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def closed(self, spider=None) -> None:
        for name in _QUIET_LOGGERS:
            logging.getLogger(name).removeFilter(self.filter)
