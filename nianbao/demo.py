"""`nianbao demo`: the whole pipeline on the bundled sample portal, on 127.0.0.1 only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

# The sample portal is our own server on loopback: no need to be slow with it.
DEMO_CRAWL = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING",
              "CONCURRENT_REQUESTS_PER_DOMAIN": 4}


def run_demo(data_dir: Path, *, serve: bool, port: int) -> None:
    from nianbao.build import build
    from nianbao.crawl import run_crawl
    from nianbao.portal.server import start_portal

    portal = start_portal()
    try:
        click.echo(f"sample portal on {portal.url}")
        stats = run_crawl([portal.url], data_dir, DEMO_CRAWL)
    finally:
        portal.stop()
    click.echo(f"crawled: {stats.get('nianbao/archived', 0)} responses archived, "
               f"{stats.get('nianbao/reports', 0)} report pages")
    build(data_dir)
    db = data_dir / "nianbao.db"
    click.echo(summary(db))
    if serve:
        from nianbao.serve import serve as run_serve

        click.echo(f"Datasette on http://127.0.0.1:{port}/  (Ctrl-C to stop)")
        run_serve(db, port=port)


def summary(db: Path) -> str:
    """A few lines a person can check the demo by."""
    con = sqlite3.connect(db)
    try:
        total = con.execute("select count(*) from reports").fetchone()[0]
        rows = con.execute(
            "select coalesce(template_version, '?'), coalesce(parse_status, '?'), count(*) from reports "
            "group by 1, 2 order by 1, 2").fetchall()
        checks = con.execute("select coalesce(checks_status, 'no tables'), count(*) from reports "
                             "group by 1 order by 1").fetchall()
        failures = con.execute("select count(*) from crawl_failures").fetchone()[0]
    finally:
        con.close()
    lines = [f"{db}: {total} reports"]
    lines += [f"  template {v}, {s}: {n}" for v, s, n in rows]
    lines.append("  consistency checks: " + ", ".join(f"{s} {n}" for s, n in checks))
    lines.append(f"  crawl failures: {failures}")
    return "\n".join(lines)
