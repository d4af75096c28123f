"""Platform adapters on frozen copies of real portal pages (city-scrapers style)."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES
from scrapy.http import HtmlResponse, Request, TextResponse

from crawler import platforms
from crawler.classify import is_attachment, is_report_column, is_report_title, is_section_link

HANDAN_LIST = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html"


def response(url: str, body: bytes, cls=HtmlResponse, **kw) -> TextResponse:
    return cls(url=url, body=body, encoding="utf-8", request=Request(url, **kw))


def test_real_trs_list_page_paginates_to_every_index_page():
    page = platforms.list_page(response(HANDAN_LIST, (FIXTURES / "real" / "handan_trs_list_page_2020.saved.html")
                                        .read_bytes()))
    assert page.platform == "trs"
    urls = {r.url for r in page.requests}
    expected = {f"http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index_{n}.html" for n in range(1, 56)}
    assert expected <= urls  # var countPage=56: index.html (this page) and index_1 … index_55
    assert HANDAN_LIST not in urls
    titles = dict((url, title) for title, url in page.entries)
    detail = "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200805_1353179.html"
    assert titles[detail].startswith("邯郸市教育局关于印发")
    # Not an annual-report column: nothing on it is a report.
    assert not [t for t in titles.values() if is_report_title(t)]


def test_a_pager_on_every_page_is_followed_once():
    """A TRS page names every page of its column; the spider asks for each page once, not once per page.

    (Left to the dupe filter, a column of N pages would cost N² requests.)
    """
    from scrapy.utils.test import get_crawler

    from crawler.spiders.portal import PortalSpider

    spider = PortalSpider.from_crawler(get_crawler(PortalSpider), start_urls=HANDAN_LIST)
    body = (FIXTURES / "real" / "handan_trs_list_page_2020.saved.html").read_bytes()
    asked = []
    for n in ("", "_1", "_2", "_30"):
        url = HANDAN_LIST.replace("index.html", f"index{n}.html")
        asked += [r.url for r in spider.follow_list(response(url, body), platforms.list_page(response(url, body), spider._listed))
                  if isinstance(r, Request) and "/index" in r.url]
    assert len(asked) == len(set(asked)) == 55  # index_1 … index_55, the first page being where it started


def test_a_hash_route_is_a_page_of_its_own_asked_for_once():
    """gkmlpt's index and index#2811 show different lists; Scrapy's dupe filter ignores fragments, so
    whichever link came first would decide what is crawled.  Each route is asked for once, unfiltered."""
    from scrapy.utils.test import get_crawler

    from crawler.spiders.portal import PortalSpider

    spider = PortalSpider.from_crawler(get_crawler(PortalSpider), start_urls="http://x.gov.cn/")
    app, route = "http://x.gov.cn/wsjkj/gkmlpt/index", "http://x.gov.cn/wsjkj/gkmlpt/index#2811"
    first = list(spider.list_requests(route, spider.parse, {"nianbao_kind": "list"}))
    assert [(r.url, r.dont_filter) for r in first] == [(route, True)]
    assert list(spider.list_requests(route, spider.parse, {"nianbao_kind": "list"})) == []
    assert [(r.url, r.dont_filter) for r in spider.list_requests(app, spider.parse, {})] == [(app, False)]


def test_hanweb_records_and_dataproxy_groups():
    html = """<div id="4567"><script type="text/xml"><datastore>
      <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=12&path=/&columnid=4321&unitid=4567&webname=%E8%B4%A2%E6%94%BF%E5%B1%80&permissiontype=0"></a>]]></nextgroup>
      <recordset><record><![CDATA[<li><a href="/art/2024/1/20/art_4321_1.html" title="东湖区财政局2023年政府信息公开工作年度报告">…</a></li>]]></record>
      <record><![CDATA[<li><a href="/art/2023/3/2/art_4321_2.html" title="关于印发2023年政务公开工作要点的通知">…</a></li>]]></record>
      </recordset></datastore></script></div>
      <script language="javascript" src="/module/web/jpage/jpage.js"></script>
      <script>jpage({perPage:2, totalRecord:7, groupSize:3});</script>""".encode()
    page = platforms.list_page(response("http://x.gov.cn/col/col4321/index.html", html))
    assert page.platform == "hanweb"
    assert [t for t, _ in page.entries if is_report_title(t)] == ["东湖区财政局2023年政府信息公开工作年度报告"]
    (post,) = page.requests  # records 3–7 in one group of three pages
    assert post.method == "POST" and "startrecord=3&endrecord=7&perpage=2" in post.url
    form = dict(kv.split("=", 1) for kv in post.body.decode().split("&"))
    assert form["columnid"] == "4321" and form["unitid"] == "4567" and form["webid"] == "12"


def test_gkmlpt_app_shell_and_json_api():
    shell = b"<html><script>window._CONFIG = { SID: '755999', TYPE: 'gkmlpt' };</script></html>"
    page = platforms.list_page(response("http://x.gov.cn/wsjkj/gkmlpt/index#2811", shell))
    assert page.platform == "gkmlpt"
    assert [r.url for r in page.requests] == ["http://x.gov.cn/wsjkj/gkmlpt/api/all/2811?page=1&sid=755999"]
    api = {"total": 5, "articles": [
        {"title": "东湖区卫生健康局2024年政府信息公开工作年度报告", "url": "http://x.gov.cn/wsjkj/gkmlpt/content/post_1.html"},
        {"title": "卫生健康工作要点", "url": "http://x.gov.cn/wsjkj/gkmlpt/content/post_2.html"}]}
    page = platforms.list_page(response("http://x.gov.cn/wsjkj/gkmlpt/api/all/2811?page=1&sid=755999",
                                        json.dumps(api).encode(), cls=TextResponse))
    assert len(page.entries) == 2
    assert [r.url.rsplit("?", 1)[1] for r in page.requests] == ["page=2&sid=755999", "page=3&sid=755999"]


GKMLPT_TREE = ('TREE: [{"id":2809,"name":"\\u673a\\u6784\\u804c\\u80fd","parent":0,"post_count":1},'
               '{"id":2811,"name":"\\u653f\\u5e9c\\u4fe1\\u606f\\u516c\\u5f00\\u5e74\\u62a5","parent":0,"post_count":5}]')


def gkmlpt_shell(config: str) -> bytes:
    return f"<html><script>window._CONFIG = {{ SID: '755999', {config} }};</script></html>".encode()


def api_urls(url: str, body: bytes) -> list[str]:
    return [r.url for r in platforms.list_page(response(url, body, meta={"nianbao_url": url})).requests]


def test_gkmlpt_annualreport_page_lists_the_report_category_of_its_tree():
    annual = "http://x.gov.cn/wsjkj/gkmlpt/annualreport"
    page = platforms.list_page(response(annual, gkmlpt_shell(GKMLPT_TREE), meta={"nianbao_url": annual}))
    assert page.platform == "gkmlpt" and page.entries == []
    assert [r.url for r in page.requests] == ["http://x.gov.cn/wsjkj/gkmlpt/api/all/2811?page=1&sid=755999"]
    # A hash route wins, as in the app (annualreport#2629 is read through api/all/2629).
    assert api_urls(annual + "#2629", gkmlpt_shell(GKMLPT_TREE)) == [
        "http://x.gov.cn/wsjkj/gkmlpt/api/all/2629?page=1&sid=755999"]
    # A tree with no report category, or none at all: every article (category 0), filtered by title later.
    assert api_urls(annual + "/", gkmlpt_shell("TREE: [{id: 5, name: '政策文件'}]")) == [
        "http://x.gov.cn/wsjkj/gkmlpt/api/all/0?page=1&sid=755999"]
    assert api_urls(annual, gkmlpt_shell("TYPE: 'gkmlpt'"))[0].endswith("/api/all/0?page=1&sid=755999")
    # The catalog without a hash shows everything, tree or not.
    assert api_urls("http://x.gov.cn/wsjkj/gkmlpt/index", gkmlpt_shell(GKMLPT_TREE)) == [
        "http://x.gov.cn/wsjkj/gkmlpt/api/all/0?page=1&sid=755999"]


def test_gkmlpt_report_categories_from_any_tree_literal():
    tree = """TREE: [{name: '政府信息公开', id: 1, children: [
                {'name': '政府信息公开年度报告', 'parent_id': 1, 'id': '12', classify_main_name: 'x'}]},
              {"id": 13, "name": "统计数据"}, {"id": 14, "name": "2023年政府信息公开工作年度报告"},
              {"parent": 1, "id": 15, "name": "政府信息公开年报"}, {"id": 12, "name": "年度报告"}]"""
    assert platforms.gkmlpt_report_categories(tree) == ["12", "15"]
    assert platforms.gkmlpt_report_categories("SID: '2', SITE_NAME: '政府信息公开年报'") == []


def test_gkmlpt_api_pages_by_the_classify_post_count_when_there_is_no_total():
    api = {"classify": {"id": 2811, "name": "政府信息公开年报", "parent": 0, "post_count": 7},
           "articles": [{"id": 1, "title": "2024年政府信息公开工作年度报告", "url": "/wsjkj/gkmlpt/content/0/1/post_1.html"},
                        {"id": 2, "title": "2023年政府信息公开工作年度报告", "url": "/wsjkj/gkmlpt/content/0/2/post_2.html"},
                        {"id": 3, "title": "2022年政府信息公开工作年度报告", "url": "/wsjkj/gkmlpt/content/0/3/post_3.html"}]}
    url = "http://x.gov.cn/wsjkj/gkmlpt/api/all/2811?page=1&sid=755999"
    page = platforms.list_page(response(url, json.dumps(api).encode(), cls=TextResponse))
    assert page.entries[0] == ("2024年政府信息公开工作年度报告", "http://x.gov.cn/wsjkj/gkmlpt/content/0/1/post_1.html")
    assert [r.url.rsplit("/", 1)[1] for r in page.requests] == ["2811?page=2&sid=755999", "2811?page=3&sid=755999"]
    later = platforms.list_page(response(url.replace("page=1", "page=3"), json.dumps(api).encode(), cls=TextResponse))
    assert len(later.entries) == 3 and later.requests == []  # only the first page schedules the rest
    assert platforms.list_page(response(url, b"[]", cls=TextResponse)).entries == []


def test_a_page_that_only_links_to_gkmlpt_is_not_a_gkmlpt_list():
    page = b'<html><a href="/wsjkj/gkmlpt/index">gkmlpt</a> <a href="/x/">\xe4\xb8\x8b\xe4\xb8\x80\xe9\xa1\xb5</a></html>'
    assert platforms.detect(response("http://x.gov.cn/xxgk/", page)) == "generic"


def test_titles_reports_columns_and_sections():
    reports = ["2023年政府信息公开工作年度报告", "XX区2022年度政府信息公开工作报告", "某区2022年政府信息公开工作年度报...",
               "某区民政局2021年度政府信息公开工作报…",
               "政府信息公开工作年度报告（二〇二一年）", "某某街道办事处2020年政府信息公开年报"]
    not_reports = ["关于开展政府信息公开工作年度报告编制的通知", "2023年政务公开工作要点", "政府信息公开指南",
                   "2022年度部门决算公开", "政府信息公开年报", "2023年政府信息公开工作要..."]
    assert all(is_report_title(t) for t in reports)
    assert not any(is_report_title(t) for t in not_reports)
    assert is_report_column("政府信息公开年报") and is_report_column("年度报告")
    assert not is_report_column("2023年政府信息公开工作年度报告")
    assert is_section_link("部门信息公开") and not is_section_link("政府信息公开指南")
    assert is_attachment("http://x.gov.cn/a/2024年报.pdf") and not is_attachment("http://x.gov.cn/a.html")


def test_real_trs_detail_page_metadata_as_printed():
    from parsers import page_metadata

    got = page_metadata((FIXTURES / "real" / "handan_trs_detail_page_2020.saved.html").read_bytes(),
                        "text/html; charset=utf-8")
    assert got == {"索引号": "000014348/2020-35147", "发布机构": "邯郸市教育局",
                   "名称": "邯郸市教育局关于印发《全市教育系统安全专项整治三年行动实施方案》的通知",
                   "文号": "无", "主题分类": "教育", "发布日期": "2020年08月02日"}
    # 主题词, 成文日期 and 有效期 are commented out in the HTML: not shown, so not metadata.


# -- Real markup of other portals (tests/fixtures/real/README.md names each source) ----------------

REAL = FIXTURES / "real"


def real(name: str) -> bytes:
    return (REAL / name).read_bytes()


def urls_of(page: platforms.ListPage) -> list[str]:
    return [r.url for r in page.requests]


def test_a_pager_is_known_by_its_shape_whatever_the_function_is_called():
    """Chongqing's TRS sites call it createPage(34, 0, "index", "html"): 33 more pages, on the TRS platform."""
    url = "https://kjj.cq.gov.cn/zwxx_176/tzgg/index.html"
    page = platforms.list_page(response(url, real("cq_kjj_trs_createPage.html")))
    assert page.platform == "trs" == platforms.detect(response(url, real("cq_kjj_trs_createPage.html")))
    assert urls_of(page)[:33] == [f"https://kjj.cq.gov.cn/zwxx_176/tzgg/index_{n}.html" for n in range(1, 34)]
    assert not [u for u in urls_of(page) if u.endswith("index_34.html")]


