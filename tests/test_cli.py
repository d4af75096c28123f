"""The command line as users meet it: --help everywhere, one clear line for every user error."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

COMMANDS = ("crawl", "build", "serve", "parse", "demo")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0 and "Usage: " in result.stdout and "--help" in result.stdout


def one_line_error(result) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "no error message"
    return lines[-1]


def test_bad_urls(tmp_path):
    assert "not an http(s) URL" in one_line_error(run_cli("crawl", "ftp://x", "--data", str(tmp_path)))
    assert "not an http(s) URL" in one_line_error(run_cli("crawl", "nonsense", "--data", str(tmp_path)))
    assert "not an http(s) URL" in one_line_error(run_cli("crawl", "http://[::1", "--data", str(tmp_path)))


def test_a_portal_that_cannot_be_reached_fails_in_a_few_lines(tmp_path):
    """Nothing listens on the port: the crawl says why each request failed, in one line each (no
    tracebacks), and exits non-zero, since nothing was archived."""
    from conftest import free_port

    result = run_cli("crawl", f"http://127.0.0.1:{free_port()}/", "--data", str(tmp_path), "--delay", "0")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "Connection was refused" in result.stderr
    assert "nothing was archived" in one_line_error(result)
    assert "0 responses archived" in result.stdout


def test_no_start_url_or_portal(tmp_path):
    assert "--portal" in one_line_error(run_cli("crawl", "--data", str(tmp_path)))
    assert "no portal named" in one_line_error(run_cli("crawl", "--portal", "不存在的机关", "--data", str(tmp_path)))


def test_unwritable_data_dir(tmp_path):
    blocker = tmp_path / "file"  # a path below a file cannot be created, even by root
    blocker.write_text("x")
    for command in (("demo", "--no-serve"), ("crawl", "http://127.0.0.1:9/")):
        assert "not writable" in one_line_error(run_cli(*command, "--data", str(blocker / "sub")))


def test_build_and_serve_without_data(tmp_path):
    assert "no archive" in one_line_error(run_cli("build", "--data", str(tmp_path)))
    assert "no database" in one_line_error(run_cli("serve", "--data", str(tmp_path)))


def test_bad_settings_and_options(tmp_path):
    assert "NAME=VALUE" in one_line_error(run_cli("crawl", "http://127.0.0.1:9/", "-s", "oops", "--data", str(tmp_path)))
    assert "Invalid value" in one_line_error(run_cli("build", "--workers", "0", "--data", str(tmp_path)))
    for option in (("--fresh",), ("--job", "x")):
        assert "need --redis" in one_line_error(run_cli("crawl", "http://127.0.0.1:9/", *option, "--data", str(tmp_path)))


def test_parse_goes_on_past_a_file_it_cannot_read_and_says_which(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("某某县2023年政府信息公开工作年度报告\n一、总体情况\n2023年，我县……\n", encoding="utf-8")
    result = run_cli("parse", str(good), str(tmp_path / "missing.html"), str(good))
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 2  # both good files, around the missing one
    assert f"{tmp_path / 'missing.html'}: cannot read" in result.stderr


def test_parse_says_error_for_what_is_no_report(tmp_path):
    noise = tmp_path / "noise.docx"
    noise.write_bytes(bytes(range(256)) * 8)  # named .docx, no zip: binary of no known format
    hello = tmp_path / "hello.txt"
    hello.write_text("hello world\n", encoding="utf-8")
    for path, reason in ((noise, "binary data of no known format"), (hello, "no report found")):
        result = run_cli("parse", str(path))
        assert result.returncode == 1 and reason in one_line_error(result)
        assert json.loads(result.stdout)["status"] == "error"


def test_serve_and_demo_say_when_their_port_is_taken_before_doing_any_work(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        (tmp_path / "nianbao.db").write_bytes(b"")
        assert "cannot listen on 127.0.0.1:" + port in one_line_error(
            run_cli("serve", "--data", str(tmp_path), "--port", port))
        result = run_cli("demo", "--data", str(tmp_path / "demo"), "--port", port)
        assert "cannot listen" in one_line_error(result)
        assert "sample portal" not in result.stdout  # failed before crawling
