"""Item pipelines: validate each report item, then record its metadata in the archive."""

from __future__ import annotations

import re

from scrapy.exceptions import DropItem

from crawler.archiving import archive_for

_DATE = re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s.*)?$")


class ValidateReportPipeline:
    """Count items whose fields are missing or malformed; drop only those that cannot be archived."""

    def __init__(self, stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item, spider=None):
        if not item.get("record_id") or not item.get("url"):
            self.stats.inc_value("nianbao/items_invalid/no_record")
            raise DropItem("report item without an archived response")
        meta = item.get("page_metadata") or {}
        for field in ("发布日期", "成文日期"):
            value = meta.get(field)
            if value and not _DATE.match(value):
                self.stats.inc_value(f"nianbao/items_invalid/{field}")
        if not (item.get("list_title") or meta.get("信息名称") or meta.get("名称")):
            self.stats.inc_value("nianbao/items_invalid/no_title")
        self.stats.inc_value("nianbao/reports")
        return item


class ArchiveMetadataPipeline:
    """Append a WARC metadata record marking the response as a report, with its page metadata."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item, spider=None):
        page_metadata = dict(item.get("page_metadata") or {})
        extra = {k: item.get(k) for k in ("list_title", "list_url", "attachments", "platform") if item.get(k)}
        # Chinese keys are the page's own labels; the English ones say how the crawl found it.
        await archive_for(self.crawler).call(
            "add_metadata", item["record_id"], kind="report", page_metadata={**page_metadata, **extra})
        return item
