"""A department sub-site on Hanweb JPaaS: 东湖区人力资源和社会保障局, its lists built by ``unitbuild.js``.

As on the Zhejiang portals, MIIT and MOHURD (sources in tests/fixtures/real/README.md),
the column page ``/rsj/col/col1229000101/index.html`` ships no list markup: each block
of it is a ``<script src="/cms_files/default/script/AuthorizedRead/unitbuild.js"
url="/api-gateway/jpaas-publish-server/front/page/build/unit" queryData="{'webId':…,
'pageId':…,'tagId':…}">``.  The browser GETs ``url?<queryData as query parameters>``
(UTF-8) and writes the ``data.html`` of the JSON answer in place of the script.
Further pages of a list add ``paramJson={"pageNo":N,"pageSize":P}`` (as public
scrapers of 浙江省发改委 page it); past the end the list is empty.  Unknown
parameters give ``{"success":false,"data":{}}``.  The page carries two units: the
column navigation (which, like MOHURD's units, ignores ``paramJson``) and the list.
Detail pages are static: ``/rsj/art/<y>/<m>/<d>/art_1229000101_<id>.html``.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import parse_qsl, urlsplit

from .site import Doc, Entry, Response, _page, doc_of, item_entry, published_at, render_detail, utf8

SECTION = "jpaas"
SITE = "东湖区人力资源和社会保障局"
API_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
HOME_PATH = "/rsj/col/col1229000100/index.html"  # the sub-site's 信息公开 page (static)
COLUMN_ID = "1229000101"
COLUMN_PATH = f"/rsj/col/col{COLUMN_ID}/index.html"
WEB_ID = "8d828e408d90447786ddbe128d495e9e"
TPL_SET_ID = "209741b2109044b5b7695700b2bec37e"
LIST_TAG, NAV_TAG = "右侧内容", "栏目导航"
PER_PAGE = 3  # the list unit's default page size

_ITEMS = [  # (date, id, kind, data)
    ("2025-01-24", 5006, "report", (2024, "2021", "split_tables", 51002024)),
    ("2024-11-05", 5005, "other", ("东湖区人力资源和社会保障局关于2024年度政府信息公开工作年度报告编制工作的通知",
                                   ["局属各单位：", "请于2025年1月15日前报送年度报告素材。"])),
    ("2024-01-22", 5004, "report", (2023, "2021", "word", 51002023)),
    ("2023-07-14", 5003, "other", ("东湖区2023年高校毕业生就业见习岗位公示", ["现将就业见习岗位予以公示。"])),
    ("2023-01-18", 5002, "report", (2022, "2021", "plain", 51002022)),
    ("2022-01-20", 5001, "report", (2021, "2021", "paragraphs", 51002021)),
    ("2021-03-02", 5000, "other", ("东湖区人力资源和社会保障局政府信息公开指南", ["本指南依据《中华人民共和国政府信息公开条例》编制。"])),
]


def query_data(tag: str) -> str:
    """The script's queryData attribute: a single-quoted object, as real shells print it."""
    fields = {"parseType": "buildstatic", "webId": WEB_ID, "tplSetId": TPL_SET_ID, "pageType": "column",
              "tagId": tag, "editType": "null", "pageId": COLUMN_ID}
    return "{" + ",".join(f"'{k}':'{v}'" for k, v in fields.items()) + "}"


def unit_script(tag: str, ident: str) -> str:
    return (f'<script id="{ident}"\n        src="/cms_files/default/script/AuthorizedRead/unitbuild.js?v=3.1.3"\n'
            f'        webId="{WEB_ID}"\n        parseType="buildstatic"\n        url="{API_PATH}"\n'
            f'        queryData="{query_data(tag)}">\n      </script>')


def _nav() -> str:
    """The sub-site's own header: back to the portal, not into its 信息公开 section."""
    return (f'<div class="header"><div class="logo">{SITE}</div>\n<div class="nav">'
            f'<a href="/">区政府首页</a><a href="{HOME_PATH}">{SITE}首页</a></div></div>')


