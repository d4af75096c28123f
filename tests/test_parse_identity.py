"""Title, reporting year, issuing body and the metadata block, as real portals print them."""

from __future__ import annotations

import pytest

from parsers.report import find_body, parse_bytes

BODY = "<p>一、总体情况</p><p>2021年，我局按照要求推进政务公开。</p><p>五、存在的主要问题及改进情况</p><p>无。</p>"


def parse_html(head: str, body: str = BODY, title: str = "") -> dict:
    page = f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{head}{body}</body></html>"
    return parse_bytes(page.encode(), filename="r.html")


def test_a_metadata_value_is_not_the_title():
    # TRS/Hanweb blocks file the page under the column 政府信息公开年报; the heading comes after.
    report = parse_html("<table><tr><td>组配分类：</td><td>政府信息公开年报</td></tr>"
                        "<tr><td>发布机构：</td><td>杭州市人民政府办公厅</td></tr></table>"
                        "<h1>杭州市2021年政府信息公开工作年度报告</h1>")
    assert report["title"] == "杭州市2021年政府信息公开工作年度报告"
    assert report["metadata"]["组配分类"] == "政府信息公开年报"


def test_a_heading_that_a_metadata_value_repeats_is_the_title():
    """白银区统计局 2020: 关键字 repeats the report's name, then the page prints it as its heading."""
    from conftest import FIXTURES

    name = "baiyinqu_tjj_2020_keyword_repeats_title.txt"
    report = parse_bytes((FIXTURES / "text" / name).read_bytes(), filename=name)
    assert report["metadata"]["关键字"] == "白银区统计局2020年政府信息公开工作年度报告"
    assert report["title"] == "白银区统计局2020年政府信息公开工作年度报告"
    assert report["reporting_year"] == 2020


def test_a_bare_report_name_is_the_title_only_when_nothing_better_is_printed():
    report = parse_html("<h2>政府信息公开年报</h2><h1>某某县2021年政府信息公开工作年度报告</h1>")
    assert report["title"] == "某某县2021年政府信息公开工作年度报告"
    report = parse_html("<h1>2021年政府信息公开工作年度报告</h1>")
    assert report["title"] == "2021年政府信息公开工作年度报告"


@pytest.mark.parametrize(("lines", "title"), [
    (["淮安市人民政府", "2024年政府信息公开工作年度报告"], "淮安市人民政府2024年政府信息公开工作年度报告"),
    (["道县文广新局2013年度信息公开工作", "年度报告"], "道县文广新局2013年度信息公开工作年度报告"),
])
def test_a_title_printed_on_two_lines(lines, title):
    report = parse_html("".join(f"<p>{line}</p>" for line in lines))
    assert report["title"] == title


@pytest.mark.parametrize(("title", "body"), [
    ("宿州市人民政府2019年政府信息公开工作年度报告（图片版）", "宿州市人民政府"),
    ("某某区教育局2022年度政府信息公开工作年度报告(修订)", "某某区教育局"),
    ("关于某某镇2020年政府信息公开工作年度报告", "关于某某镇"),
    ("中山大学2023—2024学年信息公开工作年度报告", "中山大学"),                # a school year
])
def test_issuing_body_from_the_title(title, body):
    assert find_body({}, title) == body


def test_a_department_report_on_a_government_portal_is_the_department_s():
    """白银区's portal prints 发布机构：白银区人民政府 on every page; this one is 白银区统计局's report,
    as its title (and 信息来源：区统计局) says."""
    from conftest import FIXTURES

    name = "baiyinqu_tjj_2020_keyword_repeats_title.txt"
    report = parse_bytes((FIXTURES / "text" / name).read_bytes(), filename=name)
    assert report["metadata"]["发布机构"] == "白银区人民政府"
    assert report["issuing_body"] == "白银区统计局"


@pytest.mark.parametrize(("publisher", "title", "body"), [
    # The two name the same body: the metadata's fuller official name stays.
    ("南昌市东湖区人民政府", "东湖区人民政府2023年政府信息公开工作年度报告", "南昌市东湖区人民政府"),
    ("朝阳区人民政府", "北京市朝阳区人民政府2023年政府信息公开工作年度报告", "朝阳区人民政府"),
    # A title naming a body without its place does not replace a placed publisher.
    ("南京市人民政府", "市教育局2023年政府信息公开工作年度报告", "南京市人民政府"),
    ("某某县人民政府", "审计局2020年政府信息公开工作年度报告", "某某县人民政府"),
    # A place, not a body, or no body at all: the metadata's.
    ("朝阳区人民政府", "北京市朝阳区2023年政府信息公开工作年度报告", "朝阳区人民政府"),
    ("朝阳区人民政府", "2023年政府信息公开工作年度报告", "朝阳区人民政府"),
    # Another body, with its place: the report's own.
    ("东湖区人民政府", "东湖区彭家桥街道办事处2023年政府信息公开工作年度报告", "东湖区彭家桥街道办事处"),
])
def test_the_publisher_unless_the_title_names_another_body(publisher, title, body):
    assert find_body({"发布机构": publisher}, title) == body


def test_the_year_is_not_taken_from_the_publication_date():
    # No title printed: the year comes from the text, not from 发布时间 (always the year after).
    report = parse_html("<p>发布时间：</p><p>2022年01月24日 08:47</p>",
                        "<p>一、总体情况</p><p>2021年，我局按照要求推进政务公开。</p>")
    assert report["title"] is None
    assert report["reporting_year"] == 2021
    assert report["metadata"]["发布时间"] == "2022年01月24日 08:47"


