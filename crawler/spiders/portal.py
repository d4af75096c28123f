"""The portal spider: from a portal's home page or a report column to every annual report on it.

It finds the annual-report column from navigation links, walks the column's
list pages with the platform's pager (see crawler.platforms), keeps entries
whose titles are annual reports (crawler.classify), and yields one ReportItem
per detail page; PDF/Word attachments of a report are fetched and archived too.

With ``-a render_js=1`` (or hosts / URL prefixes, comma-separated) the list and
section pages of those portals are also loaded in Chromium (crawler.rendering),
for lists that only exist after JavaScript runs; detail pages and attachments
are never rendered.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse

from crawler import platforms, rendering
from crawler.classify import (
    FILE_EXTENSIONS,
    is_attachment,
    is_report_column,
    is_report_title,
    is_section_link,
    unwrap_viewer,
)
from crawler.items import ReportItem
from crawler.middlewares import archived
from parsers import page_metadata

REPORT_PRIORITY = 10
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)""", re.I)
# A file extension anywhere in a link (its path, or a viewer's ?file=): a cheap test before resolving it.
_FILE_EXT = re.compile(rf"\.(?:{FILE_EXTENSIONS})\b|%2e(?:{FILE_EXTENSIONS})\b", re.I)
# A report's file shown in the page itself: <iframe src=viewer.html?file=…>, <embed src>, <object data>.
_EMBED_TAG = re.compile(rb"<(?:iframe|embed|object)\b", re.I)
_EMBED = re.compile(r"""<(?:iframe|embed|object)\b[^>]*?\b(?:src|data)\s*=\s*["']?([^"'\s>]+)""", re.I)
_HASH_ROUTE = re.compile(r"^(?:\d+|[/!].+)$")  # index#2811, #/list/12, #!/ndbg
# Home → 信息公开 → 部门信息公开 → a department's 年报 column: section pages two levels deep.
MAX_SECTION_DEPTH = 2


