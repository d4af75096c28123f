"""Shared fixtures: paths of the frozen fixtures and a way to run the real CLI."""

from __future__ import annotations

import json
import os
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
