"""Pagination of column list pages on the CMS platforms government portals run on.

A site on a known platform needs no code: the platform is recognised from the
page and its pager turned into page URLs.  Each function returns absolute URLs
of the other list pages it can see from this one.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from scrapy.http import TextResponse

# TRS WCM: createPageHTML(countPage, currentPage, "index", "html") or variables countPage/currentPage.
_TRS_CALL = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
_TRS_VARS = re.compile(r"var\s+countPage\s*=\s*['\"]?(\d+)")
_NEXT_TEXT = re.compile(r"^\s*(?:下一页|下页|后一页|>|›|»|尾页|末页|\d{1,4})\s*$")
MAX_PAGES = 500


def detect(response: TextResponse) -> str:
    text = response.text
    if "createPageHTML" in text or _TRS_VARS.search(text) or "TRS_Editor" in text:
        return "trs"
    if "dataproxy.jsp" in text or "/module/web/jpage/" in text:
        return "hanweb"
    if "gkmlpt" in response.url or "gkmlpt" in text[:20000]:
        return "gkmlpt"
    return "generic"


def trs_pages(response: TextResponse) -> list[str]:
    """index.html, index_1.html … index_{N-1}.html in the list page's directory."""
    text = response.text
    m = _TRS_CALL.search(text)
    if m:
        count, name, ext = int(m.group(1)), m.group(3), m.group(4)
    else:
        v = _TRS_VARS.search(text)
        if not v:
            return []
        count, name, ext = int(v.group(1)), "index", "html"
    count = min(count, MAX_PAGES)
    return [urljoin(response.url, f"{name}.{ext}" if n == 0 else f"{name}_{n}.{ext}") for n in range(count)]


def link_pages(response: TextResponse) -> list[str]:
    """Pager links by their text (下一页, 尾页, page numbers) that stay in the same column."""
    base = urlsplit(response.url)
    column = base.path.rsplit("/", 1)[0]
    out = []
    for a in response.css("a"):
        text = " ".join(a.css("::text").getall())
        href = a.attrib.get("href", "")
        if not href or href.startswith(("javascript:", "#", "mailto:")) or not _NEXT_TEXT.match(text):
            continue
        url = urljoin(response.url, href)
        parts = urlsplit(url)
        if parts.netloc == base.netloc and parts.path.rsplit("/", 1)[0] == column:
            out.append(url)
    return out


def page_param_pages(response: TextResponse) -> list[str]:
    """`?page=N`-style queries: when a pager links to page N, also the pages up to the highest seen."""
    seen = []
    for url in link_pages(response):
        q = dict(parse_qsl(urlsplit(url).query))
        for key in ("page", "pageNo", "pageIndex", "p", "pn"):
            if key in q and q[key].isdigit():
                seen.append((key, int(q[key]), url))
    if not seen:
        return []
    key, top, url = max(seen, key=lambda s: s[1])
    parts = urlsplit(url)
    q = dict(parse_qsl(parts.query))
    out = []
    for n in range(1, min(top, MAX_PAGES) + 1):
        q[key] = str(n)
        out.append(urlunsplit(parts._replace(query=urlencode(q))))
    return out


def list_pages(response: TextResponse) -> tuple[str, list[str]]:
    """The platform detected and every other list page reachable from this one."""
    platform = detect(response)
    pages = trs_pages(response) if platform == "trs" else []
    pages += link_pages(response) + page_param_pages(response)
    return platform, list(dict.fromkeys(p for p in pages if p != response.url))
