"""End to end in a real browser: Debian's chromium driven by Playwright against a uvicorn
server started with ``clustermarketing serve`` on 127.0.0.1 and a free port.

One journey, as a cluster manager would make it: edit a scenario in the form (a bad value shows
the CLI's message next to the field), use it for a small comparison, watch it run, see the
charts drawn, get a recommendation with edited AHP judgements, download the HTML report, solve a
coalition game and analyse the synthetic survey. No page may log a console error. Screenshots
are kept in the test's temporary directory (``shots/``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("playwright")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or shutil.which("chromium") is None,
    reason="Debian chromium not installed (.ci/run installs it with scripts/ensure_chromium.sh)",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    port = free_port()
    log = (data.parent / "server.log").open("w")
    cmd = [sys.executable, "-c", "from clustermarketing.cli.main import main; main()", "serve",
           "--host", "127.0.0.1", "--port", str(port), "--data", str(data), "--workers", "1",
           "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as r:
                assert json.load(r)["status"] == "ok"
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise RuntimeError((data.parent / "server.log").read_text()) from None
            time.sleep(0.2)
    yield url
    proc.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    if proc.poll() is None:
        proc.kill()
    log.close()


def test_a_manager_s_journey(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    shots = tmp_path / "shots"
    shots.mkdir()
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        page = context.new_page()
        page.on(
            "console",
            lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        page.set_default_timeout(60_000)

        # 1. the scenario editor: load an example, make it small, break and fix a field
        page.goto(server + "/scenario")
        page.select_option("#example", "footwear")
        page.click("#load-example")
        status = page.locator("#status")
        expect(status).to_have_attribute("data-valid", "true")
        expect(status).to_contain_text("footwear")
        page.fill('[data-path="horizon"]', "6")
        page.fill('[data-path="replicates"]', "2")
        page.locator('details[data-group="firms"]').evaluate("d => d.open = true")
        page.fill('[data-path="firms.count"]', "60")
        expect(status).to_contain_text("60 firms")
        page.locator('details[data-group="diffusion"]').evaluate("d => d.open = true")
        page.fill('[data-path="diffusion.p_strong"]', "1.5")
        expect(status).to_have_attribute("data-valid", "false")
        expect(status).to_contain_text(
            "diffusion.p_strong: Input should be less than or equal to 1 (got 1.5)"
        )
        field = page.locator('[data-path="diffusion.p_strong"]')
        expect(field).to_have_class("invalid")
        expect(page.locator('[data-error="diffusion.p_strong"]')).to_contain_text(
            "less than or equal to 1"
        )
        field.evaluate("e => e.scrollIntoView({block: 'center'})")
        page.screenshot(path=str(shots / "1-editor-error.png"))
        page.fill('[data-path="diffusion.p_strong"]', "0.5")
        expect(status).to_have_attribute("data-valid", "true")
        with page.expect_download() as dl:
            page.click("#download")
        yaml_text = Path(dl.value.path()).read_text()
        assert "count: 60" in yaml_text and "horizon: 6" in yaml_text
        page.screenshot(path=str(shots / "2-editor.png"))
        page.click("#use")

        # 2. a small comparison of every built model on the edited scenario
        page.wait_for_url("**/run")
        expect(page.locator("#src-editor-radio")).to_be_checked()
        page.wait_for_selector('input[name="models"]')  # listed from /api/models
        n_models = page.locator('input[name="models"]').count()
        assert n_models >= 1
        page.click("#submit")
        expect(page.locator("#job")).to_have_attribute("data-status", "done", timeout=120_000)
        expect(page.locator("#results")).to_have_attribute("data-rendered", "compare")
        for chart in ("chart-series", "chart-diff", "chart-bars"):
            page.wait_for_selector(f"#{chart} .main-svg")
            marks = page.evaluate(f"document.querySelectorAll('#{chart} .main-svg path').length")
            assert marks > 5, f"{chart}: only {marks} marks drawn"
        # one line per model and the baseline, bands included
        assert page.locator("#chart-series .scatterlayer .trace").count() >= 3 * (n_models + 1)
        page.select_option("#metric", "membership_rate")
        expect(page.locator("#chart-series .gtitle")).to_contain_text("membership_rate")
        page.screenshot(path=str(shots / "3-compare.png"), full_page=True)

        # 3. a recommendation with edited judgements; the CR follows the grid as you type
        page.goto(server + "/recommend")
        cr = page.locator("#ahp-result")
        expect(cr).to_contain_text("CR =")
        first = page.locator("input.judgement").first
        first.fill("1/9")  # SMEs far below the brand, yet above everything the brand beats
        expect(cr).to_contain_text("inconsistent (CR ≥ 0.1)")
        expect(cr).to_contain_text("Most inconsistent")
        expect(cr).to_have_class("status bad")
        first.fill("2")
        expect(cr).to_have_class("status ok")
        page.wait_for_selector('input[name="models"]')
        page.fill("#perturbations", "200")
        page.fill("#periods", "12")  # the default indicators include the time to 90% awareness
        page.click("#submit")
        expect(page.locator("#job")).to_have_attribute("data-status", "done", timeout=120_000)
        expect(page.locator("#ranking tbody tr")).to_have_count(n_models)
        page.wait_for_selector("#chart-ranking .main-svg")
        page.wait_for_selector("#chart-series .main-svg")  # the comparison behind it, over time
        page.screenshot(path=str(shots / "4-recommend.png"), full_page=True)
        with page.expect_download() as dl:
            page.click("#report-link")
        report = Path(dl.value.path()).read_text()
        assert (
            report.startswith("<!DOCTYPE html>") and "Which cooperative marketing model" in report
        )

        # 4. a coalition game typed in (the trade-fair stand of docs/cli.md: 40 each)
        page.goto(server + "/games")
        page.select_option("#kind", "cost")
        for key, v in (
            ("a", 60),
            ("b", 60),
            ("c", 60),
            ("a+b", 90),
            ("a+c", 90),
            ("b+c", 90),
            ("a+b+c", 120),
        ):
            page.fill(f'#coalitions input[data-key="{key}"]', str(v))
        page.click("#tab-table button[type=submit]")
        expect(page.locator("#allocations")).to_contain_text("40")
        page.wait_for_selector("#chart-allocations .main-svg")
        page.screenshot(path=str(shots / "5-games.png"), full_page=True)

        # 5. the survey's synthetic example, clustered vs non-clustered
        page.goto(server + "/survey")
        page.check("#synthetic")
        page.click("#survey-form button[type=submit]")
        page.wait_for_selector("#chart-groups .main-svg")
        expect(page.locator("#results")).to_contain_text("Cronbach")
        page.screenshot(path=str(shots / "6-survey.png"), full_page=True)

        # 6. the other pages load without errors
        for path in ("/", "/jobs", "/experiments"):
            page.goto(server + path)
            page.wait_for_load_state("networkidle")
        expect(page.locator("#sweeps")).to_contain_text("No sweeps")
        browser.close()
    assert errors == []
    assert len(list(shots.glob("*.png"))) == 6
