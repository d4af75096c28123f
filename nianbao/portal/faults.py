"""Pages that fail the way government servers fail, for testing the crawler's retries and records.

Off by default: ``start_portal(faults=True)`` lists these pages on the first
page of the TRS column (``/xxgk/ndbg/index.html``) under report titles, so a
crawler tries each one.  Each ``Fault`` names its URL, its kind and whether a
polite crawler can still get the page:

- ``retry_503``: 503 (with ``Retry-After: 1``) twice, then the report page (recoverable);
- ``error_500``: always 500;
- ``hang``: no answer for ``HANG_SECONDS`` (then the page), longer than a crawl's timeout;
- ``reset``: the connection is reset (RST) before any response;
- ``truncated``: ``Content-Length`` larger than the body sent, then the connection closes;
- ``redirect_loop``: ``loop_a.html`` → ``loop_b.html`` → ``loop_a.html`` …;
- ``mislabeled_charset``: ``charset=utf-8`` in the header and the meta tag, GBK bytes (recoverable:
  the bytes arrive, decoding them is the client's problem);
- ``anti_bot``: HTTP 412 with a tiny JavaScript cookie challenge, as WAFs answer;
- ``challenge_200``: HTTP 200 with 云锁's (Yunsuo) cookie-and-jump challenge page instead of the report
  (markup of a real one, tests/fixtures/real/yunsuo_waf_challenge.html).

Attempts are counted per URL under a lock, so concurrent requests see one sequence.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
from dataclasses import dataclass

from .render import random_report
from .site import LABELS, Entry, Response, xxgk_detail

ROOT = "/gzyl"  # 故障演练
HANG_SECONDS = 30.0
FAILURES_BEFORE_SUCCESS = 2

# kind → (file name, issuing body, recoverable, seed)
_KINDS = {
    "retry_503": ("t20250115_900001.html", "东湖区应急管理局", True, 9001),
    "error_500": ("t20250115_900002.html", "东湖区审计局", False, 9002),
    "hang": ("t20250115_900003.html", "东湖区统计局", False, 9003),
    "reset": ("t20250115_900004.html", "东湖区司法局", False, 9004),
    "truncated": ("t20250115_900005.html", "东湖区商务局", False, 9005),
    "redirect_loop": ("loop_a.html", "东湖区文化和旅游局", False, 9006),
    "mislabeled_charset": ("t20250115_900007.html", "东湖区农业农村局", True, 9007),
    "anti_bot": ("t20250115_900008.html", "东湖区水务局", False, 9008),
    "challenge_200": ("t20250115_900009.html", "东湖区林业局", False, 9009),
}
LOOP_B = f"{ROOT}/loop_b.html"

ANTI_BOT_BODY = (b'<html><head><meta charset="utf-8"></head><body><script>'
                 b'var _0x2c=["__jsl_clearance_s=1740969000.512|0|","max-age=3600;path=/"];'
                 b'document.cookie=_0x2c[0]+"8f3a"+";"+_0x2c[1];location.href=location.pathname+location.search'
                 b"</script></body></html>")

# 云锁 (Yunsuo) answers 200 with this page and expects the browser to come back with a cookie.
CHALLENGE_200_BODY = b"""<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" /><meta http-equiv="Connection" content="Close" />
<script type="text/javascript">
function stringToHex(str) {
    var val = "";
    for (var i = 0; i < str.length; i++) {
        if (val == "") val = str.charCodeAt(i).toString(16);
        else val += str.charCodeAt(i).toString(16);
    }
    return val;
}
function YunSuoAutoJump() {
    var width = screen.width;
    var height = screen.height;
    var screendate = width + "," + height;
    var curlocation = window.location.href;
    if (-1 == curlocation.indexOf("security_verify_")) {
        document.cookie = "srcurl=" + stringToHex(window.location.href) + ";path=/;";
    }
    self.location = "/gzyl/t20250115_900009.html?security_verify_data=" + stringToHex(screendate);
}
</script>
<script>setTimeout("YunSuoAutoJump()", 50);</script>
</head></html>"""


@dataclass(frozen=True)
class FaultPage:
    """Everything the server needs for one fault path (paths relative to the host)."""

    path: str
    kind: str
    recoverable: bool
    title: str
    report: dict
    entry: Entry


def fault_pages() -> list[FaultPage]:
    out = []
    for kind, (name, body, recoverable, seed) in _KINDS.items():
        report = random_report(random.Random(seed), "2021", body=body, year=2024)
        path = f"{ROOT}/{name}"
        meta = dict.fromkeys(LABELS, "")
        meta.update({"索引号": f"008675399/2025-{seed:05d}", "信息名称": report["title"], "发布机构": body,
                     "主题分类": "综合政务/政务公开", "发布日期": "2025-01-15", "成文日期": "2025-01-13"})
        entry = Entry("xxgk", path, report["title"], meta, "2025-01-15", report, "plain")
        out.append(FaultPage(path, kind, recoverable, report["title"], report, entry))
    return out


class Faults:
    """Serves the fault paths; ``serve`` returns a Response, or None when it dealt with the socket itself."""

    def __init__(self, stopping: threading.Event) -> None:
        self.pages = {p.path: p for p in fault_pages()}
        self.stopping = stopping
        self._lock = threading.Lock()
        self._attempts: dict[str, int] = {}

    def attempts(self, path: str) -> int:
        with self._lock:
            return self._attempts.get(path, 0)

    def _count(self, path: str) -> int:
        with self._lock:
            self._attempts[path] = n = self._attempts.get(path, 0) + 1
            return n

    def handles(self, path: str) -> bool:
        return path in self.pages or path == LOOP_B

    def serve(self, path: str, handler) -> Response | None:
        if path == LOOP_B:
            self._count(path)
            return _redirect(f"{ROOT}/{_KINDS['redirect_loop'][0]}")
        page = self.pages[path]
        n = self._count(path)
        html = xxgk_detail(page.entry)
        ok = Response(html.encode("utf-8"), "text/html; charset=utf-8")
        kind = page.kind
        if kind == "retry_503":
            if n <= FAILURES_BEFORE_SUCCESS:
                return Response(b"<h1>503 Service Unavailable</h1>", "text/html; charset=utf-8", 503,
                                headers=(("Retry-After", "1"),))
            return ok
        if kind == "error_500":
            return Response(b"<h1>500 Internal Server Error</h1>", "text/html; charset=utf-8", 500)
        if kind == "hang":
            self.stopping.wait(HANG_SECONDS)
            return ok
        if kind == "reset":
            conn = handler.connection
            # Linger 0: close() sends RST instead of FIN, as a firewall dropping the connection does.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.close_connection = True
            conn.close()
            return None
        if kind == "truncated":
            handler.send_response(200)
            handler.send_header("Content-Type", ok.content_type)
            handler.send_header("Content-Length", str(len(ok.body)))
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(ok.body[: len(ok.body) // 3])
            handler.wfile.flush()
            handler.close_connection = True
            return None
        if kind == "redirect_loop":
            return _redirect(LOOP_B)
        if kind == "mislabeled_charset":
            return Response(html.encode("gbk", errors="xmlcharrefreplace"), "text/html; charset=utf-8")
        if kind == "anti_bot":
            return Response(ANTI_BOT_BODY, "text/html; charset=utf-8", 412)
        if kind == "challenge_200":
            return Response(CHALLENGE_200_BODY, "text/html; charset=utf-8")
        raise AssertionError(kind)  # pragma: no cover


def _redirect(location: str) -> Response:
    return Response(f'<a href="{location}">Found</a>'.encode(), "text/html; charset=utf-8", 302,
                    headers=(("Location", location),))
