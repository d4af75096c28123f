"""Portal health from the crawl log: users learn which portals need attention."""

from __future__ import annotations

from nianbao.crawllog import crawl_rows, failure_rows, health_rows


def finished(at: str, crawl_id: str, reports: int, errors: int = 0, known: int = 0, pages: int = 10) -> list[dict]:
    host = {"pages": pages, "reports": reports, "reports_known": known, "errors": errors, "platform": "trs"}
    return [
        {"event_id": f"s{crawl_id}", "kind": "crawl_started", "url": None, "written_at": at,
         "data": {"crawl_id": crawl_id, "start_urls": ["http://gov.example/ndbg/"]}},
        {"event_id": f"f{crawl_id}", "kind": "crawl_finished", "url": None, "written_at": at + "Z",
         "data": {"crawl_id": crawl_id, "start_urls": ["http://gov.example/ndbg/"], "reason": "finished",
                  "hosts": {"gov.example": host}}},
    ]


def status(events: list[dict]) -> str:
    (row,) = health_rows(events, {"gov.example": 3})
    return row["status"]


def test_a_portal_that_stops_yielding_reports_is_failing():
    assert status(finished("2026-01-01", "a", 3)) == "ok"
    assert status(finished("2026-01-01", "a", 3) + finished("2026-02-01", "b", 0)) == "failing"
    assert status(finished("2026-01-01", "a", 0)) == "no_reports"


def test_a_portal_that_answers_nothing_is_unreachable_not_empty():
    assert status(finished("2026-01-01", "a", 0, errors=2, pages=0)) == "unreachable"
    assert status(finished("2026-01-01", "a", 3) + finished("2026-02-01", "b", 0, errors=2, pages=0)) == "unreachable"
    assert status(finished("2026-01-01", "a", 0, errors=2)) == "no_reports"  # pages came, none a report


def test_known_reports_count_as_found_and_errors_show():
    assert status(finished("2026-01-01", "a", 3) + finished("2026-02-01", "b", 0, known=3)) == "ok"
    assert status(finished("2026-01-01", "a", 3, errors=2)) == "errors"


def test_a_killed_crawl_is_incomplete_and_listed():
    events = finished("2026-01-01", "a", 3) + finished("2026-02-01", "b", 3)[:1]
    assert status(events) == "incomplete"
    rows = crawl_rows(events)
    assert [r["finish_reason"] for r in rows] == ["finished", None]


def test_blocked_portals_are_shown_as_blocked():
    events = finished("2026-01-01", "a", 0) + [
        {"event_id": "x", "kind": "blocked", "url": "http://gov.example/ndbg/", "written_at": "2026-01-01Z",
         "data": {"crawl_id": "a", "reason": "anti-bot challenge (412)", "status": 412}}]
    assert status(events) == "blocked"
    (failure,) = failure_rows(events)
    assert failure["site"] == "gov.example" and failure["status"] == 412
    assert crawl_rows(events)[0]["errors"] == 1


def test_a_host_without_reports_still_says_which_platform_its_columns_run_on():
    from collections import Counter

    from crawler.extensions import CrawlLog

    log = CrawlLog.__new__(CrawlLog)
    log.platforms = {"a.gov.cn": Counter({"trs": 4})}
    stats = {"nianbao/host/b.gov.cn/platform/generic": 3, "nianbao/host/b.gov.cn/platform/jpaas": 1,
             "nianbao/host/c.gov.cn/platform/generic": 2}
    log.platforms.update({"b.gov.cn": Counter(), "c.gov.cn": Counter(), "d.gov.cn": Counter()})
    # Reports decide where there are some; else the list pages' platform, a known one before generic.
    assert [log.platform(h, stats) for h in ("a.gov.cn", "b.gov.cn", "c.gov.cn", "d.gov.cn")] == \
        ["trs", "jpaas", "generic", None]
