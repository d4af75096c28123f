"""Where a government body sits: province, city, county and township, read from its name.

Report pages name their issuing body in many ways (溪湖区人民政府, 本溪市溪湖区,
西安市雁塔区漳浒寨街道办事处, 卫辉市政务和大数据管理局).  Every GB/T 2260 division name
(nianbao/data/divisions.csv) found in the name is a clue; a county name that several provinces
share (朝阳区, 鼓楼区, 城区) is resolved by the other place names in the body's name and then in
the title and page metadata.  What stays ambiguous is left null: for a researcher a wrong
province is worse than none.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "divisions.csv"
LEVELS = ("national", "province", "city", "county", "township")
KIND_GOVERNMENT, KIND_DEPARTMENT, KIND_TOWNSHIP = "人民政府", "部门", "街道办事处/乡镇"

_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
_TITLE_TAIL = re.compile(r"\s*(?:19|20)\d{2}\s*年|关于|政府信息公开|信息公开工作|年度报告")
_TOWNSHIP = re.compile(r"([\u4e00-\u9fff]{1,10}?(?:街道|镇|乡|苏木))(?:办事处|人民政府|政府)?$")
_GOVERNMENT = re.compile(r"(?:人民政府|政府)$")
_DEPARTMENT = re.compile(r"(?:局|委员会|委|厅|办公室|办|中心|部|署|院|所|站|队|处|会|馆|室|总局|分局)$")
_NATIONAL = re.compile(r"^(?:国务院|国家|中华人民共和国|中国)")


@dataclass(frozen=True)
class Division:
    """One row of divisions.csv; its level and ancestry follow from the code (see data/README.md)."""

    code: str
    name: str

    @property
    def level(self) -> str:
        if self.code[2:] == "0000":
            return "province"
        if self.code[4:] == "00":
            return "city"
        return "county"

    @property
    def prefix(self) -> str:
        return {"province": self.code[:2], "city": self.code[:4]}.get(self.level, self.code)

    def contains(self, other: Division) -> bool:
        return self == other or (LEVELS.index(self.level) < LEVELS.index(other.level)
                                 and other.code.startswith(self.prefix))


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    name: str
    candidates: tuple[Division, ...]

    @property
    def level(self) -> str:
        return max((c.level for c in self.candidates), key=LEVELS.index)


@cache
def divisions() -> dict[str, Division]:
    """code → Division, from the pinned copy of the Ministry of Civil Affairs' list."""
    with DIVISIONS_CSV.open(encoding="utf-8") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        return {r["code"]: Division(r["code"], r["name"]) for r in csv.DictReader(lines)}


def _short_province(name: str) -> str | None:
    for suffix in _PROVINCE_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@cache
def name_index() -> dict[str, tuple[tuple[Division, ...], bool]]:
    """name → (candidate divisions, short?); a name shared by a division and its own parts
    (北京市 is 110000 and 110100) means the enclosing one."""
    by_name: dict[str, list[Division]] = {}
    for div in divisions().values():
        by_name.setdefault(div.name, []).append(div)
    index: dict[str, tuple[tuple[Division, ...], bool]] = {}
    for name, cands in by_name.items():
        outer = [c for c in cands if all(c.contains(o) for o in cands)]
        index[name] = (tuple(outer[:1] or cands), len(name) <= 2)
    for div in divisions().values():
        short = _short_province(div.name) if div.level == "province" else None
        if short and short not in index:
            index[short] = ((div,), True)
    return index


@cache
def _lengths() -> tuple[int, ...]:
    return tuple(sorted({len(n) for n in name_index()}, reverse=True))


def find_places(text: str | None) -> list[Match]:
    """Division names in ``text``, longest first at each position, left to right.

    Two-character names (城区, 沛县) and short province names (四川) count only at the start or
    right after another division name, where they cannot be part of an ordinary word.
    """
    text = text or ""
    index, found, i, prev_end = name_index(), [], 0, 0
    while i < len(text):
        for length in _lengths():
            entry = index.get(text[i:i + length])
            if entry and (not entry[1] or i == prev_end):
                found.append(Match(i, i + length, text[i:i + length], entry[0]))
                i = prev_end = i + length
                break
        else:
            i += 1
    return found


