"""The HTML documents in a real browser: `summary` and `notice` rendered to files and opened in
headless Chromium, driven over the DevTools protocol.  Each page must load with no console
error, no script exception and no request but the file itself (a document is self-contained:
no fonts, styles, scripts or images fetched from anywhere), and give a full-page screenshot
that is a real PNG showing a document (dark text on light paper).

    CDSCTL_UPDATE_SCREENSHOTS=1 pytest tests/test_render_browser.py

also writes the screenshots to docs/img/render-summary.png and docs/img/render-notice.png.
Without Chromium the tests are skipped (install it with `apt-get install chromium
fonts-liberation2 fonts-noto-core`; the fonts give Times New Roman's metrics and every
Vietnamese glyph); `$CDSCTL_CHROMIUM` names another binary.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import signal
import struct
import subprocess
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdsctl.cli import app

from .conftest import REPO, SAMPLE

websocket = pytest.importorskip(
    "websocket", reason="needs websocket-client: pip install -e '.[dev]'"
)

INSTALL = "apt-get install chromium fonts-liberation2 fonts-noto-core"
#: what is rendered: name → `cdsctl render` arguments
PAGES = {
    "summary": ["summary", "--as-of", "2023-06-30"],
    "notice": ["notice", "TB-128-2022", "--as-of", "2022-06-30"],
}
#: the browser's window: an A4 page at 150 dpi
VIEWPORT = (1240, 1754)
SCREENSHOTS = REPO / "docs" / "img"
TIMEOUT = 30.0


def chromium_binary() -> str | None:
    return shutil.which(os.environ.get("CDSCTL_CHROMIUM") or "chromium")


# -- a small DevTools client ---------------------------------------------------------------------


class Browser:
    """Headless Chromium, started with a throw-away profile; one websocket to it, pages driven
    through flat sessions (`Target.attachToTarget`).  Events are kept in `events`."""

    def __init__(self, binary: str, profile: Path) -> None:
        self.process = subprocess.Popen(
            [binary, "--headless=new", "--remote-debugging-port=0", f"--user-data-dir={profile}",
             "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--no-default-browser-check", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-default-apps",
             "--hide-scrollbars", "--mute-audio", "--font-render-hinting=none", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, start_new_session=True,
        )  # fmt: skip
        url = self._devtools_url()
        self.socket = websocket.create_connection(url, timeout=TIMEOUT, suppress_origin=True)
        self.events: list[dict[str, Any]] = []
        self._last_id = 0

    def _devtools_url(self) -> str:
        """The browser's websocket, from the line Chromium writes on standard error."""
        lines: queue.Queue[str] = queue.Queue()
        assert self.process.stderr is not None
        stderr = self.process.stderr

        def pump() -> None:  # (and keep reading, so that Chromium never blocks on a full pipe)
            for line in stderr:
                lines.put(line)

        threading.Thread(target=pump, daemon=True).start()
        seen, deadline = [], time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            seen.append(line)
            if line.startswith("DevTools listening on "):
                return line.removeprefix("DevTools listening on ").strip()
        self.close()
        raise RuntimeError("chromium did not start:\n" + "".join(seen[-20:]))

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Run a command; the events that arrive meanwhile go to `events`."""
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        while True:
            reply = self._receive()
            if reply.get("id") == self._last_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        """The first event `method` of `session` (already received, or the next to come)."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            for event in self.events:
                if event["method"] == method and event.get("sessionId") == session:
                    return event
            self._receive()
        raise TimeoutError(f"no {method} within {TIMEOUT} s")

    def _receive(self) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(self.socket.recv())
        if "method" in message:
            self.events.append(message)
        return message

    def close(self) -> None:
        try:
            if getattr(self, "socket", None):
                self.send("Browser.close")
        except Exception:  # (the browser may close the socket before it answers)
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # the group we started, nothing else
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    binary = chromium_binary()
    if binary is None:
        pytest.skip(f"headless Chromium not found; install it: {INSTALL}")
    started = Browser(binary, tmp_path_factory.mktemp("chromium-profile"))
    yield started
    started.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """PAGES rendered as HTML files from the bundled records."""
    folder = tmp_path_factory.mktemp("html")
    found = {}
    for name, args in PAGES.items():
        out = folder / f"{name}.html"
        result = CliRunner().invoke(app, ["render", *args, "--records", str(SAMPLE),
                                          "--format", "html", "-o", str(out)])  # fmt: skip
        assert result.exit_code == 0, result.stderr
        found[name] = out
    return found


@pytest.fixture(scope="module")
def visits(browser: Browser, pages: dict[str, Path]) -> dict[str, Visit]:
    return {name: visit(browser, path) for name, path in pages.items()}


class Visit:
    """What a page did when opened: its URL, the events of its session, its screenshot."""

    def __init__(self, url: str, events: list[dict[str, Any]], png: bytes, small: bytes) -> None:
        self.url, self.events, self.png, self.small = url, events, png, small

    def of(self, method: str) -> list[dict[str, Any]]:
        return [e["params"] for e in self.events if e["method"] == method]


