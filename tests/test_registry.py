"""The shipped portal registry loads and is well formed; find() and load() behave on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler import registry
from crawler.registry import LEVELS, PLATFORMS, Portal, find, load

HEADER = "name,level,region,division_code,platform,column_url,source\n"


@pytest.fixture(scope="module")
def shipped() -> list[Portal]:
    return load()


def test_shipped_registry_loads(shipped: list[Portal]) -> None:
    assert len(shipped) >= 25
    assert all(isinstance(p, Portal) for p in shipped)


def test_names_unique(shipped: list[Portal]) -> None:
    names = [p.name for p in shipped]
    assert len(names) == len(set(names))


def test_every_row_has_source_and_http_url(shipped: list[Portal]) -> None:
    for p in shipped:
        assert p.source, p.name
        assert p.column_url.startswith(("http://", "https://")), p.name


def test_levels_and_platforms_valid(shipped: list[Portal]) -> None:
    for p in shipped:
        assert p.level in LEVELS, p.name
        assert p.platform in PLATFORMS, p.name
        assert p.division_code == "" or (len(p.division_code) == 6 and p.division_code.isdigit()), p.name


def test_platform_matches_url_shape(shipped: list[Portal]) -> None:
    for p in shipped:
        if p.platform == "gkmlpt":
            assert "/gkmlpt/" in p.column_url, p.name
        if p.platform == "hanweb":
            assert "/col/col" in p.column_url or "dataproxy.jsp" in p.column_url, p.name


def test_registry_covers_several_platforms_and_levels(shipped: list[Portal]) -> None:
    assert {"gkmlpt", "hanweb", "trs"} <= {p.platform for p in shipped}
    assert {"national", "province", "city", "county", "department"} <= {p.level for p in shipped}


def test_find_exact(shipped: list[Portal]) -> None:
    assert find("广东省人民政府").column_url == "http://www.gd.gov.cn/gkmlpt/index"


def test_find_exact_wins_over_substring() -> None:
    pool = [
        Portal("深圳市人民政府", "city", "广东省深圳市", "440300", "gkmlpt", "http://a.example/", "s"),
        Portal("深圳市人民政府办公厅", "department", "广东省深圳市", "", "unknown", "http://b.example/", "s"),
    ]
    assert find("深圳市人民政府", pool).column_url == "http://a.example/"


def test_find_unique_substring() -> None:
    assert find("南山区").name == "深圳市南山区人民政府"


def test_find_ambiguous_lists_candidates() -> None:
    with pytest.raises(KeyError, match="ambiguous") as exc:
        find("深圳市")
    assert "深圳市人民政府" in str(exc.value)


def test_find_missing_suggests_close_matches() -> None:
    with pytest.raises(KeyError, match="no portal named") as exc:
        find("广东省人民政付")
    assert "广东省人民政府" in str(exc.value)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "portals.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_load_custom_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "某县人民政府,county,某省某市,,unknown,https://x.gov.cn/zfxxgk/,somewhere\n")
    assert load(path)[0].name == "某县人民政府"


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        ("坏级别,village,某省,,unknown,https://x.gov.cn/,s\n", "unknown level"),
        ("坏网址,county,某省,,unknown,ftp://x.gov.cn/,s\n", "column_url"),
        ("无来源,county,某省,,unknown,https://x.gov.cn/,\n", "empty source"),
        ("坏代码,county,某省,12345,unknown,https://x.gov.cn/,s\n", "division_code"),
        ("坏平台,county,某省,,wordpress,https://x.gov.cn/,s\n", "unknown platform"),
    ],
)
def test_malformed_row_names_the_row(tmp_path: Path, row: str, needle: str) -> None:
    good = "好政府,county,某省,,unknown,https://ok.gov.cn/,s\n"
    path = _write(tmp_path, good + row)
    with pytest.raises(ValueError, match=needle) as exc:
        load(path)
    message = str(exc.value)
    assert "row 3" in message
    assert row.split(",")[0] in message
    assert "\n" not in message


def test_duplicate_name_rejected(tmp_path: Path) -> None:
    row = "重名,county,某省,,unknown,https://x.gov.cn/,s\n"
    with pytest.raises(ValueError, match="duplicate name, first at row 2"):
        load(_write(tmp_path, row + row))


def test_missing_column_rejected(tmp_path: Path) -> None:
    path = tmp_path / "portals.csv"
    path.write_text("name,level\n某,county\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        load(path)


def test_shipped_registry_is_cached() -> None:
    assert registry._shipped() is registry._shipped()
