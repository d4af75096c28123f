"""Label and value normalisation shared by every input format.

Real reports print the same label in many ways: full- or half-width brackets,
spaces or line breaks inside a cell, curly or straight quotes, ``1.``/``1．``/``1、``
numbering, traditional characters.  Everything is compared in one normal form so
that a single rule explains every variant instead of one rule per fixture.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})
_NUMBERING_DOT = re.compile(r"^(\d{1,2})[、.．,，]")

@cache
def _t2s() -> dict[int, str]:
    """Traditional → simplified, one character for one: OpenCC's t2s table over the CJK blocks.

    Traditional-script copies of reports exist (mirrors, converters, HK/Macau style); a table built
    from the whole character set, not from the labels seen so far, folds every label, header and
    unit (萬元 is 万元: a missed character there is a silent factor of 10,000).  Characters OpenCC
    would turn into several are left alone, so that ``simplified`` keeps positions.  Built once per
    process (about 25 ms).
    """
    import opencc

    chars = [chr(c) for c in range(0x3400, 0xA000)]  # CJK Extension A and Unified Ideographs
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - a newline-preserving conversion
        return {}
    return {ord(t): s for t, s in zip(chars, converted, strict=True) if len(s) == 1 and s != t}


@cache
def _t2s_phrases():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1 << 14)
def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    folded = text.translate(_t2s())
    if folded != text:
        # Traditional script: convert by phrase, as OpenCC does (反覆 → 反复: 覆 alone is also simplified).
        converted = _t2s_phrases().convert(text)
        folded = converted.translate(_t2s()) if len(converted) == len(text) else folded
    text = folded.translate(_QUOTES)
    text = _WS.sub("", text)
    return _NUMBERING_DOT.sub(r"\1.", text)


def norm(text: str | None) -> str:
    """Normal form for comparing labels: NFKC, simplified, no whitespace, plain quotes.

    Cached: the same labels and small numbers recur in every report, and this runs on every token.
    """
    if not text:
        return ""
    return _norm(text)


def simplified(text: str) -> str:
    """Traditional characters replaced by simplified ones; same length as ``text``."""
    return text.translate(_t2s())


def clean(text: str | None) -> str:
    """Display form: trimmed, inner runs of whitespace folded to one space."""
    if not text:
        return ""
    return _WS.sub(" ", text.replace("\u3000", " ").replace("\xa0", " ")).strip()


# Printed placeholders meaning "nothing reported": they are null, never 0.
PLACEHOLDERS = frozenset({"", "/", "-", "--", "—", "——", "–", "无", "空", "暂无", "*", "\\", "—/—", "/-", "-/"})

# A number, with its unit as printed after it, bare or in brackets ("3件", "3(件)": NFKC makes （） ASCII).
_NUMBER = re.compile(r"^([+-]?)(\d+(?:,\d{3})*(?:\.\d+)?)(?:(万元|元|件|项|个|条|次|宗|%)|\((万元|元|件|项|个|条|次|宗)\))?$")


@dataclass(frozen=True)
class Value:
    """A parsed cell: ``number`` is None for placeholders; ``unit`` as printed in the cell."""

    number: Decimal | None
    unit: str | None
    signed: bool = False


def parse_value(text: str | None) -> Value | None:
    """Parse a table cell; returns None when the cell is not a value at all (a label)."""
    return _parse_value(text or "")


@lru_cache(maxsize=1 << 14)
def _parse_value(text: str) -> Value | None:
    t = unicodedata.normalize("NFKC", text)
    t = _WS.sub("", t)
    if t in PLACEHOLDERS or set(t) <= {"-", "—", "/", "–"}:
        return Value(None, None)
    m = _NUMBER.match(t)
    if not m:
        return None
    try:
        number = Decimal(m.group(2).replace(",", ""))
    except InvalidOperation:  # pragma: no cover - regex guarantees digits
        return None
    if m.group(1) == "-":
        number = -number
    return Value(number, m.group(3) or m.group(4), signed=bool(m.group(1)))


def to_json_number(d: Decimal | None) -> int | float | None:
    """Decimals as JSON numbers: integral values as int, others as float."""
    if d is None:
        return None
    return _json_number(d)


@lru_cache(maxsize=1 << 12)
def _json_number(d: Decimal) -> int | float:
    # Cached: reports print the same small counts over and over (equal Decimals give equal results).
    return int(d) if d == d.to_integral_value() else float(d)
