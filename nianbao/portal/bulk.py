"""A big generated TRS column for benchmarks: ``start_portal(extra_reports=N)``.

``/gdwnb/index.html`` (各单位政府信息公开年报, linked from ``/xxgk/``) lists N
generated reports, ``PER_PAGE`` to a page, paginated like the main TRS column
by ``createPageHTML`` only.  Report ``i`` is ``random_report(Random(i), …)`` for
a body and year decoded from ``i`` (so every title is unique); nothing is built
up front: list and detail pages are rendered on request (a small LRU cache
keeps the recent ones) and catalog entries are made on access.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

from .render import DISTRICTS, STYLES, random_report
from .site import LABELS, Doc, Entry, Response, doc_of, render_detail, utf8, xxgk_list

ROOT = "/gdwnb"
COLUMN = ("各单位政府信息公开年报", f"{ROOT}/index.html")
PER_PAGE = 20
FIRST_ID = 300000
_FIRST = "安宝长大丰福广和华怀嘉金静康乐龙美平庆仁瑞尚泰天万文祥新兴永玉中"
_SECOND = "安川丰港河湖桥江林岭宁坪山泉沙石水塘田溪峡阳源洲庄口岗坝集店铺圩"
_YEARS = (2019, 2020, 2021, 2022, 2023, 2024)
CAPACITY = len(_YEARS) * len(DISTRICTS) * len(_FIRST) * len(_SECOND)
_DETAIL = re.compile(rf"^{ROOT}/(\d{{6}})/t(\d{{8}})_(\d+)\.html$")
_LIST = re.compile(rf"^{ROOT}/(?:index(?:_(\d+))?\.html)?$")


def body_year(i: int) -> tuple[str, int]:
    """The issuing body and year of report ``i``: distinct for every i below CAPACITY."""
    year = _YEARS[i % len(_YEARS)]
    rest = i // len(_YEARS)
    district = DISTRICTS[rest % len(DISTRICTS)]
    rest //= len(DISTRICTS)
    town = _FIRST[rest % len(_FIRST)] + _SECOND[rest // len(_FIRST)]
    return f"{district}{town}镇人民政府", year


def publish_date(i: int) -> str:
    return f"{body_year(i)[1] + 1}-01-{10 + i % 18:02d}"


def path_of(i: int) -> str:
    d = publish_date(i).replace("-", "")
    return f"{ROOT}/{d[:6]}/t{d}_{FIRST_ID + i}.html"


class BulkColumn:
    def __init__(self, n: int) -> None:
        if not 0 <= n <= CAPACITY:
            raise ValueError(f"extra_reports must be between 0 and {CAPACITY}")
        self.n = n
        self.pages = max(1, -(-n // PER_PAGE))
        self.report = lru_cache(maxsize=256)(self._report)
        self.detail = lru_cache(maxsize=64)(self._detail)
        self.list_page = lru_cache(maxsize=16)(self._list_page)

    def _report(self, i: int) -> dict:
        body, year = body_year(i)
        return random_report(random.Random(i), "2019" if year < 2021 else "2021", body=body, year=year)

    def entry(self, i: int, with_report: bool = True) -> Entry:
        body, year = body_year(i)
        date = publish_date(i)
        title = f"{body}{year}年政府信息公开工作年度报告"
        meta = dict.fromkeys(LABELS, "")
        meta.update({"索引号": f"008675399/{date[:4]}-{FIRST_ID + i}", "信息名称": title, "发布机构": body,
                     "主题分类": "综合政务/政务公开", "发布日期": date, "成文日期": date, "关键词": "年度报告"})
        return Entry("bulk", path_of(i), title, meta, date, self.report(i) if with_report else None,
                     STYLES[i % len(STYLES)], column=COLUMN)

    def doc(self, i: int) -> Doc:
        return doc_of(self.entry(i))

    def _detail(self, i: int) -> Response:
        return render_detail(self.entry(i))

    def _list_page(self, k: int) -> Response:
        rows = [self.entry(i, with_report=False) for i in range(k * PER_PAGE, min(self.n, (k + 1) * PER_PAGE))]
        return utf8(xxgk_list(rows, k, self.pages))

    def index_of(self, path: str) -> int | None:
        m = _DETAIL.match(path)
        if not m:
            return None
        i = int(m.group(3)) - FIRST_ID
        return i if 0 <= i < self.n and path_of(i) == path else None

    def serve(self, path: str) -> Response | None:
        """The list or detail page at ``path``, or None if the column has no such page."""
        if self.n == 0:
            return None
        m = _LIST.match(path)
        if m:
            k = int(m.group(1) or 0)
            return self.list_page(k) if k < self.pages and (m.group(1) != "0") else None
        i = self.index_of(path)
        return self.detail(i) if i is not None else None
