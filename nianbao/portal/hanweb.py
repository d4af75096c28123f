"""A department sub-site on Hanweb/大汉 JCMS: 东湖区财政局, its records in XML and behind dataproxy.jsp.

As on real JCMS sites, the column page ``/col/col4321/index.html`` carries only
the first ``perPage`` records, inside ``<div id="<unitid>"><script
type="text/xml"><datastore>…`` as ``<record><![CDATA[<li>…</li>]]></record>``,
then loads ``/module/web/jpage/jpage.js`` and configures it with
``$('#4567').jpage({… perPage:2, totalRecord:7, groupSize:3, ajaxParam:{…}})``.  As on
real sites, the nextgroup link quotes some values (``path='/'&…&webname='东湖区财政局'``)
and ``ajaxParam`` writes numbers bare (``columnid:4321``).
The browser fetches the other records by POSTing the ``ajaxParam`` form to
``/module/web/jpage/dataproxy.jsp?startrecord=S&endrecord=E&perpage=P``
(records S..E, 1-based and inclusive), which answers ``text/xml``.  Detail pages
live at ``/art/<y>/<m>/<d>/art_<columnid>_<id>.html`` with a JCMS ``xxgk_table``
of metadata.  The column mixes HTML reports, a report published only as a
PDF (the list links the file), one whose page says 详见附件 and links a DOCX,
one whose page shows its PDF in an ``<iframe>`` through pdf.js
(``/pdfjs/web/viewer.html?file=…``, as many portals embed files), and items that
are not reports.
"""

from __future__ import annotations

import math
import random
from html import escape
from urllib.parse import parse_qsl, urlsplit

from . import files
from .render import random_report, render_report_html
from .site import Doc, Response, published_at, utf8

WEBID = "12"
COLUMNID = "4321"
UNITID = "4567"
WEBNAME = "东湖区财政局"
HOME_PATH = "/col/col4300/index.html"  # the sub-site's 信息公开 page
COLUMN_PATH = f"/col/col{COLUMNID}/index.html"
PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
PER_PAGE = 2
GROUP_SIZE = 3  # pages per dataproxy request, as jpage asks
LABELS = ("索引号", "主题分类", "发布机构", "成文日期", "文号", "时效", "名称", "发布日期")
DOCX_PATH = "/picture/0/2401251630456.docx"
PDF_PATH = "/picture/0/2502251003245.pdf"
VIEWER_PATH = "/module/pdfjs/web/viewer.html"
EMBEDDED_PDF_PATH = "/picture/0/2101281030117.pdf"

# (publish date, article id, kind, data): newest first, as the column lists them.
_REPORTS = [  # year, template, style, seed
    (2024, "2021", "word", 43212024, "2025-01-20", 90006),
    (2022, "2021", "plain", 43212022, "2023-01-18", 90003),
    (2021, "2021", "split_tables", 43212021, "2022-01-19", 90002),
]
_DOCX_REPORT = (2023, "2021", 43212023, "2024-01-25", 90005)
_EMBEDDED_PDF_REPORT = (2020, "2019", 43212020, "2021-01-28", 89999)
_NON_REPORTS = [
    ("2024-02-05", 90004, "东湖区财政局2024年部门预算公开", "财政/预算",
     ["一、部门主要职责。二、部门预算单位构成。", "2024年收入预算2,615.80万元，支出预算2,615.80万元。"]),
    ("2021-06-01", 90001, "东湖区财政局政府信息公开指南", "综合政务/政务公开",
     ["为方便公民、法人和其他组织获取政府信息，根据《中华人民共和国政府信息公开条例》，编制本指南。",
      "受理机构：东湖区财政局办公室。办公时间：工作日上午8:30-12:00，下午14:30-17:30。"]),
]
_PDF_DATE = "2025-02-25"


def _art_path(date: str, art_id: int) -> str:
    y, m, d = (int(x) for x in date.split("-"))
    return f"/art/{y}/{m}/{d}/art_{COLUMNID}_{art_id}.html"


def _metadata(title: str, date: str, art_id: int, topic: str) -> dict[str, str]:
    written = date[:-2] + f"{max(1, int(date[-2:]) - 2):02d}"
    return {"索引号": f"11420101MB0005678K/{date[:4]}-{art_id - 89000:05d}", "主题分类": topic,
            "发布机构": WEBNAME, "成文日期": written, "文号": "", "时效": "有效", "名称": title, "发布日期": date}


# ---------------------------------------------------------------------------
# Templates.

