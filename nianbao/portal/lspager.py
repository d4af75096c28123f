"""A department sub-site on Anhui's 集约化 platform, whose list pager is a script with its own URL template.

As on hrss.ah.gov.cn (tests/fixtures/real/README.md, ``anhui_hrss_Ls_pagination.html``): 区民政局 ``/mzj/``
links its 政府信息公开年报 column at ``/mzj/xxgk/xxgknb/index.html``; the list rows are
``<ul class="doc_list list-<column>">`` with ``<li class="lm_line">`` separators, and the pager writes no link
in the page as served: ``Ls.pagination("#page_<column>", function(pageIndex){ location.href='<host>/content/
column/<column>?pageIndex=' + pageIndex;}, {currPage: (n+1), pageCount: N})``.  Pages 2…N exist only at that
template's URLs (``/mzj/content/column/6790571?pageIndex=2``), served here by query.  Detail pages are
``<column dir>/<id>.html``.  The list mixes reports with a notice *about* them and other notices.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qsl, urlsplit

from .site import Doc, Entry, Response, _page, doc_of, item_entry, published_at, render_detail, utf8

HOME_PATH = "/mzj/"
NAME = "东湖区民政局"
COLUMN_ID = "6790571"
COLUMN_TEXT = "政府信息公开年报"
FIRST_PAGE = "/mzj/xxgk/xxgknb/index.html"
PAGE_PATH = f"/mzj/content/column/{COLUMN_ID}"  # ?pageIndex=N
PER_PAGE = 2
ITEMS = (  # (date, id, kind, data): kind "report" → (year, template, style, seed), else (title, body)
    ("2025-01-22", 15190341, "report", (2024, "2021", "plain", 51002024)),
    ("2024-12-06", 15190272, "other", ("关于做好2024年政府信息公开工作年度报告编制发布工作的通知",
                                       ["各科室、局属各单位：", "请于2025年1月31日前完成年度报告的编制和发布。"])),
    ("2024-01-19", 15190113, "report", (2023, "2021", "paragraphs", 51002023)),
    ("2023-09-12", 15190058, "other", ("东湖区民政局关于2023年度社会组织年检结果的公告", ["经审核，现将年检结果予以公告。"])),
    ("2023-01-17", 15190021, "report", (2022, "2021", "word", 51002022)),
)


def _entries() -> list[Entry]:
    return [item_entry("mzj", f"/mzj/xxgk/xxgknb/{ident}.html", date, kind, data, NAME,
                       {"索引号": f"11340101MB0{ident % 100000:05d}/{date[:4]}-{ident % 1000:05d}",
                        "主题分类": "综合政务/政务公开"}, (COLUMN_TEXT, FIRST_PAGE))
            for date, ident, kind, data in ITEMS]


def _nav() -> str:
    return (f'<div class="header"><div class="logo">{escape(NAME)}</div>\n<div class="nav">'
            f'<a href="/">区政府首页</a><a href="{HOME_PATH}">{escape(NAME)}首页</a></div></div>')


def list_page(base: str, rows: list[Entry], n: int, count: int) -> str:
    """List page n (0 = the first) in the platform's markup; ``base`` is scheme://host:port, as the
    platform writes its template with the host."""
    items = "".join(
        f'<li class="{"odd" if i % 2 == 0 else "even"}"><a href="{base}{e.path}" title="{escape(e.title)}" '
        f'target="_blank">{escape(e.title)}</a><span class="date">{e.publish_date}</span></li>\n'
        + ('<li class="lm_line"></li>\n' if i % 5 == 4 else "") for i, e in enumerate(rows))
    crumb = (f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="{HOME_PATH}">{escape(NAME)}</a> &gt; '
             f'<a href="{FIRST_PAGE}">{COLUMN_TEXT}</a></div>\n')
    pager = (f'<div id="page_{COLUMN_ID}" class="pagination"></div>\n<script>Ls.pagination("#page_{COLUMN_ID}", '
             f"function(pageIndex){{ location.href='{base}{PAGE_PATH}?pageIndex=' + pageIndex;}},"
             f"{{currPage: ({n}+1),pageCount:{count}}});</script>")
    return _page(f"{COLUMN_TEXT}_{NAME}", "utf-8", _nav(),
                 f'{crumb}<ul class="doc_list list-{COLUMN_ID}">\n{items}</ul>\n{pager}')


def home_page() -> str:
    menu = [(COLUMN_TEXT, FIRST_PAGE), ("政府信息公开指南", "/mzj/xxgk/xxgkzn/index.html")]
    items = "".join(f'<li><a href="{path}">{escape(text)}</a></li>\n' for text, path in menu)
    return _page(NAME, "utf-8", _nav(),
                 f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; {escape(NAME)}</div>\n'
                 f'<ul class="menu">\n{items}</ul>')


class LsPagerSite:
    """Routes and catalog docs of 区民政局; list pages 2…N answered by query (``serve``)."""

    def __init__(self, base: str) -> None:
        self.routes: dict[str, Response] = {}
        self.docs: list[Doc] = []
        entries = sorted(_entries(), key=lambda e: (e.publish_date, e.path), reverse=True)
        pages = [entries[i : i + PER_PAGE] for i in range(0, len(entries), PER_PAGE)]
        self.pages = [utf8(list_page(base, rows, n, len(pages))) for n, rows in enumerate(pages)]
        self.routes[FIRST_PAGE] = self.pages[0]
        self.routes[HOME_PATH] = utf8(home_page())
        for e in entries:
            self.routes[e.path] = render_detail(e, "", published_at(e.publish_date))
            self.docs.append(doc_of(e))

    def serve(self, raw_path: str) -> Response | None:
        """``/mzj/content/column/<id>?pageIndex=N`` (1-based), as the platform serves its list pages."""
        parts = urlsplit(raw_path)
        if parts.path != PAGE_PATH:
            return None
        index = dict(parse_qsl(parts.query)).get("pageIndex", "1")
        if not index.isdigit() or not 1 <= int(index) <= len(self.pages):
            return None
        return self.pages[int(index) - 1]
