"""A department sub-site whose report list exists only after JavaScript runs: 东湖区司法局.

Some portals are on no known platform (TRS, Hanweb, gkmlpt): their column page
is an empty shell, ``<ul id="list"></ul>``, and an inline script fetches a
private JSON endpoint, ``/sfj/api/list.json?page=N``, answering
``{"code": 0, "data": {"pageNo", "pageCount", "total", "rows": [{"wzbt", "lj", "fbrq"}]}}``
(title, link, date: the pinyin abbreviations such in-house CMSs use), then writes
the ``<li><a href title>`` entries and a pager (上一页/下一页 and page numbers,
``index.html?page=N``) into the page.  The HTML the server sends has neither
entries nor page links, so only a crawler that renders the page (or knows this
private API, which none should have to) finds the reports.

``/xxgk/`` links ``/sfj/`` (区司法局信息公开) only when the portal is started with
``start_portal(js_section=True)``: a crawl without rendering cannot find these
reports, and the demo and the other tests compare crawls with the whole catalog.
Detail pages are ordinary HTML in the TRS layout of ``site.py`` (metadata in a
``xxgk_table``), fetched without a browser.
"""

from __future__ import annotations

import json
import math
import random
from html import escape
from urllib.parse import parse_qsl, urlsplit

from .render import random_report
from .site import LABELS, Doc, Entry, Response, doc_of, render_detail, utf8

SECTION = "sfj"
SITE = "东湖区司法局"
HOME_PATH = "/sfj/"
COLUMN_PATH = "/sfj/ndbg/index.html"
API_PATH = "/sfj/api/list.json"
PER_PAGE = 2
COLUMN = ("政府信息公开年报", COLUMN_PATH)

# (publish date, article id, report (year, template, style, seed) or non-report (title, topic, body)).
_ITEMS = [
    ("2025-01-21", 51207, (2024, "2021", "word", 51202024)),
    ("2024-01-08", 51206, ("关于做好2023年度政府信息公开工作年度报告编制发布工作的通知", "政务公开/政府信息公开",
                           ["各司法所、局机关各科室：", "请于2024年1月15日前报送本单位2023年度政府信息公开工作情况。"])),
    ("2024-01-23", 51205, (2023, "2021", "plain", 51202023)),
    ("2023-01-19", 51204, (2022, "2021", "split_tables", 51202022)),
    ("2021-01-26", 51203, (2020, "2019", "paragraphs", 51202020)),
]


def detail_path(date: str, art_id: int) -> str:
    return f"/sfj/ndbg/{date[:7].replace('-', '')}/t{date.replace('-', '')}_{art_id}.html"


def _metadata(title: str, date: str, art_id: int, topic: str) -> dict[str, str]:
    written = date[:-2] + f"{max(1, int(date[-2:]) - 2):02d}"
    meta = {"索引号": f"11420101MB0009876S/{date[:4]}-{art_id - 51000:05d}", "信息名称": title, "发布机构": SITE,
            "主题分类": topic, "发布日期": date, "成文日期": written, "废止日期": "", "文号": "", "关键词": ""}
    return {k: meta[k] for k in LABELS}


# ---------------------------------------------------------------------------
# Templates.

_CSS = ("body{font:14px/1.8 'Microsoft YaHei',SimSun;margin:0}.top{background:#1f4e8c;color:#fff;padding:14px 40px}"
        ".top a{color:#fff;margin-right:20px}.wrap{width:1000px;margin:12px auto}#list li{list-style:none;"
        "border-bottom:1px dashed #ccc}#list li span{float:right;color:#999}#pager a{margin:0 4px}")


def _page(title: str, main: str, script: str = "") -> str:
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            f'<div class="top"><b>{SITE}</b> <a href="/">区政府首页</a><a href="{HOME_PATH}">司法局首页</a></div>\n'
            f'<div class="wrap">\n{main}\n</div>\n{script}</body>\n</html>\n')


def home_page() -> str:
    main = ('<ul class="menu">\n<li><a href="/sfj/ndbg/index.html">政府信息公开年报</a></li>\n</ul>\n'
            "<p>东湖区司法局负责全区法治政府建设、普法依法治理、人民调解和法律服务管理工作。</p>")
    return _page(f"{SITE}信息公开", main)