_CSS = ("body{font:14px/1.8 'Microsoft YaHei',SimSun;margin:0}.top{background:#0b5aa2;color:#fff;padding:14px 40px}"
        ".top a{color:#fff;margin-right:20px}.wrap{width:1000px;margin:12px auto}.bt_list li{list-style:none;"
        "border-bottom:1px dashed #ccc}.bt_list li span{float:right;color:#999}.xxgk_table{width:100%;"
        "border-collapse:collapse}.xxgk_table td{border:1px solid #d9d9d9;padding:5px 8px}"
        ".xxgk_table .td_lable{background:#f2f6fb;width:90px;text-align:right}")


def _page(title: str, main: str) -> str:
    return ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
            f'<title>{escape(title)}</title>\n<meta name="SiteName" content="{WEBNAME}" />\n'
            f'<meta name="SiteIDCode" content="4201010012" />\n<meta name="ColumnName" content="政府信息公开年报" />\n'
            '<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>\n'
            f"<style>{_CSS}</style>\n</head>\n<body>\n"
            f'<div class="top"><b>{WEBNAME}</b> <a href="/">首页</a><a href="{HOME_PATH}">信息公开</a></div>\n<div class="wrap">\n{main}\n</div>\n'
            f'<div class="foot">主办单位：{WEBNAME}　技术支持：大汉网络</div>\n</body>\n</html>\n')


def home_page() -> str:
    main = (f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="{HOME_PATH}">信息公开</a></div>\n'
            '<div class="xxgk_nav"><ul>\n'
            '<li><a href="/col/col4322/index.html">政府信息公开指南</a></li>\n'
            '<li><a href="/col/col4323/index.html">政府信息公开制度</a></li>\n'
            '<li><a href="/col/col4324/index.html">法定主动公开内容</a></li>\n'
            f'<li><a href="{COLUMN_PATH}">政府信息公开年报</a></li>\n</ul></div>')
    return _page(f"信息公开 {WEBNAME}", main)


def record_html(title: str, path: str, date: str) -> str:
    return f'<li><a href="{path}" title="{escape(title)}" target="_blank">{escape(title)}</a><span>{date}</span></li>'


def nextgroup_link() -> str:
    # Values quoted inside the href, as older JCMS sites print them (zfcg.nantong.gov.cn, 2017).
    query = f"page=1&webid={WEBID}&path='/'&columnid={COLUMNID}&unitid={UNITID}&webname='{WEBNAME}'&permissiontype=0"
    return f'<a href="{PROXY_PATH}?{query}"></a>'


def column_page(records: list[str]) -> str:
    shown = "".join(f"<record><![CDATA[\n{r}\n]]></record>\n" for r in records[:PER_PAGE])
    main = (f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="{HOME_PATH}">信息公开</a> &gt; '
            f'<a href="{COLUMN_PATH}">政府信息公开年报</a></div>\n<div class="bt_list">\n'
            f'<div id="{UNITID}"><script type="text/xml"><datastore>\n'
            f"<nextgroup><![CDATA[{nextgroup_link()}]]></nextgroup>\n<recordset>\n{shown}</recordset>\n"
            "</datastore></script></div>\n"
            '<script language="javascript" src="/module/web/jpage/jpage.js"></script>\n'
            "<script>\n$(document).ready(function(){\n"
            f"\t$('#{UNITID}').jpage({{\n\t\tcontainerSelector: '#{UNITID}',\n"
            f"\t\tdataStore: $('#{UNITID} script[type=\"text/xml\"]').html(),\n"
            f"\t\tperPage:{PER_PAGE}, totalRecord:{len(records)}, groupSize:{GROUP_SIZE},\n"
            "\t\tbarPosition:'bottom', pageBarTemplate:'共{totalRecord}条 {totalPage}页',\n"
            f"\t\tproxyUrl:'{PROXY_PATH}', ajaxType:'POST',\n"
            f"\t\tajaxParam:{{col:1, appid:1, webid:{WEBID}, path:'/', columnid:{COLUMNID}, sourceContentType:1, "
            f"unitid:'{UNITID}', webname:'{WEBNAME}', permissiontype:0}}\n\t}});\n}});\n</script>\n</div>")
    return _page(f"政府信息公开年报 {WEBNAME}", main)