def visit(browser: Browser, path: Path) -> Visit:
    """Open `path` in a new tab at VIEWPORT, wait for it and its fonts, take a full-page
    screenshot (and one at a quarter of the size, for counting pixels), close the tab."""
    target = browser.send("Target.createTarget", url="about:blank")["targetId"]
    session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Runtime", "Log", "Network", "Page"):
        browser.send(f"{domain}.enable", session)
    width, height = VIEWPORT
    browser.send("Emulation.setDeviceMetricsOverride", session, width=width, height=height,
                 deviceScaleFactor=1, mobile=False)  # fmt: skip
    url = path.resolve().as_uri()
    browser.send("Page.navigate", session, url=url)
    browser.wait_for("Page.loadEventFired", session)
    settled = "document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => r(1))))"
    browser.send("Runtime.evaluate", session, expression=settled, awaitPromise=True)
    size = browser.send("Page.getLayoutMetrics", session)["cssContentSize"]
    shots = [_screenshot(browser, session, size, scale) for scale in (1, 0.25)]
    events = [e for e in browser.events if e.get("sessionId") == session]
    browser.send("Target.closeTarget", targetId=target)
    return Visit(url, events, *shots)


def _screenshot(browser: Browser, session: str, size: dict[str, float], scale: float) -> bytes:
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": scale}
    data = browser.send("Page.captureScreenshot", session, format="png",
                        captureBeyondViewport=True, clip=clip)["data"]  # fmt: skip
    return base64.b64decode(data)


# -- reading a PNG -------------------------------------------------------------------------------


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The chunks of a PNG, each checked against its CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        at += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    return chunks


def png_pixels(data: bytes) -> tuple[int, int, list[bytearray]]:
    """Width, height and rows (RGB or RGBA, 8 bits) of a PNG, unfiltered."""
    chunks = png_chunks(data)
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert depth == 8 and colour in (2, 6), f"unexpected PNG form: depth {depth}, type {colour}"
    step = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = width * step
    assert len(raw) == height * (stride + 1)
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(kind, row, previous, step)
        rows.append(row)
        previous = row
    return width, height, rows


def _unfilter(kind: int, row: bytearray, up: bytearray, step: int) -> None:
    for i in range(len(row)):
        left = row[i - step] if i >= step else 0
        corner = up[i - step] if i >= step else 0
        if kind == 1:
            row[i] = (row[i] + left) & 255
        elif kind == 2:
            row[i] = (row[i] + up[i]) & 255
        elif kind == 3:
            row[i] = (row[i] + (left + up[i]) // 2) & 255
        elif kind == 4:
            p = left + up[i] - corner
            pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - corner)
            near = left if pa <= pb and pa <= pc else up[i] if pb <= pc else corner
            row[i] = (row[i] + near) & 255


def shares(data: bytes) -> tuple[float, float]:
    """The shares of dark pixels (ink: luminance below 160, text being grey once scaled down)
    and of light ones (paper: above 240) in a PNG."""
    width, height, rows = png_pixels(data)
    step = len(rows[0]) // width
    dark = light = 0
    for row in rows:
        for x in range(0, len(row), step):
            luminance = (299 * row[x] + 587 * row[x + 1] + 114 * row[x + 2]) // 1000
            dark += luminance < 160
            light += luminance > 240
    return dark / (width * height), light / (width * height)


# -- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_no_console_error_and_no_exception(visits: dict[str, Visit], name: str) -> None:
    seen = visits[name]
    console = [(c["type"], [a.get("value", a.get("description")) for a in c["args"]])
               for c in seen.of("Runtime.consoleAPICalled")]  # fmt: skip
    assert not [c for c in console if c[0] in ("error", "assert")], console
    logged = [(e["entry"]["level"], e["entry"]["text"]) for e in seen.of("Log.entryAdded")]
    assert not [e for e in logged if e[0] == "error"], logged
    assert seen.of("Runtime.exceptionThrown") == []


@pytest.mark.parametrize("name", PAGES)
def test_the_page_requests_nothing_but_itself(visits: dict[str, Visit], name: str) -> None:
    seen = visits[name]
    urls = [r["request"]["url"] for r in seen.of("Network.requestWillBeSent")]
    assert seen.url in urls
    assert [u for u in urls if u != seen.url and not u.startswith("data:")] == []


@pytest.mark.parametrize("name", PAGES)
def test_the_screenshot_shows_a_document(visits: dict[str, Visit], name: str) -> None:
    seen = visits[name]
    chunks = png_chunks(seen.png)
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert width == VIEWPORT[0] and height >= 1000, (width, height)
    dark, light = shares(seen.small)
    assert dark > 0.005, f"{name}: hardly any ink ({dark:.2%} dark pixels)"  # 1.7%, 3.8%
    assert light > 0.3, f"{name}: hardly any paper ({light:.2%} light pixels)"
    if os.environ.get("CDSCTL_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / f"render-{name}.png").write_bytes(seen.png)
