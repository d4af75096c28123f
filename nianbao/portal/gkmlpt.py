"""A department sub-site on Guangdong's gkmlpt (政府信息公开目录平台): 东湖区卫生健康局.

The 部门信息公开 link on ``/xxgk/`` goes to ``/wsjkj/xxgk/``, which redirects
(302) to the platform.  As on real gkmlpt sites, ``/wsjkj/gkmlpt/index`` is a JavaScript app shell: a
script sets the site id (``SID: '755999'``), the category navigation links to
hash routes (``index#2811`` is 政府信息公开年报), and the lists come from the JSON
API ``/wsjkj/gkmlpt/api/all/<category>?page=N&sid=755999`` (pages from 1,
``PER_PAGE`` articles each; category 0 is every article of the site; a wrong
sid or category gives no articles).  Articles carry absolute URLs on the
portal's own host and port.  Detail pages
``/wsjkj/gkmlpt/content/<id//10**6>/<id//10**3>/post_<id>.html`` show the
metadata in a ``<div class="classify">`` table.

``/wsjkj/gkmlpt/annualreport`` (linked from the catalog's header as 政府信息公开年度报告)
is the platform's annual-report page: the same kind of app shell, whose config
also carries the catalog tree (``TREE``, nodes shaped like the API's ``classify``
object, names ``\\u``-escaped as a JSON encoder prints them).  Its app lists the
report category, 2811, through the same API; it has no endpoint of its own, so
it lists exactly the reports the catalog has.
"""

from __future__ import annotations

import json
import math
import random
from html import escape
from urllib.parse import parse_qsl, urlsplit

from .render import random_report, render_report_html
from .site import Doc, Response, published_at, utf8

ROOT = "/wsjkj/gkmlpt"
INDEX_PATH = f"{ROOT}/index"
ANNUAL_PATH = f"{ROOT}/annualreport"
# The department's 信息公开 entry: a redirect to the platform, as many Guangdong sites answer.
ENTRY_PATH = "/wsjkj/xxgk/"
API_PREFIX = f"{ROOT}/api/all/"
SID = "755999"
SITE = "东湖区卫生健康局"
REPORT_CATEGORY = 2811
CATEGORIES = {2809: "机构职能", 2810: "政策文件", REPORT_CATEGORY: "政府信息公开年报", 2812: "公共卫生"}
PER_PAGE = 2
LABELS = ("索引号", "分类", "发布机构", "成文日期", "名称", "文号", "发布日期")

# (post id, category, publish date, report (year, template, style, seed) or non-report (title, doc no, body))
_ITEMS = [
    (10473512, REPORT_CATEGORY, "2025-01-22", (2024, "2021", "split_tables", 28112024)),
    (10473509, REPORT_CATEGORY, "2024-01-26", (2023, "2021", "word", 28112023)),
    (10473506, REPORT_CATEGORY, "2022-01-24", (2021, "2021", "plain", 28112021)),
    (10473503, REPORT_CATEGORY, "2021-01-28", (2020, "2019", "paragraphs", 28112020)),
    (10473511, REPORT_CATEGORY, "2024-12-12",
     ("关于做好2024年度政府信息公开工作年度报告编制发布工作的通知", "东卫健办〔2024〕37号",
      ["局属各单位：", "请于2025年1月20日前报送本单位2024年度政府信息公开工作年度报告。"])),
    (10473510, 2810, "2024-06-18",
     ("东湖区卫生健康局关于印发基层医疗卫生机构绩效考核实施方案的通知", "东卫健发〔2024〕12号",
      ["各社区卫生服务中心：", "现将《基层医疗卫生机构绩效考核实施方案》印发给你们，请认真贯彻执行。"])),
    (10473508, 2812, "2023-11-02",
     ("东湖区2023年秋冬季传染病防控工作提示", "",
      ["秋冬季是流感等呼吸道传染病高发季节，请广大市民科学佩戴口罩、勤洗手、常通风。"])),
    (10473501, 2809, "2020-03-10",
     ("东湖区卫生健康局主要职责", "",
      ["贯彻执行国家、省、市卫生健康工作的方针政策和法律法规，拟订全区卫生健康事业发展规划。"])),
]


def post_path(post_id: int) -> str:
    return f"{ROOT}/content/{post_id // 10**6}/{post_id // 10**3}/post_{post_id}.html"