def detail_page(title: str, metadata: dict[str, str], article: str, note: str = "") -> str:
    m = {k: escape(v) for k, v in metadata.items()}
    meta = ('<table class="xxgk_table" cellspacing="0" cellpadding="0">\n<tbody>\n'
            f'<tr><td class="td_lable">索引号：</td><td>{m["索引号"]}</td><td class="td_lable">主题分类：</td>'
            f'<td>{m["主题分类"]}</td></tr>\n'
            f'<tr><td class="td_lable">发布机构：</td><td>{m["发布机构"]}</td><td class="td_lable">成文日期：</td>'
            f'<td>{m["成文日期"]}</td></tr>\n'
            f'<tr><td class="td_lable">文号：</td><td>{m["文号"]}</td><td class="td_lable">时效：</td>'
            f'<td>{m["时效"]}</td></tr>\n'
            f'<tr><td class="td_lable">名称：</td><td colspan="3">{m["名称"]}</td></tr>\n'
            f'<tr><td class="td_lable">发布日期：</td><td colspan="3">{m["发布日期"]}</td></tr>\n</tbody>\n</table>')
    correction = f'<p class="correction">{escape(note)}</p>\n' if note else ""
    main = (f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="{HOME_PATH}">信息公开</a> &gt; '
            f'<a href="{COLUMN_PATH}">政府信息公开年报</a></div>\n{meta}\n'
            f'<div class="title"><h1>{escape(title)}</h1></div>\n'
            f'<div id="zoom">\n<!--ZJEG_RSS.content.begin--><meta name="ContentStart">\n{article}{correction}'
            '<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->\n</div>\n'
            '<div class="tools">【<a href="javascript:window.print()">打印本页</a>】'
            '【<a href="javascript:window.close()">关闭窗口</a>】</div>')
    return _page(f"{title} {WEBNAME}", main)


def viewer_page() -> str:
    """pdf.js's viewer: a page that draws the file named in ``?file=`` with JavaScript (no report in it)."""
    return ('<!DOCTYPE html>\n<html dir="ltr"><head><meta charset="utf-8"><title>PDF.js viewer</title>\n'
            '<link rel="stylesheet" href="viewer.css"><script src="../build/pdf.js"></script>'
            '<script src="viewer.js"></script></head>\n<body tabindex="1"><div id="outerContainer">'
            '<div id="viewerContainer"><div id="viewer" class="pdfViewer"></div></div></div></body></html>\n')


def dataproxy_xml(records: list[str], start: int, end: int, perpage: int) -> bytes:
    chosen = records[start - 1 : end]
    total = len(records)
    body = "".join(f"<record><![CDATA[\n{r}\n]]></record>\n" for r in chosen)
    next_page = min(math.ceil(end / perpage) + 1, max(1, math.ceil(total / perpage)))
    link = nextgroup_link().replace("page=1&", f"page={next_page}&")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
            f"<nextgroup><![CDATA[{link}]]></nextgroup>\n<recordset>\n{body}</recordset>\n"
            f"<totalrecord>{total}</totalrecord>\n<totalpage>{math.ceil(total / perpage)}</totalpage>\n"
            "</datastore>\n").encode()


# ---------------------------------------------------------------------------
# The section.


