"""The CMS platforms government portals run on: how their column lists list and paginate.

Most portals do not paginate with plain links.  A site on a known platform
needs no code: the platform is recognised from the page, and its list turned
into entries (title, URL) and the requests for the rest of the list:

- TRS WCM: ``createPageHTML(count, current, "index", "html")`` or ``countPage``
  variables write ``index_N.html`` links in JavaScript;
- Hanweb/大汉 JCMS: the first records sit in ``<script type="text/xml">`` as
  ``<record><![CDATA[…]]></record>``, the rest come from POSTs to
  ``/module/web/jpage/dataproxy.jsp?startrecord=…&endrecord=…&perpage=…``;
- Guangdong gkmlpt: the list is a JavaScript app over the JSON API
  ``/gkmlpt/api/all/<category>?page=N&sid=<site id>``; its annual-report page
  ``/gkmlpt/annualreport`` is the same app over the same API, showing the report
  category (``annualreport#2629`` is ``api/all/2629``, as public scrapers of real
  sites read it).  How the page picks that category without a hash route (the
  report category of the catalog tree its shell embeds, else category 0) is an
  assumption, not something seen in public sources: see ``gkmlpt_categories``;
- generic: 下一页/尾页/page-number links and ``?page=N`` queries.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Container
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from scrapy import FormRequest, Request
from scrapy.http import Response, TextResponse

from crawler.classify import CLIPPED, is_report_column

MAX_PAGES = 500

# TRS WCM: createPageHTML(countPage, currentPage, "index", "html") or variables countPage/currentPage.
_TRS_CALL = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
_TRS_VARS = re.compile(r"var\s+countPage\s*=\s*['\"]?(\d+)")
_NEXT_TEXT = re.compile(r"^\s*(?:下一页|下页|后一页|>|›|»|尾页|末页|\d{1,4})\s*$")
_HANWEB_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_HANWEB_PROXY = re.compile(r"""["']?(/module/(?:[\w/]+/)?jpage/\w*dataproxy\.jsp)(\?[^"'<>\s]*)?""")
_HANWEB_TOTAL = re.compile(r"(?:totalRecord|totalrecord)['\"]?\s*[:=>]\s*['\"]?(\d+)", re.I)
_HANWEB_PERPAGE = re.compile(r"perpage['\"]?\s*[:=]\s*['\"]?(\d+)", re.I)
_HANWEB_PARAMS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname",
                  "permissiontype")
