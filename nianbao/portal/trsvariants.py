"""Two department sub-sites on TRS-style static pagers that are not ``createPageHTML(count, current, …)``.

Real portals write the same ``name_N.ext`` pagination under other names and
signatures (see tests/fixtures/real/README.md):

- 区科学技术局 ``/kjj/`` as on Chongqing's kjj/jjxxw.cq.gov.cn: the column is linked at
  its directory ``/kjj/xxgknb/`` (which serves ``index.html``), pages are written by
  ``createPage(count, 0, "index", "html")`` (0-based: ``index_1.html`` is page 2), and
  each row puts the date *inside* the link: ``<a><p>title</p><span>date</span></a>``.
  Its menu also links 政府工作报告 (the government work report), which is no report column;
- 区统计局 ``/tjj/`` as on shaoyang.gov.cn / csrc.gov.cn: ``createPageHTML('page_div', count,
  current, 'xlist', 'shtml', records)`` with a 1-based current page: ``xlist_2.shtml`` is
  page 2.  Its home page writes its menu by script (``menu1.addItem('…年度报告', '/tjj/xxgknb/…')``,
  as ict.cas.cn does): the column has no ``<a>`` until a browser runs it.

Both lists mix reports with items that share their words: a document *about* the
reports (…填报问题的解释, dated inside its link) and notices.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .site import Doc, Entry, Response, _page, doc_of, item_entry, published_at, render_detail, utf8

PER_PAGE = 2


@dataclass(frozen=True)
class Variant:
    section: str
    name: str  # the department
    prefix: str  # /kjj
    column_link: str  # as the department's menu links the column
    column_text: str
    page_name: str
    page_ext: str
    base: int  # the current index the first page declares: 0 (index_1 is page 2) or 1 (xlist_2 is page 2)
    items: tuple  # (date, serial, kind, data): kind "report" → (year, template, style, seed), else (title, body)

    def page_path(self, n: int) -> str:
        """List page n (0 = the first page) as the pager names it."""
        if n == 0:
            return f"{self.prefix}/xxgknb/{self.page_name}.{self.page_ext}"
        return f"{self.prefix}/xxgknb/{self.page_name}_{n + self.base}.{self.page_ext}"


KJJ = Variant(
    "kjj", "东湖区科学技术局", "/kjj", "/kjj/xxgknb/", "政府信息公开年报", "index", "html", 0, (
        ("2025-01-21", 300106, "report", (2024, "2021", "plain", 31002024)),
        ("2024-12-20", 300105, "other", ("关于政府信息公开年度报告有关项目填报问题的解释",
                                         ["一、关于“本年新收政府信息公开申请数量”的统计口径。", "二、关于办理结果的填报。"])),
        ("2024-01-23", 300104, "report", (2023, "2021", "split_tables", 31002023)),
        ("2023-06-02", 300103, "other", ("东湖区科学技术局关于2023年度科技型企业入库名单的公告",
                                         ["经企业申报、专家评审，现将入库名单予以公告。"])),
        ("2022-01-25", 300102, "report", (2021, "2021", "word", 31002021)),
    ))
TJJ = Variant(
    "tjj", "东湖区统计局", "/tjj", "/tjj/xxgknb/xlist.shtml", "政府信息公开工作年度报告", "xlist", "shtml", 1, (
        ("2025-01-16", 400105, "report", (2024, "2021", "word", 41002024)),
        ("2024-03-01", 400104, "other", ("东湖区2023年国民经济和社会发展统计公报", ["2023年全区地区生产总值增长5.6%。"])),
        ("2024-01-18", 400103, "report", (2023, "2021", "paragraphs", 41002023)),
        ("2023-01-19", 400102, "report", (2022, "2021", "plain", 41002022)),
        ("2022-05-10", 400101, "other", ("关于做好2022年政务公开工作要点落实的通知", ["各科室：", "请认真落实。"])),
    ))
VARIANTS = (KJJ, TJJ)
DECOY_PATH = "/kjj/zfgzbg/index.html"  # 政府工作报告: linked from the menu, never to be crawled


def _nav(v: Variant) -> str:
    """The sub-site's own header: back to the portal, not into its 信息公开 section."""
    return (f'<div class="header"><div class="logo">{escape(v.name)}</div>\n<div class="nav">'
            f'<a href="/">区政府首页</a><a href="{v.prefix}/">{escape(v.name)}首页</a></div></div>')


