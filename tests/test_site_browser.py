"""The site of the bundled records in headless Chromium, as a leader opens it from a folder
(`file://`): the home page, an agency, a directive, an indicator and a task load with no
console error, no script exception and no request that leaves the site's folder; each
gives a screenshot of a page (dark text on light paper); the search box finds an agency
typed without accents.

    CDSCTL_UPDATE_SCREENSHOTS=1 pytest tests/test_site_browser.py

also writes the screenshots to docs/img/site-*.png (the README and docs/site.md show them).
Without Chromium the tests are skipped (`apt-get install chromium fonts-liberation2
fonts-noto-core`).
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdsctl.cli import app

from .conftest import SAMPLE
from .test_render_browser import SCREENSHOTS, png_chunks, shares, visit
from .test_site_search import Tab, browser  # noqa: F401  (the fixture)

#: the pages opened: name → path below the site
PAGES = {
    "home": "index.html",
    "agency": "agencies/ND-STTTT.html",
    "directive": "directives/TB-128-2022.html",
    "indicator": "indicators/hd-dti-rank.html",
    "task": "tasks/QN-TB-2022-03.5.html",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "trang"
    result = CliRunner().invoke(app, ["site", "-o", str(out), "--records", str(SAMPLE),
                                      "--as-of", "2023-06-30", "--lang", "vi"])  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def visits(browser: Any, site: Path) -> dict[str, Any]:  # noqa: F811
    return {name: visit(browser, site / path) for name, path in PAGES.items()}


@pytest.mark.parametrize("name", PAGES)
def test_no_console_error_and_no_exception(visits: dict[str, Any], name: str) -> None:
    seen = visits[name]
    console = [c for c in seen.of("Runtime.consoleAPICalled") if c["type"] in ("error", "assert")]
    assert console == []
    assert [e for e in seen.of("Log.entryAdded") if e["entry"]["level"] == "error"] == []
    assert seen.of("Runtime.exceptionThrown") == []


@pytest.mark.parametrize("name", PAGES)
def test_no_request_leaves_the_site(visits: dict[str, Any], site: Path, name: str) -> None:
    seen = visits[name]
    urls = [r["request"]["url"] for r in seen.of("Network.requestWillBeSent")]
    inside = site.resolve().as_uri() + "/"
    assert seen.url in urls and any(u.endswith("assets/site.css") for u in urls)
    assert [u for u in urls if not u.startswith(inside)] == []


@pytest.mark.parametrize("name", PAGES)
def test_the_screenshot_shows_a_page(visits: dict[str, Any], name: str) -> None:
    seen = visits[name]
    width, height = struct.unpack(">II", png_chunks(seen.png)[0][1][:8])
    assert width == 1240 and height >= 600, (width, height)
    dark, light = shares(seen.small)
    assert dark > 0.005 and light > 0.3, (name, dark, light)
    if os.environ.get("CDSCTL_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / f"site-{name}.png").write_bytes(seen.png)


def test_search_finds_an_agency_typed_without_accents(browser: Any, site: Path) -> None:  # noqa: F811
    tab = Tab(browser, site / "index.html")
    tab.type("so noi vu quang ninh")
    hits = tab.hits()
    # the agency, then the task it leads (found by its lead's name)
    assert hits[0][:2] == ["agencies/QN-SNV.html", "Sở Nội vụ tỉnh Quảng Ninh"], hits
    assert [h[0] for h in hits[1:]] == ["tasks/QN-TB-2022-03.4.html"], hits
    tab.key("Enter", 13)
    tab.run("""new Promise((resolve) => {
      (function wait() {
        location.href.endsWith('QN-SNV.html') ? resolve(1) : setTimeout(wait, 20);
      })();
    })""")
    assert tab.run("document.querySelector('h1').textContent") == "Sở Nội vụ tỉnh Quảng Ninh"
    assert tab.events("Runtime.exceptionThrown") == []
    tab.close()
