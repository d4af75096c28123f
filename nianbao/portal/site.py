"""The main pages of the sample portal, built once in memory from the committed report files.

Two columns here mirror two kinds of site the crawler meets: the main
政府信息公开 column on TRS WCM (UTF-8, ``index_N.html`` pages written only by the
inline ``createPageHTML`` script, metadata in a ``xxgk_table``), and a
department sub-site on an old JSP system (GBK, ``list.jsp?page=N`` with plain
下一页/尾页 links, metadata as ``<p><strong>索引号</strong>：…</p>``).  The
部门信息公开 block of ``/xxgk/`` also links the Hanweb JCMS (``hanweb.py``) and
Guangdong gkmlpt (``gkmlpt.py``) sub-sites; the big generated column
(``bulk.py``) and the fault pages (``faults.py``) hook into these pages too.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from html import escape
from importlib import resources

from .render import random_report, render_report_html

SITE_NAME = "样例区人民政府"
PER_PAGE_XXGK = 5
PER_PAGE_JYJ = 3
LABELS = ("索引号", "信息名称", "发布机构", "主题分类", "发布日期", "成文日期", "废止日期", "文号", "关键词")

# Items that share a column with the reports but are not reports: the crawler must skip them.
NON_REPORTS = [
    dict(section="xxgk", slug="202304/t20230410_100101", title="关于印发2023年政务公开工作要点的通知",
         publish_date="2023-04-10", written_date="2023-04-06", doc_no="东政办发〔2023〕12号", repeal_date="",
         index_no="008675320/2023-00102", topic="综合政务/政务公开", keywords="政务公开 工作要点",
         body=["各街道办事处，区政府各部门：", "现将《2023年政务公开工作要点》印发给你们，请结合实际认真贯彻落实。",
               "一、以政务公开助力经济社会高质量发展。二、以政务公开推进法治政府建设。三、夯实政务公开工作基础。"]),
    dict(section="xxgk", slug="202206/t20220601_100102", title="政府信息公开指南",
         publish_date="2022-06-01", written_date="2022-05-30", doc_no="", repeal_date="",
         index_no="008675320/2022-00088", topic="综合政务/政务公开", keywords="信息公开指南",
         body=["为了更好地提供政府信息公开服务，依据《中华人民共和国政府信息公开条例》，编制本指南。",
               "一、主动公开。二、依申请公开。三、监督和救济。", "受理机构办公时间：工作日上午9:00-12:00，下午14:00-17:30。"]),
    dict(section="xxgk", slug="202308/t20230825_100103", title="2022年度部门决算公开",
         publish_date="2023-08-25", written_date="2023-08-24", doc_no="", repeal_date="",
         index_no="008675320/2023-00215", topic="财政/决算", keywords="决算",
         body=["一、部门基本情况。二、收入支出决算总体情况。", "2022年度收入总计3,261.42万元，支出总计3,198.07万元。"]),
    dict(section="xxgk", slug="202412/t20241210_100104", title="关于开展政府信息公开工作年度报告编制的通知",
         publish_date="2024-12-10", written_date="2024-12-09", doc_no="东政务公开办〔2024〕5号", repeal_date="2025-12-31",
         index_no="008675320/2024-00301", topic="综合政务/政务公开", keywords="年度报告 编制",
         body=["各单位：", "请按照《中华人民共和国政府信息公开工作年度报告格式》要求，于2025年1月31日前完成"
               "本单位2024年政府信息公开工作年度报告的编制和发布工作。"]),
    dict(section="xxgk", slug="202105/t20210514_100105", title="政府信息公开保密审查制度",
         publish_date="2021-05-14", written_date="2021-05-10", doc_no="", repeal_date="",
         index_no="008675320/2021-00067", topic="综合政务/政务公开", keywords="保密审查",
         body=["第一条 为规范政府信息公开保密审查工作，制定本制度。", "第二条 坚持“先审查、后公开”和“一事一审”原则。"]),
    dict(section="jyj", slug="9", title="区教育局2024年部门预算公开",
         publish_date="2024-02-20", written_date="2024-02-18", doc_no="", repeal_date="",
         index_no="11420101MB0001234X/2024-00019", topic="财政/预算", keywords="部门预算",
         body=["一、部门主要职责。二、部门预算单位构成。", "2024年收入预算18,452.30万元，支出预算18,452.30万元。"]),
    dict(section="jyj", slug="10", title="区教育局政府信息公开指南",
         publish_date="2022-03-01", written_date="2022-02-25", doc_no="", repeal_date="",
         index_no="11420101MB0001234X/2022-00002", topic="教育/政务公开", keywords="信息公开指南",
         body=["本指南适用于东湖区教育局的政府信息公开工作。", "申请人可通过当面、信函、网络等方式提出政府信息公开申请。"]),
]


@dataclass
class Entry:
    """One detail page and its place on the site (paths relative to the host)."""

    section: str
    path: str
    title: str
    metadata: dict[str, str]
    publish_date: str
    report: dict | None = None
    style: str | None = None
    body: list[str] = field(default_factory=list)
    column: tuple[str, str] = ("政府信息公开年报", "/xxgk/ndbg/index.html")  # breadcrumb of a TRS page

    @property
    def encoding(self) -> str:
        return "gbk" if self.section == "jyj" else "utf-8"


@dataclass
class Response:
    body: bytes
    content_type: str
    status: int = 200
    last_modified: float = 0.0  # epoch seconds for the Last-Modified header; 0 → SITE_UPDATED
    headers: tuple[tuple[str, str], ...] = ()  # extra headers (Location, Allow …)


@dataclass
class Doc:
    """A listed page or file of any section, as the catalog describes it (paths relative to the host)."""

    section: str
    path: str  # as listed (and routed)
    title: str  # as in the list
    metadata: dict[str, str]
    encoding: str  # "utf-8", "gbk", or "binary" for files
    report: dict | None
    style: str | None  # render style, "pdf"/"docx" for reports published as files, None for non-reports
    attachments: tuple[str, ...] = ()  # paths of the files that hold the report's tables
    # (report, note, modified) → {path: Response}: the page and its attachments again, for Portal.revise.
    render: Callable[[dict, str, float], dict[str, Response]] | None = None


def item_entry(section: str, path: str, date: str, kind: str, data: tuple, publisher: str,
               meta: dict[str, str], column: tuple[str, str]) -> Entry:
    """One list item of a platform sub-site: a report generated from ``data`` = (year, template,
    style, seed) when ``kind`` is "report", else a non-report ``data`` = (title, paragraphs).
    Its metadata block names ``publisher`` and ``date``; ``meta`` adds the site's own fields."""
    if kind == "report":
        year, template, style, seed = data
        report = random_report(random.Random(seed), template, body=publisher, year=year)
        title, body = report["title"], []
    else:
        (title, body), report, style = data, None, None
    block = {k: "" for k in LABELS} | {"信息名称": title, "发布机构": publisher, "发布日期": date,
                                       "成文日期": date} | meta
    return Entry(section, path, title, block, date, report, style, list(body), column=column)