def _metadata(post_id: int, category: int, date: str, title: str, doc_no: str) -> dict[str, str]:
    written = date[:-2] + f"{max(1, int(date[-2:]) - 3):02d}"
    return {"索引号": f"11440101MB2D18563C/{date[:4]}-{post_id % 10000:05d}", "分类": CATEGORIES[category],
            "发布机构": SITE, "成文日期": written, "名称": title, "文号": doc_no, "发布日期": date}


# ---------------------------------------------------------------------------
# Templates.

_HEAD = ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
         '<meta name="viewport" content="width=device-width,initial-scale=1">\n<title>{title}</title>\n'
         f'<link href="{ROOT}/static/css/app.css" rel="stylesheet">\n')


def index_page() -> str:
    nav = "".join(f'<li><a href="{INDEX_PATH}#{cid}">{escape(name)}</a></li>\n' for cid, name in CATEGORIES.items())
    return (_HEAD.format(title=f"{SITE}政府信息公开") +
            "<script>\n  window._CONFIG = {\n    SID: '" + SID + "',\n"
            f"    SITE_NAME: '{SITE}',\n    API_ROOT: '{ROOT}/api/',\n    ROUTER_MODE: 'hash'\n  }};\n"
            "</script>\n</head>\n<body>\n"
            f'<div class="header"><h1>{SITE}政府信息公开</h1><a href="/">东湖区人民政府</a>\n'
            f'<a href="{ANNUAL_PATH}">政府信息公开年度报告</a></div>\n'
            '<div class="gkml-aside"><ul class="classify-nav">\n'
            f'<li><a href="{INDEX_PATH}">全部</a></li>\n{nav}</ul></div>\n'
            '<div id="app"><noscript>请启用浏览器的 JavaScript 以浏览政府信息公开目录。</noscript></div>\n'
            f'<script src="{ROOT}/static/js/chunk-vendors.js"></script>\n'
            f'<script src="{ROOT}/static/js/app.js"></script>\n</body>\n</html>\n')


def annualreport_page(tree: list[dict]) -> str:
    """The annual-report app shell: the site id and the catalog tree, the list left to the app."""
    return (_HEAD.format(title=f"{SITE}政府信息公开年度报告") +
            "<script>\n  window._CONFIG = {\n    SID: '" + SID + "',\n"
            f"    SITE_NAME: '{SITE}',\n    API_ROOT: '{ROOT}/api/',\n    ROUTER_MODE: 'hash',\n"
            f"    TREE: {json.dumps(tree, separators=(',', ':'))}\n  }};\n"
            "</script>\n</head>\n<body>\n"
            f'<div class="header"><h1>{SITE}政府信息公开年度报告</h1><a href="{INDEX_PATH}">政府信息公开目录</a></div>\n'
            '<div id="app" class="annual-report"><noscript>请启用浏览器的 JavaScript 以浏览政府信息公开年度报告。'
            '</noscript></div>\n'
            f'<script src="{ROOT}/static/js/chunk-vendors.js"></script>\n'
            f'<script src="{ROOT}/static/js/annualreport.js"></script>\n</body>\n</html>\n')


def detail_page(meta: dict[str, str], article: str, note: str = "") -> str:
    m = {k: escape(v) for k, v in meta.items()}
    classify = (
        '<div class="classify">\n<table>\n<tbody>\n'
        f'<tr><td class="td-title">索引号：</td><td class="td-value"><span>{m["索引号"]}</span></td>'
        f'<td class="td-title">分类：</td><td class="td-value"><span>{m["分类"]}</span></td></tr>\n'
        f'<tr><td class="td-title">发布机构：</td><td class="td-value"><span>{m["发布机构"]}</span></td>'
        f'<td class="td-title">成文日期：</td><td class="td-value"><span>{m["成文日期"]}</span></td></tr>\n'
        f'<tr><td class="td-title">名称：</td><td class="td-value" colspan="3"><span>{m["名称"]}</span></td></tr>\n'
        f'<tr><td class="td-title">文号：</td><td class="td-value"><span>{m["文号"]}</span></td>'
        f'<td class="td-title">发布日期：</td><td class="td-value"><span>{m["发布日期"]}</span></td></tr>\n'
        "</tbody>\n</table>\n</div>")
    correction = f'<p class="correction">{escape(note)}</p>\n' if note else ""
    return (_HEAD.format(title=f"{escape(meta['名称'])}-{SITE}") + "</head>\n<body>\n"
            f'<div class="header"><a href="{INDEX_PATH}">{SITE}政府信息公开</a></div>\n'
            f'<div class="content-container">\n{classify}\n<div class="content">\n'
            f'<h1 class="title">{m["名称"]}</h1>\n<div class="article-content">\n{article}{correction}</div>\n'
            "</div>\n</div>\n</body>\n</html>\n")


