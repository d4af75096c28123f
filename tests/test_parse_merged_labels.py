"""Section 三 with each row's whole label path in one cell: "三、本年度办理结果（一）予以公开".

Some editors flatten the grouped row labels of table 三 into one label cell per row, the group
labels in front.  The row is still the one its last label names.
"""

from __future__ import annotations

import random

from conftest import FIXTURES

from nianbao.portal.render import random_report
from parsers import schema
from parsers.report import parse_bytes


def flattened_table(report: dict) -> str:
    table = schema.schema()["templates"]["2021"]["tables"]["applications"]
    by_key = {r["key"]: r for r in table["rows"]}
    head = ("<tr><td>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td>自然人</td>"
            "<td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>")
    rows = []
    for r in table["rows"]:
        if not r["data"]:
            continue
        path, group = [r["label"]], r.get("group")
        while group:
            path.insert(0, by_key[group]["label"])
            group = by_key[group].get("group")
        values = report["applications"][r["key"]]
        cells = "".join(f"<td>{'' if v is None else v}</td>" for v in values.values())
        rows.append(f"<tr><td>{''.join(path)}</td>{cells}</tr>")
    return f"<table border=1>{head}{''.join(rows)}</table>"


def test_group_and_row_labels_in_one_cell():
    report = random_report(random.Random(11), "2021")
    page = (FIXTURES / "html" / "15_missing_captions_2021.html").read_text("utf-8")
    start = page.index("<table", page.index("收到和处理政府信息公开申请情况"))
    end = page.index("</table>", start) + len("</table>")
    page = page[:start] + flattened_table(report) + page[end:]
    assert "三、本年度办理结果（一）予以公开" in page and "三、本年度办理结果（三）不予公开1.属于国家秘密" in page
    out = parse_bytes(page.encode(), filename="r.html")
    assert out["status"] == "ok", out["errors"]
    assert out["applications"] == report["applications"]
