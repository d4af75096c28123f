"""One-off builder of ``nianbao/portal/reports/*.json`` (run by hand, never at runtime).

The five seed reports take their text from the parser's reading of
``tests/fixtures/seeds/*.txt`` and their numbers from the hand-checked
``tests/fixtures/expected/*.json``; the generated reports come from
``random_report`` with fixed seeds.  The JSON files are committed so the portal
is the same on every machine and does not depend on the parser or the tests.

    .venv/bin/python -m nianbao.portal.make_reports
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from nianbao.portal.render import random_report

HERE = Path(__file__).parent
REPO = HERE.parent.parent
OUT = HERE / "reports"
REPORT_KEYS = ("template_version", "reporting_year", "issuing_body", "title", "texts",
               "proactive_disclosure", "applications", "review_litigation")

# name → (seed file, body/title when the expected file has none, page settings)
SEEDS = {
    "seed_000": ("000_ba2cc9ced20f5da6", "安居区发展和改革委员会", dict(
        section="xxgk", style="paragraphs", publish_date="2023-01-16", written_date="2023-01-12",
        index_no="008675301/2023-00016", doc_no="", repeal_date="", topic="综合政务/政务公开", keywords="年度报告",
        body_note="the source only says 我委 and mentions 安居区; the body is invented for the sample portal")),
    "seed_001": ("001_a27e78e5f53cff5a", None, dict(
        section="xxgk", style="word", publish_date="2021-01-20", written_date="2021-01-18",
        index_no="008675302/2021-00007", doc_no="", repeal_date="", topic="综合政务/政务公开",
        keywords="政府信息公开 年度报告")),
    "seed_002": ("002_5ffaec79e2212253", None, dict(  # metadata as printed in the seed's own page
        section="xxgk", style="plain", publish_date="2025-02-06", written_date="2025-01-21",
        index_no="xhqrmzf-2025-00195", doc_no="", repeal_date="", topic="溪湖区政府信息公开工作年度报告",
        keywords="")),
    "seed_003": ("003_30467e87f80f2712", None, dict(
        section="xxgk", style="split_tables", publish_date="2022-01-25", written_date="2022-01-24",
        index_no="008675303/2022-00031", doc_no="", repeal_date="2099-12-31", topic="综合政务/政务公开",
        keywords="年报")),
    "seed_004": ("004_2e4446dc98d28afd", None, dict(
        section="xxgk", style="word", publish_date="2024-01-18", written_date="2024-01-15",
        index_no="008675304/2024-00012", doc_no="雁漳办发〔2024〕2号", repeal_date="", topic="综合政务/政务公开",
        keywords="政府信息公开")),
}

# name → (template, body, year, page settings)
GENERATED = {
    "gen_2021_jyj": ("2021", "东湖区教育局", 2023, dict(
        section="jyj", style="word", publish_date="2024-01-22", written_date="2024-01-19",
        index_no="11420101MB0001234X/2024-00003", doc_no="", repeal_date="", topic="教育/政务公开",
        keywords="年度报告")),
    "gen_2019_jyj": ("2019", "东湖区教育局", 2020, dict(
        section="jyj", style="plain", publish_date="2021-01-28", written_date="2021-01-26",
        index_no="11420101MB0001234X/2021-00005", doc_no="东教发〔2021〕4号", repeal_date="", topic="教育/政务公开",
        keywords="政府信息公开")),
    "gen_none_jyj": ("none", "东湖区教育局", 2017, dict(
        section="jyj", style="plain", publish_date="2018-03-20", written_date="2018-03-16",
        index_no="11420101MB0001234X/2018-00011", doc_no="", repeal_date="", topic="教育/政务公开",
        keywords="年度报告")),
    "gen_2021_wjj": ("2021", "东湖区卫生健康局", 2022, dict(
        section="xxgk", style="split_tables", publish_date="2023-01-30", written_date="2023-01-29",
        index_no="008675310/2023-00021", doc_no="", repeal_date="", topic="卫生健康/政务公开",
        keywords="年度报告")),
    "gen_2019_dfjd": ("2019", "东湖区东风街道办事处", 2019, dict(
        section="xxgk", style="paragraphs", publish_date="2020-01-17", written_date="2020-01-15",
        index_no="008675311/2020-00004", doc_no="", repeal_date="", topic="综合政务/政务公开",
        keywords="年度报告")),
    "gen_2021_zfb": ("2021", "东湖区人民政府办公室", 2024, dict(
        section="xxgk", style="word", publish_date="2025-01-24", written_date="2025-01-22",
        index_no="008675312/2025-00009", doc_no="", repeal_date="", topic="综合政务/政务公开",
        keywords="政府信息公开 年度报告")),
    "gen_none_mzj": ("none", "东湖区民政局", 2018, dict(
        section="xxgk", style="plain", publish_date="2019-03-12", written_date="2019-03-08",
        index_no="008675313/2019-00014", doc_no="", repeal_date="", topic="民政/政务公开",
        keywords="年度报告")),
    "gen_2021_sfj": ("2021", "东湖区司法局", 2023, dict(
        section="xxgk", style="plain", publish_date="2024-02-02", written_date="2024-01-31",
        index_no="008675314/2024-00006", doc_no="", repeal_date="", topic="综合政务/政务公开",
        keywords="年度报告")),
}

# name → (cell path, amount added): a misprint as real reports have them, so that the demo shows a
# report whose figures contradict each other (listed in failing_checks, printed numbers kept).
MISPRINTS = {"gen_2021_sfj": ("applications.new_received.natural_person", 10)}


def misprint(report: dict, path: str, delta: int) -> None:
    *parents, leaf = path.split(".")
    node = report
    for key in parents:
        node = node[key]
    node[leaf] += delta


def seed_report(stem: str, body: str | None) -> dict:
    from parsers import parse_file  # only here: the portal itself never needs the parser

    parsed = parse_file(REPO / "tests" / "fixtures" / "seeds" / f"{stem}.txt")
    expected = json.loads((REPO / "tests" / "fixtures" / "expected" / f"{stem}.json").read_text("utf-8"))
    report = {k: parsed.get(k) for k in REPORT_KEYS}
    for k in ("template_version", "reporting_year", "proactive_disclosure", "applications", "review_litigation"):
        report[k] = expected[k]
    report["issuing_body"] = expected.get("issuing_body") or body
    report["title"] = expected.get("title") or f"{report['issuing_body']}{report['reporting_year']}年政府信息公开工作年度报告"
    report["texts"] = {k: v or "" for k, v in (parsed.get("texts") or {}).items()}
    return report


def slug(settings: dict, serial: int) -> str:
    """TRS-style dated path in the main column, a JSP id in the GBK department site."""
    if settings["section"] == "jyj":
        return str(serial)
    d = settings["publish_date"].replace("-", "")
    return f"{d[:6]}/t{d}_{100000 + serial}"


def page(report: dict, settings: dict, source: str, serial: int) -> dict:
    s = dict(settings)
    s["slug"] = slug(settings, serial)
    metadata = {
        "索引号": s.pop("index_no"), "信息名称": report["title"], "发布机构": report["issuing_body"],
        "主题分类": s.pop("topic"), "发布日期": s["publish_date"], "成文日期": s.pop("written_date"),
        "废止日期": s.pop("repeal_date"), "文号": s.pop("doc_no"), "关键词": s.pop("keywords"),
    }
    return {**s, "source": source, "metadata": metadata}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    serial = 0
    for name, (stem, body, settings) in SEEDS.items():
        serial += 1
        report = seed_report(stem, body)
        data = {"report": report,
                "page": page(report, settings, f"seed {stem}.txt with expected/{stem}.json", serial)}
        (OUT / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    for name, (tpl, body, year, settings) in GENERATED.items():
        serial += 1
        report = random_report(random.Random(f"nianbao-portal-{name}"), tpl, body=body, year=year)
        source = f"random_report(Random('nianbao-portal-{name}'), {tpl!r})"
        if name in MISPRINTS:
            misprint(report, *MISPRINTS[name])
            source += f", then {MISPRINTS[name][0]} + {MISPRINTS[name][1]} (a misprint)"
        data = {"report": report, "page": page(report, settings, source, serial)}
        (OUT / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"wrote {len(SEEDS) + len(GENERATED)} files to {OUT}")


if __name__ == "__main__":
    main()