def test_a_pager_with_the_container_first_is_one_based():
    """createPageHTML('page_div', 10, 1, 'xlist', 'shtml', 189): page 2 is xlist_2.shtml, the last xlist_10."""
    url = "https://www.shaoyang.gov.cn/shaoyang/stjgb/xlist.shtml"
    page = platforms.list_page(response(url, real("shaoyang_sigB_pager.html")))
    assert page.platform == "trs"
    assert urls_of(page) == [f"https://www.shaoyang.gov.cn/shaoyang/stjgb/xlist_{n}.shtml" for n in range(2, 11)]
    page = platforms.list_page(response("https://www.csrc.gov.cn/csrc/c106256/fg.shtml", real("csrc_sigB_pager.html")))
    assert urls_of(page) == [f"https://www.csrc.gov.cn/csrc/c106256/fg_{n}.shtml" for n in range(2, 6)]
    # From a later page the base cannot be told: name_1 … name_N (and the first page) cover both.
    later = platforms.list_page(response(url.replace("xlist.shtml", "xlist_3.shtml"),
                                         b"<script>createPageHTML('page_div',10, 3,'xlist','shtml',189);</script>"))
    assert set(urls_of(later)) == {url} | {url.replace("xlist", f"xlist_{n}") for n in range(1, 11) if n != 3}
    # Unless the first page's request said where numbering starts: then no xlist_1 (a page that does not exist).
    first = platforms.list_page(response(url, real("shaoyang_sigB_pager.html")))
    meta = first.requests[1].meta
    assert meta == {platforms.PAGER_START: 2}
    told = platforms.list_page(response(url.replace("xlist.shtml", "xlist_3.shtml"),
                                        b"<script>createPageHTML('page_div',10, 3,'xlist','shtml',189);</script>", meta=meta))
    assert url.replace("xlist", "xlist_1") not in urls_of(told) and len(urls_of(told)) == 9