def split_urls(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = re.split(r"[,\s]+", value)
    return [v for v in value if v]


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, start_urls: str | list[str] | None = None, *args,
                 render_js: str | list[str] | bool | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.start_urls = split_urls(start_urls)
        # Stay on the portals we were pointed at: off-site links are not followed.
        self.allowed_domains = sorted({urlsplit(u).hostname or "" for u in self.start_urls} - {""})
        self.render_targets = rendering.parse_targets(render_js)
        self._rendered: set[str] = set()  # pages already sent to the browser (their requests skip the dupe filter)
        # List pages this spider has asked for (a GET by its URL, a POST by URL and body).  A TRS pager
        # names every page of the column on every page: N list pages would make N² requests.
        self._listed: set[str | tuple[str, bytes]] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        """Apply the rendering settings when ``render_js`` asks for them.

        Only here are both the spider's arguments and the still unfrozen settings at
        hand (``update_settings`` sees no arguments).  Settings given on the command
        line (``nianbao crawl --render-js``, ``-s``) keep precedence over these.
        """
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.render_targets and not crawler.settings.frozen:
            for name, value in rendering.rendering_settings().items():
                crawler.settings.set(name, value, priority="spider")
        return spider

    async def start(self):
        for url in self.start_urls:
            for request in self.list_requests(url, self.parse, {"nianbao_kind": "list", "depth_hint": 0, "nianbao_url": url}):
                yield request

    def list_requests(self, url: str, callback, meta: dict, request: scrapy.Request | None = None):
        """A list or section page as usual and, on a portal that asked for rendering, its rendered twin.

        The plain request is what it always was: the server's bytes are archived and
        parsed, so a page whose rendering fails is still crawled as without rendering.
        The twin, loaded in Chromium, adds what the page's scripts write.
        """
        request = request or scrapy.Request(url)
        if _HASH_ROUTE.match(urlsplit(url).fragment):
            # An app's hash route (gkmlpt's index#2811) is a page of its own, though its URL differs
            # from the app's only after '#', which the dupe filter ignores: whichever link came first
            # would decide what is crawled.  Asked for once per route, here: a request fingerprinter
            # that kept fragments would not reach scrapy-redis's dupe filter, which has its own.
            if url in self._listed:
                return
            self._listed.add(url)
            request = request.replace(dont_filter=True)
        plain = request.replace(callback=callback, meta={**request.meta, **meta})
        yield plain
        if not rendering.wanted(url, self.render_targets) or plain.method != "GET" or url in self._rendered:
            return
        self._rendered.add(url)
        timeout = self.settings.getfloat("NIANBAO_RENDER_TIMEOUT", rendering.DEFAULT_RENDER_TIMEOUT)
        yield plain.replace(meta={**plain.meta, **rendering.render_meta(timeout)}, dont_filter=True,
                            errback=self.render_failed)

    def render_failed(self, failure):
        """Rendering failed (no browser, a timeout, a crash): the plain request of the page stands in for it.

        The failure itself is written to the archive by RecordFailuresMiddleware.
        """
        request = failure.request
        if failure.check(IgnoreRequest):  # robots.txt, the offsite filter …: the plain request was dropped too
            return
        self.crawler.stats.inc_value("nianbao/render/failed")
        self.logger.warning("rendering %s failed (%s); its plain HTML is crawled as usual",
                            request.url, failure.getErrorMessage()[:300])

    def rendered_fetches(self, response: Response):
        """The JSON/JS a rendered page's scripts fetched, fetched again by Scrapy to be archived byte-exact.

        The rendered DOM is the browser's work; these (and the plain page) are what the server sent.
        """
        if not response.meta.get("nianbao_rendered"):
            return
        self.crawler.stats.inc_value("nianbao/render/pages")
        for url in rendering.fetched_urls(response.meta):
            if urlsplit(url).scheme in ("http", "https"):
                yield scrapy.Request(url, callback=self.parse_fetched,
                                     meta={"nianbao_kind": "list", "nianbao_url": url, "rendered_by": response.url})

    def parse_fetched(self, response: Response):
        """A script's data source: archived by the middleware; its content was already read in the DOM."""
        return None

    def parse(self, response: Response):
        """A start page: a report column itself, or a home/section page that links to one."""
        if not isinstance(response, TextResponse):
            return
        yield from self.rendered_fetches(response)
        listing = platforms.list_page(response, self._listed)
        hint = response.meta.get("depth_hint", 0)
        if listing.platform == "jpaas" and not platforms.is_jpaas_api(response.url):
            # A JPaaS shell: its units hold what the page shows (navigation or a list), so each
            # unit's answer is read as this page would be; the shell's own links are read below.
            self.note_shell(response, listing)
            for request in listing.requests:
                key = self._list_key(request)
                if key not in self._listed:
                    self._listed.add(key)
                    request.meta.update({"nianbao_kind": "list", "nianbao_url": request.url, "depth_hint": hint})
                    yield request.replace(callback=self.parse)
            listing = platforms.ListPage(listing.platform, listing.entries)
        if listing.platform in ("hanweb", "gkmlpt") or any(is_report_title(t) for t, _ in listing.entries):
            yield from self.follow_list(response, listing)
            return
        for text, url in listing.entries:  # a home or section page: its navigation links
            if is_report_column(text):
                yield from self.list_requests(url, self.parse_list, {"nianbao_kind": "list", "nianbao_url": url})
            elif hint < MAX_SECTION_DEPTH and is_section_link(text):
                yield from self.list_requests(
                    url, self.parse, {"nianbao_kind": "list", "depth_hint": hint + 1, "nianbao_url": url})

    def parse_list(self, response: Response):
        """A page of the report column (HTML, Hanweb XML or gkmlpt JSON)."""
        yield from self.rendered_fetches(response)
        yield from self.follow_list(response, platforms.list_page(response, self._listed))

    def note_shell(self, response: Response, listing: platforms.ListPage) -> None:
        """A JPaaS shell ships no list markup: say so, so that such a portal never looks like one without reports."""
        self.crawler.stats.inc_value("nianbao/jpaas/shells")
        self.logger.info("%s is a Hanweb JPaaS shell: asking its unit API for %d unit(s)",
                         response.url, len(listing.requests))

    def follow_list(self, response: Response, listing: platforms.ListPage):
        self.crawler.stats.inc_value(f"nianbao/platform/{listing.platform}")
        # Per host too: portal health names the platform of a column even when it yields no report.
        self.crawler.stats.inc_value(f"nianbao/host/{urlsplit(response.url).hostname}/platform/{listing.platform}")
        if listing.platform == "jpaas" and listing.requests and not platforms.is_jpaas_api(response.url):
            self.note_shell(response, listing)  # a shell reached as a column (parse notes those it starts at)
        if response.request is not None:
            self._listed.add(self._list_key(response.request))
        for title, url in dict.fromkeys(listing.entries):
            if not is_report_title(title):
                continue
            meta = {"nianbao_kind": "report", "list_title": title, "list_url": response.url,
                    "platform": listing.platform}
            url = unwrap_viewer(url)
            callback = self.parse_attachment_report if is_attachment(url) else self.parse_detail
            # Reports before further list pages: the queue stays short however long the column is
            # (a TRS pager hands over all its pages at once), so memory stays flat.
            yield scrapy.Request(url, callback=callback, meta=meta, priority=REPORT_PRIORITY)
        for request in listing.requests:
            key = self._list_key(request)
            if key in self._listed:
                continue
            self._listed.add(key)
            meta = {"nianbao_kind": "list", "nianbao_url": request.url}
            if listing.platform in ("hanweb", "gkmlpt", "jpaas"):  # their API answers are data, not pages to render
                request.meta.update(meta)
                yield request.replace(callback=self.parse_list)
            else:
                yield from self.list_requests(request.url, self.parse_list, meta, request)

    @staticmethod
    def _list_key(request: scrapy.Request) -> str | tuple[str, bytes]:
        """A GET by its page (``dir/`` and ``dir/index.html`` are one), a POST by URL and body."""
        return platforms.page_key(request.url) if request.method == "GET" else (request.url, request.body)

    async def parse_detail(self, response: Response):
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        is_html = isinstance(response, TextResponse) and "html" in (content_type or "text/html")
        attachments = []
        if is_html:
            # A regex over the markup, not a selector: building a second tree per page costs more
            # than everything else the spider does with it.
            hrefs = _HREF.findall(response.text)
            if _EMBED_TAG.search(response.body):  # a bytes scan is cheaper than the str pattern
                hrefs += _EMBED.findall(response.text)
            for href in hrefs:
                if not _FILE_EXT.search(href):  # most links name no file: skip resolving them
                    continue
                url = unwrap_viewer(urljoin(response.url, html.unescape(href.strip())))
                if is_attachment(url) and url not in attachments:
                    attachments.append(url)
        for url in attachments:
            yield scrapy.Request(url, callback=self.parse_attachment, priority=REPORT_PRIORITY + 1,
                                 meta={"nianbao_kind": "attachment", "report_url": response.url})
        stored = await archived(self.crawler, response)
        if stored is None:
            return  # not archived (logged): an item would point at nothing
        # Read in the archive process as the page was stored (crawler.archiving), except from a
        # rendered page's DOM.
        record_id, metadata = stored
        if metadata is None and is_html:
            self.crawler.stats.inc_value("nianbao/page_metadata_in_spider")
            metadata = page_metadata(response.body, content_type)
        yield self.report_item(response, record_id, metadata or {}, attachments)

    async def parse_attachment_report(self, response: Response):
        """A list entry that links straight to a PDF/Word report: the file is the report."""
        stored = await archived(self.crawler, response)
        if stored is not None:
            yield self.report_item(response, stored[0], {}, [])

    @staticmethod
    def report_item(response: Response, record_id: str, metadata: dict, attachments: list[str]) -> ReportItem:
        """The item for an archived report response, with what the list page said about it."""
        meta = response.meta
        return ReportItem(
            url=(meta.get("redirect_urls") or [response.url])[0], final_url=response.url,
            record_id=record_id, list_title=meta.get("list_title"),
            list_url=meta.get("list_url"), page_metadata=metadata, attachments=attachments,
            platform=meta.get("platform"))

    def parse_attachment(self, response: Response):
        """Attachments are archived by the middleware; nothing more to extract here."""
        self.crawler.stats.inc_value("nianbao/attachments")
        return None
