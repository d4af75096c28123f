"""Is a list entry an annual report on government information disclosure?

Decided from the title (and the URL for attachments), for every year and every
wording portals use: 政府信息公开工作年度报告, 年度政府信息公开工作报告,
政府信息公开年报, 政务公开工作年度报告 … while skipping the items that share
words with them: 工作要点, 指南, 制度, 决算, 统计年报 of other kinds.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urljoin, urlsplit

_REPORT = re.compile(
    r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:工作)?(?:年度报告|年报|工作报告|情况报告|报告)"
    r"|(?:政府|政务)信息公开.{0,12}年度.{0,6}报告"
    r"|年度(?:政府|政务)?信息公开(?:工作)?(?:情况)?报告"
    r"|政务公开工作年度报告"
)
# Documents about reports (…填报问题的解释, 编制说明) share their words; so do notices and guides.
_NOT_REPORT = re.compile(r"要点|指南|制度|规定|办法|目录|决算|预算|通知|意见|方案|计划|解读|公告|公示|申请表|监督检查|考核|培训"
                         r"|解释|说明|填报")
# Reports name their year (2023年, 2023年度, （2023）, 二〇二三年, 二○一九年, 二Ｏ一九年); column names
# ("政府信息公开年报") do not.  〇 is written as ○ (U+25CB), 零, or a (fullwidth) letter O.
_YEAR = re.compile(r"(?:19|20)\d{2}|[二〇○O零一二三四五六七八九]{4}年")
# A date (of publication) is not the year a report is about: 2021-01-05, 2021/1/5, 2021年1月5日.
_DATE = re.compile(r"(?<!\d)\d{4}(?:[-/.]\d{1,2}[-/.]\d{1,2}|年\d{1,2}月\d{1,2}日)")
# A report column: 年报/年度报告, or 工作报告 of 信息公开/政务公开 (政府工作报告 is the government work report).
_COLUMN = re.compile(r"年报|年度报告|(?:信息|政务)公开.{0,4}工作报告")
# Files a report is published as (PDF, Word, WPS, Excel, OFD, archives).
FILE_EXTENSIONS = "pdf|docx?|wps|xlsx?|et|ofd|zip|rar"
_ATTACHMENT = re.compile(rf"\.(?:{FILE_EXTENSIONS})(?:$|\?)", re.I)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


# Lists clip long titles: "…2022年政府信息公开工作年度报..." (the title attribute is not always there).
CLIPPED = re.compile(r"(?:\.{2,}|…+)\s*$")


def _unclip(t: str) -> str:
    """Complete a clipped title's last word when it can only be 报告 (年度报→年度报告)."""
    if not CLIPPED.search(t):
        return t
    t = CLIPPED.sub("", t)
    if t.endswith(("年度报", "工作报")):
        return t + "告"
    return t


def is_report_title(title: str) -> bool:
    """True for the title of an annual disclosure report (any year, any common wording)."""
    t = _unclip(_norm(title))
    if not _REPORT.search(t) or not _YEAR.search(_DATE.sub("", t)):
        return False
    # "关于印发…年度报告…的通知" is a notice about reports, not a report.
    return not _NOT_REPORT.search(t.replace("年度报告", "").replace("工作报告", ""))


def is_report_column(text: str) -> bool:
    """A navigation link to the annual-report column: report words, no year, short."""
    t = _norm(text)
    return bool(_COLUMN.search(t)) and not _YEAR.search(t) and len(t) <= 20 and not _NOT_REPORT.search(t)


_SECTION = re.compile(r"信息公开|政务公开|政府信息")


def is_section_link(text: str) -> bool:
    """A navigation link to a 信息公开 section (which may lead to the report column), not a document."""
    t = _norm(text)
    return bool(_SECTION.search(t)) and len(t) <= 10 and not _YEAR.search(t) and not _NOT_REPORT.search(t)


def is_attachment(url: str) -> bool:
    return bool(_ATTACHMENT.search(url))


# Query parameters in which document viewers (pdf.js's viewer.html?file=, office previewers) name the file.
_VIEWER_PARAMS = frozenset(("file", "url", "src", "path", "filepath", "fileurl", "furl", "pdf", "doc"))


def unwrap_viewer(url: str) -> str:
    """The file a viewer URL shows, else the URL itself.

    Portals embed a report's PDF through pdf.js (``/pdfjs/web/viewer.html?file=/upload/x.pdf``) or
    an office previewer: the file is what must be archived, not the viewer's page.
    """
    parts = urlsplit(url)
    if parts.query and not _ATTACHMENT.search(parts.path):
        for key, value in parse_qsl(parts.query):
            if key.lower() in _VIEWER_PARAMS and is_attachment(value):
                return urljoin(url, value.strip())
    return url
