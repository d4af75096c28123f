"""Shared fixtures: paths of the frozen fixtures and a way to run the real CLI."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run `nianbao ...` as a user would, in a child process."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", "nianbao", *args], capture_output=True, text=True,
                          cwd=cwd or REPO, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def portal():
    """The sample portal on 127.0.0.1, one per test module (a module may define its own)."""
    from nianbao.portal.server import start_portal

    with start_portal() as p:
        yield p


def require(missing: list[str], what: str) -> None:
    """Tests that drive an outside program: skipped, saying why, when it is missing, except in CI
    (CI=true), where ``.ci/run`` installs it and a skip would hide a failure."""
    if not missing:
        return
    message = f"{what} need " + " and ".join(missing)
    if os.environ.get("CI"):
        pytest.fail(message + " — CI is set, so they may not be skipped")
    pytest.skip(message)


def free_port() -> int:
    """A port nothing listens on right now, for servers the tests start."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


TEXT_PLAIN = [("Content-Type", "text/plain; charset=utf-8")]


def archive_page(archive, url: str, body: bytes, headers=TEXT_PLAIN, kind: str = "report",
                 meta: dict | None = None):
    """Put a page in an archive as the crawler would: the response, then (for reports) its metadata."""
    rec = archive.write_response(url=url, status=200, headers=list(headers), body=body, kind=kind)
    if kind == "report":
        archive.add_metadata(rec.record_id, kind="report", page_metadata={"list_title": url, **(meta or {})})
    return rec


def flatten(node: dict, prefix: str = "") -> dict:
    """{"a": {"b": 1}} -> {"a.b": 1}: cell paths as in report_format.json."""
    out = {}
    for k, v in node.items():
        path = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, path + "."))
        else:
            out[path] = v
    return out


def load_expected(name: str) -> dict:
    return json.loads((FIXTURES / "expected" / f"{name}.json").read_text("utf-8"))


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
