"""Bytes in, canonical report out: the one entry point of the parsers package.

``parse_bytes`` never raises: whatever the input, it returns a report dict whose
``status`` and ``errors`` say what could not be read, so that a bad page is
still listed with its error rather than lost.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import checks, html, metadata, schema, sections, tables
from .normalize import clean, norm, simplified
from .tokens import Token, text_tokens

REPORT_WORDS = re.compile(r"年度报告|工作报告|年报")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(r"统计(?:期限|时限|时间|区间)[^0-9]{0,6}?((?:19|20)\d{2})\s*年")
# A year in prose, not a full date: "2022年01月24日 08:47" beside the report is when it was published.
_YEAR_IN_TEXT = re.compile(r"(?<![\d〔\[(（])((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
# Years written in Chinese numerals: 二〇一九年, with ○ (a circle) or Ｏ (a letter) for the zero.
_CN_YEAR = re.compile(r"[〇○◯ＯOo零一二三四五六七八九]{4}(?=\s*年)")
_CN_DIGITS = str.maketrans("〇○◯ＯOo零一二三四五六七八九", "000000" + "0123456789")


def arabic_years(text: str) -> str:
    """"二○一九年" → "2019年" (same length, so positions in the printed text still hold)."""
    if not _CN_YEAR.search(text):
        return text
    return _CN_YEAR.sub(lambda m: y if (y := m.group(0).translate(_CN_DIGITS)).startswith(("19", "20")) else m.group(0),
                        text)


# A title's trailing note is not part of the body's name: "…年度报告（图片版）", "…年报(修订)".
_TITLE_NOTE = re.compile(r"\s*[（(][^（()）]{1,8}[)）]\s*$")
_REPORT_NAME = re.compile(
    r"(?:关于)?(?:(?:19|20)\d{2}\s*(?:年度?)?)?(?:的)?(?:政府)?(?:信息公开|政务公开)?(?:工作)?(?:年度)?(?:报告|年报)$"
)
# What is not the report's own heading: a notice publishing it ("…年度报告的通知"), and a flipbook's
# page caption before it ("Page 8 - …").
_NOTICE = re.compile(r"(?:的)?(?:通知|公告|批复|函)$")
_PAGE_CAPTION = re.compile(r"^(?:Page|P\.?)\s*\d+\s*[-—–:]\s*", re.I)
_PUBLISHERS = ("发布机构", "发文机关", "发布单位", "公开主体")
_TITLES = ("信息名称", "名称", "标题", "文件名称")

_HTML_MARK = re.compile(rb"<html", re.I)
_TABLE_MARK = re.compile(rb"<table", re.I)
TEXT_EXT = {".txt", ".text", ".md"}
HTML_EXT = {".html", ".htm", ".shtml", ".xhtml", ".jsp", ".php", ".asp", ".aspx"}
LEGACY_EXT = {".doc", ".wps", ".xls", ".xlsx", ".et", ".ppt", ".rtf", ".ofd", ".zip", ".rar"}


def detect_format(data: bytes, filename: str | None, content_type: str | None) -> str:
    ext = Path(filename or "").suffix.lower()
    ctype = (content_type or "").lower()
    if data[:5] == b"%PDF-" or ext == ".pdf" or "pdf" in ctype:
        return "pdf"
    if data[:4] == b"PK\x03\x04" and (ext == ".docx" or "wordprocessingml" in ctype or not ext):
        return "docx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: .doc/.wps/.xls/.et, whatever the name says
        return "unsupported"
    if ext in LEGACY_EXT:
        head = data[:1024].lstrip().lower()
        if head.startswith((b"<html", b"<!doctype html")) or b"<table" in head:
            return "html"  # Word "save as web page" published under a .doc name is HTML
        return "unsupported"
    if "msword" in ctype:
        return "unsupported"
    if ext in TEXT_EXT or ctype.startswith("text/plain"):
        return "text"
    # A name or type says HTML; else the markup does (searched without copying the page to lower it).
    if ext in HTML_EXT or "html" in ctype or _HTML_MARK.search(data, 0, 4096) or _TABLE_MARK.search(data, 0, 65536):
        return "html"
    return "text"


def _binary(data: bytes) -> bool:
    """Bytes that are no text: NULs, or many control characters (text has tabs and line breaks only)."""
    head = data[:4096]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(head) // 100 + 2


def decode_text(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def empty_report(fmt: str) -> dict:
    return {
        "template_version": "none", "reporting_year": None, "issuing_body": None, "title": None,
        "metadata": {}, "format": fmt, "status": "ok",
        "texts": {"overview": None, "problems_improvements": None, "other_matters": None},
        "proactive_disclosure": {}, "applications": {}, "review_litigation": {},
        "provenance": {}, "checks": [], "errors": [], "warnings": [],
    }


def parse_bytes(data: bytes, *, filename: str | None = None, content_type: str | None = None,
                url: str | None = None) -> dict:
    """Parse one report file or page; never raises."""
    fmt = detect_format(data, filename, content_type)
    report = empty_report(fmt)
    try:
        if fmt == "unsupported":
            report["status"] = "unsupported_format"
            report["errors"].append(f"unsupported format ({Path(filename or '').suffix or content_type or 'unknown'})")
            return report
        page_title = None
        images: list[int] = []
        if fmt == "pdf":
            from .pdf import pdf_tokens

            try:
                tokens, _info, images = pdf_tokens(data)
            except Exception as exc:  # noqa: BLE001 - pdfminer raises many types on damaged files
                report["status"] = "error"
                report["errors"].append(f"unreadable PDF: {type(exc).__name__}: {str(exc)[:200]}")
                return report
            if not any(t.is_text for t in tokens):
                report["status"] = "error"
                report["errors"].append("PDF has no text layer (scanned image?); OCR is not done")
                return report
        elif fmt == "docx":
            from .docx import docx_tokens

            tokens, images = docx_tokens(data)
        elif fmt == "html":
            root = html.read_html(data, content_type)
            if root is None:
                report["status"] = "error"
                report["errors"].append("empty or unreadable HTML")
                return report
            tokens = html.html_tokens(root, images=images)
            page_title = html.page_title(root)
        else:
            if _binary(data):
                report["status"] = "error"
                kind = f" (named {Path(filename).suffix})" if filename and Path(filename).suffix else ""
                report["errors"].append(f"not a readable report file: binary data of no known format{kind}")
                return report
            tokens = text_tokens(decode_text(data))
        fill(report, tokens, page_title, images)
    except Exception as exc:  # noqa: BLE001 - the contract is: never raise, say what failed
        report["status"] = "error"
        report["errors"].append(f"{type(exc).__name__}: {exc}")
    return report


def detect_version(tokens: list[Token]) -> str | None:
    text = "".join(t.norm for t in tokens if t.is_text and len(t.norm) < 120)
    scores = {v: sum(m in text for m in marks) for v, marks in schema.detection_markers().items()}
    best = max(scores, key=scores.get)
    return best if scores[best] else None


def fill(report: dict, tokens: list[Token], page_title: str | None, images: list[int] = ()) -> None:
    tokens, starts = sections.split_headings(tokens)
    if starts is not None:  # images were placed by token index: where those tokens start now
        images = [starts[min(i, len(starts) - 1)] for i in images]
    spans = sections.spans(tokens)
    first_section = min((s for s, _ in spans.values()), default=len(tokens))
    report["metadata"] = metadata.extract(tokens, stop=first_section if first_section > 0 else None)
    report["title"] = find_title(tokens[:first_section], report["metadata"], page_title)
    report["reporting_year"] = find_year(report["title"], tokens)
    version = detect_version(tokens)
    has_tables = any(k in spans for k in ("proactive_disclosure", "applications", "review_litigation"))
    out = tables.Extraction()
    if version and has_tables:
        report["template_version"] = version
        found = 0
        if "proactive_disclosure" in spans:
            found += tables.proactive_disclosure(tokens, spans["proactive_disclosure"], version, out)
        if "applications" in spans:
            found += tables.applications(tokens, spans["applications"], version, out)
        if "review_litigation" in spans:
            found += tables.review_litigation(tokens, spans["review_litigation"], out)
        for key in ("proactive_disclosure", "applications", "review_litigation"):
            report[key] = out.values.get(key, {})
            if key not in spans:
                report["errors"].append(f"section {key} not found")
        for key in ("applications", "review_litigation"):
            if key in spans and not any(v is not None for k, v in out.cells.items() if k.startswith(key + ".")):
                report["warnings"].append(f"{key}: its labels were found but not one value")
        if not found:
            report["status"] = "error"
            report["errors"].append("standard tables found but no values could be read")
        elif report["errors"]:
            report["status"] = "partial"
    elif "review_litigation" in spans and review_table_printed(tokens, spans["review_litigation"]):
        # No 二/三 label names the template (a flipbook page holding only section 四): section 四's
        # table is the same in both templates, so its values are read; the template stays unknown.
        found = tables.review_litigation(tokens, spans["review_litigation"], out)
        report["review_litigation"] = out.values.get("review_litigation", {})
        for key in ("proactive_disclosure", "applications"):
            if key not in spans:
                report["errors"].append(f"section {key} not found")
                continue
            # 四 printed as a table while 二 and 三 were pasted as pictures (county portals do): say so.
            pictures = sum(spans[key][0] < i <= spans[key][1] for i in images)
            report["errors"].append(f"section {key}: no standard table found" + (
                f"; {pictures} image(s) there: tables printed as pictures are not read (no OCR)" if pictures else ""))
        if not found:
            report["errors"].append("section review_litigation: its table was found but not one value")
        report["status"] = "partial"
    else:
        missing_tables(report, tokens, spans, images)
    report["provenance"] = out.provenance
    report["warnings"].extend(out.warnings)
    report["texts"] = {k: sections.section_text(tokens, spans.get(k))
                       for k in ("overview", "problems_improvements", "other_matters")}
    report["issuing_body"] = find_body(report["metadata"], report["title"])
    report["checks"] = checks.evaluate(report, out.cells)
    if report["status"] == "ok" and not (spans or report["title"] or report["reporting_year"]):
        # Not one mark of a report: no heading of its sections, no title, no year.
        report["status"] = "error"
        report["errors"].append("no report found: no title, year, section heading or table")


# Section 四's table is known by its two lawsuit groups, printed by both templates and by no
# report written before them (those say "行政复议、行政诉讼" in prose).
_LAWSUIT_GROUPS = ("未经复议直接起诉", "复议后起诉")


def review_table_printed(tokens: list[Token], span: tuple[int, int]) -> bool:
    """Does section 四 print the national table (its header's lawsuit groups), whatever the template?"""
    text = "".join(t.norm for t in tokens[span[0]:span[1]] if t.is_text and len(t.norm) < 120)
    return all(g in text for g in _LAWSUIT_GROUPS)


def missing_tables(report: dict, tokens: list[Token], spans: dict, images: list[int]) -> None:
    """Say why a report has no table values, and whether that is a failure.

    Reports from 2019 on must print the national tables: without them the values are missing, not
    absent, so the parse is ``partial`` (a page whose tables live in an attachment is then read
    from the attachment).  Older reports had no standard tables: for them this is only a warning.
    Tables printed as pictures, common on county portals, are named: no OCR is done.
    """
    table_keys = [k for k in ("proactive_disclosure", "applications", "review_litigation") if k in spans]
    year = report["reporting_year"]
    if "applications" not in spans and not (year and year >= 2019):
        if table_keys:
            report["warnings"].append("table sections found but neither template recognised")
        return
    if table_keys:
        start = min(spans[k][0] for k in table_keys)
        end = max(spans[k][1] for k in table_keys)
        where = "in sections 二–四"
    else:
        start, end, where = 0, len(tokens), "on the page"
    pictures = sum(start < i <= end for i in images)  # an image at i is drawn just before token i
    message = f"no standard tables found {where}"
    if pictures:
        message += f"; {pictures} image(s) there: tables printed as pictures are not read (no OCR)"
    report["status"] = "partial"
    report["errors"].append(message)


# Breadcrumbs and menus ("首页 > 政府信息公开 > 年度报告") name the column, not the report.
_NAVIGATION = re.compile(r"[>＞»→›]|当前位置|您的位置|^首页")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff\d])\s+(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\s+(?=\d)")


def find_title(head: list[Token], meta: dict, page_title: str | None) -> str | None:
    """The report's own heading, else the metadata's 信息名称, else the page <title>.

    A metadata value ("组配分类：政府信息公开年报") is not the heading, and a bare report name without a
    body or a year (a column name such as 政府信息公开年报) is taken only when nothing better is printed.
    """
    # A value naming a year's report (关键字 often repeats the title) names this report: only the others
    # (a column or class such as 政府信息公开年报) are not its heading.
    values = {clean(v).replace(" ", "") for k, v in meta.items()
              if v and k not in _TITLES and not _YEAR_IN_TITLE.search(arabic_years(v))}
    generic = None
    candidates: list[str] = []
    for n, t in enumerate(head[:60]):
        text = _PAGE_CAPTION.sub("", _CJK_GAP.sub("", clean(t.text)))  # PDF text layers: spaces between 2024 and 年
        if t.is_text and len(text) <= 80 and REPORT_WORDS.search(t.norm) and ":" not in text \
                and "：" not in text and not any(text.startswith(lab) for lab in metadata.LABELS) \
                and not _NAVIGATION.search(text) and text.replace(" ", "") not in values:
            title = _two_lines(head, n, text)
            if len(title) < 6:
                continue
            if _REPORT_NAME.fullmatch(norm(title)) or _NOTICE.search(title):
                generic = generic or title
                continue
            candidates.append(title)
    if candidates:
        return _agreed(candidates, [meta[k] for k in _TITLES if meta.get(k)] + ([page_title] if page_title else []))
    for key in _TITLES:
        if meta.get(key):
            return meta[key]
    if page_title and REPORT_WORDS.search(norm(page_title)):
        return re.split(r"\s*[_|-]\s*", page_title)[0] or page_title
    return generic


def _agreed(candidates: list[str], names: list[str]) -> str:
    """The heading that the page's other names for itself (信息名称, <title>) agree with, else the first.

    Pages list other reports before the article (a sidebar of "往年年报", related links): the
    report's own heading is the one its metadata and <title> repeat.
    """
    named = [norm(x) for x in names if x]
    for title in candidates:
        t = norm(title)
        if any(t in x or (len(x) >= 6 and x in t) for x in named):
            return title
    return candidates[0]


def _two_lines(head: list[Token], n: int, text: str) -> str:
    """A title printed on two lines, joined: "淮安市人民政府" / "2024年政府信息公开工作年度报告", or
    "道县文广新局2013年度信息公开工作" / "年度报告"."""
    if not n or not head[n - 1].is_text:
        return text
    prev = clean(head[n - 1].text)
    if not (2 <= len(prev) <= 40) or re.search(r"[，。,.:：；;]", prev) or REPORT_WORDS.search(norm(prev)):
        return text
    starts_with_year = re.match(r"(?:19|20)\d{2}\s*年", text)
    if (starts_with_year and len(prev) <= 30) or (not _YEAR_IN_TITLE.search(text) and _YEAR_IN_TITLE.search(prev)):
        return prev.replace(" ", "") + text
    return text


def find_year(title: str | None, tokens: list[Token]) -> int | None:
    """Reporting year from the title, else the statistics period, else the first year in the text."""
    if title:
        m = _YEAR_IN_TITLE.search(arabic_years(title))
        if m:
            return int(m.group(1))
    body = "\n".join(t.text for t in tokens if t.is_text and len(t.text) > 10)
    m = _PERIOD.search(body) or _YEAR_IN_TEXT.search(body)
    return int(m.group(1)) if m else None


# A body's name ends with what it is; one that names its place (白银区统计局, not 市教育局 or 审计局)
# says whose report it is without the portal's help.
_BODY_SUFFIX = re.compile(r"(?:人民政府|政府|局|委员会|委|办公室|办|厅|署|院|中心|所|处|队|馆|站|会|街道办事处|"
                          r"街道|镇|乡|苏木|管委会|公司|集团|学校|大学|学院|医院)$")
_PLACED = re.compile(r".+?(?:省|自治区|市|区|县|旗|州|盟|镇|乡|街道)")


def find_body(meta: dict, title: str | None) -> str | None:
    """The body whose report it is: the publisher the metadata names, unless the title names
    another body, with its place (then the title's).

    Portals on a shared platform (集约化) often print the portal's owner as 发布机构 on every page,
    a department's report included (发布机构：白银区人民政府 over 白银区统计局2020年…年度报告): the
    report's own title says whose report it is.  Where the two agree (one contains the other), the
    metadata's fuller official name is kept; a title without a body, or naming one without its
    place (市教育局, 审计局), leaves the metadata's.
    """
    published = next((meta[key] for key in _PUBLISHERS if meta.get(key)), None)
    named = title_body(title) if title else None
    if not published:
        return named
    if named and _BODY_SUFFIX.search(named) and _PLACED.match(_BODY_SUFFIX.sub("", named)):
        a, b = simplified(named.replace(" ", "")), simplified(published.replace(" ", ""))
        if a not in b and b not in a:
            return named
    return published


def title_body(title: str) -> str | None:
    """What a report's title names before the report's name (the year left out)."""
    printed = arabic_years(_TITLE_NOTE.sub("", _PAGE_CAPTION.sub("", clean(title)).replace(" ", "")))
    # A file or book name joins its fields with "_" ("2020年报_审计局", a flipbook's caption): the
    # field that is the report's name is not the body, wherever it stands.
    fields = [f for f in re.split(r"[_＿]+", printed) if f]
    if len(fields) > 1:
        names = [f for f in fields if _REPORT_NAME.fullmatch(simplified(f))]
        if names and len(names) < len(fields):
            printed = "".join(f for f in fields if f not in names) + names[0]
    # Match on the simplified form (a 1:1 character map) so traditional-script titles work, and cut
    # the printed title at the same place: the body is returned as printed.
    m = _REPORT_NAME.search(simplified(printed))
    rest = printed[: m.start()] if m else printed
    rest = re.sub(r"(?:(?:19|20)\d{2}\s*[-—–~至]\s*)?(?:19|20)\d{2}\s*(?:学年度?|年度?)?$", "", rest).strip("—-_ ")
    rest = re.sub(r"^(?:19|20)\d{2}\s*年度?", "", rest).strip("—-_ ")
    return rest or None


def parse_file(path: str | Path) -> dict:
    p = Path(path)
    return parse_bytes(p.read_bytes(), filename=p.name)


def page_metadata(data: bytes, content_type: str | None = None) -> dict[str, str]:
    """Only the metadata block of an HTML page (what the crawler archives alongside it)."""
    # The block sits at the top: the first tokens are enough, and the report is neither parsed
    # nor walked.
    tokens = html.top_tokens(html.decode_html(data, content_type), metadata.MAX_SCAN, sections.is_heading)
    if tokens is None:
        return {}
    spans = sections.spans(tokens)
    first = min((s for s, _ in spans.values()), default=len(tokens))
    return metadata.extract(tokens, stop=first if first > 0 else None)