class HanwebSite:
    """Routes, catalog docs and the dataproxy of the JCMS sub-site."""

    def __init__(self) -> None:
        self.routes: dict[str, Response] = {}
        self.docs: list[Doc] = []
        listed: list[tuple[str, str, str]] = []  # (date, title, path)
        for year, version, style, seed, date, art_id in _REPORTS:
            report = random_report(random.Random(seed), version, body=WEBNAME, year=year)
            path = _art_path(date, art_id)
            meta = _metadata(report["title"], date, art_id, "财政/政务公开")
            self.docs.append(Doc("hanweb", path, report["title"], meta, "utf-8", report, style,
                                 render=self._html_renderer(path, report["title"], meta, style)))
            self.routes.update(self.docs[-1].render(report, "", published_at(date)))
            listed.append((date, report["title"], path))
        for spec, style in ((_DOCX_REPORT, "docx"), (_EMBEDDED_PDF_REPORT, "pdfjs")):
            year, version, seed, date, art_id = spec
            report = random_report(random.Random(seed), version, body=WEBNAME, year=year)
            path = _art_path(date, art_id)
            meta = _metadata(report["title"], date, art_id, "财政/政务公开")
            file_path, render = self._file_renderer(path, report["title"], meta, style)
            self.docs.append(Doc("hanweb", path, report["title"], meta, "utf-8", report, style, (file_path,), render))
            self.routes.update(render(report, "", published_at(date)))
            listed.append((date, report["title"], path))
        self.routes[VIEWER_PATH] = utf8(viewer_page())
        pdf = files.huaian_report()
        self.docs.append(Doc("hanweb", PDF_PATH, pdf["title"], {}, "binary", pdf, "pdf"))
        self.routes[PDF_PATH] = Response(files.huaian_pdf(), "application/pdf", last_modified=published_at(_PDF_DATE))
        listed.append((_PDF_DATE, pdf["title"], PDF_PATH))
        for date, art_id, title, topic, body in _NON_REPORTS:
            path = _art_path(date, art_id)
            meta = _metadata(title, date, art_id, topic)
            article = "".join(f'<p style="text-indent:2em">{escape(line)}</p>\n' for line in body)
            self.docs.append(Doc("hanweb", path, title, meta, "utf-8", None, None))
            self.routes[path] = utf8(detail_page(title, meta, article), published_at(date))
            listed.append((date, title, path))
        listed.sort(key=lambda x: (x[0], x[2]), reverse=True)
        order = {path: n for n, (_, _, path) in enumerate(listed)}
        self.docs.sort(key=lambda d: order[d.path])
        self.records = [record_html(title, path, date) for date, title, path in listed]
        self.routes[HOME_PATH] = utf8(home_page())
        self.routes[COLUMN_PATH] = utf8(column_page(self.records))

    @staticmethod
    def _html_renderer(path: str, title: str, meta: dict[str, str], style: str):
        def render(report: dict, note: str, modified: float) -> dict[str, Response]:
            return {path: utf8(detail_page(title, meta, render_report_html(report, style), note), modified)}
        return render

    @staticmethod
    def _file_renderer(path: str, title: str, meta: dict[str, str], style: str):
        """A page whose report is a file: "docx" links it (详见附件), "pdfjs" shows it through pdf.js."""
        if style == "docx":
            file_path, content_type = DOCX_PATH, files.DOCX_TYPE
            article = (f'<p style="text-indent:2em">{escape(title)}详见附件。</p>\n'
                       f'<p>附件：<a href="{DOCX_PATH}" target="_blank">{escape(f"{title}.docx")}</a></p>\n')
        else:
            file_path, content_type = EMBEDDED_PDF_PATH, "application/pdf"
            article = (f'<p style="text-indent:2em">{escape(title)}</p>\n<p><iframe src="{VIEWER_PATH}?file='
                       f'{EMBEDDED_PDF_PATH}" width="100%" height="900" frameborder="0"></iframe></p>\n')

        def render(report: dict, note: str, modified: float) -> dict[str, Response]:
            from .formats import render_pdf

            data = files.report_docx(report, note) if style == "docx" else render_pdf(report)
            return {path: utf8(detail_page(title, meta, article, note), modified),
                    file_path: Response(data, content_type, last_modified=modified)}
        return file_path, render

    def dataproxy(self, method: str, raw_path: str, body: bytes) -> Response:
        """POST (or GET, as the nextgroup link does) ``dataproxy.jsp``: a group of records as XML."""
        if method not in ("GET", "HEAD", "POST"):
            return Response(b"", "text/plain", 405, headers=(("Allow", "GET, HEAD, POST"),))
        query = dict(parse_qsl(urlsplit(raw_path).query))
        if method == "POST":
            try:
                form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body)))
            except (UnicodeDecodeError, ValueError):
                return bad_request("表单无法解析")
        else:
            form = query
        if "columnid" not in form or not form["columnid"].isdigit():
            return bad_request("缺少参数 columnid")
        total = len(self.records) if form["columnid"] == COLUMNID else 0
        records = self.records if total else []
        try:
            if "startrecord" in query or "endrecord" in query:
                perpage = int(query.get("perpage", PER_PAGE))
                start, end = int(query["startrecord"]), int(query["endrecord"])
            else:  # the nextgroup link: page N of GROUP_SIZE pages
                perpage = int(form.get("perpage", PER_PAGE))
                page = int(form.get("page", "1"))
                start = (page - 1) * perpage + 1
                end = start + perpage * GROUP_SIZE - 1
        except (KeyError, ValueError):
            return bad_request("startrecord/endrecord/perpage 须为整数")
        if perpage < 1 or start < 1 or end < start:
            return bad_request("记录范围无效")
        return Response(dataproxy_xml(records, start, end, perpage), "text/xml;charset=UTF-8")


def bad_request(message: str) -> Response:
    return Response(f"<html><body><h1>400 Bad Request</h1><p>{escape(message)}</p></body></html>".encode(),
                    "text/html; charset=utf-8", 400)