def doc_of(e: Entry) -> Doc:
    """The catalog's view of an entry of the TRS and GBK columns, re-renderable for revisions."""
    def render(report: dict, note: str, modified: float) -> dict[str, Response]:
        return {e.path: render_detail(replace(e, report=report), note, modified)}

    return Doc(e.section, e.path, e.title, dict(e.metadata), e.encoding, e.report, e.style,
               render=render if e.report is not None else None)


CST = timezone(timedelta(hours=8))
# When the site's templates were last published: the Last-Modified of list and navigation pages.
SITE_UPDATED = datetime(2025, 3, 3, 9, 30, tzinfo=CST).timestamp()


def published_at(date: str, hour: int = 9) -> float:
    """Epoch seconds of a 发布日期 (YYYY-MM-DD) at office hours, Beijing time."""
    return datetime.fromisoformat(date).replace(hour=hour, tzinfo=CST).timestamp()


def load_report_files() -> list[dict]:
    """The committed report data (package files only: the portal never reads the tests)."""
    folder = resources.files("nianbao.portal").joinpath("reports")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)
    return [json.loads(f.read_text("utf-8")) for f in files]


def detail_path(section: str, slug: str) -> str:
    if section == "jyj":
        return f"/jyj/ndbg/content.jsp?id={slug}"
    return f"/xxgk/ndbg/{slug}.html"


