"""The CMS platforms government portals run on: how their column lists list and paginate.

Most portals do not paginate with plain links.  A site on a known platform
needs no code: the platform is recognised from the page, and its list turned
into entries (title, URL) and the requests for the rest of the list:

- TRS WCM and its kin: a pager call with a page count, the current index, a
  quoted page name and a quoted extension (``createPageHTML(34, 0, "index", "html")``,
  ``createPage(...)``, ``createPageHTML('page_div', 10, 1, 'xlist', 'shtml', 189)``:
  any function name, any argument order) or ``countPage`` variables write
  ``name_N.ext`` links in JavaScript; the current index says whether ``name_1``
  is page 2 (0-based WCM) or page 1 (1-based);
- Hanweb/大汉 JCMS: the first records sit in ``<script type="text/xml">`` as
  ``<record><![CDATA[…]]></record>``, the rest come from POSTs to
  ``/module/web/jpage/dataproxy.jsp?startrecord=…&endrecord=…&perpage=…``;
- Hanweb JPaaS (``unitbuild.js``): the column page is a shell whose
  ``<script src=…unitbuild.js url=… queryData=…>`` units are built by GET
  ``url?<queryData>``, answering ``{"data": {"html": "<ul>…"}}``; further pages
  add ``paramJson={"pageNo": N, "pageSize": P}`` (see ``jpaas_list``);
- Guangdong gkmlpt: the list is a JavaScript app over the JSON API
  ``/gkmlpt/api/all/<category>?page=N&sid=<site id>``; its annual-report page
  ``/gkmlpt/annualreport`` is the same app over the same API, showing the report
  category (``annualreport#2629`` is ``api/all/2629``, as public scrapers of real
  sites read it).  How the page picks that category without a hash route (the
  report category of the catalog tree its shell embeds, else category 0) is an
  assumption, not something seen in public sources: see ``gkmlpt_categories``;
- script pagers with their own URL template (Anhui's 集约化 platform, ``Ls.pagination(…,
  function(pageIndex){ location.href='…?pageIndex=' + pageIndex;}, {pageCount: N})``): see ``script_pages``;
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

from crawler.classify import CLIPPED, is_report_column, is_report_title, is_section_link

MAX_PAGES = 500

# A static pager call, known by its shape rather than its name: literal arguments only (a definition
# ``function createPageHTML(_nPageCount, …)`` or ``document.write(…)`` does not match), among them two
# integers (page count, current index, in that order) and a quoted page name followed by a quoted
# static-page extension.  createPageHTML(21, 0, "index", "html"), createPage(34, 0, "index", "html"),
# createPageHTML('page_div', 10, 1, 'xlist', 'shtml', 189).
_JS_CALL = re.compile(r"([A-Za-z_$][\w$]*)\s*\(([^()]{0,300})\)")
_JS_LITERAL = re.compile(r"""\s*(?:(\d+)|"(\d*)"|'(\d*)'|"([^"\\]*)"|'([^'\\]*)')\s*""")
_PAGE_EXT = re.compile(r"^(?:s?html?|jhtml|xhtml|xml)$", re.I)
_PAGE_NAME = re.compile(r"^[\w-]+$")
_TRS_VARS = re.compile(r"var\s+countPage\s*=\s*['\"]?(\d+)")
# A JS line comment starts the line or follows code; the "//" of "http://" follows a colon.  Templates keep
# old pager calls commented out (``//createPageHTML(9, 0, "index", "html");`` above ``var countPage = 17``).
_LINE_COMMENT = re.compile(r"(?:^|[\s;{}(),])//")


def commented_out(text: str, pos: int) -> bool:
    """Is the code at ``pos`` inside a JS comment (``// …`` earlier on its line, or an open ``/* …``)?

    Asked of each candidate match, not by stripping the whole page: pages are tens of kilobytes and
    the answer is needed for one or two calls.
    """
    line = text[text.rfind("\n", 0, pos) + 1:pos]
    if "//" in line and _LINE_COMMENT.search(line):
        return True
    # A block comment is looked for in the script holding ``pos`` only: markup has "/*" too (accept="image/*").
    script = max(text.rfind("<script", 0, pos), text.rfind("<SCRIPT", 0, pos), 0)
    opened = text.rfind("/*", script, pos)
    return opened >= 0 and text.rfind("*/", opened, pos) < 0


