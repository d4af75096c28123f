"""The page's metadata block: 索引号, 信息名称, 发布机构, 主题分类, 发布日期, 成文日期, 文号, 关键词 …

Portals print it as label/value table cells, as ``<strong>索引号</strong>：…``
paragraphs, as spaced labels (``索 引 号：``) or as ``label: value`` pairs several
to a line.  All of these reduce to tokens whose normalised text starts with a
known label; the value is the rest of the token, or else the next token.
Fields commented out in the HTML never reach the tokens.
"""

from __future__ import annotations

import re

from .normalize import clean, norm
from .tokens import Token

# Labels seen on government portals' metadata blocks (TRS, Hanweb, gkmlpt …).
LABELS = (
    "索引号", "信息索引号", "信息名称", "名称", "标题", "文件名称", "发布机构", "发文机关", "发布单位", "公开主体",
    "信息来源", "来源", "主题分类", "信息分类", "分类", "组配分类", "体裁分类", "主题词", "关键词", "关键字", "发布日期",
    "发文日期", "公开日期", "生成日期", "成文日期", "印发日期", "发布时间", "更新时间", "废止日期", "失效日期",
    "有效性", "有效期", "发文单位",
    "文号", "发文字号", "文件编号", "公开方式", "公开范围", "公开时限", "时效", "责任部门", "所属机构", "统一编号",
)
_LABELS_BY_LEN = sorted(LABELS, key=len, reverse=True)
_SEP = r"[:：]"
_LABEL_RE = re.compile(
    "(" + "|".join(r"\s*".join(map(re.escape, lab)) for lab in _LABELS_BY_LEN) + r")\s*(?:[:：]|$)"
)
# A pair after other text on a line ("www.x.gov.cn  发布时间：2021-01-11  来源：西区审计局"): the label
# must follow white space and be followed by a colon, so that prose is not read as a field.
_INNER_LABEL_RE = re.compile(r"\s(?=(?:" + "|".join(map(re.escape, _LABELS_BY_LEN)) + r")\s*[:：])")
MAX_SCAN = 120  # tokens: the metadata block sits at the top of the page


def _key(label_text: str) -> str:
    return re.sub(r"[\s:：]", "", label_text)


def extract(tokens: list[Token], stop: int | None = None) -> dict[str, str]:
    """Label → value as printed (trimmed; "" when empty); first occurrence of each label wins."""
    out: dict[str, str] = {}
    limit = min(len(tokens), stop if stop is not None else len(tokens), MAX_SCAN)
    i = 0
    while i < limit:
        t = tokens[i]
        text = clean(t.text)
        m = _LABEL_RE.match(text)
        if not m and len(text) <= 300:
            inner = _INNER_LABEL_RE.search(text)
            if inner:
                text = text[inner.end():]
                m = _LABEL_RE.match(text)
        if not m or len(text) > 300:
            i += 1
            continue
        # One token may hold several pairs: "索引号：x 发布机构：y".
        pairs = _split_pairs(text)
        last_key, last_value = pairs[-1]
        for key, value in pairs:
            out.setdefault(key, value)
        if last_value == "" and i + 1 < limit and _is_value_cell(tokens[i + 1], t):
            out[last_key] = clean(tokens[i + 1].text) if out[last_key] == "" else out[last_key]
            i += 1
        i += 1
    return out


def _split_pairs(text: str) -> list[tuple[str, str]]:
    matches = [m for m in _LABEL_RE.finditer(text) if m.start() == 0 or text[m.start() - 1] in " \t|;；,，"
               or re.match(_SEP, text[m.end() - 1 : m.end()] or "x")]
    pairs = []
    for n, m in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        pairs.append((_key(m.group(1)), text[m.end() : end].strip(" \t|;；,，")))
    return pairs


def _is_value_cell(nxt: Token, label: Token) -> bool:
    """The next token is this label's value if it is not itself a label and sits beside it."""
    if _LABEL_RE.match(clean(nxt.text)) or len(nxt.text) > 200:
        return False
    if label.in_table:
        return nxt.grid_key() == label.grid_key()
    lw, nw = label.where, nxt.where
    if "line" in lw and "line" in nw:
        return lw["line"] == nw["line"]
    return not nxt.is_blank and len(norm(nxt.text)) <= 80
