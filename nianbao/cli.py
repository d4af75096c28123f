"""The `nianbao` command line: crawl, build, serve, parse, demo."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

DEFAULT_DATA = "data"


def _data_dir(path: str) -> Path:
    """The data directory, created if missing; a clear error if it cannot be written."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
        probe = p / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise click.ClickException(f"data directory {p} is not writable: {exc.strerror or exc}") from None
    return p


def _check_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # "http://[::1": urlsplit refuses it
        ok = False
    if not ok:
        raise click.ClickException(f"not an http(s) URL: {url!r}")
    return url


data_option = click.option("--data", "data", default=DEFAULT_DATA, show_default=True,
                           help="Directory holding archive/ and nianbao.db.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nianbao")
def cli() -> None:
    """nianbao 年报: harvest, archive, parse and publish the annual reports on government
    information disclosure (政府信息公开工作年度报告) of Chinese government bodies.

    Data flows one way: crawl → archive (WARC) → build (SQLite) → serve (Datasette).
    """


@cli.command()
@click.argument("urls", nargs=-1)
@click.option("--portal", "portals", multiple=True, metavar="NAME",
              help="A portal of the registry (crawler/portals.csv) by name or unique part of it; repeatable.")
@click.option("--all", "all_portals", is_flag=True, help="Every portal of the registry.")
@data_option
@click.option("--delay", type=float, default=None,
              help="Seconds between requests to one host (default: the polite setting, 1s with AutoThrottle).")
@click.option("--refresh", is_flag=True,
              help="Re-fetch report pages already archived (conditional requests); changed pages become "
                   "new revisions. Without it they are skipped, so a crawl resumes where it stopped.")
@click.option("--redis", "redis_url", metavar="URL",
              help="Distributed mode: share the request queue and dupe filter of --job with other "
                   "`nianbao crawl` processes through this Redis server (redis://host:6379/0).")
@click.option("--job", default="default", show_default=True, help="Name of the distributed crawl to join.")
@click.option("--fresh", is_flag=True, help="With --redis: forget the job's queue and seen URLs first.")
@click.option("--render-js", "render_js", metavar="TARGETS",
              help="Also load list pages in Chromium, for lists built by JavaScript: 1 for every portal, "
                   "or hosts/URL prefixes, comma-separated. Needs Debian's chromium.")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy setting, as `scrapy crawl -s` does (repeatable).")
def crawl(urls: tuple[str, ...], portals: tuple[str, ...], all_portals: bool, data: str, delay: float | None,
          refresh: bool, redis_url: str | None, job: str, fresh: bool, render_js: str | None,
          settings: tuple[str, ...]) -> None:
    """Crawl portal start URLs (home page, 信息公开 section or the 年报 column) and archive
    every response as WARC under DATA/archive.

    Crawls are incremental: report pages and attachments already in the archive are
    not fetched again, and a crawl killed half-way resumes from the archive index.
    """
    from crawler import registry

    try:
        chosen = list(registry.load()) if all_portals else [registry.find(name) for name in portals]
    except (KeyError, ValueError) as exc:
        raise click.ClickException(str(exc.args[0]) if exc.args else str(exc)) from None
    urls = tuple(dict.fromkeys([*urls, *(p.column_url for p in chosen)]))
    if not urls:
        raise click.UsageError("give start URLs, --portal NAME or --all")
    for url in urls:
        _check_url(url)
    data_dir = _data_dir(data)
    from nianbao.crawl import run_crawl

    overrides = {"DOWNLOAD_DELAY": delay, "AUTOTHROTTLE_ENABLED": delay != 0} if delay is not None else {}
    if refresh:
        overrides["NIANBAO_REFRESH"] = True
    if not redis_url and (fresh or job != "default"):
        raise click.UsageError("--job and --fresh name a distributed crawl: they need --redis URL")
    if redis_url:
        from nianbao.crawl import distributed_settings, flush_job, ping_redis

        try:
            ping_redis(redis_url)
            if fresh:
                flush_job(redis_url, job)
        except Exception as exc:  # redis raises its own ConnectionError family
            raise click.ClickException(f"cannot reach Redis at {redis_url}: {exc}") from None
        overrides.update(distributed_settings(redis_url, job))
    for item in settings:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.ClickException(f"--set expects NAME=VALUE, got {item!r}")
        overrides[name.strip()] = value
    stats = run_crawl(list(urls), data_dir, overrides, {"render_js": render_js} if render_js else None)
    click.echo(_crawl_summary(stats))
    if not stats.get("nianbao/archived") and _failures(stats):
        raise click.ClickException("nothing was archived: every request failed (see the errors above; "
                                   "`nianbao build` lists them in crawl_failures)")
    if stats.get("nianbao/archive_died"):
        raise click.ClickException("the archive process died, so the crawl stopped early; what was archived "
                                   "is kept: run the same crawl again to finish it")