def _first_var(pattern: re.Pattern, text: str) -> re.Match | None:
    """The first match of ``pattern`` that is not commented out."""
    return next((m for m in pattern.finditer(text) if not commented_out(text, m.start())), None)


_NEXT_TEXT = re.compile(r"^\s*(?:下一页|下页|后一页|>|›|»|尾页|末页|\d{1,4})\s*$")
_HANWEB_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_HANWEB_PROXY = re.compile(r"""["']?(/module/(?:[\w/]+/)?jpage/\w*dataproxy\.jsp)(\?[^"'<>\s]*)?""")
_HANWEB_TOTAL = re.compile(r"(?:totalRecord|totalrecord)['\"]?\s*[:=>]\s*['\"]?(\d+)", re.I)
_HANWEB_PERPAGE = re.compile(r"perpage['\"]?\s*[:=]\s*['\"]?(\d+)", re.I)
_HANWEB_PARAMS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname",
                  "permissiontype")
# key:'value', key="value", key:123 (jpage's ajaxParam writes numbers bare: columnid:30067).
_JS_PARAM = re.compile(r"\b(" + "|".join(_HANWEB_PARAMS) + r")['\"]?\s*[:=]\s*(?:'([^']*)'|\"([^\"]*)\"|(\d+)\b)", re.I)
_GKMLPT_SID = re.compile(r"\bSID\s*[:=]\s*['\"]?(\d+)")
_GKMLPT_API = re.compile(r"/gkmlpt/api/all/(\d+)")
# The catalog tree of a gkmlpt shell (``TREE: [{"id": 2811, "name": "政府信息公开年报", "parent": 0, …}]``):
# one match per object literal, up to its first nested object; id and name in either order.
_GKMLPT_NODE = re.compile(r"\{([^{}]*)")
_GKMLPT_NODE_ID = re.compile(r"""(?<![\w$])["']?id["']?\s*:\s*["']?(\d+)""")
_GKMLPT_NODE_NAME = re.compile(r"""(?<![\w$])["']?name["']?\s*:\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


@dataclass
class ListPage:
    """What one list page (HTML, Hanweb XML, gkmlpt or JPaaS JSON) yields."""

    platform: str
    entries: list[tuple[str, str]] = field(default_factory=list)  # (title, absolute URL)
    requests: list[Request] = field(default_factory=list)  # the rest of the list


# -- Bodies that are JSON or JSONP ---------------------------------------------------

_JSONP = re.compile(r"^\s*[\w$.]+\s*\(\s*([\[{].*[\]}])\s*\)\s*;?\s*$", re.S)
_HTML_IN_STRING = re.compile(r"<(?:a|li|record|datastore|ul|tr|div)\b", re.I)


def json_body(response: Response) -> object | None:
    """The decoded JSON (or JSONP) of a response whose body is one, else None.

    Scrapy makes a JsonResponse of ``application/json``, and parsel reads any text body
    that parses as JSON as JSON: either way ``response.selector`` has no HTML tree, so
    list code must look at the body first (servers label JSON text/html or text/plain too).
    """
    if not isinstance(response, TextResponse):
        return None
    head = response.body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] not in (b"{", b"[") and not re.match(rb"[\w$.]+\s*\(\s*[\[{]", head):
        return None
    text = response.text
    m = _JSONP.match(text)
    try:
        return json.loads(m.group(1) if m else text)
    except ValueError:
        return None


def json_strings(data: object) -> list[str]:
    """Every string in a JSON document, depth first (decoding already undid ``\\"`` and ``\\/``)."""
    out: list[str] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return out


def json_html(data: object) -> str:
    """The HTML fragments a JSON list answer carries (``data.html``, a JSONP ``result`` datastore …)."""
    return "\n".join(s for s in json_strings(data) if _HTML_IN_STRING.search(s))


# Field names vary by CMS and by case: title/docTitle/DOCTITLE/titleHtml, url/docPubUrl/DOCPUBURL/redirectUrl.
# Known by their ending, not from a list; images and media are not the document.
_JSON_MEDIA = ("pic", "img", "image", "thumb", "icon", "logo", "cover", "video", "avatar", "audio")
_TAGS = re.compile(r"<[^>]+>")


def _json_title(item: dict) -> str | None:
    keys = sorted((k for k in item if isinstance(item[k], str) and item[k].strip()
                   and (k.lower().endswith(("title", "titlehtml")) or k.lower() == "name")),
                  key=lambda k: (k.lower() != "title", k.lower() == "name"))
    for key in keys:
        title = re.sub(r"\s+", " ", _TAGS.sub("", item[key])).strip()
        if title:
            return title
    return None


def _json_url(item: dict) -> str | None:
    keys = sorted((k for k in item if isinstance(item[k], str) and item[k].strip()
                   and k.lower().endswith(("url", "link", "href")) and not k.lower().startswith(_JSON_MEDIA)),
                  key=lambda k: k.lower() != "url")
    for key in keys:
        url = item[key].strip()
        if not url.startswith(("javascript:", "#")):
            return url
    return None


def json_entries(data: object, base_url: str) -> list[tuple[str, str]]:
    """(title, URL) of the objects of a JSON list that have both, whatever the CMS calls them
    (``title``/``docTitle``/``DOCTITLE``/``titleHtml``; ``url``/``docPubUrl``/``DOCPUBURL``/``redirectUrl``)."""
    out = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            title, url = _json_title(item), _json_url(item)
            if title and url:
                out.append((title, urljoin(base_url, url)))
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return out


def body_text(response: Response) -> str:
    """The markup to read: the HTML inside a JSON/JSONP body, or the body's text."""
    if not isinstance(response, TextResponse):
        return ""
    data = json_body(response)
    return json_html(data) if data is not None else response.text


# -- Platform detection ------------------------------------------------------------


def detect(response: Response) -> str:
    """The platform a page is on, from its URL and its markup."""
    url = response.url
    if "/gkmlpt/api/" in url:
        return "gkmlpt"
    if "dataproxy.jsp" in url:
        return "hanweb"
    if _JPAAS_API in url:
        return "jpaas"
    if not isinstance(response, TextResponse):
        return "generic"
    text = body_text(response)
    # A page that merely links to a gkmlpt catalog is not one: the app shell carries its site id.
    if "/gkmlpt/" in urlsplit(url).path and (_GKMLPT_SID.search(text) or "/gkmlpt/api/" in text):
        return "gkmlpt"
    if "unitbuild.js" in text and jpaas_units(response):
        return "jpaas"
    if "dataproxy.jsp" in text or "/module/web/jpage/" in text or _HANWEB_RECORD.search(text):
        return "hanweb"
    if static_pager(text) or _first_var(_TRS_VARS, text) or "TRS_Editor" in text:
        return "trs"
    return "generic"


# A date or a bracketed date printed inside a link, beside the title (<a><p>title</p><span>2026-07-06</span></a>).
_DATE_ONLY = re.compile(r"^\s*[\[(（【]?\s*(?:\d{4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?|\d{1,2}[-/.]\d{1,2})\s*[\])）】]?\s*$")
_TRAILING_DATE = re.compile(r"\s+[\[(（【]?\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[\])）】]?\s*$")


def anchor_text(a) -> str:
    """A link's text without the date (or other metadata) elements some templates put inside it."""
    if len(a) == 0:
        return _TRAILING_DATE.sub("", a.text_content())
    parts = [a.text or ""]
    for child in a:
        if not isinstance(child.tag, str):  # a comment
            parts.append(child.tail or "")
            continue
        inner = child.text_content()
        if not _DATE_ONLY.match(inner) or not inner.strip():
            parts.append(inner)
        parts.append(child.tail or "")
    return _TRAILING_DATE.sub("", " ".join(p.strip() for p in parts if p.strip()))


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
        out.append((link_title(anchor_text(a), a.get("title")), urljoin(base_url, href)))
    return out


def page_anchors(response: TextResponse) -> list[tuple[str, str]]:
    """(title, URL) of a page's links, from the tree Scrapy already parsed for the response
    (or, when parsel read the body as JSON, from the HTML inside it)."""
    root = response.selector.root
    if not isinstance(root, lxml.etree._Element):
        return anchors(body_text(response), response.url)
    return _links(root, response.url)


def anchors(html: str, base_url: str) -> list[tuple[str, str]]:
    """(title, URL) of the links in an HTML fragment (a Hanweb record, a JPaaS unit)."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return []
    return _links(root, base_url)


# Navigation that only a script writes: ``menu.addItem('信息公开年报', 'http://…/xxgknb/')``, menu data
# ``{"name": "政府信息公开年报", "url": "/xxgk/nb/"}``; lists a script renders from its own data
# (``var dataList=[{"title": "…年度报告", "daytime": "…", "url": "…"}]``).  Every string literal, in order.
_JS_STRINGS = re.compile(r""""((?:[^"\\\n]|\\.){1,300})"|'((?:[^'\\\n]|\\.){1,300})'""")
_URLISH = re.compile(r"^(?:https?://|/|\./|\.\./)[^\s<>\"']*$|^[\w./-]+\.(?:s?html?|jsp|php|aspx?)(?:\?\S*)?$")
_PAIR_GAP = 80  # characters between a label and its URL: the rest of one call or one object
_RECORD_GAP = 240  # between a list record's title and its URL: other fields of the same object (date, id …)
_RECORD_REACH = 4  # values either side of the title