# The app: no entries, no page links in the markup; everything below is written by the script.
_SCRIPT = """<script>
(function () {
  var page = parseInt(new URLSearchParams(location.search).get("page") || "1", 10) || 1;
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c];
    });
  }
  fetch("API_PATH?page=" + page, {headers: {"Accept": "application/json"}})
    .then(function (r) { return r.json(); })
    .then(function (res) {
      if (res.code !== 0) { return; }
      var d = res.data, html = "";
      d.rows.forEach(function (row) {
        html += '<li><span>' + esc(row.fbrq) + '</span><a href="' + esc(row.lj) + '" title="' + esc(row.wzbt)
              + '" target="_blank">' + esc(row.wzbt) + '</a></li>';
      });
      document.getElementById("list").innerHTML = html;
      var pager = "共" + d.pageCount + "页 ";
      if (d.pageNo > 1) { pager += '<a href="index.html?page=' + (d.pageNo - 1) + '">上一页</a>'; }
      for (var n = 1; n <= d.pageCount; n++) {
        pager += n === d.pageNo ? "<span>" + n + "</span>" : '<a href="index.html?page=' + n + '">' + n + "</a>";
      }
      if (d.pageNo < d.pageCount) { pager += '<a class="next" href="index.html?page=' + (d.pageNo + 1) + '">下一页</a>'; }
      document.getElementById("pager").innerHTML = pager;
    });
})();
</script>
"""


def column_page() -> str:
    """The empty shell: what the server sends for every ``index.html?page=N`` (the script reads N)."""
    main = ('<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/sfj/">区司法局</a> &gt; 政府信息公开年报</div>\n'
            '<ul id="list"></ul>\n<div id="pager"></div>\n'
            "<noscript>本栏目需要启用 JavaScript 才能浏览。</noscript>")
    return _page(f"政府信息公开年报_{SITE}", main, _SCRIPT.replace("API_PATH", API_PATH))


# ---------------------------------------------------------------------------
# The section.


class JsAppSite:
    """Routes, catalog docs and the private list API of the JavaScript-only sub-site."""

    def __init__(self) -> None:
        shell = utf8(column_page())
        home = utf8(home_page())
        self.routes: dict[str, Response] = {HOME_PATH: home, "/sfj/index.html": home,
                                            COLUMN_PATH: shell, "/sfj/ndbg/": shell}
        self.docs: list[Doc] = []
        self.rows: list[dict] = []  # the API's rows, newest first
        for date, art_id, data in sorted(_ITEMS, key=lambda x: x[0], reverse=True):
            path = detail_path(date, art_id)
            if isinstance(data[0], int):
                year, version, style, seed = data
                report = random_report(random.Random(seed), version, body=SITE, year=year)
                title, topic, body = report["title"], "政务公开/政府信息公开年报", []
            else:
                (title, topic, body), report, style = data, None, None
            entry = Entry(SECTION, path, title, _metadata(title, date, art_id, topic), date, report, style, body,
                          column=COLUMN)
            self.docs.append(doc_of(entry))
            self.routes[path] = render_detail(entry)
            self.rows.append({"id": art_id, "wzbt": title, "lj": path, "fbrq": date})

    def api(self, raw_path: str) -> Response | None:
        """``/sfj/api/list.json?page=N`` → one page of rows (an empty page past the end); None for other paths."""
        parts = urlsplit(raw_path)
        if parts.path != API_PATH:
            return None
        page = dict(parse_qsl(parts.query)).get("page", "1")
        number = int(page) if page.isdigit() else 1
        count = math.ceil(len(self.rows) / PER_PAGE)
        rows = self.rows[(number - 1) * PER_PAGE : number * PER_PAGE] if number >= 1 else []
        data = {"code": 0, "msg": "success",
                "data": {"pageNo": number, "pageSize": PER_PAGE, "pageCount": count, "total": len(self.rows),
                         "rows": rows}}
        return Response(json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json;charset=UTF-8")