# ---------------------------------------------------------------------------
# The section.


class GkmlptSite:
    """Routes, catalog docs and the JSON API of the gkmlpt sub-site."""

    def __init__(self, base: str) -> None:
        self.base = base  # scheme://host:port, for the absolute URLs in the JSON
        self.routes: dict[str, Response] = {
            INDEX_PATH: utf8(index_page()),
            ENTRY_PATH: Response(f'<a href="{INDEX_PATH}">Found</a>'.encode(), "text/html; charset=utf-8", 302,
                                 headers=(("Location", INDEX_PATH),)),
        }
        self.docs: list[Doc] = []
        self.articles: list[tuple[int, dict]] = []  # (category, article JSON), newest first
        for post_id, category, date, data in sorted(_ITEMS, key=lambda x: x[2], reverse=True):
            path = post_path(post_id)
            if isinstance(data[0], int):
                year, version, style, seed = data
                report = random_report(random.Random(seed), version, body=SITE, year=year)
                title, doc_no = report["title"], ""
                meta = _metadata(post_id, category, date, title, doc_no)
                render = self._renderer(path, meta, style)
                self.docs.append(Doc("gkmlpt", path, title, meta, "utf-8", report, style, render=render))
                self.routes.update(render(report, "", published_at(date)))
            else:
                title, doc_no, body = data
                meta = _metadata(post_id, category, date, title, doc_no)
                article = "".join(f"<p>{escape(line)}</p>\n" for line in body)
                self.docs.append(Doc("gkmlpt", path, title, meta, "utf-8", None, None))
                self.routes[path] = utf8(detail_page(meta, article), published_at(date))
            stamp = int(published_at(date))
            self.articles.append((category, {
                "id": post_id, "title": title, "url": base + path, "identifier": meta["索引号"],
                "document_number": doc_no, "publisher": SITE, "create_time": stamp - 3600, "date": stamp,
                "display_publish_time": stamp, "classify_main_name": CATEGORIES[category],
            }))
        self.routes[ANNUAL_PATH] = utf8(annualreport_page(self.tree()))

    def tree(self) -> list[dict]:
        """The catalog tree as gkmlpt shells embed it: one node per category, with its article count."""
        return [{"id": cid, "name": name, "parent": 0, "post_count": sum(c == cid for c, _ in self.articles)}
                for cid, name in CATEGORIES.items()]

    @staticmethod
    def _renderer(path: str, meta: dict[str, str], style: str):
        def render(report: dict, note: str, modified: float) -> dict[str, Response]:
            return {path: utf8(detail_page(meta, render_report_html(report, style), note), modified)}
        return render

    def api(self, raw_path: str) -> Response | None:
        """``api/all/<category>?page=N&sid=…`` → the JSON a gkmlpt list asks for; None for other paths."""
        parts = urlsplit(raw_path)
        category = parts.path.removeprefix(API_PREFIX)
        if not category.isdigit():
            return None
        query = dict(parse_qsl(parts.query))
        page = int(query["page"]) if query.get("page", "1").isdigit() else 1
        cid = int(category)
        chosen = [a for c, a in self.articles if cid in (0, c)] if query.get("sid") == SID else []
        if cid not in (0, *CATEGORIES):
            chosen = []
        shown = chosen[(page - 1) * PER_PAGE : page * PER_PAGE] if page >= 1 else []
        data = {"classify": {"id": cid, "name": CATEGORIES.get(cid, "全部" if cid == 0 else "")},
                "total": len(chosen), "page": page, "page_size": PER_PAGE,
                "total_page": math.ceil(len(chosen) / PER_PAGE), "articles": shown}
        return Response(json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json;charset=UTF-8")
