"""A person's path through the site, in a real headless Chromium: search in Chinese, a chart, a figure's cell.

Runs `nianbao serve` as a user would (a child process on a free 127.0.0.1 port) on a
database built from the seed reports, and drives Debian's /usr/bin/chromium with
Playwright (no browser download).  Screenshots go to pytest's tmp_path.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, archive_page, free_port, require

from archive import Archive
from nianbao.build import build

CHROMIUM = Path("/usr/bin/chromium")


def _require_browser():
    """In CI the browser tests must run; elsewhere they are skipped, saying why, when Chromium is missing."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium fonts-wqy-microhei)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package")
    require(missing, "browser tests")



@pytest.fixture(scope="module")
def site(tmp_path_factory):
    _require_browser()
    data = tmp_path_factory.mktemp("browser")
    with Archive(data / "archive") as archive:
        for seed in sorted((FIXTURES / "seeds").glob("*.txt")):
            archive_page(archive, f"http://127.0.0.1/ndbg/{seed.name}", seed.read_bytes(),
                         meta={"list_title": seed.name})
        archive_page(archive, "http://127.0.0.1/ndbg/linchuan.html",
                     (FIXTURES / "html" / "06_nested_layout_2021.html").read_bytes(),
                     headers=[("Content-Type", "text/html; charset=utf-8")])
    build(data)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "nianbao", "serve", "--data", str(data), "--port", str(port)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/-/versions.json", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
            pytest.fail(f"nianbao serve did not start: {out[-2000:]}")
        time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def page(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.requests_seen = []
        pg.on("request", lambda req: pg.requests_seen.append(req.url))
        yield pg
        browser.close()


def test_search_reports_for_a_two_character_term(site, page, tmp_path):
    page.goto(site + "/nianbao/reports")
    box = page.locator("#_search")
    box.fill("街道")
    box.press("Enter")
    page.wait_for_load_state("load")
    page.screenshot(path=tmp_path / "search.png", full_page=True)
    assert "_search=" in page.url
    assert box.input_value() == "街道"  # the user's words, not the phrase query sent to FTS5
    titles = page.locator("td.col-title").all_inner_texts()
    assert titles and all("街道" in t for t in titles), titles
    assert (tmp_path / "search.png").stat().st_size > 10_000
    assert all(u.startswith(site) for u in page.requests_seen), page.requests_seen


def test_open_a_chart_of_a_selection(site, page, tmp_path):
    page.goto(site + "/nianbao/report_summary?province=" + "辽宁省")
    page.click("#nb-charts-link")
    page.wait_for_selector("body[data-charts-ready]", timeout=20_000)
    page.screenshot(path=tmp_path / "charts.png", full_page=True)
    assert page.get_attribute("body", "data-charts-ready") == "true"
    assert page.get_attribute("body", "data-chart-years") == "2024"
    assert "province=" in page.url
    # Chart.js drew on every canvas: none is blank.
    painted = page.evaluate("""() => Array.from(document.querySelectorAll('canvas')).map(c => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) n++; } return n; })""")
    assert len(painted) == 3 and all(n > 1000 for n in painted), painted
    # The charts keep their size: a canvas styled instead of its container grows on every resize.
    heights = page.evaluate("() => Array.from(document.querySelectorAll('canvas')).map(c => c.clientHeight)")
    page.wait_for_timeout(1500)
    later = page.evaluate("() => Array.from(document.querySelectorAll('canvas')).map(c => c.clientHeight)")
    assert heights == later and all(h == 320 for h in later), (heights, later)
    assert all(u.startswith(site) for u in page.requests_seen), "a chart loaded something from elsewhere"


def test_from_a_figure_to_the_cell_it_was_printed_in(site, page, tmp_path):
    path = "applications.new_received.natural_person"
    page.goto(site + f"/nianbao/cells?path={path}&_size=max")
    row = page.locator("tr", has_text="临川区财政局")
    source_text = row.locator("td.col-source_text").inner_text().strip()
    row.locator("a.nb-cell").click()
    page.wait_for_load_state("load")
    page.screenshot(path=tmp_path / "cell.png")
    assert page.url.endswith("#nb-cell")
    cell = page.locator("#nb-cell")
    assert cell.inner_text().strip() == source_text == "9"
    # Scrolled to, without any script: the cell is inside the viewport.
    box = cell.bounding_box()
    assert box is not None and 0 <= box["y"] < 900 and box["width"] > 0
    assert page.evaluate("() => window.scrollY") > 0
    assert all(u.startswith(site) for u in page.requests_seen), page.requests_seen


def test_a_wide_table_shows_its_rows_before_its_column_descriptions(site, page):
    """report_summary describes 50 columns: they are folded under one line, so the rows come first."""
    page.goto(site + "/nianbao/report_summary")
    fold = page.locator("details.nb-columns")
    assert fold.count() == 1 and fold.get_attribute("open") is None
    assert "Column descriptions" in fold.locator("summary").inner_text()
    first_row = page.locator("table.rows-and-columns tbody tr").first.bounding_box()
    assert first_row is not None and first_row["y"] < 1600, first_row
    fold.locator("summary").click()
    assert page.locator("dl.column-descriptions dt").first.is_visible()
    page.goto(site + "/nianbao/checks")  # a narrow table keeps its list open
    assert page.locator("details.nb-columns").count() == 0