_JS_PARAM = re.compile(r"\b(" + "|".join(_HANWEB_PARAMS) + r")['\"]?\s*[:=]\s*['\"]([^'\"]*)['\"]", re.I)
_GKMLPT_SID = re.compile(r"\bSID\s*[:=]\s*['\"]?(\d+)")
_GKMLPT_API = re.compile(r"/gkmlpt/api/all/(\d+)")
# The catalog tree of a gkmlpt shell (``TREE: [{"id": 2811, "name": "政府信息公开年报", "parent": 0, …}]``):
# one match per object literal, up to its first nested object; id and name in either order.
_GKMLPT_NODE = re.compile(r"\{([^{}]*)")
_GKMLPT_NODE_ID = re.compile(r"""(?<![\w$])["']?id["']?\s*:\s*["']?(\d+)""")
_GKMLPT_NODE_NAME = re.compile(r"""(?<![\w$])["']?name["']?\s*:\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


@dataclass
class ListPage:
    """What one list page (HTML, Hanweb XML or gkmlpt JSON) yields."""

    platform: str
    entries: list[tuple[str, str]] = field(default_factory=list)  # (title, absolute URL)
    requests: list[Request] = field(default_factory=list)  # the rest of the list


def detect(response: Response) -> str:
    url = response.url
    if "/gkmlpt/api/" in url:
        return "gkmlpt"
    if "dataproxy.jsp" in url:
        return "hanweb"
    if not isinstance(response, TextResponse):
        return "generic"
    text = response.text
    # A page that merely links to a gkmlpt catalog is not one: the app shell carries its site id.
    if "/gkmlpt/" in urlsplit(url).path and (_GKMLPT_SID.search(text) or "/gkmlpt/api/" in text):
        return "gkmlpt"
    if "dataproxy.jsp" in text or "/module/web/jpage/" in text or _HANWEB_RECORD.search(text):
        return "hanweb"
    if "createPageHTML" in text or _TRS_VARS.search(text) or "TRS_Editor" in text:
        return "trs"
    return "generic"


def link_title(text: str, title: str | None) -> str:
    """What a link says: its text, unless the text is empty or clipped and the title attribute
    holds the whole of it (lists print "…年度报..." with the full title in ``title``)."""
    text, title = text.strip(), (title or "").strip()
    if title and (not text or CLIPPED.search(text) or (len(title) > len(text) and title.startswith(text))):
        return title
    return text


def _links(root, base_url: str) -> list[tuple[str, str]]:
    out = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        out.append((link_title(a.text_content(), a.get("title")), urljoin(base_url, href)))
    return out


def page_anchors(response: TextResponse) -> list[tuple[str, str]]:
    """(title, URL) of a page's links, from the tree Scrapy already parsed for the response."""
    return _links(response.selector.root, response.url)


def anchors(html: str, base_url: str) -> list[tuple[str, str]]:
    """(title, URL) of the links in an HTML fragment (a Hanweb record)."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return []
    return _links(root, base_url)


# -- TRS and generic -----------------------------------------------------------

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
    # Every page of the column names all of them: join once, then format (N pages × N names).
    base = urljoin(response.url, f"{name}.{ext}")[: -len(f"{name}.{ext}")]
    return [f"{base}{name}.{ext}" if n == 0 else f"{base}{name}_{n}.{ext}" for n in range(count)]


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


def html_list(response: TextResponse, platform: str, seen: Container[str] = ()) -> ListPage:
    entries = page_anchors(response) if platform != "hanweb" else []
    pages = trs_pages(response) if platform == "trs" else []
    pages += link_pages(response) + page_param_pages(response)
    urls = list(dict.fromkeys(p for p in pages if p != response.url and p not in seen))
    return ListPage(platform, entries, [Request(u) for u in urls])


# -- Hanweb / 大汉 JCMS ----------------------------------------------------------

def hanweb_params(text: str) -> tuple[str, dict[str, str]] | None:
    """The dataproxy path and its form parameters, from the page's nextgroup link or its script."""
    params: dict[str, str] = {}
    proxy = None
    for m in _HANWEB_PROXY.finditer(text):
        proxy = proxy or m.group(1)
        if m.group(2):
            for k, v in parse_qsl(m.group(2).lstrip("?").replace("&amp;", "&")):
                if k in _HANWEB_PARAMS:
                    params.setdefault(k, v)
    for k, v in _JS_PARAM.findall(text):
        key = next(p for p in _HANWEB_PARAMS if p.lower() == k.lower())
        params.setdefault(key, v)
    if "columnid" not in params:
        return None
    defaults = {"col": "1", "appid": "1", "path": "/", "sourceContentType": "1", "permissiontype": "0"}
    return proxy or "/module/web/jpage/dataproxy.jsp", {**defaults, **params}


def hanweb_list(response: TextResponse) -> ListPage:
    """Records embedded in the page or returned by dataproxy.jsp, and the POSTs for the other groups."""
    text = response.text
    entries = [e for record in _HANWEB_RECORD.findall(text) for e in anchors(record, response.url)]
    page = ListPage("hanweb", entries)
    if "dataproxy.jsp" in response.url:
        return page  # the first page scheduled every group
    found = hanweb_params(text)
    if not found:
        return page
    proxy, form = found
    perpage = int(m.group(1)) if (m := _HANWEB_PERPAGE.search(text)) else 15
    total = int(m.group(1)) if (m := _HANWEB_TOTAL.search(text)) else len(entries)
    group = perpage * 3  # JCMS fetches three pages per request
    start = len(entries) + 1 if entries else 1
    for first in range(start, min(total, MAX_PAGES * perpage) + 1, group):
        last = min(first + group - 1, total)
        url = urljoin(response.url, f"{proxy}?{urlencode({'startrecord': first, 'endrecord': last, 'perpage': perpage})}")
        page.requests.append(FormRequest(url, formdata=form))
    return page


# -- Guangdong gkmlpt ------------------------------------------------------------

def gkmlpt_api_url(base_url: str, category: str, page: int, sid: str) -> str:
    root = base_url.split("/gkmlpt/")[0]
    return f"{root}/gkmlpt/api/all/{category}?{urlencode({'page': page, 'sid': sid})}"


def is_gkmlpt_annualreport(url: str) -> bool:
    """The platform's annual-report page, ``…/gkmlpt/annualreport`` (the catalog is ``…/gkmlpt/index``)."""
    return urlsplit(url).path.rstrip("/").endswith("/gkmlpt/annualreport")


def _js_string(raw: str) -> str:
    """A JS/JSON string literal's text: trees are often printed with ``\\uXXXX`` escapes."""
    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return raw


def gkmlpt_report_categories(text: str) -> list[str]:
    """Ids of the report categories (政府信息公开年报 …) in the catalog tree an app shell embeds.

    The tree's nodes are shaped like the API's ``classify`` object (``id``, ``name``,
    ``parent``, ``post_count``); a node is a report category when its name would be a
    report-column link (``classify.is_report_column``), so no site's ids are hard-coded.
    """
    found = []
    for node in _GKMLPT_NODE.findall(text):
        ident, name = _GKMLPT_NODE_ID.search(node), _GKMLPT_NODE_NAME.search(node)
        if ident and name and is_report_column(_js_string(name.group(1) or name.group(2) or "")):
            found.append(ident.group(1))
    return list(dict.fromkeys(found))


def gkmlpt_categories(response: Response, text: str) -> list[str]:
    """The categories a gkmlpt page shows, as its app would ask the API for them.

    A hash route names one (``index#2811``, ``annualreport#2629``).  Without one the
    catalog shows everything (category 0), while the annual-report page shows the
    report category: the one its tree names, or, when the tree says nothing we
    recognise, category 0, whose report titles the spider picks out anyway.

    Assumed, not observed: that the annual-report page has no API of its own and,
    without a hash, shows the report category of its ``TREE``.  Public scrapers only
    show ``annualreport#<category>`` read through ``/gkmlpt/api/all/<category>``; the
    fallback to category 0 keeps the crawl complete if the assumption is wrong.
    """
    fragment = urlsplit(response.meta.get("nianbao_url") or response.url).fragment
    if fragment.isdigit():
        return [fragment]
    if is_gkmlpt_annualreport(response.url):
        return gkmlpt_report_categories(text) or ["0"]
    return ["0"]


def gkmlpt_total(data: dict) -> int:
    """How many articles the category holds: ``total``, or the ``classify`` object's ``post_count``."""
    classify = data.get("classify") if isinstance(data.get("classify"), dict) else {}
    for value in (data.get("total"), classify.get("post_count")):
        if str(value).isdigit():
            return int(value)
    return 0


def gkmlpt_list(response: Response) -> ListPage:
    page = ListPage("gkmlpt")
    if "/gkmlpt/api/" not in response.url:
        # A catalog or annual-report page: site id from its script (or the query), categories from its route.
        text = response.text if isinstance(response, TextResponse) else ""
        sid = m.group(1) if (m := _GKMLPT_SID.search(text)) else dict(
            parse_qsl(urlsplit(response.url).query)).get("sid")
        if sid:
            for category in gkmlpt_categories(response, text):
                page.requests.append(Request(gkmlpt_api_url(response.url, category, 1, sid)))
        return page
    try:
        data = json.loads(response.body)
    except ValueError:
        return page
    if not isinstance(data, dict):
        return page
    articles = data.get("articles") or []
    for a in articles:
        url = a.get("url") or a.get("post_url")
        if url and a.get("title"):
            page.entries.append((a["title"], urljoin(response.url, url)))
    query = dict(parse_qsl(urlsplit(response.url).query))
    if query.get("page") == "1" and articles:
        pages = min(math.ceil(gkmlpt_total(data) / len(articles)), MAX_PAGES)
        category = _GKMLPT_API.search(response.url).group(1)
        for n in range(2, pages + 1):
            page.requests.append(Request(gkmlpt_api_url(response.url, category, n, query.get("sid", ""))))
    return page


def list_page(response: Response, seen: Container[str] = ()) -> ListPage:
    """Entries and further list requests of any list page, by platform.

    ``seen``: URLs of list pages already requested, left out of the requests.  A pager
    that names every page on every page (TRS) would otherwise cost N² requests.
    """
    platform = detect(response)
    if platform == "gkmlpt" and ("/gkmlpt/api/" in response.url or "/gkmlpt/" in response.url):
        return gkmlpt_list(response)
    if not isinstance(response, TextResponse):
        return ListPage(platform)
    if platform == "hanweb":
        page = hanweb_list(response)
        if "dataproxy.jsp" not in response.url:  # the column page may also carry ordinary links
            page.entries += page_anchors(response)
        return page
    return html_list(response, platform, seen)