def column_page() -> str:
    main = (f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="{HOME_PATH}">{SITE}</a></div>\n'
            f'<div class="left-nav">\n      {unit_script(NAV_TAG, "4e3a2e3cc51f4a7688f34405910955e1")}\n</div>\n'
            f'<div class="clist_con">\n      {unit_script(LIST_TAG, "4e3a2e3cc51f4a7688f34405910955e2")}\n</div>')
    return _page(f"政府信息公开年报 {SITE}", "utf-8", _nav(), main)


def home_page() -> str:
    menu = (f'<li><a href="{COLUMN_PATH}">政府信息公开年报</a></li>\n'
            '<li><a href="/rsj/col/col1229000102/index.html">政府信息公开指南</a></li>\n')
    return _page(f"信息公开 {SITE}", "utf-8", _nav(),
                 f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; {SITE}</div>\n<ul class="menu">\n{menu}</ul>')


def _entries() -> list[Entry]:
    out = []
    for date, ident, kind, data in _ITEMS:
        y, m, d = (int(x) for x in date.split("-"))
        out.append(item_entry(SECTION, f"/rsj/art/{y}/{m}/{d}/art_{COLUMN_ID}_{ident}.html", date, kind, data, SITE,
                              {"索引号": f"11420101MB1{ident}/{date[:4]}-{ident:05d}",
                               "主题分类": "劳动、人事、监察/政务公开"}, ("政府信息公开年报", COLUMN_PATH)))
    return out


class JpaasSite:
    """Routes, catalog docs and the unit API of the JPaaS sub-site."""

    def __init__(self) -> None:
        self.entries = sorted(_entries(), key=lambda e: (e.publish_date, e.path), reverse=True)
        self.routes: dict[str, Response] = {HOME_PATH: utf8(home_page()), COLUMN_PATH: utf8(column_page())}
        self.docs: list[Doc] = []
        for e in self.entries:
            self.routes[e.path] = render_detail(e, "", published_at(e.publish_date))
            self.docs.append(doc_of(e))

    def _list_html(self, number: int, size: int) -> str:
        rows = self.entries[(number - 1) * size : number * size] if number >= 1 else []
        items = "".join(f'<li class="cf"><a class="fl" href="{e.path}" target="_blank" title="{escape(e.title)}">'
                        f'<i></i>{escape(e.title)}</a><span class="fr">{e.publish_date}</span></li>' for e in rows)
        return f'<div class="page-content"><ul>{items}</ul></div>'

    @staticmethod
    def _nav_html() -> str:
        return (f'<ul class="nav"><li><a href="{HOME_PATH}">信息公开</a></li>'
                f'<li class="on"><a href="{COLUMN_PATH}">政府信息公开年报</a></li>'
                '<li><a href="/rsj/col/col1229000102/index.html">政府信息公开指南</a></li></ul>')

    def api(self, method: str, raw_path: str) -> Response:
        """GET the unit: its HTML for the shell's queryData (and ``paramJson`` page), as JSON."""
        if method not in ("GET", "HEAD"):
            return Response(b"", "text/plain", 405, headers=(("Allow", "GET, HEAD"),))
        q = dict(parse_qsl(urlsplit(raw_path).query))
        html = None
        if q.get("webId") == WEB_ID and q.get("pageId") == COLUMN_ID:
            if q.get("tagId") == NAV_TAG:
                html = self._nav_html()
            elif q.get("tagId") == LIST_TAG:
                try:
                    asked = json.loads(q.get("paramJson") or "{}")
                    number, size = int(asked.get("pageNo", 1)), int(asked.get("pageSize", PER_PAGE))
                except (ValueError, TypeError, AttributeError):
                    number, size = 0, PER_PAGE
                html = self._list_html(number, max(1, min(size, 100)))
        data = {"success": True, "data": {"html": html}} if html is not None else {"success": False, "data": {}}
        return Response(json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json;charset=UTF-8")
