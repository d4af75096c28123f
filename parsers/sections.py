"""Find the report's six sections in the token stream.

Headings are recognised by their wording (``三、收到和处理政府信息公开申请情况``),
never by the numeral alone: ``四、结转下年度继续办理`` is a row of section 三,
not the start of section 四.  When a heading is missing (PDF extraction,
editors who drop it) the tables' own anchors stand in for it.
"""

from __future__ import annotations

import re

from .normalize import norm, simplified
from .tokens import Token

SECTION_KEYS = ("overview", "proactive_disclosure", "applications", "review_litigation",
                "problems_improvements", "other_matters")

# Normalised heading patterns (see report_format.json sections[].title/variants).
# Reports without the national tables (before 2019, or written freely) number the same headings
# differently ("二、存在的主要问题及改进情况"), so the numeral does not say which section it is.  After a
# numeral a few words may come first ("五、信息公开工作存在的主要问题…", "一、主要工作概述",
# "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况"); without one the phrase must open the line, so
# that a sentence such as "我局工作中存在问题" is not a heading.
_NUM = r"(?:[一二三四五六七八九十\d]{1,2}[、.]|\([一二三四五六七八九十\d]{1,2}\))"
_PHRASES = {
    "overview": r"(?:概述|总体情况|概况|基本情况)",
    "proactive_disclosure": r"主动公开(?:政府)?(?:信息)?(?:工作)?(?:的)?情况",
    "applications": r"收到和处理(?:政府)?信息公开申请(?:的)?情况",
    "review_litigation": r"行政复议[^，。；]{0,4}?行政诉讼(?:的)?情况",
    "problems_improvements": r"(?:存在的?(?:主要)?问题|主要问题及改进)",
    "other_matters": r"其他需要?报告的?事项",
}
_HEADINGS = {key: re.compile(rf"^(?:{_NUM}[^，。；：:]{{0,14}}?|{_NUM}?){phrase}") for key, phrase in _PHRASES.items()}
# The overview opens the report: "一、工作概况", "一、本年度政府信息公开工作的基本情况", but a "（三）基本情况"
# further down is a subsection of another section.
_FIRST = r"(?:一[、.]|\(一\)|1[、.])"
_HEADINGS["overview"] = re.compile(rf"^(?:{_FIRST}[^，。；：:]{{0,14}}?)?{_PHRASES['overview']}")
_ANCHORS = {
    "proactive_disclosure": re.compile(r"第二十条第"),
    "applications": re.compile(r"勾稽关系|申请人情况|本年新收政府信息公开申请"),
    "review_litigation": re.compile(r"^行政复议$|^行政复议行政诉讼"),
}
MAX_HEADING = 40


# All six in one pattern: one search per token instead of six (every token of a page is asked).
_ANY_HEADING = re.compile("|".join(f"(?:{p.pattern})" for p in _HEADINGS.values()))


# A section heading printed inside a paragraph: after a sentence ends ("…联系。一、总体情况"), after the
# colon that announces it ("现将…汇报如下: 一、总体情况"), or at the
# start of a line that goes on with the section's text ("一、总体情况 2022年，…"), as pages that lost
# their line breaks print it.  Only the national numbering (一、 … 六、) is looked for there.
_EMBEDDED = re.compile(
    r"(?:^|(?<=[。；;！!？?：:]))\s*([一二三四五六][、．.]\s*(?:[^，。；：:\s]{0,14}?)"
    r"(?:" + "|".join(_PHRASES.values()) + r")(?:及(?:其)?改进(?:情况|措施)|和改进(?:情况|措施))?)"
)


def split_headings(tokens: list[Token]) -> tuple[list[Token], list[int] | None]:
    """Tokens with each section heading printed inside a paragraph cut out as a token of its own,
    and where each old token now starts (None when nothing was cut).

    Most pages print headings on lines of their own; those that do not would lose the text of a
    section (its heading is never found).  Table cells are left alone.
    """
    search = _NUMBERED.search
    cut = {n: parts for n, t in enumerate(tokens)
           if not t.in_table and t.is_text and len(t.text) > 8 and search(t.text) and (parts := _heading_parts(t))}
    if not cut:  # the common case: every heading on a line of its own
        return tokens, None
    out: list[Token] | None = None
    starts: list[int] = []
    for n, t in enumerate(tokens):
        parts = cut.get(n)
        if parts and out is None:
            out = tokens[:n]
            starts = list(range(n))
        if out is not None:
            starts.append(len(out))
            if parts:
                where = {k: v for k, v in t.where.items() if k != "col"}  # pieces of a line are no row
                out.extend(Token(p, dict(where)) for p in parts)
            else:
                out.append(t)
    if out is None:
        return tokens, None
    starts.append(len(out))
    return out, starts


_NUMBERED = re.compile(r"[一二三四五六][、．.]")


