"""An item of section 二 printed in the other template's form is read by its own header.

Portals that updated only part of their template print 2019's 本年新制作数量 for 第二十条第（一）项 and
2021's 本年处理决定数量 / 本年收费金额 for the items after it.  Each item's columns come from the
header it prints, so a fee is never read as a count of items.
"""

from __future__ import annotations

from parsers.report import parse_bytes

PAGE = """某县卫生健康局2021年政府信息公开工作年度报告
二、主动公开政府信息情况
第二十条第（一）项
信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量
规章 | 0 | 0 | 0
规范性文件 | 2 | 2 | 19
第二十条第（五）项
信息内容 | 本年处理决定数量
行政许可 | 5
第二十条第（八）项
信息内容 | 本年收费金额（单位：万元）
行政事业性收费 | 282.1
三、收到和处理政府信息公开申请情况
"""


def test_each_item_is_read_by_the_header_it_prints():
    report = parse_bytes(PAGE.encode(), filename="r.txt")
    assert report["template_version"] == "2019"
    pd = report["proactive_disclosure"]
    assert pd["art20_1"]["normative_documents"] == {"newly_made": 2, "newly_published": 2, "total_published": 19}
    assert pd["art20_5"]["administrative_licensing"]["decisions"] == 5
    assert pd["art20_5"]["administrative_licensing"]["prev_year_items"] is None
    assert pd["art20_8"]["administrative_fees"]["fee_amount"] == 282.1
    assert "proactive_disclosure.art20_8: printed in the other template's form" in report["warnings"]
    assert {c["rule"]: c["status"] for c in report["checks"]}["INTEGER_COUNTS"] == "pass"


def test_the_database_labels_such_a_cell_with_its_own_template_label():
    from nianbao.rows import disclosure_rows

    report = parse_bytes(PAGE.encode(), filename="r.txt")
    (fee,) = [r for r in disclosure_rows("r1", report) if r["column_key"] == "fee_amount"]
    assert (fee["column_label"], fee["unit"], fee["value"]) == ("本年收费金额（单位：万元）", "万元", 282.1)