def test_a_pager_defined_inline_before_its_call_is_read_from_the_call():
    url = "http://www.zhangshu.gov.cn/zwgk/zsyw/index.html"
    page = platforms.list_page(response(url, real("zhangshu_trs_createPageHTML_excerpt.html")))
    assert urls_of(page) == [f"http://www.zhangshu.gov.cn/zwgk/zsyw/index_{n}.html" for n in range(1, 21)]


def test_a_pager_call_commented_out_is_not_the_pager():
    """A real TRS template keeps ``//createPageHTML(9, 0, "index", "html");`` above the pager it uses,
    ``var countPage = 17``: the column has 17 pages, not 9."""
    url = "http://example.edu.cn/xwzx/index.html"
    page = platforms.list_page(response(url, real("trs_commented_createPageHTML_countPage.html")))
    assert page.platform == "trs"
    assert urls_of(page) == [f"http://example.edu.cn/xwzx/index_{n}.html" for n in range(1, 17)]
    # A URL's // is not a comment; a call after a block comment closed is code again.
    js = 'a = "http://x.gov.cn/"; f(1); // old\nb = 1; /* c\n g(2) */ h(3)'
    assert [platforms.commented_out(js, js.index(c)) for c in ("f(1)", "b = 1", "g(2)", "h(3)")] == [
        False, False, True, False]
    assert platforms.commented_out("x; // f(1)", 8) and platforms.commented_out("  //f(1)", 4)
    html = '<input accept="image/*"><script>\ncreatePageHTML(5, 0, "index", "html");</script>'
    assert not platforms.commented_out(html, html.index("createPageHTML"))