def _related(a: Division, b: Division) -> bool:
    return a.contains(b) or b.contains(a)


def resolve(matches: list[Match], context: Iterable[Match] = ()) -> tuple[Division | None, str | None]:
    """The one division the deepest name refers to, or the part all its readings share.

    Returns (division, level of the deepest name); the division is the common province or city
    when the county stays ambiguous, and None when not even the province is certain.
    """
    if not matches:
        return None, None
    deepest = max(matches, key=lambda m: (LEVELS.index(m.level), m.start))
    cands = [c for c in deepest.candidates
             if all(any(_related(c, d) for d in m.candidates) for m in matches if m is not deepest)]
    if len(cands) > 1:
        own = {m.name for m in matches}
        anchors = [d for m in context if m.name not in own for d in m.candidates]
        # The most specific anchor decides: 阳泉市 picks one 城区 where 山西省 leaves two.
        score = {c: max((LEVELS.index(d.level) for d in anchors if _related(c, d)), default=-1) for c in cands}
        best = max(score.values())
        cands = [c for c in cands if score[c] == best] if best >= 0 else cands
    if len(cands) == 1:
        return cands[0], deepest.level
    if not cands:
        return None, deepest.level
    table = divisions()
    for prefix_len, suffix in ((4, "00"), (2, "0000")):
        prefixes = {c.code[:prefix_len] for c in cands}
        if len(prefixes) == 1 and (common := table.get(prefixes.pop() + suffix)):
            if all(common.contains(c) for c in cands):
                return common, deepest.level
    return None, deepest.level


def body_from_title(title: str | None) -> str | None:
    """The body's name at the head of a report title: 本溪市溪湖区2024年政府信息公开… → 本溪市溪湖区."""
    head = _TITLE_TAIL.split(title or "", maxsplit=1)[0].strip()
    return head if re.search(r"[\u4e00-\u9fff]", head) else None


def _ancestry(div: Division | None) -> dict[str, str | None]:
    out: dict[str, str | None] = {"province": None, "city": None, "county": None}
    if div is None:
        return out
    table = divisions()
    province = table.get(div.code[:2] + "0000")
    out["province"] = province.name if province else None
    if div.level in ("city", "county"):
        city = table.get(div.code[:4] + "00")
        out["city"] = city.name if city else None
    if div.level == "county":
        out["county"] = div.name
    return out


def body_kind(name: str | None, township: str | None) -> str | None:
    """人民政府, 部门 (局, 委, 办…) or 街道办事处/乡镇, from how the name ends; None if it does not say."""
    if not name:
        return None
    if township:
        return KIND_TOWNSHIP
    if _GOVERNMENT.search(name):
        return KIND_GOVERNMENT
    if _DEPARTMENT.search(name):
        return KIND_DEPARTMENT
    return None


def place_body(issuing_body: str | None, publisher: str | None = None, title: str | None = None,
               context: Iterable[str | None] = ()) -> dict[str, str | None]:
    """Normalise a report's issuing body (else publisher, else the head of the title).

    The first of those that names a division gives the region; the others and ``context``
    (metadata title, list title…) only choose between readings of an ambiguous name.
    """
    sources = [s.strip() for s in (issuing_body, publisher, body_from_title(title)) if s and s.strip()]
    body = sources[0] if sources else None
    source, matches = body, []
    for text in sources:
        if found := find_places(text):
            source, matches = text, found
            break
    context_matches = [m for text in (*sources, title, *context) for m in find_places(text)]
    division, level = resolve(matches, context_matches)
    rest = (source or "")[matches[-1].end:] if matches else (source or "")
    rest = re.sub(r"^(?:人民政府|政府)(?=.)", "", rest)
    township_match = _TOWNSHIP.search(rest)
    township = township_match.group(1) if township_match else None
    if township:
        level = "township"
    elif level is None and body and _NATIONAL.search(body):
        level = "national"
    return {
        "body": body,
        **_ancestry(division),
        "township": township,
        "division_code": division.code if division else None,
        "level": level,
        "body_kind": body_kind(source, township),
    }
