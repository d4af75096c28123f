"""Crawl throughput and memory: the nianbao spider (with WARC archiving) against bare Scrapy.

Not a test: prints numbers measured in one run.  A sample portal with N extra
generated reports is served on 127.0.0.1; the nianbao spider crawls it from the
home page (discovery, pagination, metadata extraction, archiving, items), then a
bare Scrapy spider fetches exactly the same URLs and discards the bodies.  Both
run in fresh processes with the same concurrency and no delay.

Targets (issue 5): nianbao's pages/s at least 80% of bare Scrapy's; peak memory
flat as the crawl grows (10,000 vs 1,000 reports).

    python bench/crawl_speed.py [--reports 10000] [--small 1000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "LOG_LEVEL": "ERROR", "CLOSESPIDER_PAGECOUNT": 0,
        "NIANBAO_PROGRESS_INTERVAL": 0}

NIANBAO = """
import json, resource, sys, time
from pathlib import Path
from nianbao.crawl import run_crawl
url, data, settings = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
t = time.perf_counter()
stats = run_crawl([url], data, settings)
# The crawl process and its archive process (crawler.archiving), each at its peak.
me, child = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": time.perf_counter() - t, "pages": stats.get("response_received_count", 0),
                  "reports": stats.get("nianbao/reports", 0), "max_rss_mb": (me.ru_maxrss + child.ru_maxrss) / 1024,
                  "cpu": me.ru_utime + me.ru_stime, "archive_cpu": child.ru_utime + child.ru_stime}))
"""

BARE = """
import json, resource, sys, time
import scrapy
from scrapy.crawler import CrawlerProcess
urls, settings = json.load(open(sys.argv[1])), json.loads(sys.argv[2])

class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for u in urls:
            yield scrapy.Request(u, callback=self.parse)
    def parse(self, response):
        pass

process = CrawlerProcess({**settings, "ROBOTSTXT_OBEY": True, "USER_AGENT": "bench"})
crawler = process.create_crawler(Bare)
t = time.perf_counter()
process.crawl(crawler)
process.start()
stats = crawler.stats.get_stats()
me = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "pages": stats.get("response_received_count", 0),
                  "max_rss_mb": me.ru_maxrss / 1024, "cpu": me.ru_utime + me.ru_stime}))
"""


def run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"benchmark child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def crawl(reports: int) -> tuple[dict, dict]:
    from archive import Archive
    from nianbao.portal.server import start_portal

    with start_portal(extra_reports=reports) as portal, tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        ours = run(NIANBAO, portal.url, str(data), json.dumps(FAST))
        with Archive(data / "archive") as archive:
            urls = sorted({r.final_url for r in archive.records() if not r.url.endswith("robots.txt")})
        (data / "urls.json").write_text(json.dumps(urls))
        bare = run(BARE, str(data / "urls.json"), json.dumps(FAST))
    return ours, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    args = parser.parse_args()
    small, _ = crawl(args.small)
    ours, bare = crawl(args.reports)
    rate_ours, rate_bare = ours["pages"] / ours["seconds"], bare["pages"] / bare["seconds"]
    print(f"portal with {args.reports} extra reports: nianbao {ours['pages']} pages in {ours['seconds']:.1f}s "
          f"({rate_ours:.0f}/s, {ours['reports']} reports), bare Scrapy {bare['pages']} pages in "
          f"{bare['seconds']:.1f}s ({rate_bare:.0f}/s)")
    print(f"throughput ratio nianbao/bare: {rate_ours / rate_bare:.2f}  (target >= 0.80)")
    # CPU time is steadier than wall time on a shared machine, and says where the time goes.
    ms = 1000 / ours["pages"]
    print(f"CPU per page: nianbao crawl process {ours['cpu'] * ms:.2f} ms + archive process "
          f"{ours['archive_cpu'] * ms:.2f} ms, bare Scrapy {bare['cpu'] * 1000 / bare['pages']:.2f} ms "
          "(CPU time includes startup; the portal's own CPU is not counted)")
    print(f"peak memory (crawl + archive process): {small['max_rss_mb']:.0f} MB at {args.small} reports, {ours['max_rss_mb']:.0f} MB at "
          f"{args.reports}: ratio {ours['max_rss_mb'] / small['max_rss_mb']:.2f}  (target: flat, ~1.0)")


if __name__ == "__main__":
    main()