def script_links(response: TextResponse) -> list[tuple[str, str]]:
    """(label, URL) of the report-column and 信息公开-section links a page's scripts write as menus,
    and of the reports in list data a script renders itself.

    A label is paired with the URL printed with it in the same call or object: the value after it
    (``addItem(label, url)``, ``name: label, url: …``) or before it (``{url: …, name: label}``);
    object keys (``"url":``) are skipped.  Only labels that are such links are kept: a script's
    other strings are not navigation.  A report title (``is_report_title``) in list data may have
    other fields between it and its URL (``{"title": …, "daytime": …, "url": …}``): the nearest
    URL within the same object is taken.
    """
    root = response.selector.root
    if not isinstance(root, lxml.etree._Element):
        return []
    out = []
    for script in root.iter("script"):
        code = script.text
        if not code or ("年" not in code and "公开" not in code and "\\u5e74" not in code):
            continue
        # (start, end, text) of each string literal that is a value, not an object key.
        values = [(m.start(), m.end(), _js_string(m.group(1) if m.group(1) is not None else m.group(2)))
                  for m in _JS_STRINGS.finditer(code) if not _KEY_AFTER.match(code, m.end())]
        for i, (start, end, label) in enumerate(values):
            if is_report_column(label) or is_section_link(label):
                reach, together = 1, _together
            elif is_report_title(label):
                reach, together = _RECORD_REACH, _same_record
            else:
                continue
            around = [values[j] for k in range(1, reach + 1) for j in (i + k, i - k) if 0 <= j < len(values)]
            near = [v for v in around
                    if together(code[min(end, v[1]):max(start, v[0])]) and _URLISH.match(v[2])]
            if near:
                out.append((label, urljoin(response.url, near[0][2])))
    return out


