"""The HTML report opened in a real headless browser (Debian's chromium via Playwright)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clustermarketing.cli.main import app

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
CHARTS = ("chart-network", "chart-series", "chart-profile", "chart-ranking", "chart-allocation",
          "chart-weights")  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    r = CliRunner().invoke(
        app,
        ["report", "footwear", "--set", "firms.count=120", "--periods", "8", "--replicates", "2",
         "--perturbations", "200", "--out", str(out)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    return out


def test_report_is_self_contained(report):
    html = report.read_text()
    assert "<script src=" not in html  # plotly.js inlined, nothing fetched
    assert html.count("Plotly.newPlot") >= len(CHARTS)
    for section in ("The scenario in brief", "structure", "over time", "advantages",
                    "Ranking and its uncertainty", "cost allocation", "AHP weights", "How to read"):  # fmt: skip
        assert section in html


@pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("chromium") is None,
                    reason="Debian chromium not installed (.ci/run installs it)")  # fmt: skip
def test_report_renders_in_chromium(report, tmp_path):
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        for div in CHARTS:
            page.wait_for_selector(f"#{div} .main-svg", timeout=30_000)
            # a rendered chart has drawn marks, not only an empty SVG frame
            n = page.evaluate(
                f"document.querySelectorAll('#{div} .main-svg path, #{div} .main-svg .point').length"
            )
            assert n > 5, f"{div}: only {n} marks drawn"
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert errors == []
    assert shot.stat().st_size > 50_000