def entries() -> list[Entry]:
    out = []
    for data in load_report_files():
        rep, pg = data["report"], data["page"]
        out.append(Entry(pg["section"], detail_path(pg["section"], pg["slug"]), rep["title"],
                         {k: pg["metadata"].get(k, "") for k in LABELS}, pg["publish_date"], rep, pg["style"]))
    for item in NON_REPORTS:
        meta = {"索引号": item["index_no"], "信息名称": item["title"], "发布机构": _publisher(item["section"]),
                "主题分类": item["topic"], "发布日期": item["publish_date"], "成文日期": item["written_date"],
                "废止日期": item["repeal_date"], "文号": item["doc_no"], "关键词": item["keywords"]}
        out.append(Entry(item["section"], detail_path(item["section"], item["slug"]), item["title"], meta,
                         item["publish_date"], body=item["body"]))
    # Newest first, as every CMS lists; ties broken by path so the order never changes.
    out.sort(key=lambda e: (e.publish_date, e.path), reverse=True)
    return out


def _publisher(section: str) -> str:
    return "东湖区教育局" if section == "jyj" else "东湖区人民政府办公室"


# ---------------------------------------------------------------------------
# Page templates.

_CSS = ("body{font-family:'Microsoft YaHei',SimSun,sans-serif;margin:0;color:#333}"
        ".header{background:#b5121b;color:#fff;padding:12px 40px}.nav a{color:#fff;margin-right:18px}"
        ".main{width:1000px;margin:16px auto}.crumb{font-size:13px;color:#666;margin-bottom:10px}"
        ".xxgk_table{width:100%;border-collapse:collapse;font-size:13px}.xxgk_table td{border:1px solid #ddd;"
        "padding:6px}.xxgk_table td.th{background:#f5f5f5;width:90px}.footer{text-align:center;font-size:12px;"
        "color:#666;border-top:2px solid #b5121b;padding:12px}")


def _page(title: str, charset: str, nav: str, main: str) -> str:
    return (f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="{charset}">\n'
            f'<meta http-equiv="X-UA-Compatible" content="IE=edge">\n<title>{escape(title)}</title>\n'
            f"<style>{_CSS}</style>\n</head>\n<body>\n{nav}\n<div class=\"main\">\n{main}\n</div>\n"
            f'<div class="footer">主办：{SITE_NAME}办公室　承办：{SITE_NAME}大数据中心<br>'
            "本站为 nianbao 项目自带的演示门户，内容仅供测试</div>\n</body>\n</html>\n")


def _nav_main() -> str:
    return (f'<div class="header"><div class="logo">{SITE_NAME}</div>\n<div class="nav">'
            '<a href="/">首页</a><a href="/xxgk/">政府信息公开</a><a href="/jyj/">区教育局</a></div></div>')


def _nav_jyj() -> str:
    return ('<div class="header"><div class="logo">东湖区教育局</div>\n<div class="nav">'
            '<a href="/">区政府首页</a><a href="/jyj/">教育局首页</a><a href="/jyj/ndbg/list.jsp?page=1">信息公开</a>'
            "</div></div>")


def home_page() -> str:
    main = ('<div class="crumb">欢迎访问样例区人民政府门户网站</div>\n'
            '<ul class="channels">\n<li><a href="/xxgk/">政府信息公开</a></li>\n'
            '<li><a href="/jyj/">区教育局</a></li>\n</ul>\n'
            '<form action="/search/" method="get"><input name="q"><button>搜索</button></form>\n'
            '<div class="hot">热门搜索：<a href="/search/?q=%E5%B9%B4%E6%8A%A5">年报</a></div>')
    return _page(f"{SITE_NAME}门户网站", "utf-8", _nav_main(), main)


