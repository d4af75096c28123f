"""The item schema shared by every spider: one annual report page found on a portal."""

from __future__ import annotations

import scrapy

# The standard metadata labels a report page carries (see parsers.metadata).
METADATA_FIELDS = ("索引号", "信息名称", "发布机构", "主题分类", "发布日期", "成文日期", "文号", "关键词")


class ReportItem(scrapy.Item):
    """A report's detail page, archived by the time the item exists."""

    url = scrapy.Field()            # detail page URL as requested
    final_url = scrapy.Field()      # after redirects
    record_id = scrapy.Field()      # WARC-Record-ID of the archived response
    list_title = scrapy.Field()     # title as printed in the column list
    list_url = scrapy.Field()       # the list page that linked to it
    page_metadata = scrapy.Field()  # label -> value, from the page's metadata block
    attachments = scrapy.Field()    # URLs of PDF/DOC/… files linked from the page
    platform = scrapy.Field()       # CMS platform detected on the list page