def _failures(stats: dict) -> int:
    return stats.get("nianbao/failure", 0) + sum(v for k, v in stats.items() if k.startswith("spider_exceptions/"))


def _crawl_summary(stats: dict) -> str:
    """One line: what was archived, what was found, what failed for good (see crawl_failures)."""
    failed = _failures(stats)
    blocked = stats.get("nianbao/blocked", 0)
    return (f"crawled: {stats.get('nianbao/archived', 0)} responses archived "
            f"({stats.get('nianbao/revisits', 0)} as revisits: content already archived), "
            f"{stats.get('nianbao/reports', 0)} new reports, "
            f"{stats.get('nianbao/skipped_archived', 0)} already archived, {failed} failed, {blocked} blocked")


@cli.command()
@data_option
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Parser processes (default: one per CPU). The database does not depend on it.")
def build(data: str, workers: int | None) -> None:
    """(Re)build DATA/nianbao.db from the archive alone, without the network.

    The database is written to a temporary file and renamed into place, so readers
    never see a half-built database; the same archive always gives the same rows."""
    data_dir = Path(data)
    if not (data_dir / "archive").is_dir():
        raise click.ClickException(f"no archive in {data_dir}: run `nianbao crawl URL --data {data}` first")
    from nianbao.build import build as build_db

    stats = build_db(data_dir, workers=workers)
    counts = ", ".join(f"{n} {table}" for table, n in stats.items())
    click.echo(f"built {data_dir / 'nianbao.db'}: {counts}")


@cli.command()
@data_option
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; 0.0.0.0 only behind a proxy or in a container.")
def serve(data: str, port: int, host: str) -> None:
    """Serve DATA/nianbao.db with Datasette, read-only (on 127.0.0.1 unless --host says otherwise)."""
    db = Path(data) / "nianbao.db"
    if not db.is_file():
        raise click.ClickException(f"no database at {db}: run `nianbao build --data {data}` first")
    _check_port(host, port)
    from nianbao.serve import serve as run_serve

    click.echo(f"Datasette on http://{host}:{port}/  (Ctrl-C to stop; after `nianbao build`, restart it: "
               "it serves the database it opened)")
    run_serve(db, port=port, host=host)


def _check_port(host: str, port: int) -> None:
    """Fail before any work when the port is taken (the demo would otherwise crawl and build first)."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                                       "choose another port with --port") from None


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--pretty", is_flag=True, help="Indent the JSON (one object per file, no longer one line each).")
def parse(files: tuple[str, ...], pretty: bool) -> None:
    """Parse report files (HTML, text, PDF, Word .docx) and print one JSON object per file,
    one per line.  A file that cannot be read, or parses with status error or
    unsupported_format, is named on stderr with the reason, and the exit status is 1;
    the other files are still parsed (status partial exits 0)."""
    from parsers import parse_bytes

    failed = False
    for name in files:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as exc:  # said on stderr; the other files are still parsed
            click.echo(f"nianbao parse: {name}: cannot read: {exc.strerror or exc}", err=True)
            failed = True
            continue
        report = {"source": str(path), **parse_bytes(data, filename=path.name)}
        click.echo(json.dumps(report, ensure_ascii=False, indent=2 if pretty else None))
        if report["status"] in ("error", "unsupported_format"):
            click.echo(f"nianbao parse: {name}: {'; '.join(report['errors'])}", err=True)
            failed = True
    if failed:
        sys.exit(1)


@cli.command()
@data_option
@click.option("--no-serve", is_flag=True, help="Print a summary and exit instead of serving.")
@click.option("--port", default=8001, show_default=True, type=int, help="Datasette port.")
def demo(data: str, no_serve: bool, port: int) -> None:
    """Start the bundled sample portal on 127.0.0.1, crawl it, build the database, then serve it."""
    data_dir = _data_dir(data)
    if not no_serve:
        _check_port("127.0.0.1", port)
    from nianbao.demo import run_demo

    run_demo(data_dir, serve=not no_serve, port=port)


def main() -> None:  # pragma: no cover - console entry point
    cli()