def _same_record(gap: str) -> bool:
    """Is the code between two literals inside one object of list data (no brace, no statement end)?"""
    return len(gap) <= _RECORD_GAP and not any(c in gap for c in "{}[];")


_KEY_AFTER = re.compile(r"\s*:")


def _together(gap: str) -> bool:
    """Is the code between two literals inside one call or object (``', '``, ``", url: "``)?"""
    return len(gap) <= _PAIR_GAP and not any(c in gap for c in "{}();")


# -- TRS and generic -----------------------------------------------------------


@dataclass(frozen=True)
class Pager:
    """A static pager call: ``count`` pages named ``name.ext``, ``name_N.ext``; ``current`` as the page says."""

    count: int
    current: int
    name: str
    ext: str


def static_pager(text: str) -> Pager | None:
    """The first JS call shaped like a static pager (see ``_JS_CALL``), whatever its function's name;
    calls commented out are not the page's pager."""
    if "(" not in text:
        return None
    for m in _JS_CALL.finditer(text):
        if m.group(1) in ("function", "if", "for", "while", "switch") or commented_out(text, m.start()):
            continue
        args = m.group(2).split(",")
        values: list[int | str] = []
        for arg in args:
            lit = _JS_LITERAL.fullmatch(arg)
            if not lit:
                break
            digits = lit.group(1) or lit.group(2) or lit.group(3)
            values.append(int(digits) if digits else (lit.group(4) if lit.group(4) is not None else lit.group(5)))
        else:
            ints = [v for v in values if isinstance(v, int)]
            for i in range(len(values) - 1):
                name, ext = values[i], values[i + 1]
                if (isinstance(name, str) and isinstance(ext, str) and _PAGE_NAME.match(name)
                        and _PAGE_EXT.match(ext) and len(ints) >= 2 and ints[1] <= ints[0]):
                    return Pager(ints[0], ints[1], name, ext)
    return None


