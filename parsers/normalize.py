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
from functools import lru_cache

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})
_NUMBERING_DOT = re.compile(r"^(\d{1,2})[、.．,，]")

# A small traditional→simplified map for the characters that occur in template
# labels; traditional-script copies of reports exist (mirrors, HK/Macau style).
_TRAD = str.maketrans(
    {
        "開": "开", "資": "资", "訊": "讯", "報": "报", "處": "处", "與": "与", "複": "复",
        "議": "议", "訟": "讼", "計": "计", "數": "数", "請": "请", "權": "权", "機": "机",
        "構": "构", "屬": "属", "於": "于", "國": "国", "險": "险", "穩": "稳", "護": "护",
        "第": "第", "務": "务", "過": "过", "執": "执", "詢": "询", "無": "无", "規": "规",
        "範": "范", "徵": "征", "費": "费", "達": "达", "結": "结", "轉": "转", "續": "续",
        "辦": "办", "維": "维", "糾": "纠", "審": "审", "總": "总", "況": "况", "動": "动",
        "現": "现", "關": "关", "齊": "齐", "實": "实", "際": "际", "項": "项", "員": "员",
        "會": "会", "體": "体", "製": "制", "號": "号", "發": "发", "廢": "废", "業": "业",
        "團": "团", "組": "组", "織": "织", "單": "单", "們": "们", "對": "对",
        "屆": "届", "當": "当", "應": "应", "經": "经", "準": "准", "協": "协", "責": "责",
        "題": "题", "標": "标", "間": "间", "來": "来", "後": "后", "絕": "绝", "確": "确",
        "認": "认", "獲": "获", "取": "取", "補": "补", "仍": "仍", "額": "额", "購": "购",
        "採": "采", "強": "强", "許": "许", "罰": "罚", "內": "内", "訪": "访", "舉": "举",
        "訴": "诉", "類": "类", "復": "复", "厲": "厉", "產": "产", "據": "据", "裡": "里",
        "為": "为", "區": "区", "縣": "县", "鄉": "乡", "鎮": "镇", "書": "书", "頁": "页",
        "稅": "税", "財": "财", "政": "政", "門": "门", "錄": "录", "網": "网",
    }
)


@lru_cache(maxsize=1 << 14)
def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_TRAD).translate(_QUOTES)
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
    """Traditional characters of the label map replaced by simplified ones; same length as ``text``."""
    return text.translate(_TRAD)


def clean(text: str | None) -> str:
    """Display form: trimmed, inner runs of whitespace folded to one space."""
    if not text:
        return ""
    return _WS.sub(" ", text.replace("\u3000", " ").replace("\xa0", " ")).strip()


# Printed placeholders meaning "nothing reported": they are null, never 0.
PLACEHOLDERS = frozenset({"", "/", "-", "--", "—", "——", "–", "无", "空", "暂无", "*", "\\", "—/—", "/-", "-/"})

_NUMBER = re.compile(r"^([+-]?)(\d+(?:,\d{3})*(?:\.\d+)?)(万元|元|件|项|个|条|次|宗|%)?$")


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
    return Value(number, m.group(3), signed=bool(m.group(1)))


def to_json_number(d: Decimal | None) -> int | float | None:
    """Decimals as JSON numbers: integral values as int, others as float."""
    if d is None:
        return None
    return _json_number(d)


@lru_cache(maxsize=1 << 12)
def _json_number(d: Decimal) -> int | float:
    # Cached: reports print the same small counts over and over (equal Decimals give equal results).
    return int(d) if d == d.to_integral_value() else float(d)
