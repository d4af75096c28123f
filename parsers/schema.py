"""The canonical schema (report_format.json) and the label matchers derived from it.

All labels, variants and rules live in the JSON data file; this module only
turns them into lookups, so a new label variant is a data change, not code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources

from .normalize import norm

_ORDINAL_PREFIX = re.compile(r"^(?:\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}[、.]|\d{1,2}\.)+")
_PAREN_TAIL = re.compile(r"\(.*$")
SHORT = 4  # cores this short ("其他", "总计") must match a whole cell, not a substring


@cache
def schema() -> dict:
    return json.loads(resources.files("parsers").joinpath("report_format.json").read_text("utf-8"))


@lru_cache(maxsize=1 << 14)
def strip_ordinal(label_norm: str) -> str:
    return _ORDINAL_PREFIX.sub("", label_norm)


@lru_cache(maxsize=1 << 14)
def strip_paren_tail(label_norm: str) -> str:
    """A normalised label without a note in brackets at its end ("规章(设区的市…)" → "规章")."""
    return _PAREN_TAIL.sub("", label_norm) or label_norm


def core(label: str) -> str:
    """The distinctive part of a label: normalised, numbering and trailing parenthetical removed."""
    c = strip_ordinal(norm(label))
    c = _PAREN_TAIL.sub("", c) or c
    head = re.split(r"[、,;]", c, maxsplit=1)[0]
    return head if len(head) >= 6 else c


@dataclass(frozen=True, eq=False)
class Label:
    key: str
    cores: tuple[str, ...]

    @cached_property
    def short(self) -> bool:
        return min(len(c) for c in self.cores) <= SHORT

    def matches(self, token_norm: str) -> int:
        """Position of this label in a normalised cell, or -1."""
        stripped = strip_ordinal(token_norm)
        best = -1
        for c in self.cores:
            if len(c) <= SHORT:
                if stripped == c or _PAREN_TAIL.sub("", stripped) == c:
                    return 0
            else:
                pos = token_norm.find(c)
                if pos >= 0 and (best < 0 or pos < best):
                    best = pos
        return best


def _label(key: str, label: str, variants: list[str]) -> Label:
    cores = dict.fromkeys(core(v) for v in [label, *variants] if core(v))
    return Label(key, tuple(cores))


@cache
def application_rows(version: str) -> tuple[tuple[Label, ...], tuple[str, ...]]:
    """Data rows of section 三 in template order, and every label (data or group) for stop detection."""
    table = schema()["templates"][version]["tables"]["applications"]
    rows = tuple(_label(r["key"], r["label"], r.get("variants", [])) for r in table["rows"] if r["data"])
    groups = tuple(core(r["label"]) for r in table["rows"] if not r["data"])
    return rows, groups


@lru_cache(maxsize=1 << 14)
def application_hits(version: str, token_norm: str) -> tuple[tuple[int, int, bool], ...]:
    """(row index, position, short) of every section 三 row label found in a normalised cell.

    Cached per distinct cell text: the same labels recur in every report, and each is otherwise
    tried against every row of the template.
    """
    rows, groups = application_rows(version)
    hits = []
    for idx, r in enumerate(rows):
        pos = r.matches(token_norm)
        if pos >= 0:
            hits.append((idx, pos, r.short))
    if not hits:
        # A group label and a short row label merged in one cell: "三、本年度办理结果（一）予以公开".
        bare = strip_ordinal(token_norm)
        for g in groups:
            if bare.startswith(g) and len(bare) > len(g):
                rest = bare[len(g):]
                offset = len(token_norm) - len(rest)
                return tuple((i, p + offset, short) for i, p, short in application_hits(version, rest))
    return tuple(hits)


@cache
def application_columns() -> tuple[str, ...]:
    return tuple(c["key"] for c in schema()["applicant_columns"])


@cache
def review_columns() -> tuple[str, ...]:
    """结果维持, 结果纠正, 其他结果, 尚未审结, 总计: the same in both templates."""
    return tuple(c["key"] for c in schema()["templates"]["2021"]["tables"]["review_litigation"]["columns"])


@cache
def review_cells() -> tuple[str, ...]:
    return tuple(schema()["templates"]["2021"]["tables"]["review_litigation"]["cell_order"])


@lru_cache(maxsize=1)
def review_outcome_labels() -> tuple[tuple[str, ...], ...]:
    """Normalised labels of section 四's five outcome columns (结果维持 … 总计), in template order."""
    cols = schema()["templates"]["2021"]["tables"]["review_litigation"]["columns"]
    return tuple(tuple(dict.fromkeys(norm(x) for x in (c["label"], *c["variants"]))) for c in cols)