_INDEX = re.compile(r"/index\.(?:s?html?|jhtml|xhtml)$")


def page_key(url: str) -> str:
    """A list page's identity: ``dir/index.html`` is ``dir/`` (static CMS sites serve one as the other)."""
    parts = urlsplit(url)
    if parts.query or parts.fragment or not _INDEX.search(parts.path):
        return url
    return urlunsplit(parts._replace(path=_INDEX.sub("/", parts.path)))


# Request meta: the number the first page's pager gave page 2 (1 for index_1, 2 for xlist_2), so that
# later pages, whose current index cannot tell the two apart, ask for no page that does not exist.
PAGER_START = "nianbao_pager_start"


def trs_pages(response: TextResponse) -> list[str]:
    """The other pages of a static pager (see ``trs_plan``)."""
    return trs_plan(response)[0]


def trs_plan(response: TextResponse) -> tuple[list[str], int | None]:
    """The other pages of a static pager, in the list page's directory.

    ``name_N`` is page N+1 when the first page says its index is 0 (TRS WCM: index,
    index_1 … index_{N-1}), page N when it says 1 (xlist, xlist_2 … xlist_N).  From a
    page that is not the first, the base cannot be told (name_K says K either way) unless the
    first page's request said it (``PAGER_START``): else name_1 … name_N covers both (one 404
    at most).  Returns the URLs and the number of page 2 when known (1 or 2).
    """
    text = response.text
    pager = static_pager(text)
    if pager is None:
        v = _first_var(_TRS_VARS, text)
        if not v:
            return [], None
        pager = Pager(int(v.group(1)), 0, "index", "html")  # WCM's variables: 所在页从0开始
    count, name, ext = min(pager.count, MAX_PAGES), pager.name, pager.ext
    # Every page of the column names all of them: join once, then format (N pages × N names).
    base = urljoin(response.url, f"{name}.{ext}")[: -len(f"{name}.{ext}")]
    first = f"{base}{name}.{ext}"
    known = response.meta.get(PAGER_START) if response.request is not None else None
    if pager.current == 0 or known == 1:  # only a 0-based first page says 0
        start, numbers = 1, range(1, count)
    elif (pager.current == 1 and response.url.split("?")[0] in (first, base)) or known == 2:
        start, numbers = 2, range(2, count + 1)
    else:
        start, numbers = None, range(1, count + 1)
    return [first] + [f"{base}{name}_{n}.{ext}" for n in numbers], start


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


