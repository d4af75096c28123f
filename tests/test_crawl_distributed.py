"""Two crawler processes sharing one Redis queue and dupe filter archive what one process does."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter

import pytest
from conftest import REPO, free_port, require, run_cli

from archive import Archive
from nianbao.portal.server import start_portal

REDIS = shutil.which("redis-server")



@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    require([] if REDIS else ["redis-server (apt-get install redis-server)"], "distributed-crawl tests")
    port = free_port()
    proc = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path_factory.mktemp("redis"))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def payloads(data) -> Counter:
    """(URL, sha256) of every payload archived as a response, robots.txt aside (each process asks for it)."""
    with Archive(data / "archive") as archive:
        return Counter((r.url, r.sha256) for r in archive.records()
                       if r.record_type == "response" and not r.url.endswith("/robots.txt"))


def test_two_workers_share_the_work_and_duplicate_nothing(redis_url, tmp_path):
    with start_portal() as portal:
        single = tmp_path / "single"
        assert run_cli("crawl", portal.url, "--data", str(single), "--delay", "0").returncode == 0

        shared = tmp_path / "shared"
        # Slow enough that the second worker joins while the first is still busy.
        args = [sys.executable, "-m", "nianbao", "crawl", portal.url, "--data", str(shared), "--delay", "0.2",
                "--redis", redis_url, "--job", "t1",
                "-s", "CONCURRENT_REQUESTS=2"]
        first = subprocess.Popen([*args, "--fresh"], cwd=REPO,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        second = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        outputs = []
        for proc in (first, second):
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err[-3000:]
            outputs.append(int(re.search(r"(\d+) responses archived", out).group(1)))
        assert all(n > 0 for n in outputs), f"a worker did nothing: {outputs}"

        assert payloads(shared) == payloads(single)
        assert set(payloads(single).values()) == {1}
        with Archive(shared / "archive") as archive:
            reports = {r.url for r in archive.records(kind="report")}
            assert reports == {e.url for e in portal.reports}
            assert reports <= archive.complete_urls("report")


def test_unreachable_redis_is_a_clear_error(tmp_path):
    result = run_cli("crawl", "http://127.0.0.1:9/", "--data", str(tmp_path), "--redis",
                     f"redis://127.0.0.1:{free_port()}/0")
    assert result.returncode != 0
    assert "cannot reach Redis" in result.stderr and "Traceback" not in result.stderr
