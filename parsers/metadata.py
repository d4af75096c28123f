"""The page's metadata block: 索引号, 信息名称, 发布机构, 主题分类, 发布日期, 成文日期, 文号, 关键词 …

Portals print it as label/value table cells, as ``<strong>索引号</strong>：…``
paragraphs, as spaced labels (``索 引 号：``) or as ``label: value`` pairs several
to a line.  All of these reduce to tokens whose normalised text starts with a
known label; the value is the rest of the token, or else the next token.
Fields commented out in the HTML never reach the tokens.
"""

from __future__ import annotations

import re

from .normalize import clean, norm, simplified
from .tokens import Token

# Labels seen on government portals' metadata blocks (TRS, Hanweb, gkmlpt …).  发布者 is the
# account that posted the page (a body's short name, or a clerk, or "admin"), so it is kept as its
# own field and not taken for the publishing body; 时间 beside 来源 is the publication time.
LABELS = (
    "索引号", "信息索引号", "信息名称", "名称", "标题", "文件名称", "发布机构", "发文机关", "发布单位", "公开主体",
    "信息来源", "来源", "主题分类", "信息分类", "分类", "组配分类", "体裁分类", "文件分类", "主题词", "关键词", "关键字",
    "发布日期", "发文日期", "公开日期", "生成日期", "成文日期", "印发日期", "发布时间", "更新时间", "废止日期", "失效日期",
    "时间", "日期", "发表日期", "公文生成日期", "作者", "有效性", "有效期", "发文单位", "发布者", "服务对象", "文章来源",
    "文号", "发文字号", "文件编号", "公开方式", "公开范围", "公开时限", "时效", "责任部门", "所属机构", "统一编号",
)
_LABELS_BY_LEN = sorted(LABELS, key=len, reverse=True)
_SEP = r"[:：]"
_LABEL_RE = re.compile(
    "(" + "|".join(r"\s*".join(map(re.escape, lab)) for lab in _LABELS_BY_LEN) + r")\s*(?:[:：]|$)"
)
# List bullets portals print before each field ("• 索引号", "· 来源：…"): not part of the label.
_BULLETS = "•·●○◆◇■□▪▫►▶◎★☆"
_BULLET_RE = re.compile(f"^[{_BULLETS}\\s]+")
# What may stand between two pairs on a line.
_PAIR_GAP = " \t|;；,，" + _BULLETS
# A pair after other text on a line ("www.x.gov.cn  发布时间：2021-01-11  来源：西区审计局"): the label
# must follow white space and be followed by a colon, so that prose is not read as a field.
_INNER_LABEL_RE = re.compile(f"[\\s{_BULLETS}](?=(?:" + "|".join(map(re.escape, _LABELS_BY_LEN)) + r")\s*[:：])")
# Where a value ends though no known label follows: white space, then a short label of any wording
# and a colon ("发布日期：2021-01-19 14:36:15   浏览次数：19432", "来源：区政府办 时间：…", "文章字号：").
_ANY_LABEL_RE = re.compile(f"[\\s{_BULLETS}|]+[\u4e00-\u9fff]{{2,6}}\\s*[:：]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_SCAN = 120  # tokens: the metadata block sits at the top of the page


def _key(label_text: str) -> str:
    return re.sub(r"[\s:：]", "", label_text)


def _unbullet(text: str) -> str:
    return _BULLET_RE.sub("", text) if text and text[0] in _BULLETS else text


def extract(tokens: list[Token], stop: int | None = None) -> dict[str, str]:
    """Label → value as printed (trimmed; "" when empty); first occurrence of each label wins."""
    out: dict[str, str] = {}
    limit = min(len(tokens), stop if stop is not None else len(tokens), MAX_SCAN)
    i = 0
    while i < limit:
        t = tokens[i]
        text = _unbullet(clean(t.text))
        # Labels are matched in simplified script (發布機構 is 发布机构), values kept as printed:
        # the character map is one for one, so positions in the two agree.
        probe = simplified(text)
        m = _LABEL_RE.match(probe)
        if not m and len(text) <= 300:
            inner = _INNER_LABEL_RE.search(probe)
            if inner:
                text, probe = text[inner.end():], probe[inner.end():]
                m = _LABEL_RE.match(probe)
        if not m or len(text) > 300:
            i += 1
            continue
        # One token may hold several pairs: "索引号：x 发布机构：y".
        pairs = _split_pairs(probe, text)
        last_key, last_value = pairs[-1]
        for key, value in pairs:
            out.setdefault(key, value)
        if last_value == "" and i + 1 < limit and out[last_key] == "":
            value = _next_value(tokens, i, bare=len(pairs) == 1 and text[m.end() - 1:m.end()] not in ":：")
            if value is not None:
                out[last_key] = value
                i += 1
        i += 1
    return out


def _split_pairs(text: str, printed: str | None = None) -> list[tuple[str, str]]:
    """The (label, value) pairs of a text that starts with a known label.

    A label starts a pair at the start, after white space or a separator, or glued to the value
    before it ("2021-01-11发布机构：…", "区人民政府办公室时间：…").  A known label that ends a short
    word after white space is the end of a longer, unknown label ("文号： 文件分类：" is not 分类,
    "来源：x 发文时间：" not 时间).  A value ends at the next pair, or at any short ``label：`` after
    white space, known or not ("发布日期：2021-01-19 14:36:15   浏览次数：19432", "文章字号：").
    Values are cut from ``printed`` (the same text before simplification) when it is given.
    """
    printed = text if printed is None else printed
    matches = [m for m in _LABEL_RE.finditer(text) if m.start() == 0 or text[m.start() - 1] in _PAIR_GAP
               or (re.match(_SEP, text[m.end() - 1 : m.end()] or "x") and not _inside_label(text, m.start()))]
    pairs = []
    for n, m in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        value = text[m.end() : end]
        other = _ANY_LABEL_RE.search(value)
        if other:
            end = m.end() + other.start()
        value = printed[m.end() : end]
        pairs.append((_key(m.group(1)), value.strip(_PAIR_GAP)))
    return pairs


def _inside_label(text: str, start: int) -> bool:
    """Is the label at ``start`` the tail of a longer word: 1–4 Chinese characters just before it,
    after white space or a separator ("文件分类"), rather than the end of a value ("…办公室")?"""
    k = start
    while k > 0 and _CJK.match(text[k - 1]):
        k -= 1
    return 1 <= start - k <= 4 and (k == 0 or text[k - 1] in _PAIR_GAP)


_DATE_VALUE = re.compile(r"^(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_INDEX_VALUE = re.compile(r"^(?=.*\d)[0-9A-Za-z][0-9A-Za-z/_.\-]{5,}$")


def _looks_like(label: str, value: str) -> bool:
    """Does the line after "label：" (printed with its colon, value on the next line) fit the label?

    Only values whose shape says what they are: a date under 日期/时间, an index number under
    索引号.  Anything else (a title after an empty "文号：") stays out of the field.
    """
    if "日期" in label or "时间" in label:
        return bool(_DATE_VALUE.match(value))
    if "索引号" in label:
        return bool(_INDEX_VALUE.match(value))
    return False


def _next_value(tokens: list[Token], i: int, bare: bool) -> str | None:
    """The value of the label at ``tokens[i]`` printed in the next token, or None.

    Beside it: the next cell of its table row, the next field of its text line, or the next
    block.  A bare label (no colon) alone on a text line takes the line after it when that line
    is alone too, is no label, and is bulleted as the label is ("• 索引号" / "• SZFHCXJSJ202200002").
    """
    label, nxt = tokens[i], tokens[i + 1]
    text = clean(nxt.text)
    value = _unbullet(text)
    if _LABEL_RE.match(simplified(value)) or len(nxt.text) > 200:
        return None
    if label.in_table:
        return value if nxt.grid_key() == label.grid_key() else None
    lw, nw = label.where, nxt.where
    if "line" in lw and "line" in nw:
        if lw["line"] == nw["line"]:
            return value
        alone = (i == 0 or tokens[i - 1].where.get("line") != lw["line"]) and \
            (i + 2 >= len(tokens) or tokens[i + 2].where.get("line") != nw["line"])
        bulleted = clean(label.text)[:1] in _BULLETS
        if alone and nw["line"] == lw["line"] + 1 and value and len(value) <= 80 \
                and (text[:1] in _BULLETS) == bulleted and not _ANY_LABEL_RE.match(" " + value) \
                and (bare or _looks_like(simplified(clean(label.text)), value)):
            return value
        return None
    return value if not nxt.is_blank and len(norm(nxt.text)) <= 80 else None
