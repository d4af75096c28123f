"""Opt-in browser rendering for portals whose report list only exists after JavaScript runs.

Some portals build their list in the browser from a private JSON endpoint that
is on no known platform (crawler.platforms): the HTML the server sends has no
entries and no page links.  For those, and only when asked (``scrapy crawl
portal -a render_js=…``, ``nianbao crawl --render-js …``), list and section pages
are *also* loaded in Debian's Chromium through scrapy-playwright, and the links
of the rendered DOM are followed like any others.

Nothing here imports scrapy-playwright or Playwright at module level: a crawl
that does not render must not need them, nor pay for them.

Archiving stays honest: each rendered page is fetched once more without the
browser, so the server's own bytes are archived as usual; the rendered DOM
(what scrapy-playwright hands back, flagged ``"playwright"``) is archived too,
marked ``nianbao_rendered`` in the request meta; and the JSON the page's script
fetched is re-fetched by Scrapy (robots.txt, politeness, byte-exact archive).

Anti-bot walls are never passed: once the requested document has loaded, the
page may not navigate again (no challenge script can reload itself into the
real page), and challenge pages are recorded as ``blocked`` by
crawler.middlewares as for any other request.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import urlsplit

HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Debian's Chromium; a browser is never downloaded.  NIANBAO_CHROMIUM points elsewhere (another distribution).
CHROMIUM = os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium")
# How long a rendered page may take to settle (network idle) before what is there is taken as it is.
DEFAULT_RENDER_TIMEOUT = 15.0
# Resources a list does not need: not fetched, to spare the portal and the crawl.
_SKIPPED_RESOURCES = {"image", "media", "font", "stylesheet", "websocket", "eventsource", "manifest", "other"}
_TRUE = {"1", "true", "yes", "on", "all", "*"}
# The URLs the page's scripts fetched (fetch() and XMLHttpRequest), from the Resource Timing API.
_FETCHED_JS = ("() => performance.getEntriesByType('resource')"
               ".filter(e => e.initiatorType === 'fetch' || e.initiatorType === 'xmlhttprequest')"
               ".map(e => e.name)")


def rendering_settings() -> dict[str, Any]:
    """The Scrapy settings a rendering crawl needs (scrapy-playwright 0.0.48 on Scrapy 2.19).

    scrapy-playwright replaces the http and https download handlers; requests
    without ``meta["playwright"]`` still go through Scrapy's own HTTP/1.1
    handler, byte for byte as before.  It needs the asyncio reactor (Scrapy's
    default since 2.13, set here so an older project setting cannot break it).
    One context with two pages at most: rendering is for a few list pages, not
    for the crawl.
    """
    return {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "TWISTED_REACTOR": ASYNCIO_REACTOR,
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": CHROMIUM, "headless": True},
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 30_000,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 2,
        "PLAYWRIGHT_ABORT_REQUEST": "crawler.rendering.abort_request",
        "NIANBAO_RENDER_TIMEOUT": DEFAULT_RENDER_TIMEOUT,
    }


def parse_targets(value: str | list[str] | bool | None) -> list[str]:
    """``render_js`` as given: 1/true/all → every portal (``["*"]``); else hosts or URL prefixes, comma-separated."""
    if value is None or value is False:
        return []
    if value is True:
        return ["*"]
    items = value if isinstance(value, list) else re.split(r"[,\s]+", str(value))
    items = [i.strip() for i in items if i and i.strip()]
    if any(i.lower() in _TRUE for i in items):
        return ["*"]
    return [i for i in items if i.lower() not in {"0", "false", "no", "off"}]


def wanted(url: str, targets: list[str]) -> bool:
    """Is ``url`` on a portal that asked for rendering?  A target is ``*``, a host (``www.x.gov.cn``,
    ``host:port``) or a URL prefix (``http://host/sfj/``)."""
    if not targets:
        return False
    parts = urlsplit(url)
    for target in targets:
        if target == "*":
            return True
        if "://" in target:
            if url.startswith(target):
                return True
        elif target.lower() in ((parts.hostname or "").lower(), parts.netloc.lower()):
            return True
    return False


def render_meta(timeout: float = DEFAULT_RENDER_TIMEOUT) -> dict[str, Any]:
    """Request meta that has scrapy-playwright load the page in Chromium and wait for its list.

    Everything in it pickles (a module-level function, not a closure), so rendered
    requests survive Scrapy's disk queues and the Redis queue of distributed mode.
    """
    from scrapy_playwright.page import PageMethod

    return {"playwright": True, "nianbao_rendered": True,
            "playwright_page_methods": [PageMethod(settle, timeout)]}


async def settle(page, timeout: float) -> list[str]:
    """Wait until the page's scripts have fetched and written the list, then say what they fetched.

    Network idle, not a selector: the entries of an unknown app have no known
    selector (every shell already has navigation links).  A page that never
    goes idle (polling, a live chat) is taken as it is after ``timeout`` seconds.
    """
    from playwright.async_api import TimeoutError as PlaywrightTimeoutError

    try:
        await page.wait_for_load_state("networkidle", timeout=timeout * 1000)
    except PlaywrightTimeoutError:
        pass
    return list(dict.fromkeys(await page.evaluate(_FETCHED_JS)))


def fetched_urls(meta: dict) -> list[str]:
    """What ``settle`` found the rendered page's scripts fetched ([] for a page not rendered)."""
    for method in meta.get("playwright_page_methods") or ():
        if getattr(method, "method", None) is settle and isinstance(getattr(method, "result", None), list):
            return method.result
    return []


def abort_request(request) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: which of the browser's own requests are not made.

    Images, fonts, styles and media: a list does not need them.  Navigations of
    the main frame after the first document (its redirects included) has been
    requested: a page that reloads or sends itself elsewhere by script is an
    anti-bot challenge (or a trap) as often as not, and we never pass those.
    """
    if request.resource_type in _SKIPPED_RESOURCES:
        return True
    if not request.is_navigation_request():
        return False
    try:
        frame = request.frame
        page = frame.page
    except Exception:  # a service-worker request has no frame
        return False
    if frame.parent_frame is not None:
        return False
    if request.redirected_from is not None:
        return False  # the server's redirect of the document we asked for, followed as Scrapy would
    if getattr(page, "_nianbao_navigated", False):
        return True
    page._nianbao_navigated = True
    return False
