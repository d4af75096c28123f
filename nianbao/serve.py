"""`nianbao serve`: Datasette on the built database, read-only, on 127.0.0.1 by default.

The database is opened immutable (it is rebuilt, never edited): Datasette then
trusts the row counts of an inspect file (``inspect-data.json`` beside the
database, the format of ``datasette inspect``) instead of counting at every page,
and may cache.  metadata.json describes every table and column and holds the
canned queries; a SQL time limit keeps one heavy query from stalling the site;
suggested facets are off (the useful ones are configured) and CSV/database
downloads are on.  The publishing pages (charts, archived copies) come from the
nianbao Datasette plugin with the templates and static files under
nianbao/datasette/.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from datasette.app import Datasette
from datasette.inspect import inspect_hash

METADATA = Path(__file__).resolve().parent.parent / "metadata.json"
ASSETS = Path(__file__).resolve().parent / "datasette"
INSPECT_FILE = "inspect-data.json"
SETTINGS = {
    "sql_time_limit_ms": 3000,
    "max_returned_rows": 5000,
    "suggest_facets": False,  # the useful facets are configured in metadata.json
    "default_page_size": 50,
    "allow_download": True,
    "allow_csv_stream": True,
    "facet_time_limit_ms": 500,
    "default_cache_ttl": 3600,  # immutable data: let browsers and proxies cache pages for an hour
}


def load_metadata() -> dict:
    try:
        return json.loads(METADATA.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"cannot read {METADATA}: {exc}") from exc


def _table_counts(db: Path) -> dict[str, dict[str, int]]:
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    try:
        names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
        counts = {}
        for name in names:
            try:
                counts[name] = {"count": conn.execute(f'select count(*) from "{name}"').fetchone()[0]}
            except sqlite3.Error:  # FTS shadow or virtual tables that cannot be counted
                counts[name] = {"count": 0}
        return counts
    finally:
        conn.close()


def inspect_data(db: Path) -> dict:
    """``datasette inspect`` output for ``db``, from DIR/inspect-data.json when it still fits the file.

    The file is (re)written when missing or stale (another size or modification time); a
    read-only data directory just means it is computed in memory at each start.
    """
    db = Path(db).resolve()
    stat = db.stat()
    target = db.parent / INSPECT_FILE
    try:
        cached = json.loads(target.read_text(encoding="utf-8"))
        entry = cached[db.stem]
        if entry["size"] == stat.st_size and entry.get("mtime_ns") == stat.st_mtime_ns:
            return cached
    except (OSError, ValueError, KeyError, TypeError):
        pass
    data = {db.stem: {"hash": inspect_hash(db), "size": stat.st_size, "file": str(db),
                      "mtime_ns": stat.st_mtime_ns, "tables": _table_counts(db)}}
    tmp = target.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        pass
    return data


def datasette_app(db: Path) -> Datasette:
    """The Datasette instance `serve` runs; tests drive it with its own client."""
    return Datasette(
        immutables=[str(db)],
        metadata=load_metadata(),
        settings=SETTINGS,
        inspect_data=inspect_data(Path(db)),
        template_dir=str(ASSETS / "templates"),
        static_mounts=[("nianbao-static", str(ASSETS / "static"))],
        cors=True,
    )


def serve(db: Path, *, port: int = 8001, host: str = "127.0.0.1") -> None:
    import uvicorn

    ds = datasette_app(db)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
