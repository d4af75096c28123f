"""The portal registry: which government portals to harvest, and where their 年报 columns are.

The registry is a data file (``portals.csv``, next to this module) rather than code so that
portals can be added, corrected or retired by editing one row, and so that every row can carry
the public ``source`` it was taken from: a column URL nobody can trace back is a URL nobody can
check when the portal moves.  ``portals_README.md`` describes the columns and the sources.

The file is validated when loaded, because a typo in a level or a URL should fail loudly at
start-up, naming the row, not silently drop a portal from a crawl weeks later.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

LEVELS = ("national", "province", "city", "county", "township", "department")
PLATFORMS = ("trs", "hanweb", "gkmlpt", "jpaas", "unknown")
_DIVISION_CODE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class Portal:
    """One government body and the page where its annual reports are listed (or linked from)."""

    name: str
    level: str
    region: str
    division_code: str
    platform: str
    column_url: str
    source: str


COLUMNS = tuple(f.name for f in fields(Portal))


def _default_path() -> Path:
    """The packaged registry; resolved through importlib.resources so it works from an install too."""
    return Path(str(resources.files("crawler").joinpath("portals.csv")))


def _check_row(row: dict[str, str], where: str) -> Portal:
    """Turn one CSV row into a Portal, or raise ValueError saying what is wrong with it."""
    values = {col: (row.get(col) or "").strip() for col in COLUMNS}
    if not values["name"]:
        raise ValueError(f"{where}: empty name")
    label = f"{where} ({values['name']})"
    if values["level"] not in LEVELS:
        raise ValueError(f"{label}: unknown level {values['level']!r}; expected one of {', '.join(LEVELS)}")
    if values["platform"] not in PLATFORMS:
        raise ValueError(
            f"{label}: unknown platform {values['platform']!r}; expected one of {', '.join(PLATFORMS)}"
        )
    url = urlsplit(values["column_url"])
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ValueError(f"{label}: column_url must be an http(s) URL, got {values['column_url']!r}")
    if values["division_code"] and not _DIVISION_CODE.fullmatch(values["division_code"]):
        raise ValueError(f"{label}: division_code must be 6 digits (GB/T 2260) or empty")
    if not values["source"]:
        raise ValueError(f"{label}: empty source; every row must say where its URL came from")
    if values["level"] != "national" and not values["region"]:
        raise ValueError(f"{label}: empty region (only national bodies may leave it empty)")
    return Portal(**values)


def load(path: str | Path | None = None) -> list[Portal]:
    """Read and validate the registry (the packaged ``portals.csv`` unless ``path`` is given).

    Raises ValueError with a one-line message naming the file and row on any bad data, including
    missing columns and duplicate names (names are the key ``find`` looks portals up by).
    """
    csv_path = Path(path) if path is not None else _default_path()
    with csv_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [col for col in COLUMNS if col not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{csv_path}: missing column(s) {', '.join(missing)}")
        portals: list[Portal] = []
        seen: dict[str, int] = {}
        for row in reader:
            where = f"{csv_path}: row {reader.line_num}"
            portal = _check_row(row, where)
            if portal.name in seen:
                raise ValueError(f"{where} ({portal.name}): duplicate name, first at row {seen[portal.name]}")
            seen[portal.name] = reader.line_num
            portals.append(portal)
    return portals


@lru_cache(maxsize=1)
def _shipped() -> tuple[Portal, ...]:
    """The packaged registry, read once: lookups are frequent, the file does not change at run time."""
    return tuple(load())


def find(name: str, portals: Sequence[Portal] | None = None) -> Portal:
    """Look a portal up by exact name, else by a substring that matches exactly one name.

    Substring matching lets callers say ``find("南山区")`` instead of the full official name;
    an ambiguous or unknown name raises KeyError listing the candidates, rather than guessing.
    """
    pool = _shipped() if portals is None else portals
    for portal in pool:
        if portal.name == name:
            return portal
    matches = [p for p in pool if name and name in p.name]
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(p.name for p in matches[:10])
        more = f" (+{len(matches) - 10} more)" if len(matches) > 10 else ""
        raise KeyError(f"{name!r} is ambiguous: matches {listed}{more}")
    close = difflib.get_close_matches(name, [p.name for p in pool], n=5, cutoff=0.4)
    hint = f"; close matches: {', '.join(close)}" if close else "; no close matches"
    raise KeyError(f"no portal named {name!r}{hint}")
