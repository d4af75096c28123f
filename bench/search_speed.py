"""How fast is Chinese search on a big database?  Target: under 200 ms per search.

Builds a database of N synthetic reports (default 100,000; texts from a small generator of
body names and report phrases), indexes it as ``nianbao build`` does (publish.enrich, then
build.index_search), and times searches of 1-, 2-, 3-character and several-term queries through
Datasette's own client: the table's JSON (with count and facets, as the page computes them), the
HTML table page, the JSON API without count and facets (``_nocount=1&_nofacet=1``) and the
``search_reports`` canned query (first 1,000 matches).  Prints the median and
worst time of each and its ratio to the target.

    .venv/bin/python bench/search_speed.py [N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nianbao.build import REPORT_COLUMNS, create_tables, index_search, text_row  # noqa: E402
from nianbao.publish import enrich  # noqa: E402
from nianbao.regions import divisions  # noqa: E402
from nianbao.serve import datasette_app  # noqa: E402

TARGET_MS = 200
DEPARTMENTS = ("人民政府", "教育局", "公安局", "信访局", "财政局", "自然资源局", "生态环境局", "卫生健康委员会",
               "住房和城乡建设局", "市场监督管理局", "政务服务和大数据管理局", "人力资源和社会保障局", "交通运输局")
PHRASES = ("坚持以习近平新时代中国特色社会主义思想为指导", "认真贯彻落实《中华人民共和国政府信息公开条例》",
           "主动公开政府信息", "依申请公开工作", "政府信息管理", "政府信息公开平台建设", "监督保障",
           "重大建设项目", "财政预决算", "行政许可和行政处罚", "政策解读", "12345热线", "信访事项",
           "营商环境", "乡村振兴", "安全生产", "社会保障", "公共资源配置", "民生实事", "政务新媒体")
QUERIES = ("局", "税", "信访", "大数据", "营商环境 公开", "政府信息公开平台", "龘")


def synthetic_reports(n: int, seed: int = 42):
    rng = random.Random(seed)
    places = [d for d in divisions().values() if d.level != "province"]
    for i in range(n):
        place = rng.choice(places)
        body = place.name + rng.choice(DEPARTMENTS)
        year = rng.randint(2019, 2024)
        overview = "，".join(rng.choice(PHRASES) for _ in range(rng.randint(8, 20))) + "。"
        yield {
            **dict.fromkeys(REPORT_COLUMNS),
            "id": f"r{i:07d}", "title": f"{body}{year}年政府信息公开工作年度报告", "issuing_body": body,
            "reporting_year": year, "template_version": "2021" if year >= 2021 else "2019", "parse_status": "ok",
            "checks_status": "pass", "publisher": body, "url": f"http://127.0.0.1/{i}.html",
            "texts": {"overview": overview, "problems_improvements": "，".join(rng.sample(PHRASES, 3)),
                      "other_matters": "本年度未收取信息处理费。"},
        }


def build_db(path: Path, n: int) -> float:
    start = time.perf_counter()
    db = sqlite_utils.Database(path)
    create_tables(db)
    reports = list(synthetic_reports(n))
    db["report_texts"].insert_all((text_row(r["id"], r) for r in reports), batch_size=2000)
    db["reports"].insert_all(({k: v for k, v in r.items() if k != "texts"} for r in reports), batch_size=2000)
    db["reports"].create_index(["reporting_year"], if_not_exists=True)
    enrich(db)
    index_search(db)
    db.close()
    return time.perf_counter() - start


def time_searches(db_path: Path, repeat: int) -> list[tuple[str, str, float, float, int]]:
    ds = datasette_app(db_path)
    results = []

    async def run():
        await ds.invoke_startup()
        for q in QUERIES:
            for label, url in (("json", f"/nianbao/reports.json?_search={quote(q)}&_shape=objects"),
                               ("html", f"/nianbao/reports?_search={quote(q)}"),
                               ("api", f"/nianbao/reports.json?_search={quote(q)}&_nocount=1&_nofacet=1"),
                               ("canned", f"/nianbao/search_reports.json?q={quote(q)}")):
                times, count = [], 0
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    r = await ds.client.get(url)
                    times.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 200, (url, r.status_code, r.text[:300])
                    if label == "json":
                        count = r.json().get("filtered_table_rows_count") or len(r.json()["rows"])
                    elif label != "html":
                        count = len(r.json()["rows"])
                results.append((q, label, statistics.median(times), max(times), count))

    asyncio.run(run())
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000, help="number of synthetic reports")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="directory to keep the database in (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="time the database already in --keep, do not rebuild")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db_path = folder / "nianbao.db"
        if args.reuse and args.keep and db_path.exists():
            print(f"reusing {db_path} ({db_path.stat().st_size / 1e6:.0f} MB)")
        else:
            db_path.unlink(missing_ok=True)
            (folder / "inspect-data.json").unlink(missing_ok=True)
            seconds = build_db(db_path, args.n)
            print(f"built {args.n:,} synthetic reports in {seconds:.1f} s ({db_path.stat().st_size / 1e6:.0f} MB)")
        print(f"{'query':<22}{'page':<6}{'matches':>9}{'median ms':>11}{'worst ms':>10}{'÷ target':>10}")
        worst = 0.0
        for q, label, median, slowest, count in time_searches(db_path, args.repeat):
            worst = max(worst, median)
            print(f"{q:<20}{label:<6}{count:>9,}{median:>11.1f}{slowest:>10.1f}{median / TARGET_MS:>10.2f}")
        verdict = "within" if worst < TARGET_MS else "OVER"
        print(f"slowest median {worst:.1f} ms = {worst / TARGET_MS:.2f} × the {TARGET_MS} ms target: {verdict}")


if __name__ == "__main__":
    main()