def test_non_pager_calls_are_not_pagers():
    for js in ("document.write('a', 'html')", "createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt)",
               "setTimeout(10, 1)", "f(1, 2, 'index', 'js')", "f(1, 5, 'index', 'html')"):
        assert platforms.static_pager(js) is None, js


def test_a_link_title_leaves_out_the_date_printed_inside_the_link():
    url = "https://jjxxw.cq.gov.cn/zwgk_213/gsgg/index.html"
    page = platforms.list_page(response(url, real("cq_jjxxw_trs_createPage.html")))
    assert page.entries[0] == ("关于重庆食品包装设计大赛入围作品的公示",
                               "https://jjxxw.cq.gov.cn/zwgk_213/gsgg/202607/t20260706_15802464.html")
    assert len(urls_of(page)) == 39
    # A real title in that real shape: the date must neither stay in the title nor count as its year.
    about = '<a href="./202607/t1.html"><p>关于政府信息公开年度报告有关项目填报问题的解释</p><span>2021-01-05</span></a>'.encode()
    ((title, _),) = platforms.list_page(response(url, about)).entries
    assert title == "关于政府信息公开年度报告有关项目填报问题的解释" and not is_report_title(title)
    assert not is_report_title("政府信息公开工作年度报告 2021-01-05")
    assert is_report_title("2021年政府信息公开工作年度报告 2022-01-05")