def xxgk_home(guide_path: str, departments: list[tuple[str, str]] = (), columns: list[tuple[str, str]] = ()) -> str:
    """The 信息公开 section; ``departments`` and ``columns`` are (link text, path) of the other sub-sites."""
    dept = "".join(f'<li><a href="{path}">{escape(text)}</a></li>\n' for text, path in departments)
    more = "".join(f'<li><a href="{path}">{escape(text)}</a></li>\n' for text, path in columns)
    main = ('<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a></div>\n'
            '<ul class="xxgk-menu">\n'
            f'<li><a href="{guide_path}">政府信息公开指南</a></li>\n'
            '<li><a href="/xxgk/ndbg/index.html">政府信息公开年报</a></li>\n'
            f'{more}<li><a href="/jyj/">部门信息公开</a></li>\n</ul>\n'
            + (f'<div class="bmxxgk"><h3>部门信息公开</h3>\n<ul>\n{dept}</ul></div>' if dept else ""))
    return _page(f"政府信息公开_{SITE_NAME}", "utf-8", _nav_main(), main)


_TRS_PAGER = """<div class="page"><script language="javascript">
var currentPage = {current};
var countPage = {count};
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){{
  if(_nPageCount == null || _nPageCount <= 1){{ return; }}
  var nCurrIndex = _nCurrIndex || 0;
  if(nCurrIndex == 0) document.write("<span>首页</span>&nbsp;<span>上一页</span>&nbsp;");
  else {{
    document.write("<a href=\\"" + _sPageName + "." + _sPageExt + "\\">首页</a>&nbsp;");
    if(nCurrIndex == 1) document.write("<a href=\\"" + _sPageName + "." + _sPageExt + "\\">上一页</a>&nbsp;");
    else document.write("<a href=\\"" + _sPageName + "_" + (nCurrIndex - 1) + "." + _sPageExt + "\\">上一页</a>&nbsp;");
  }}
  if(nCurrIndex == _nPageCount - 1) document.write("<span>下一页</span>&nbsp;<span>尾页</span>");
  else {{
    document.write("<a href=\\"" + _sPageName + "_" + (nCurrIndex + 1) + "." + _sPageExt + "\\">下一页</a>&nbsp;");
    document.write("<a href=\\"" + _sPageName + "_" + (_nPageCount - 1) + "." + _sPageExt + "\\">尾页</a>");
  }}
}}
createPageHTML({count}, {current}, "index", "html");
</script></div>"""


def _href(path: str) -> str:
    return f".{path.removeprefix('/xxgk/ndbg')}" if path.startswith("/xxgk/ndbg/") else path


def xxgk_list(page: list[Entry], current: int, count: int) -> str:
    rows = "".join(
        f'<tr>\n<td height="35"><a href="{_href(e.path)}" title="{escape(e.title)}" '
        f'target="_blank">{escape(e.title)}</a></td>\n<td height="35">{escape(e.metadata["索引号"])}</td>\n'
        f'<td height="35">{escape(e.metadata["发布机构"])}</td>\n<td height="35">{e.publish_date}</td>\n</tr>\n'
        for e in page)
    main = ('<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; '
            '<a href="./index.html" class="CurrChnlCls">政府信息公开年报</a></div>\n'
            '<table class="list">\n<tbody><tr>\n<th width="47%" height="35">名称</th>\n<th width="21%" height="35">'
            '索引号</th>\n<th width="19%" height="35">发布机构</th>\n<th width="12%" height="35">发布日期</th>\n</tr>\n'
            f"{rows}</tbody></table>\n" + _TRS_PAGER.format(current=current, count=count))
    return _page(f"政府信息公开年报_{SITE_NAME}", "utf-8", _nav_main(), main)