# A pager a script drives with its own URL template (Anhui's 集约化 platform:
# ``Ls.pagination("#page_6791573", function(pageIndex){ location.href='…/content/column/6791573?pageIndex=' +
# pageIndex;}, {currPage: (0+1), pageCount: 3})``): a page count, maybe the current page, and the address the
# page callback navigates to, a string literal plus the callback's parameter (plus a literal: "index_" + p + ".html").
_SCRIPT_COUNT = re.compile(r"""(?<![\w$])["']?(?:page_?count|total_?pages?|page_?total|count_?page)["']?\s*[:=]\s*["']?(\d{1,5})\b""",
                           re.I)
_SCRIPT_CURRENT = re.compile(r"""(?<![\w$])["']?(?:curr?(?:ent)?_?page(?:_?(?:no|index))?)["']?\s*[:=]\s*\(?\s*["']?(\d{1,5})"""
                             r"""(?:\s*\+\s*(\d{1,5}))?""", re.I)
_NAV_TEMPLATE = re.compile(
    r"""(?:location(?:\.href)?\s*=|location\.(?:assign|replace)\s*\(|window\.open\s*\()\s*(["'])([^"'<>\s]*)\1"""
    r"""\s*\+\s*\(?\s*([A-Za-z_$][\w$]*)(?:\.[\w$]+)?\s*(?:([+-])\s*(\d))?\s*\)?(?:\s*\+\s*(["'])([^"'<>\s]*)\6)?""")
_FUNCTION_PARAMS = re.compile(r"function\s*[\w$]*\s*\(([^()]*)\)|\(([^()]*)\)\s*=>|([A-Za-z_$][\w$]*)\s*=>")


def script_pages(response: TextResponse) -> list[str]:
    """The pages of a script-driven pager whose URL template the page's script states.

    Known by what the script says, whatever the pager's name: a page count (``pageCount: 3``,
    ``totalPage: 4``), and a navigation to a string literal joined with a parameter of one of the
    script's functions (the page callback), ``location.href = '…?pageIndex=' + pageIndex``.
    Pages are numbered from 1 unless the script says the current page is 0; pages before the
    current one are not asked for again (the first page asked for them).
    """
    root = response.selector.root
    if not isinstance(root, lxml.etree._Element):
        return []
    out: list[str] = []
    for script in root.iter("script"):
        code = script.text
        if not code or "location" not in code and "window.open" not in code:
            continue
        count = _first_var(_SCRIPT_COUNT, code)
        if not count:
            continue
        # The first navigation built from a parameter of a function (the page callback); others
        # (a search box's '/search?q=' + kw from a variable) are not the pager's.
        template = next((t for t in _NAV_TEMPLATE.finditer(code) if not commented_out(code, t.start())
                         and t.group(3) in {p.strip() for m in _FUNCTION_PARAMS.finditer(code, 0, t.start())
                                            for group in m.groups() if group for p in group.split(",")}), None)
        if not template:
            continue
        prefix, suffix = template.group(2), template.group(7) or ""
        shift = int(template.group(5) or 0) * (-1 if template.group(4) == "-" else 1)
        current = _first_var(_SCRIPT_CURRENT, code)
        now = int(current.group(1)) + int(current.group(2) or 0) if current else None
        first = 0 if now == 0 else 1
        pages = min(int(count.group(1)), MAX_PAGES)
        for n in range(first, first + pages):
            if now is None or n > now:
                out.append(urljoin(response.url, f"{prefix}{n + shift}{suffix}"))
    return out


def html_list(response: TextResponse, platform: str, seen: Container[str] = ()) -> ListPage:
    entries = page_anchors(response) + script_links(response) if platform != "hanweb" else []
    pages, start = trs_plan(response) if platform == "trs" else ([], None)
    meta = {PAGER_START: start} if start else {}
    pages += link_pages(response) + page_param_pages(response) + script_pages(response)
    here = page_key(response.url)
    # By identity, not by string: a column asked for at dir/ is not fetched again as dir/index.html.
    urls = list(dict.fromkeys(p for p in pages if page_key(p) != here and page_key(p) not in seen))
    return ListPage(platform, entries, [Request(u, meta=dict(meta)) for u in urls])


# -- Hanweb / 大汉 JCMS ----------------------------------------------------------