@lru_cache(maxsize=1)
def review_groups() -> tuple[tuple[str, ...], ...]:
    """Normalised labels of section 四's three groups, in template order."""
    groups = schema()["templates"]["2021"]["tables"]["review_litigation"]["groups"]
    return tuple((norm(g["label"]),) for g in groups)


@dataclass(frozen=True)
class Column:
    key: str
    labels: tuple[str, ...]  # normalised, longest first
    unit: str
    type: str


@dataclass(frozen=True)
class Item:
    key: str
    rows: tuple[Label, ...]
    columns: tuple[Column, ...]


_ITEM_NUMERAL = re.compile(r"第二十条第\(?([一二三四五六七八九十]+)\)?项")
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@lru_cache(maxsize=1 << 14)
def item_key_of(token_norm: str) -> str | None:
    """'第二十条第（五）项' in any bracket style → 'art20_5'."""
    m = _ITEM_NUMERAL.search(token_norm)
    if not m:
        return None
    digits = m.group(1)
    n = 10 + _NUMERALS.get(digits[-1], 0) if digits.startswith("十") and len(digits) > 1 else _NUMERALS.get(digits, 0)
    return f"art20_{n}" if n else None


@cache
def disclosure_items(version: str) -> dict[str, Item]:
    items = schema()["templates"][version]["tables"]["proactive_disclosure"]["items"]
    out = {}
    for it in items:
        cols = tuple(
            Column(
                c["key"],
                tuple(sorted({norm(x) for x in [c["label"], *c.get("variants", [])]}, key=len, reverse=True)),
                c.get("unit", ""),
                c.get("type", "int"),
            )
            for it2 in [it]
            for c in it2["columns"]
        )
        rows = tuple(_label(r["key"], r["label"], r.get("variants", [])) for r in it["rows"])
        out[it["key"]] = Item(it["key"], rows, cols)
    return out


@cache
def all_disclosure_columns(item_key: str) -> tuple[Column, ...]:
    """Columns of an item across both templates, for matching headers before the version is sure."""
    seen: dict[tuple[str, str], Column] = {}
    for version in ("2021", "2019"):
        item = disclosure_items(version).get(item_key)
        if item:
            for c in item.columns:
                for lab in c.labels:
                    seen.setdefault((c.key, lab), Column(c.key, (lab,), c.unit, c.type))
                    # also the label without its unit parenthetical: "本年收费金额"
                    bare = _PAREN_TAIL.sub("", lab)
                    if bare and bare != lab:
                        seen.setdefault((c.key, bare), Column(c.key, (bare,), c.unit, c.type))
    return tuple(sorted(seen.values(), key=lambda c: len(c.labels[0]), reverse=True))


@cache
def detection_markers() -> dict[str, tuple[str, ...]]:
    """Texts only one template prints: the schema's label markers plus the row labels unique to it."""
    out = {}
    for version in ("2019", "2021"):
        other = "2021" if version == "2019" else "2019"
        labels = [norm(m) for m in schema()["templates"][version]["detection_markers"] if not re.search(r"[A-Za-z]", m)]
        mine = {c for r in application_rows(version)[0] for c in r.cores}
        theirs = {c for r in application_rows(other)[0] for c in r.cores}
        labels += sorted(c for c in mine - theirs if len(c) > SHORT)
        out[version] = tuple(dict.fromkeys(labels))
    return out


@cache
def rules(version: str) -> tuple[dict, ...]:
    return tuple(schema()["templates"][version]["rules"])
