"""Scrapy settings for nianbao: polite by default.

Government portals are public infrastructure run on small budgets: obey
robots.txt, throttle adaptively, at most two requests at a time per host, and
say who we are.  Tests and the demo crawl our own sample portal and may lower
the delay with ``-s``; nothing else should.
"""

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# ASCII only: headers are bytes, and pages in GBK would otherwise re-encode them.
USER_AGENT = "nianbao/0.1 (+https://github.com/nianbao/nianbao; research archive of government disclosure annual reports)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Scrapy starts this many tasks for each callback's output; a page yields one item at most.
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Limits against crawler traps and runaway downloads.
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
CLOSESPIDER_PAGECOUNT = 20000
DEPTH_LIMIT = 50
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# A development-time lint that reads the source of every generator callback, again for each bound
# method: a few percent of the crawl's CPU.  The spider's callbacks are covered by the tests instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
FEED_EXPORT_ENCODING = "utf-8"

# Every response is archived raw, before decompression and redirect handling,
# so the WARC holds exactly what the server sent (redirect hops included).
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.SkipArchivedMiddleware": 50,
    "crawler.middlewares.RecordFailuresMiddleware": 500,
    "crawler.middlewares.StopRedirectLoopsMiddleware": 620,
    "crawler.middlewares.ArchiveResponsesMiddleware": 950,
}
EXTENSIONS = {"crawler.extensions.CrawlLog": 500, "crawler.extensions.SharedQueueIdle": 510,
              "crawler.extensions.QuietNetworkErrors": 520}
ITEM_PIPELINES = {
    "crawler.pipelines.ValidateReportPipeline": 100,
    "crawler.pipelines.ArchiveMetadataPipeline": 200,
}
# Re-fetch report pages already archived, with conditional requests (If-None-Match /
# If-Modified-Since); a changed page becomes a new revision.  Off: they are skipped.
NIANBAO_REFRESH = False
NIANBAO_PROGRESS_INTERVAL = 30.0
# Every WARC record reaches the OS before its index row is committed, which is what makes a killed
# crawl (SIGKILL, OOM) lose nothing.  Fsyncing the WARC file and the index at each commit also
# survives a power cut or kernel crash; since the archive process commits at most every half
# second, that costs no measurable throughput.  False for a disk where even that is too slow.
NIANBAO_ARCHIVE_FSYNC = True
# Responses sent to the archive process and not yet stored, in MB, above which the crawl pauses
# until the archive process has caught up (to half of it): memory stays bounded on a slow disk.
NIANBAO_ARCHIVE_BACKLOG_MB = 64
# Where the archive lives: <NIANBAO_DATA>/archive (the CLI's --data).
NIANBAO_DATA = "data"