def jyj_home() -> str:
    main = ('<div class="crumb">您现在的位置：<a href="/">首页</a> &gt; <a href="/jyj/">区教育局</a></div>\n'
            '<ul class="menu">\n<li><a href="/jyj/ndbg/list.jsp?page=1">年度报告</a></li>\n</ul>\n'
            "<p>东湖区教育局负责全区教育事业的统筹规划和管理工作。</p>")
    return _page("东湖区教育局", "gbk", _nav_jyj(), main)


def jyj_list(page: list[Entry], number: int, count: int) -> str:
    items = "".join(
        f'<li><span class="date">{e.publish_date}</span><a href="content.jsp?id={e.path.rsplit("=", 1)[1]}" '
        f'title="{escape(e.title)}" target="_blank">{escape(e.title)}</a></li>\n' for e in page)
    pager = [f"共{count}页 第{number}/{count}页"]
    if number > 1:
        pager += ['<a href="list.jsp?page=1">首页</a>', f'<a href="list.jsp?page={number - 1}">上一页</a>']
    pager += [f"<span>{n}</span>" if n == number else f'<a href="list.jsp?page={n}">{n}</a>'
              for n in range(1, count + 1)]
    if number < count:
        pager += [f'<a href="list.jsp?page={number + 1}">下一页</a>', f'<a href="list.jsp?page={count}">尾页</a>']
    main = ('<div class="crumb">您现在的位置：<a href="/">首页</a> &gt; <a href="/jyj/">区教育局</a> &gt; '
            '<a href="list.jsp?page=1">年度报告</a></div>\n'
            f'<ul class="list">\n{items}</ul>\n<div class="pager">{" ".join(pager)}</div>')
    return _page("年度报告_东湖区教育局", "gbk", _nav_jyj(), main)


def _article(e: Entry) -> str:
    if e.report is not None:
        return render_report_html(e.report, e.style or "plain")
    return "".join(f"<p>{escape(line)}</p>\n" for line in e.body)


def xxgk_detail(e: Entry, note: str = "", column: tuple[str, str] = ("政府信息公开年报", "/xxgk/ndbg/index.html")) -> str:
    """A TRS detail page; ``note`` is an editor's line after the article (a correction notice)."""
    m = {k: escape(v) for k, v in e.metadata.items()}
    meta = ('<table class="xxgk_table">\n<tbody>\n'
            f'<tr><td class="th">索 引 号：</td><td>{m["索引号"]}</td><td class="th">主题分类：</td><td>{m["主题分类"]}</td></tr>\n'
            f'<tr><td class="th">发布机构：</td><td>{m["发布机构"]}</td><td class="th">成文日期：</td><td>{m["成文日期"]}</td></tr>\n'
            f'<tr><td class="th">信息名称：</td><td colspan="3">{m["信息名称"]}</td></tr>\n'
            f'<tr><td class="th">文　　号：</td><td>{m["文号"]}</td><td class="th">发布日期：</td><td>{m["发布日期"]}</td></tr>\n'
            f'<tr><td class="th">废止日期：</td><td>{m["废止日期"]}</td><td class="th">关 键 词：</td><td>{m["关键词"]}</td></tr>\n'
            "</tbody>\n</table>")
    main = ('<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; '
            f'<a href="{column[1]}">{escape(column[0])}</a></div>\n'
            f'{meta}\n<h1 class="title">{escape(e.title)}</h1>\n<div class="TRS_Editor">\n{_article(e)}'
            f'{_note(note)}</div>\n'
            '<div class="tools"><a href="javascript:window.print()">打印本页</a> '
            '<a href="javascript:window.close()">关闭窗口</a></div>')
    return _page(f"{e.title}_{SITE_NAME}", "utf-8", _nav_main(), main)


# The GBK site prints 发布日期 last so that an empty field is always followed by another label.
_JYJ_ORDER = ("索引号", "信息名称", "发布机构", "文号", "主题分类", "关键词", "成文日期", "废止日期", "发布日期")


def _note(note: str) -> str:
    return f'<p class="correction">{escape(note)}</p>\n' if note else ""


