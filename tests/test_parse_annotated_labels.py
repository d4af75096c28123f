"""Labels with a note in brackets read as the bare label: provincial templates print them so.

Hubei's 2019 template, for one, prints "规章(设区的市、自治州人民政府应提供相关数据)" as the row label and
"上一年项目数量(指2019年事项数)" as the header; the note is not part of the label.
"""

from __future__ import annotations

import json

from conftest import FIXTURES, flatten

from parsers.report import parse_bytes

NOTES = {
    ">规章<": ">规章（设区的市、自治州人民政府应提供相关数据）<",
    ">规范性文件<": ">规范性文件（行政机关制定发布的决定、公告、通告、意见、通知，不含党委文件）<",
    ">其他对外管理服务事项<": ">其他对外管理服务事项（指行政许可以外的政务服务事项）<",
    ">上一年项目数量<": ">上一年项目数量（指2018年事项数）<",
}


def test_annotated_labels_read_as_the_bare_ones():
    expected = json.loads((FIXTURES / "html_expected" / "02_trs_2019_nbsp_placeholders.json").read_text("utf-8"))
    page = (FIXTURES / "html" / expected["file"]).read_text("utf-8")
    for bare, annotated in NOTES.items():
        assert bare in page
        page = page.replace(bare, annotated)
    report = parse_bytes(page.encode(), filename="r.html")
    assert report["status"] == "ok", report["errors"]
    assert flatten(report["proactive_disclosure"]) == flatten(expected["proactive_disclosure"])
    assert not [w for w in report["warnings"] if "header not recognised" in w]
    where = report["provenance"]["proactive_disclosure.art20_1.regulations.newly_made"]
    assert "row" in where and where["text"] != ""
