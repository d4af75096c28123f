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


def run_crawl(urls: list[str], data_dir: Path, overrides: dict | None = None) -> dict:
    """Crawl the start URLs into ``data_dir/archive``; returns the crawl's stats."""
    process = CrawlerProcess(project_settings(data_dir, overrides), install_root_handler=True)
    crawler = process.create_crawler("portal")
    process.crawl(crawler, start_urls=urls)
    process.start()
    return dict(crawler.stats.get_stats())
