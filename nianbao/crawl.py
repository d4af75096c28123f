"""Run the portal spider in-process with the project's settings (what `nianbao crawl` does)."""

from __future__ import annotations

import os
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings


def project_settings(data_dir: Path, overrides: dict | None = None):
    """The crawler package's settings, wherever the command is run from."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    settings.set("NIANBAO_DATA", str(data_dir), priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def distributed_settings(redis_url: str, job: str) -> dict:
    """Share one request queue and one dupe filter among crawler processes, through Redis.

    Only scrapy-redis's scheduler and dupe filter are used (its RedisSpider is
    built on ``start_requests``, which current Scrapy replaced with ``start``).
    Keys are per job and persist, so a worker that stops early never wipes
    the queue the others are still working on; ``flush_job`` starts a job afresh.
    """
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"nianbao:{job}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"nianbao:{job}:dupefilter",
        "REDIS_URL": redis_url,
    }


def ping_redis(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()


def flush_job(redis_url: str, job: str) -> int:
    """Delete a job's queue and dupe filter; returns how many keys were removed."""
    import redis

    client = redis.Redis.from_url(redis_url)
    return client.delete(f"nianbao:{job}:requests", f"nianbao:{job}:dupefilter")


def run_crawl(urls: list[str], data_dir: Path, overrides: dict | None = None,
              spider_args: dict | None = None) -> dict:
    """Crawl the start URLs into ``data_dir/archive``; returns the crawl's stats.

    The crawl spawns its archive process (crawler.archiving): a script that calls this must do
    so under ``if __name__ == "__main__":``, as any code that starts processes.
    """
    process = CrawlerProcess(project_settings(data_dir, overrides))
    crawler = process.create_crawler("portal")
    process.crawl(crawler, start_urls=urls, **(spider_args or {}))
    process.start()
    return dict(crawler.stats.get_stats())