def jyj_detail(e: Entry, note: str = "") -> str:
    meta = "".join(f"<p><strong>{k}</strong>：{escape(e.metadata[k])}</p>\n" for k in _JYJ_ORDER)
    main = ('<div class="crumb">您现在的位置：<a href="/">首页</a> &gt; <a href="/jyj/">区教育局</a> &gt; '
            '<a href="list.jsp?page=1">年度报告</a></div>\n'
            f'<div class="xxgk-info">\n{meta}</div>\n<h1 class="title">{escape(e.title)}</h1>\n'
            f'<div id="zoom">\n{_article(e)}{_note(note)}</div>')
    return _page(f"{e.title}-东湖区教育局", "gbk", _nav_jyj(), main)


def not_found_page() -> str:
    return _page("404 页面不存在", "utf-8", _nav_main(), "<h1>404</h1><p>您访问的页面不存在或已被删除。</p>")


def search_page() -> str:
    return _page("站内搜索", "utf-8", _nav_main(), "<p>搜索服务仅对浏览器开放。</p>")


ROBOTS = "User-agent: *\nDisallow: /search/\n"


def utf8(html: str, modified: float = 0.0) -> Response:
    return Response(html.encode("utf-8"), "text/html; charset=utf-8", last_modified=modified)


def gbk(html: str, modified: float = 0.0) -> Response:
    # Characters GBK lacks become character references, as old JSP systems write them.
    return Response(html.encode("gbk", errors="xmlcharrefreplace"), "text/html; charset=GBK", last_modified=modified)


def render_detail(e: Entry, note: str = "", modified: float = 0.0) -> Response:
    """The detail page of a TRS-style entry (any column) or of the GBK JSP column (used again by
    ``Portal.revise``)."""
    modified = modified or published_at(e.publish_date)
    if e.encoding == "gbk":
        return gbk(jyj_detail(e, note), modified)
    return utf8(xxgk_detail(e, note, e.column), modified)


def _pages(items: list[Entry], size: int) -> list[list[Entry]]:
    return [items[n : n + size] for n in range(0, len(items), size)] or [[]]


def build(departments: list[tuple[str, str]] = (), columns: list[tuple[str, str]] = (),
          extra_rows: list[Entry] = ()) -> tuple[dict[str, Response], list[Entry]]:
    """Every route (path, with the query for JSP pages) → response, and the detail pages in list order.

    ``departments`` and ``columns`` are extra (link text, path) links on ``/xxgk/``; ``extra_rows`` are
    listed first on the first TRS list page (the fault pages), without changing the page count.
    """
    all_entries = entries()
    xxgk = [e for e in all_entries if e.section == "xxgk"]
    jyj = [e for e in all_entries if e.section == "jyj"]
    guide = next(e for e in xxgk if e.title == "政府信息公开指南")
    home = xxgk_home(guide.path, list(departments), list(columns))
    routes: dict[str, Response] = {
        "/": utf8(home_page()),
        "/index.html": utf8(home_page()),
        "/robots.txt": Response(ROBOTS.encode("ascii"), "text/plain; charset=utf-8"),
        "/search/": utf8(search_page()),
        "/xxgk/": utf8(home),
        "/xxgk/index.html": utf8(home),
        "/jyj/": gbk(jyj_home()),
        "/jyj/index.html": gbk(jyj_home()),
    }
    pages = _pages(xxgk, PER_PAGE_XXGK)
    for n, page in enumerate(pages):
        listed = list(extra_rows) + page if n == 0 else page
        routes[f"/xxgk/ndbg/index{'' if n == 0 else f'_{n}'}.html"] = utf8(xxgk_list(listed, n, len(pages)))
    routes["/xxgk/ndbg/"] = routes["/xxgk/ndbg/index.html"]
    pages = _pages(jyj, PER_PAGE_JYJ)
    for n, page in enumerate(pages, start=1):
        routes[f"/jyj/ndbg/list.jsp?page={n}"] = gbk(jyj_list(page, n, len(pages)))
    routes["/jyj/ndbg/list.jsp"] = routes["/jyj/ndbg/list.jsp?page=1"]
    for e in all_entries:
        routes[e.path] = render_detail(e)
    return routes, xxgk + jyj
