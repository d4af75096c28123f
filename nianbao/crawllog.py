"""The crawl log as tables: crawls, final failures, and each portal's health.

Built from the archive's events (crawl_started, crawl_finished, failure,
blocked), so that users see which portals need attention: a portal where the
last crawl found no reports although an earlier one did has changed or broken.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

# Column types, so the tables exist (empty) before any crawl has been logged.
TABLES = {
    "crawls": ({"crawl_id": str, "started_at": str, "finished_at": str, "finish_reason": str, "start_urls": str,
                "seconds": float, "pages": int, "reports_found": int, "errors": int, "refresh": int}, "crawl_id"),
    "crawl_failures": ({"event_id": str, "url": str, "site": str, "kind": str, "reason": str, "status": int,
                        "request_kind": str, "retries": int, "referer": str, "crawl_id": str, "at": str},
                       "event_id"),
    "portal_health": ({"site": str, "status": str, "last_crawl_at": str, "crawls": int, "last_pages": int,
                       "last_reports_found": int, "last_errors": int, "platform": str, "most_reports_found": int,
                       "reports_in_database": int}, "site"),
}


def crawl_rows(events: list[dict]) -> list[dict]:
    """One row per crawl; a crawl with a start and no end was killed or is still running."""
    crawls: dict[str, dict] = {}
    for e in events:
        data, cid = e["data"], e["data"].get("crawl_id")
        if not cid or e["kind"] not in ("crawl_started", "crawl_finished"):
            continue
        row = crawls.setdefault(cid, {
            "crawl_id": cid, "started_at": None, "finished_at": None, "finish_reason": None,
            "start_urls": json.dumps(data.get("start_urls") or [], ensure_ascii=False), "seconds": None,
            "pages": None, "reports_found": None, "errors": 0, "refresh": None})
        if e["kind"] == "crawl_started":
            row["started_at"], row["refresh"] = e["written_at"], int(bool(data.get("refresh")))
        else:
            hosts = data.get("hosts") or {}
            row.update(finished_at=e["written_at"], finish_reason=data.get("reason"), seconds=data.get("seconds"),
                       pages=sum(h["pages"] for h in hosts.values()),
                       reports_found=sum(h["reports"] + h["reports_known"] for h in hosts.values()))
    for e in events:
        cid = e["data"].get("crawl_id")
        if e["kind"] in ("failure", "blocked") and cid in crawls:
            crawls[cid]["errors"] += 1
    return sorted(crawls.values(), key=lambda r: (r["started_at"] or r["finished_at"] or "", r["crawl_id"]))


def failure_rows(events: list[dict]) -> list[dict]:
    return [
        {"event_id": e["event_id"], "url": e["url"], "site": urlsplit(e["url"] or "").hostname, "kind": e["kind"],
         "reason": e["data"].get("reason"), "status": e["data"].get("status"),
         "request_kind": e["data"].get("request_kind"), "retries": e["data"].get("retries"),
         "referer": e["data"].get("referer"), "crawl_id": e["data"].get("crawl_id"), "at": e["written_at"]}
        for e in events if e["kind"] in ("failure", "blocked")
    ]


def health_rows(events: list[dict], reports_per_site: dict[str, int]) -> list[dict]:
    """Each portal host's last crawl against its history: ok, errors, blocked, failing, no_reports, incomplete."""
    history: dict[str, list[dict]] = {}
    blocked: dict[str, int] = {}
    started: dict[str, str] = {}
    for e in events:
        data = e["data"]
        if e["kind"] == "crawl_started":
            for url in data.get("start_urls") or []:
                started[urlsplit(url).hostname] = e["written_at"]
        elif e["kind"] == "crawl_finished":
            for host, h in (data.get("hosts") or {}).items():
                history.setdefault(host, []).append({**h, "at": e["written_at"], "reason": data.get("reason")})
        elif e["kind"] == "blocked":
            blocked[urlsplit(e["url"] or "").hostname] = blocked.get(urlsplit(e["url"] or "").hostname, 0) + 1
    out = []
    for host in sorted(set(history) | set(started)):
        runs = history.get(host, [])
        last = runs[-1] if runs else None
        found = (last["reports"] + last["reports_known"]) if last else None
        had_before = any(r["reports"] + r["reports_known"] > 0 for r in runs[:-1])
        if last is None or started.get(host, "") > last["at"]:
            status = "incomplete"
        elif blocked.get(host) and not found:
            status = "blocked"
        elif not found and not last["pages"] and last["errors"]:
            status = "unreachable"  # not one page came: the site is down or gone, not empty
        elif not found:
            status = "failing" if had_before else "no_reports"
        elif last["errors"]:
            status = "errors"
        else:
            status = "ok"
        out.append({
            "site": host, "status": status, "last_crawl_at": last["at"] if last else started.get(host),
            "crawls": len(runs), "last_pages": last["pages"] if last else None, "last_reports_found": found,
            "last_errors": last["errors"] if last else None, "platform": last["platform"] if last else None,
            "most_reports_found": max((r["reports"] + r["reports_known"] for r in runs), default=None),
            "reports_in_database": reports_per_site.get(host, 0),
        })
    return out