def _entries(v: Variant) -> list[Entry]:
    return [item_entry(v.section, f"{v.prefix}/xxgknb/{date[:4]}{date[5:7]}/t{date.replace('-', '')}_{serial}.html",
                       date, kind, data, v.name,
                       {"索引号": f"11420101MB0{serial}/{date[:4]}-{serial % 1000:05d}", "主题分类": "综合政务/政务公开"},
                       (v.column_text, v.column_link))
            for date, serial, kind, data in v.items]


def _kjj_row(e: Entry, base: str) -> str:
    # jjxxw.cq.gov.cn: the date inside the link.
    return (f'<a href="./{e.path.removeprefix(base)}" target="_blank">\n'
            f"            <p>{escape(e.title)}</p>\n            <span>{e.publish_date}</span> </a>\n")


def _tjj_row(e: Entry, base: str) -> str:
    return (f'<tr><td class="info"><a class="list" href="{e.path}" title="{escape(e.title)}">{escape(e.title)}</a>'
            f"</td><td>{e.publish_date}</td></tr>\n")


def list_page(v: Variant, rows: list[Entry], n: int, count: int, total: int) -> str:
    base = f"{v.prefix}/xxgknb/"
    crumb = (f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="{v.prefix}/">{escape(v.name)}</a> &gt; '
             f'<a href="{v.column_link}">{escape(v.column_text)}</a></div>\n')
    if v is KJJ:
        listing = '<div class="list">\n' + "".join(_kjj_row(e, base) for e in rows) + "</div>\n"
        pager = (f"<script>\n//wcm分页，总记录：{total}\ncreatePage({count}, {n}, \"index\", \"html\");\n"
                 "function createPage(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {}\n</script>")
    else:
        listing = "<table><tbody>\n" + "".join(_tjj_row(e, base) for e in rows) + "</tbody></table>\n"
        pager = (f"<div id=\"page_div\"></div><script>createPageHTML('page_div',{count}, {n + 1},"
                 f"'xlist','shtml',{total});</script>")
    return _page(f"{v.column_text}_{v.name}", "utf-8", _nav(v), crumb + listing + pager)


def home_page(v: Variant) -> str:
    menu = [(v.column_text, v.column_link), ("政府信息公开指南", f"{v.prefix}/xxgkzn/")]
    if v is KJJ:
        menu.insert(0, ("政府工作报告", DECOY_PATH))
    if v is TJJ:
        # The menu is written by a script, as on ict.cas.cn (tests/fixtures/real/ict_cas_js_menu.html):
        # no <a> for the column in the page as served.
        calls = "".join(f"menu1.addItem('{text}', '{path}');\n\n" for text, path in menu)
        items = ("</ul><script>\nvar menu1 = ms.addMenu(document.getElementById('menu1'));\n\n"
                 f"{calls}mtDropDown.renderAll();\n</script><ul>")
    else:
        items = "".join(f'<li><a href="{path}">{escape(text)}</a></li>\n' for text, path in menu)
    return _page(v.name, "utf-8", _nav(v),
                 f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; {escape(v.name)}</div>\n<ul class="menu">\n{items}</ul>')


def decoy_page() -> str:
    """The 政府工作报告 column: a TRS list of work reports, which are not disclosure reports."""
    rows = "".join(f'<li><a href="./{y + 1}02/t{y + 1}0120_{y}.html">{y + 1}年东湖区政府工作报告</a></li>\n'
                   for y in range(2020, 2025))
    return _page("政府工作报告", "utf-8", _nav(KJJ),
                 f'<ul class="list">\n{rows}</ul>\n<script>createPage(4, 0, "index", "html");</script>')


class TrsVariantSites:
    """Routes and catalog docs of both sub-sites."""

    def __init__(self) -> None:
        self.routes: dict[str, Response] = {}
        self.docs: list[Doc] = []
        for v in VARIANTS:
            entries = sorted(_entries(v), key=lambda e: (e.publish_date, e.path), reverse=True)
            pages = [entries[i : i + PER_PAGE] for i in range(0, len(entries), PER_PAGE)]
            for n, rows in enumerate(pages):
                self.routes[v.page_path(n)] = utf8(list_page(v, rows, n, len(pages), len(entries)))
            if v.page_name == "index":
                self.routes[f"{v.prefix}/xxgknb/"] = self.routes[v.page_path(0)]
            self.routes[f"{v.prefix}/"] = utf8(home_page(v))
            for e in entries:
                self.routes[e.path] = render_detail(e, "", published_at(e.publish_date))
                self.docs.append(doc_of(e))
        self.routes[DECOY_PATH] = utf8(decoy_page())
