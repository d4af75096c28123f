"""Anti-bot challenges answered with 200/202 are recorded as blocked, never taken for the page asked for.

WAFs in front of government portals do not always answer 412/521: 云锁 (Yunsuo) answers 200 with a
page whose script sets a cookie and jumps back, 瑞数 (Ruishu) 200 or 202 with a ``$_ts`` script and an
empty body.  A report URL answered that way must not become a report (nor count as archived, or the
next crawl would never fetch the real page).  The page is known by its shape: (almost) no text, and a
WAF's script or one that sets a cookie and reloads.  Never circumvented: the crawl moves on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request

from crawler.middlewares import RecordFailuresMiddleware, challenge_page

REAL = Path(__file__).parent / "fixtures" / "real"


@pytest.mark.parametrize("name", ["yunsuo_waf_challenge.html", "ruishu_challenge_nhc_stub.html"])
def test_real_challenge_pages_are_challenges(name):
    assert challenge_page((REAL / name).read_bytes())


def test_ruishu_challenge_is_known_by_its_shape_not_its_size():
    # 瑞数's challenge: a seed <meta r='m'>, kilobytes of $_ts.cd, its VM script; nothing to read.
    body = (b"<html><head><meta id=\"13JnD7t9MzWf\" content=\"" + b"s" * 120 + b"\" r='m'>"
            b"<script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=24079;$_ts.cd=\"" + b"q" * 8000 + b"\";</script>"
            b"<script src=\"/LIWghRUPB4QK/oxYRCeR1jjgO.199cf1b.js\" r='m'></script></head><body></body></html>")
    assert challenge_page(body)
    # The same script on a page with content is that page (sites keep it on every page once passed).
    page = body.replace(b"<body></body>", "<body><ul><li><a href='t1.html'>某局2023年政府信息公开工作年度报告</a>"
                        "</li><li><a href='t2.html'>某局2022年政府信息公开工作年度报告</a></li></ul></body>".encode())
    assert not challenge_page(page)


@pytest.mark.parametrize("name", ["miit_jpaas_unitbuild_shell.html", "ordos_egb_trs_xxgknb_excerpt.html",
                                  "cq_kjj_trs_createPage.html"])
def test_list_pages_and_app_shells_are_not_challenges(name):
    assert not challenge_page((REAL / name).read_bytes())


def test_a_report_answered_with_a_challenge_is_blocked_and_not_read(monkeypatch):
    events = []
    monkeypatch.setattr(RecordFailuresMiddleware, "_record",
                        lambda self, request, kind, reason, status=None, url=None: events.append((kind, reason)))
    middleware = RecordFailuresMiddleware.__new__(RecordFailuresMiddleware)
    request = Request("https://www.nhc.gov.cn/wjw/zfxxgk/t1.html",
                      meta={"nianbao_kind": "report", "nianbao_challenge": True})
    response = HtmlResponse(request.url, status=202, body=(REAL / "ruishu_challenge_nhc_stub.html").read_bytes(),
                            request=request)
    with pytest.raises(IgnoreRequest):
        middleware.process_response(request, response)
    assert events == [("blocked", "anti-bot or captcha page")]