def test_real_titles_and_navigation_texts():
    for line in (REAL / "titles_real.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            expect, title, _ = line.split("\t")
            assert is_report_title(title) == (expect == "R"), title
    for line in (REAL / "columns_real.tsv").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            expect, text, _ = line.split("\t")
            assert is_report_column(text) == (expect == "C"), text
    assert not is_report_column("工作报告") and is_report_column("政务公开工作报告")


def test_a_trs_column_asked_for_at_its_directory_is_not_fetched_again_as_index_html():
    from scrapy.utils.test import get_crawler

    from crawler.spiders.portal import PortalSpider

    column = "http://www.egb.gov.cn/xxgk/xxgknb/"
    page = platforms.list_page(response(column, real("ordos_egb_trs_xxgknb_excerpt.html")))
    assert urls_of(page) == [column + "index_1.html"]
    assert sum(is_report_title(t) for t, _ in page.entries) == 4
    # Page 2's pager names index.html, which is the directory the crawl started from.
    spider = PortalSpider.from_crawler(get_crawler(PortalSpider), start_urls=column)
    body = real("ordos_egb_trs_xxgknb_excerpt.html").replace(b"var countPage = 2", b"var countPage = 3")
    asked = []
    for url in (column, column + "index_1.html"):
        r = response(url, body)
        asked += [q.url for q in spider.follow_list(r, platforms.list_page(r, spider._listed))
                  if isinstance(q, Request) and "/xxgknb/index" in q.url]
    assert asked == [column + "index_1.html", column + "index_2.html"]


def test_hanweb_nextgroup_values_in_quotes_are_read_whole():
    """zfcg.nantong.gov.cn (2017): path='/'&columnid=31685&…&webname='南通市政府采购网' inside href="…"."""
    body = (b"<html><body><div id='80325'><script type='text/xml'>" + real("nantong_zfcg_hanweb_datastore.xml")
            + b"</script></div><script>totalRecord:25</script></body></html>")
    page = platforms.list_page(response("http://zfcg.nantong.gov.cn/col/col31685/index.html", body))
    assert page.platform == "hanweb" and len(page.entries) >= 3
    proxy, form = platforms.hanweb_params(body.decode())
    assert proxy == "/module/jslib/jquery/jpage/dataproxy.jsp"
    assert (form["columnid"], form["unitid"], form["webid"], form["path"], form["webname"]) == (
        "31685", "80325", "60", "/", "南通市政府采购网")
    (post,) = page.requests
    assert post.method == "POST" and "startrecord=4&endrecord=25&perpage=15" in post.url


def test_hanweb_jpage_parameters_written_as_bare_numbers():
    """The real jpage initialiser writes ajaxParam:{…webid:60,path:'/',columnid:30067,unitid:'49468'…}."""
    url = "http://zfcg.nantong.gov.cn/col/col30067/index.html"
    page = platforms.list_page(response(url, real("nantong_zfcg_jpage_init.html")))
    form = dict(kv.split("=", 1) for kv in page.requests[0].body.decode().split("&"))
    assert (form["columnid"], form["unitid"], form["webid"], form["col"]) == ("30067", "49468", "60", "1")
    assert len(page.requests) == 19  # 1418 records, 25 a page, three pages a request
    assert page.requests[-1].url.endswith("/module/jslib/jquery/jpage/dataproxy.jsp?startrecord=1351&endrecord=1418&perpage=25")


JPAAS_SHELL = "https://www.miit.gov.cn/xwfb/xwfbh/index.html"


def unit_answer(url: str, html: str, meta: dict | None = None) -> TextResponse:
    from scrapy.http import JsonResponse

    body = json.dumps({"success": True, "data": {"html": html}}, ensure_ascii=False).encode()
    return response(url, body, cls=JsonResponse, meta={"jpaas_page": JPAAS_SHELL, **(meta or {})})


def test_a_jpaas_shell_is_recognised_and_its_unit_asked_for():
    page = platforms.list_page(response(JPAAS_SHELL, real("miit_jpaas_unitbuild_shell.html")))
    assert page.platform == "jpaas" and page.entries == []
    (unit,) = page.requests
    base, query = unit.url.split("?")
    assert base == "https://www.miit.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit"
    from urllib.parse import parse_qsl
    params = dict(parse_qsl(query))
    assert params["pageId"] == "ca517c97303b40cf80bd668b35f6148f" and params["tagId"] == "右侧内容"
    assert "%E5%8F%B3%E4%BE%A7" in query  # UTF-8, as the unit script sends it
    # The real answer: its links (quotes unescaped) and the unit's next page.
    from scrapy.http import JsonResponse
    answer = platforms.list_page(response(unit.url, real("miit_jpaas_unit_response.json"), cls=JsonResponse,
                                          meta={"jpaas_page": JPAAS_SHELL}))
    assert answer.platform == "jpaas"
    assert answer.entries == [("工业和信息化部举行新闻发布会", "http://www.miit.gov.cn/xwfb/xwfbh/bxwfbh/art/2026/art_abc.html")]
    (more,) = answer.requests
    assert dict(parse_qsl(more.url.split("?")[1]))["paramJson"] == '{"pageNo":2,"pageSize":1}'


def test_jpaas_unit_pages_stop_at_the_end():
    unit = "https://x.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit?pageId=1&tagId=list"
    rows = "".join(f'<li><a href="/art/{n}.html">第{n}条</a></li>' for n in range(3))
    first = platforms.list_page(unit_answer(unit, f"<ul>{rows}</ul>"))
    assert [t for t, _ in first.entries] == ["第0条", "第1条", "第2条"]
    assert first.entries[0][1] == "https://www.miit.gov.cn/art/0.html"  # relative to the page the unit is built into
    (second,) = first.requests
    assert second.url.endswith("&paramJson=%7B%22pageNo%22%3A2%2C%22pageSize%22%3A3%7D")
    # Past the end: an empty list, or page 1 again (a unit that ignores paramJson): nothing more.
    assert platforms.list_page(unit_answer(second.url, "<ul></ul>")).requests == []
    again = unit_answer(second.url, f"<ul>{rows}</ul>", meta=second.meta)
    assert platforms.list_page(again).requests == []
    # A unit that prints its count stops at its last page.
    counted = f"<ul>{rows}</ul><script>oLayPageRender('p', {{rows:\"3\", count:\"6\", pageNo:\"1\"}});</script>"
    (page2,) = platforms.list_page(unit_answer(unit, counted)).requests
    last = platforms.list_page(unit_answer(page2.url, counted.replace("/art/", "/art/b"), meta=page2.meta))
    assert last.requests == [] and len(last.entries) == 3


def test_json_list_answers_never_crash():
    from scrapy.http import JsonResponse

    for cls, url in ((JsonResponse, "https://x.gov.cn/api/list"), (TextResponse, "https://x.gov.cn/list.jsp")):
        page = platforms.list_page(response(url, b'{"data":[]}', cls=cls))
        assert page.entries == [] and page.requests == []
    data = {"data": {"list": [{"title": "2023年政府信息公开工作年度报告", "url": "/art/1.html"}]}}
    page = platforms.list_page(response("https://x.gov.cn/api/list", json.dumps(data).encode(), cls=JsonResponse))
    assert page.entries == [("2023年政府信息公开工作年度报告", "https://x.gov.cn/art/1.html")]


def test_html_escaped_in_a_jsonp_string_is_unescaped_before_its_links_are_read():
    url = "https://shuju.nantong.gov.cn/x/list.jsonp"
    page = platforms.list_page(response(url, real("nantong_truecms_jsonp_excerpt.txt"), cls=TextResponse))
    assert page.entries == [("示例项目", "https://shuju.nantong.gov.cn/detail.html")]


def test_the_government_work_report_menu_item_is_not_followed():
    from scrapy.utils.test import get_crawler

    from crawler.spiders.portal import PortalSpider

    home = """<ul><li><a href="/nw/zfgzbg/index.html">政府工作报告</a></li>
    <li><a href="/nw/zfxxgkzn/index.html">政府信息公开指南</a></li>
    <li><a href="/nw/zfxxgknb/index.html">政府信息公开年报</a></li></ul>""".encode()
    spider = PortalSpider.from_crawler(get_crawler(PortalSpider), start_urls="https://www.example.gov.cn/")
    asked = [r.url for r in spider.parse(response("https://www.example.gov.cn/", home, meta={"depth_hint": 0}))]
    assert asked == ["https://www.example.gov.cn/nw/zfxxgknb/index.html"]


@pytest.mark.parametrize(("url", "file"), [
    ("https://a.gov.cn/pdfjs/web/viewer.html?file=/upload/2023/r.pdf", "https://a.gov.cn/upload/2023/r.pdf"),
    ("https://a.gov.cn/pdfjs/web/viewer.html?file=%2Fupload%2F2023%2Fr.pdf", "https://a.gov.cn/upload/2023/r.pdf"),
    ("https://a.gov.cn/js/pdfjs/web/viewer.html?file=../../files/r.pdf", "https://a.gov.cn/js/files/r.pdf"),
    ("https://a.gov.cn/preview?url=https://b.gov.cn/f/r.docx&t=1", "https://b.gov.cn/f/r.docx"),
    ("https://a.gov.cn/upload/r.pdf?v=2", "https://a.gov.cn/upload/r.pdf?v=2"),       # a file, not a viewer
    ("https://a.gov.cn/art/1.html?file=abc", "https://a.gov.cn/art/1.html?file=abc"),  # names no file
])
def test_viewer_urls_are_unwrapped_to_the_file_they_show(url, file):
    from crawler.classify import unwrap_viewer

    assert unwrap_viewer(url) == file


@pytest.mark.parametrize("item", [
    {"docTitle": "某局2022年政府信息公开工作年度报告", "docPubUrl": "/gk/t1.html", "docRelTime": "2023-01-30"},
    {"doctitle": "某局2022年政府信息公开工作年度报告", "docpuburl": "/gk/t1.html", "docpubtime": 1675036800000},
    {"DOCTITLE": "某局2022年政府信息公开工作年度报告", "DOCPUBURL": "/gk/t1.html", "DOCRELTIME": "2023-01-30"},
    {"titleHtml": "<em>某局</em>2022年政府信息公开工作年度报告", "redirectUrl": "", "url": "/gk/t1.html",
     "picUrl": "/img/a.png"},
])
def test_a_json_list_is_read_whatever_the_cms_calls_its_fields(item):
    """TRS search answers (docTitle/docPubUrl, lower- or upper-case, as public scrapers of TRS sites read
    them) and chinatax's list API (titleHtml, an empty redirectUrl, url): title and link by their endings."""
    body = json.dumps({"results": {"data": {"results": [item], "total": 1}}}, ensure_ascii=False).encode()
    page = platforms.list_page(response("https://www.example.gov.cn/api/list", body, cls=TextResponse))
    assert page.entries == [("某局2022年政府信息公开工作年度报告", "https://www.example.gov.cn/gk/t1.html")]


def test_a_menu_written_by_script_still_names_the_report_column():
    """ict.cas.cn writes its menu with ``menu11.addItem('信息公开年报', 'http://…/xxgknb/')``: the page
    as served has no <a> for the column, but the call pairs its label with its URL."""
    script = real("ict_cas_js_menu.html").replace(b"</script>", b"")
    page = platforms.list_page(response("http://www.ict.cas.cn/", b"<html><head><script>" + script + b"</script>"
                                        b"</head><body><a href='/about/'>about</a></body></html>"))
    assert ("信息公开年报", "http://www.ict.cas.cn/xxgk/xxgknb/") in page.entries
    # Its other items are not navigation the crawler wants: only column and 信息公开 labels are kept.
    assert [t for t, _ in page.entries if t in ("相关规定", "组织机构")] == []


def test_menu_data_pairs_a_label_with_the_url_of_its_own_object():
    html = ('<html><body><script>var nav = [{"name": "政府信息公开年报", "url": "/xxgk/nb/"}, '
            "{url: '/xxgk/', name: '政府信息公开'}, {\"name\": \"机构职能\", \"url\": \"/jg/\"}];"
            "alert('政府信息公开年报');</script></body></html>")
    entries = platforms.list_page(response("http://x.gov.cn/", html.encode())).entries
    assert entries == [("政府信息公开年报", "http://x.gov.cn/xxgk/nb/"), ("政府信息公开", "http://x.gov.cn/xxgk/")]


def test_a_script_pager_is_followed_through_the_url_template_its_callback_navigates_to():
    """Anhui's 集约化 platform (hrss.ah.gov.cn) writes no pager link: ``Ls.pagination("#page_6791573",
    function(pageIndex){ location.href='…/content/column/6791573?pageIndex=' + pageIndex;}, {currPage: (0+1),
    pageCount: 3})``.  The page count and the callback's URL template give pages 2 and 3; page 2 asks for page 3."""
    url = "https://hrss.ah.gov.cn/zxzx/ztzl/ahssydwgkzp/index.html"
    body = real("anhui_hrss_Ls_pagination.html")
    page = platforms.list_page(response(url, body))
    column = "https://hrss.ah.gov.cn/content/column/6791573?pageIndex="
    assert urls_of(page) == [column + "2", column + "3"]
    later = platforms.list_page(response(column + "2", body.replace(b"(0+1)", b"(1+1)")))
    assert urls_of(later) == [column + "3"]
    # The same shape under other names: "list_" + p + ".html" from a function(p), the current page unsaid.
    js = '<script>var totalPage = 3; function goPage(p) { window.location.href = "list_" + p + ".html"; }</script>'
    assert platforms.script_pages(response("http://x.gov.cn/a/list.html", js.encode())) == [
        f"http://x.gov.cn/a/list_{n}.html" for n in (1, 2, 3)]


def test_a_link_built_by_script_without_a_page_callback_is_no_pager():
    kw = "var pageCount = 2; var kw = 'x'; location.href = '/search?q=' + kw; var f = function(p) { location.href = '?p=' + p; };"
    assert platforms.script_pages(response("http://x.gov.cn/a/", f"<script>{kw}</script>".encode())) == [
        "http://x.gov.cn/a/?p=1", "http://x.gov.cn/a/?p=2"]  # the callback's template, not the search box's
    for js in ("var pageCount = 5; var id = 7; location.href = '/detail?id=' + id;",  # not a callback's parameter
               "function go(id) { location.href = '/detail?id=' + id; }",  # no page count
               "// var pageCount = 5;\nfunction go(p) { location.href = '?page=' + p; }"):  # count commented out
        page = response("http://x.gov.cn/a/", f"<script>{js}</script>".encode())
        assert platforms.script_pages(page) == [], js


def test_a_list_a_script_renders_from_its_own_data_is_read():
    """zzb.huzhou.gov.cn ships its list as ``var dataList=[{"infolist": [{"title": …, "daytime": …,
    "url": …}]}]`` and no ``<a>`` row: a report title is paired with the URL of its own object."""
    body = real("huzhou_inline_dataList.html").replace("2025年度公务员录用公示".encode(),
                                                      "湖州市委组织部2025年政府信息公开工作年度报告".encode())
    page = platforms.list_page(response("https://zzb.huzhou.gov.cn/gbgz/gwykl/lygs/index.html", body))
    assert page.entries == [("湖州市委组织部2025年政府信息公开工作年度报告",
                             "http://zzb.huzhou.gov.cn/gbgz/gwykl/lygs/20260108/i1234.html")]
    # A title is not paired across objects: the URL of the next record is not its URL.
    js = ('<script>var d = [{"title": "2024年政府信息公开工作年度报告", "url": ""}, {"title": "通知",'
          ' "url": "/a/2.html"}];</script>')
    assert platforms.list_page(response("http://x.gov.cn/", js.encode())).entries == []