def _heading_parts(t: Token) -> list[str] | None:
    text = t.text
    if not _NUMBERED.search(text):  # most paragraphs: no national numbering at all
        return None
    if len(text) <= MAX_HEADING and "。" not in text and "；" not in text:
        return None  # a short line without a sentence: a heading (or a label) on a line of its own
    cuts: list[int] = []
    for m in _EMBEDDED.finditer(simplified(text)):  # one character for one: positions hold
        start, end = m.start(1), m.end(1)
        rest = text[end:].strip()
        if start == 0 and len(rest) <= 10 and not re.search(r"[。；;，,：:]", rest.rstrip("。.；;")):
            continue  # the whole line is the heading ("…问题及整改情况", "…总体情况概述。"): nothing to cut
        if text[end:end + 1] in (",", "，", "、"):
            continue  # a list of the headings (a table of contents), not one opening its section
        cuts += [start, end]
    if not cuts:
        return None
    bounds = [0, *cuts, len(text)]
    parts = [text[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False)]
    return [p for p in parts if p]


def is_heading(token: Token) -> bool:
    """Does this token open one of the six sections (by its wording)?"""
    return token.is_text and len(token.norm) <= MAX_HEADING and _ANY_HEADING.search(token.norm) is not None


_NUMBERING = (("、", re.compile(r"^[一二三四五六七八九十]{1,2}、")), ("()", re.compile(r"^\([一二三四五六七八九十\d]{1,2}\)")),
              ("1.", re.compile(r"^\d{1,2}[、.]")))


def numbering(norm_text: str) -> str | None:
    """How a heading is numbered: "、" (一、), "()" ((一)), "1." (1. or 1、), or None."""
    for style, pattern in _NUMBERING:
        if pattern.match(norm_text):
            return style
    return None


def locate(tokens: list[Token]) -> dict[str, int]:
    """Index of the first token of each section found, in document order.

    Once a section is found numbered "一、" (the national template's numbering), a line numbered
    otherwise is a subsection ("（四）申请行政复议和提起行政诉讼情况" inside 一、总体情况), not a section.
    Other numberings lock nothing: a report may open with "1. 总体情况" and go on with "二、…".
    """
    found: dict[str, int] = {}
    start = 0
    style = None
    for key in SECTION_KEYS:
        pattern = _HEADINGS[key]
        for i in range(start, len(tokens)):
            t = tokens[i]
            if t.is_text and len(t.norm) <= MAX_HEADING and pattern.search(t.norm):
                own = numbering(t.norm)
                if style is not None and own is not None and own != style:
                    continue
                if style is None and own == "、":
                    style = own
                found[key] = i
                start = i + 1
                break
    # Fall back to table anchors for missing table sections.
    for key, anchor in _ANCHORS.items():
        if key in found:
            continue
        after = max((v for k, v in found.items() if SECTION_KEYS.index(k) < SECTION_KEYS.index(key)), default=-1)
        before = min((v for k, v in found.items() if SECTION_KEYS.index(k) > SECTION_KEYS.index(key)),
                     default=len(tokens))
        for i in range(after + 1, before):
            if tokens[i].is_text and anchor.search(tokens[i].norm):
                found[key] = i
                break
    return dict(sorted(found.items(), key=lambda kv: kv[1]))


def spans(tokens: list[Token]) -> dict[str, tuple[int, int]]:
    """(start, end) token range of each located section; a section ends where the next begins."""
    found = locate(tokens)
    keys = list(found)
    out = {}
    for n, key in enumerate(keys):
        end = found[keys[n + 1]] if n + 1 < len(keys) else len(tokens)
        out[key] = (found[key], end)
    return out


# Page furniture after the last section runs into it: share/print/close links, QR-code prompts, the
# column's name, site footers.  Only short lines are furniture.  Everything after the first of these
# (a "相关文章" list of other reports, the previous/next article) is page, not report; the others are
# dropped only at the very end.
_PAGE_END = re.compile(r"^(?:上一篇|下一篇)|^相关(?:链接|文章|阅读|新闻)[:：]?$|分享到|打印本页|关闭窗口|【打印】|【关闭】"
                       r"|扫一扫|网站地图|版权所有")
_CHROME = re.compile(_PAGE_END.pattern + r"|二维码|上一篇|下一篇|^相关(?:链接|文章|阅读)|责任编辑|主办单位|技术支持"
                     r"|^政府信息公开年报$")


def section_text(tokens: list[Token], span: tuple[int, int] | None) -> str | None:
    """The paragraphs of a text section, heading excluded, one per line, page furniture after it dropped."""
    if not span:
        return None
    lines = [t.text for t in tokens[span[0] + 1 : span[1]] if not t.is_blank]
    for k, line in enumerate(lines[1:], start=1):
        if len(line) <= 40 and _PAGE_END.search(norm(line)):
            lines = lines[:k]
            break
    while lines and len(lines[-1]) <= 40 and _CHROME.search(norm(lines[-1])):
        lines.pop()
    return "\n".join(lines) or None
