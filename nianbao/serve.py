"""`nianbao serve`: Datasette on the built database, read-only, on 127.0.0.1.

The database is opened immutable (it is rebuilt, never edited, so Datasette
may cache counts), with the repository's metadata.json describing every table
and column, and a SQL time limit so one heavy query cannot stall the site.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from datasette.app import Datasette

METADATA = Path(__file__).resolve().parent.parent / "metadata.json"
SETTINGS = {
    "sql_time_limit_ms": 3000,
    "max_returned_rows": 5000,
    "suggest_facets": False,  # the useful facets are configured in metadata.json
    "default_page_size": 50,
    "allow_download": True,
}


def load_metadata() -> dict:
    try:
        return json.loads(METADATA.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"cannot read {METADATA}: {exc}") from exc


def datasette_app(db: Path) -> Datasette:
    """The Datasette instance `serve` runs; tests drive it with its own client."""
    return Datasette(immutables=[str(db)], metadata=load_metadata(), settings=SETTINGS, cors=True)


def serve(db: Path, *, port: int = 8001, host: str = "127.0.0.1") -> None:
    import uvicorn

    ds = datasette_app(db)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