@pytest.mark.parametrize("period", ["本报告所列数据的统计期限为2020年1月1日至12月31日。",
                                    "本报告中所列数据统计期限自2020年1月1日起至2020年12月31日止。",
                                    "本报告中所列数据的统计时限自2020年1月1日至2020年12月31日。"])
def test_the_year_from_the_statistics_period(period):
    report = parse_html(f"<p>{period}</p><p>发布日期：2021-01-20</p>", "<p>一、概述</p><p>我局推进政务公开。</p>")
    assert report["reporting_year"] == 2020


def test_metadata_pairs_after_other_text_on_a_line():
    report = parse_html("<p>www.pzhsxq.gov.cn     发布时间:2021-01-11     来源:攀枝花市西区审计局</p>"
                        "<h1>攀枝花市西区审计局2020年政府信息公开工作年度报告</h1>")
    assert report["metadata"] == {"发布时间": "2021-01-11", "来源": "攀枝花市西区审计局"}


def test_other_spellings_fill_the_standard_columns():
    from nianbao.rows import metadata_columns

    columns = metadata_columns({"发布时间": "2022年01月24日 08:47", "发文单位": "汉中市自然资源局"})
    assert columns["published_date"] == "2022年01月24日 08:47"
    assert columns["publisher"] == "汉中市自然资源局"


def test_bare_date_and_author_labels():
    """重庆武隆区统计局 2020 prints its publication date as ``日期:2021-01-22`` under the heading;
    other portals print ``作者:`` beside 来源.  Both are fields, and 日期 fills the published date."""
    from conftest import FIXTURES

    from nianbao.rows import metadata_columns

    name = "cqwl_tjj_2020_date_label.txt"
    report = parse_bytes((FIXTURES / "text" / name).read_bytes(), filename=name)
    assert report["metadata"] == {"日期": "2021-01-22"}
    assert metadata_columns(report["metadata"])["published_date"] == "2021-01-22"
    assert report["title"] == "重庆市武隆区统计局2020年政府信息公开工作年度报告"
    report = parse_bytes("作者:本站原创 来源:建新镇 时间:2019-01-10\n一、总体情况\n无。\n".encode(), filename="r.txt")
    assert report["metadata"] == {"作者": "本站原创", "来源": "建新镇", "时间": "2019-01-10"}


@pytest.mark.parametrize(("title", "year", "body"), [
    ("某某县人民政府二〇一九年政府信息公开工作年度报告", 2019, "某某县人民政府"),
    ("某某县人民政府二○一九年政府信息公开工作年度报告", 2019, "某某县人民政府"),   # ○: a circle
    ("某某镇人民政府二Ｏ二〇年政府信息公开工作年度报告", 2020, "某某镇人民政府"),   # Ｏ: a letter
])
def test_years_written_in_chinese_numerals(title, year, body):
    report = parse_html(f"<h1>{title}</h1>")
    assert (report["title"], report["reporting_year"], report["issuing_body"]) == (title, year, body)


def test_a_notice_publishing_the_report_is_not_its_title():
    report = parse_html("<p>关于印发贺州市2009年度政府信息公开工作年度报告的通知</p><p>各县、区人民政府：现印发给你们。</p>"
                        "<p>贺州市2009年度政府信息公开工作年度报告</p>")
    assert report["title"] == "贺州市2009年度政府信息公开工作年度报告"
    assert report["issuing_body"] == "贺州市"


def test_a_flipbook_page_caption_is_not_part_of_the_title():
    report = parse_html("<p>Page 8 - 威海市文登区信访局2022年政府信息公开工作年度报告</p>")
    assert report["title"] == "威海市文登区信访局2022年政府信息公开工作年度报告"
    assert report["issuing_body"] == "威海市文登区信访局"


def test_a_year_printed_without_nian_is_not_part_of_the_body():
    assert find_body({}, "东河区卫生健康委员会 2021政府信息公开工作年度报告") == "东河区卫生健康委员会"


def test_page_furniture_after_the_last_section_is_not_its_text():
    report = parse_html("<h1>某区国资局2022年政府信息公开工作年度报告</h1>",
                        "<p>六、其他需要报告的事项</p><p>2022年，本局未收取信息处理费。</p>"
                        "<p>更多精彩内容欢迎扫描下方二维码关注！</p><p>【打印】【关闭】</p><p>政府信息公开年报</p>")
    assert report["texts"]["other_matters"] == "2022年，本局未收取信息处理费。"


def test_the_heading_the_page_names_itself_wins_over_a_sidebar_of_other_reports():
    sidebar = "".join(f"<li><a href='/n{y}.html'>某某区教育局{y}年政府信息公开工作年度报告</a></li>" for y in (2022, 2021))
    report = parse_html(f"<ul class='sidebar'>{sidebar}</ul><h1>某某区教育局2023年政府信息公开工作年度报告</h1>",
                        title="某某区教育局2023年政府信息公开工作年度报告_某某区人民政府")
    assert report["title"] == "某某区教育局2023年政府信息公开工作年度报告"
    assert report["reporting_year"] == 2023


def test_related_articles_after_the_report_are_not_its_text():
    report = parse_html("<h1>某区国资局2022年政府信息公开工作年度报告</h1>",
                        "<p>六、其他需要报告的事项</p><p>本局未收取信息处理费。</p><p>无其他事项。</p>"
                        "<p>相关文章：</p><ul><li>某区国资局2021年政府信息公开工作年度报告</li>"
                        "<li>某区国资局2020年政府信息公开工作年度报告</li></ul><p>上一篇：关于…的通知</p>")
    assert report["texts"]["other_matters"] == "本局未收取信息处理费。\n无其他事项。"