def _unquote(value: str) -> str:
    """``'/'`` → ``/``: old JCMS pages quote the values inside their URLs (``path='/'&webname='…'``)."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _proxy_query(text: str, m: re.Match) -> str:
    """The query after a dataproxy path, read to the end of the attribute or string it is in.

    The delimiter is the quote that opened the attribute, not the first quote met: the
    values inside may be quoted with the other one (``href="…?path='/'&columnid=31685"``).
    """
    rest = text[m.end():]
    if not rest.startswith("?"):
        return ""
    before = text[m.start() - 1] if m.start() else ""
    stops = f"<>{before}" if before and before in "'\"" else "<>'\" \t\r\n"
    end = next((i for i, ch in enumerate(rest) if ch in stops), len(rest))
    return rest[1:end]


def hanweb_params(text: str) -> tuple[str, dict[str, str]] | None:
    """The dataproxy path and its form parameters, from the page's nextgroup link or its script.

    Both are read as what they are: the link's query to its own delimiter, quotes stripped
    from each value; the jpage ``ajaxParam`` object literal with quoted or bare numeric values.
    """
    params: dict[str, str] = {}
    proxy = None
    for m in _HANWEB_PROXY.finditer(text):
        proxy = proxy or m.group(1)
        query = _proxy_query(text, m).replace("&amp;", "&")
        for k, v in parse_qsl(query, keep_blank_values=True):
            if k in _HANWEB_PARAMS:
                params.setdefault(k, _unquote(v))
    for m in _JS_PARAM.finditer(text):
        key = next(p for p in _HANWEB_PARAMS if p.lower() == m.group(1).lower())
        value = next(g for g in m.groups()[1:] if g is not None)
        params.setdefault(key, value)
    if not params.get("columnid"):
        return None
    defaults = {"col": "1", "appid": "1", "path": "/", "sourceContentType": "1", "permissiontype": "0"}
    return proxy or "/module/web/jpage/dataproxy.jsp", {**defaults, **params}


def hanweb_list(response: TextResponse) -> ListPage:
    """Records embedded in the page or returned by dataproxy.jsp, and the POSTs for the other groups."""
    text = body_text(response)
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


# -- Hanweb JPaaS (unitbuild.js) ---------------------------------------------------

_JPAAS_API = "/jpaas-publish-server/front/page/build/unit"
# queryData is a single-quoted JSON-like object: {'parseType':'buildstatic','webId':'8d82…','pageId':'…'}
_JPAAS_PAIR = re.compile(r"""["']?([\w-]+)["']?\s*:\s*(?:"([^"]*)"|'([^']*)'|([\w.-]+))""")
# The unit's own pager call, e.g. oLayPageRender(…, {rows:"20", count:"585", pageNo:"1"}).
_JPAAS_COUNT = re.compile(r"""\bcount["']?\s*:\s*["']?(\d+)""")
_JPAAS_ROWS = re.compile(r"""\b(?:rows|pageSize)["']?\s*:\s*["']?(\d+)""")
JPAAS_PAGE_SIZE = 15  # what the Zhejiang portals' pager asks for when the unit does not say


def is_jpaas_api(url: str) -> bool:
    return _JPAAS_API in url


def jpaas_units(response: TextResponse) -> list[str]:
    """GET URLs of the units a JPaaS shell builds: each ``<script src=…unitbuild.js url=… queryData=…>``.

    The unit script fetches ``url?<queryData as query parameters>`` (UTF-8 percent-encoded)
    and writes the ``data.html`` it gets back where the script stands.
    """
    root = response.selector.root
    if not isinstance(root, lxml.etree._Element):
        return []
    out = []
    for script in root.iter("script"):
        attrs = {k.lower(): v for k, v in script.attrib.items()}
        api, query = attrs.get("url", ""), attrs.get("querydata", "")
        if "unitbuild.js" not in attrs.get("src", "") or not api or not query:
            continue
        params = {key: dq or sq or bare for key, dq, sq, bare in _JPAAS_PAIR.findall(query)}
        if params:
            out.append(urljoin(response.url, api) + ("&" if "?" in api else "?") + urlencode(params))
    return list(dict.fromkeys(out))


def _without_param(url: str, name: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    return urlunsplit(parts._replace(query=urlencode(query)))


def jpaas_list(response: TextResponse) -> ListPage:
    """A JPaaS shell (its units to fetch) or a unit's answer (its links and the unit's next page).

    Pages: the first answer is the shell's queryData as is; page N adds
    ``paramJson={"pageNo":N,"pageSize":P}`` (as public scrapers of 浙江省发改委 page it),
    P being the unit's ``rows`` or, unsaid, the size of its first page.  The next page is
    asked for only while pages bring links not seen on the page before and, when the unit
    prints a ``count``, up to its last page: a unit that ignores ``paramJson`` (住建部's
    answer to other names is page 1 again) costs one request, not hundreds.
    """
    page = ListPage("jpaas")
    if not is_jpaas_api(response.url):
        page.entries = page_anchors(response)
        page.requests = [Request(u, meta={"jpaas_page": response.url}) for u in jpaas_units(response)]
        return page
    data = json_body(response)
    fragment = ""
    if isinstance(data, dict) and isinstance(data.get("data"), dict) and isinstance(data["data"].get("html"), str):
        fragment = data["data"]["html"]
    elif data is not None:
        fragment = json_html(data)
    # Relative links resolve against the page the unit is written into, as in the browser.
    base = response.meta.get("jpaas_page") or response.url
    page.entries = anchors(fragment, base) if fragment.strip() else []
    urls = tuple(sorted({u for _, u in page.entries}))
    if not urls or urls == response.meta.get("jpaas_previous"):
        return page
    query = dict(parse_qsl(urlsplit(response.url).query))
    try:
        asked = json.loads(query.get("paramJson") or "{}")
    except ValueError:
        asked = {}
    asked = asked if isinstance(asked, dict) else {}
    number = int(asked["pageNo"]) if str(asked.get("pageNo", "")).isdigit() else 1
    rows = int(m.group(1)) if (m := _JPAAS_ROWS.search(fragment)) else None
    size = int(asked["pageSize"]) if str(asked.get("pageSize", "")).isdigit() else (rows or len(urls) or JPAAS_PAGE_SIZE)
    count = int(m.group(1)) if (m := _JPAAS_COUNT.search(fragment)) else None
    if number >= MAX_PAGES or (count is not None and number >= math.ceil(count / (rows or size))):
        return page
    param = json.dumps({"pageNo": number + 1, "pageSize": size}, separators=(",", ":"))
    url = _without_param(response.url, "paramJson") + "&" + urlencode({"paramJson": param})
    page.requests.append(Request(url, meta={"jpaas_page": base, "jpaas_previous": urls}))
    return page


# -- Other JSON answers --------------------------------------------------------------


def json_list(response: TextResponse, data: object, platform: str) -> ListPage:
    """A list page that answered JSON or JSONP: the links of the HTML it carries and its title/url objects."""
    entries = anchors(json_html(data), response.url) + json_entries(data, response.url)
    return ListPage(platform, list(dict.fromkeys(entries)))


def list_page(response: Response, seen: Container[str] = ()) -> ListPage:
    """Entries and further list requests of any list page, by platform.

    ``seen``: keys (``page_key``) of list pages already requested, left out of the
    requests.  A pager that names every page on every page (TRS) would otherwise cost
    N² requests.  A JSON body never reaches the HTML code (its selector has no tree).
    """
    platform = detect(response)
    if platform == "gkmlpt" and ("/gkmlpt/api/" in response.url or "/gkmlpt/" in response.url):
        return gkmlpt_list(response)
    if not isinstance(response, TextResponse):
        return ListPage(platform)
    if platform == "jpaas":
        return jpaas_list(response)
    data = json_body(response)
    if platform == "hanweb":
        page = hanweb_list(response)
        if "dataproxy.jsp" not in response.url and data is None:  # the column page may also carry ordinary links
            page.entries += page_anchors(response)
        return page
    if data is not None:
        return json_list(response, data, platform)
    return html_list(response, platform, seen)
