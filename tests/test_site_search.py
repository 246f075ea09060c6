"""The site's search (cdsctl/site/search.py, cdsctl/site/assets/search.js): folding without
diacritics, the same in Python and in the browser's JavaScript (run with node); the index
script (safe in a script, parsed back, compact); the same hits in JavaScript as in Python;
and the search box in headless Chromium from file:// (skipped without node or Chromium)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdsctl import text
from cdsctl.site.search import VARIABLE, Entry, fold, haystack, index_script

SEARCH_JS = Path(__file__).resolve().parent.parent / "cdsctl" / "site" / "assets" / "search.js"

VOWELS = {"a": "aăâ", "e": "eê", "i": "i", "o": "oôơ", "u": "uư", "y": "y"}
TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
#: every Vietnamese vowel with every tone, upper and lower case, precomposed (NFC)
TONED = {unicodedata.normalize("NFC", v + t): base
         for base, vowels in VOWELS.items() for v in vowels for t in TONES}  # fmt: skip
AGENCIES = ["Sở Thông tin và Truyền thông", "Sở Nội vụ", "Sở Tài chính", "Công an tỉnh",
            "Sở Kế hoạch và Đầu tư", "Văn phòng Ủy ban nhân dân tỉnh", "Sở Y tế",
            "Ủy ban nhân dân huyện Krông Pắc", "Ủy ban nhân dân huyện Buôn Đôn",
            "Sở Giáo dục và Đào tạo", "Ủy ban nhân dân thành phố Buôn Ma Thuột"]  # fmt: skip
#: words of task titles (Đắk and Lắk among them)
TITLE_WORDS = (
    "triển khai thực hiện kế hoạch chuyển đổi số năm hoàn thành hệ thống thông tin giải quyết "
    "thủ tục hành chính cấp tỉnh huyện xã báo cáo kết quả đề án nâng cấp hạ tầng dữ liệu dùng "
    "chung cơ sở quốc gia về dân cư đất đai y tế giáo dục Đắk Lắk"
)
WORDS = TITLE_WORDS.split()


# -- fold ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("given_text", "folded"), [
    ("Sở Nội vụ", "so noi vu"),
    ("Đắk Lắk", "dak lak"),
    ("ĐẮK LẮK", "dak lak"),
    ("  Sở Thông tin\tvà\n Truyền   thông ", "so thong tin va truyen thong"),
    ("Ủy ban nhân dân tỉnh", "uy ban nhan dan tinh"),
    ("Quyết định số 749/QĐ-TTg", "quyet dinh so 749/qd-ttg"),
    ("", ""),
])  # fmt: skip
def test_fold_examples(given_text: str, folded: str) -> None:
    assert fold(given_text) == folded
    assert fold(unicodedata.normalize("NFD", given_text)) == folded


def test_every_vowel_with_every_tone_folds_to_its_base_letter() -> None:
    assert len(TONED) == 12 * 6
    for letter, base in TONED.items():
        assert fold(letter) == base, letter
        assert fold(letter.upper()) == base, letter.upper()
        assert fold(unicodedata.normalize("NFD", letter.upper())) == base


def test_fold_is_cdsctl_text_fold_on_vietnamese() -> None:
    for sample in [*AGENCIES, *WORDS, "".join(TONED), "ĐẮK LẮK  Đà Nẵng"]:
        assert fold(sample) == text.fold(sample)


@settings(max_examples=300)
@given(st.text())
def test_fold_is_idempotent_and_the_same_for_nfc_and_nfd(sample: str) -> None:
    once = fold(sample)
    assert fold(once) == once
    assert fold(unicodedata.normalize("NFC", sample)) == fold(unicodedata.normalize("NFD", sample))


# -- the same in JavaScript (node) ---------------------------------------------------------------

#: loads search.js as a browser would (no document: only window.cdsSearch is set up), then
#: answers one JSON request per line: ["fold", [texts]] or ["find", [index script, [queries]]]
DRIVER = r"""
globalThis.window = globalThis;
require(process.argv[1]);
const readline = require('readline');
readline.createInterface({input: process.stdin}).on('line', (line) => {
  const [op, arg] = JSON.parse(line);
  let out;
  if (op === 'fold') {
    out = arg.map(window.cdsSearch.fold);
  } else {
    window.cdsSearchIndex = undefined;
    (0, eval)(arg[0]);
    out = arg[1].map((q) => window.cdsSearch.find(window.cdsSearchIndex, q, 50)
      .map((h) => [h.kind, h.id, h.title, h.url]));
  }
  process.stdout.write(JSON.stringify(out) + '\n');
});
"""


class Node:
    """search.js in a node process, asked one line at a time."""

    def __init__(self, binary: str) -> None:
        self.process = subprocess.Popen([binary, "-e", DRIVER, str(SEARCH_JS)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip

    def ask(self, op: str, arg: object) -> Any:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps([op, arg]).encode("ascii") + b"\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "node stopped"
        return json.loads(line.decode("utf-8"))

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def node() -> Iterator[Node]:
    binary = shutil.which("node")
    if binary is None:
        pytest.skip("node is not installed: the JavaScript side is not checked")
    started = Node(binary)
    yield started
    started.close()


SPACES = "\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"
CORNERS = [
    "".join(TONED), "".join(TONED).upper(), unicodedata.normalize("NFD", "".join(TONED).upper()),
    "Đắk Lắk", "đĐ", f"{SPACES}a{SPACES}b{SPACES}", "\ufeffa\u200bb",  # not spaces for either
    "ΟΔΟΣ ΣΑ Σ", "İstanbul", "Straße ǅ ǈ ﬁ", "e\u0301\u0323\u0302", "\u0301a", "🇻🇳 x",
    "ǰ ΐ ﬀ ŉ", "Ꭰ ꭰ",
]  # fmt: skip


def test_javascript_folds_as_python_on_corner_cases(node: Node) -> None:
    assert node.ask("fold", CORNERS) == [fold(c) for c in CORNERS]


#: any character of the Unicode version Python knows (node's may be newer: a character new
#: since then, unassigned here, may be a mark there)
characters = st.characters(exclude_categories=["Cs", "Cn"])
#: Vietnamese letters (precomposed or not), consonants, spaces and signs, strung together
pieces = st.sampled_from(
    [*TONED, *(c.upper() for c in TONED), *"bcdđĐghklmnpqrstvx", " ", "\t", "\n", "\u00a0",
     "-", "/", *(unicodedata.normalize("NFD", c) for c in TONED)]
)  # fmt: skip


def vietnamese(max_size: int = 30) -> st.SearchStrategy[str]:
    return st.lists(pieces, max_size=max_size).map("".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(characters) | vietnamese(), min_size=1, max_size=40))
def test_javascript_folds_as_python(node: Node, samples: list[str]) -> None:
    assert node.ask("fold", samples) == [fold(s) for s in samples]


def entries(count: int, seed: int = 1) -> list[Entry]:
    """Tasks as `cdsctl site` lists them: kind, id, title, page, lead agency."""
    rng = random.Random(seed)
    found = []
    for n in range(count):
        task_id = f"TB-{128 + n // 12}-2023.{n % 12 + 1}"
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 22))).capitalize()
        found.append(Entry("nhiệm vụ", task_id, title, f"tasks/{quote(task_id)}.html",
                           rng.choice(AGENCIES)))  # fmt: skip
    return found


ODD = [
    Entry("cơ quan", "STTTT", "Sở Thông tin và Truyền thông", "agencies/STTTT.html", "TT&TT"),
    Entry("văn bản", "TB-128-2022", "Thông báo </script><script>alert(1)</script>",
          "directives/TB-128-2022.html", "128/TB-UBND"),
    Entry("nhiệm vụ", "A B", "Ký tự\u2028lạ\u2029 và <!-- chú thích", "tasks/A%20B.html"),
    Entry("nhiệm vụ", "X", "Trang khác", "elsewhere/x.html", "   "),
    Entry("nhiệm vụ", "", "Không có mã", "tasks/.html"),
    Entry("nhiệm vụ", "dak lak", "Đắk Lắk", "tasks/dak%20lak.html"),
]  # fmt: skip


def oracle(found: list[Entry], query: str, limit: int = 50) -> list[list[str]]:
    """What search.js must show for `query`: the entries holding every word, an entry whose
    id is the query first."""
    words = fold(query).split()
    if not words:
        return []
    hits = [e for e in found if all(w in haystack(e) for w in words)]
    exact = [e for e in hits if fold(e.id) == fold(query)]
    rest = [e for e in hits if fold(e.id) != fold(query)][:limit]
    return [[e.kind, e.id, e.title, e.url] for e in (exact + rest)[:limit]]


def test_javascript_finds_what_python_finds(node: Node) -> None:
    found = [*ODD, *entries(600)]
    queries = ["so noi vu", "Sở Nội vụ", "SO NOI", "dak", "ĐẮK LẮK", "dak lak", "TB-130-2023.5",
               "tb-130-2023.5", "ke hoach 2023.1", "</script>", "tt&tt", "", "   ", "xyz",
               "lạ và", "128/tb", "s"]  # fmt: skip
    got = node.ask("find", [index_script(found), queries])
    assert got == [oracle(found, q) for q in queries]
    assert got[6][0][1] == "TB-130-2023.5"  # the id first
    assert len(got[-1]) == 50  # at most


@settings(max_examples=40, deadline=None)
@given(st.lists(vietnamese(6), min_size=1, max_size=5))
def test_javascript_finds_what_python_finds_for_any_query(node: Node, queries: list[str]) -> None:
    found = [*ODD, *entries(150, seed=2)]
    assert node.ask("find", [index_script(found), queries]) == [oracle(found, q) for q in queries]


# -- the index script ----------------------------------------------------------------------------


def parsed(script: str) -> dict[str, Any]:
    prefix = VARIABLE + "="
    assert script.startswith(prefix) and script.endswith(";\n")
    data: dict[str, Any] = json.loads(script[len(prefix) : -2])
    return data


def decoded(data: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(kind, id, title, url, folded extra) of each entry, read as search.js reads them."""
    found = []
    for row in data["entries"]:
        kind, prefix, suffix = data["kinds"][row[0]]
        url = row[3] if len(row) > 3 and isinstance(row[3], str) else f"{prefix}{row[1]}{suffix}"
        extra = data["extra"][row[4]] if len(row) > 4 else ""
        found.append((kind, row[1], row[2], url, extra))
    return found


def test_the_index_parses_back_to_the_entries() -> None:
    found = [*ODD, *entries(50)]
    data = parsed(index_script(found))
    assert decoded(data) == [(e.kind, e.id, e.title, e.url, fold(e.extra)) for e in found]
    assert [k[0] for k in data["kinds"]] == ["cơ quan", "văn bản", "nhiệm vụ"]
    assert data["kinds"][2][1:] == ["tasks/", ".html"]
    assert len(data["extra"]) == len({fold(e.extra) for e in found if fold(e.extra)})


def test_the_index_is_safe_in_a_script() -> None:
    script = index_script(ODD)
    assert "</script" not in script.lower() and "<!--" not in script
    assert "\u2028" not in script and "\u2029" not in script
    assert parsed(script)["entries"][1][2] == ODD[1].title
    lone = index_script([Entry("k", "1", "half \ud800 pair", "k/1.html")])
    lone.encode("utf-8")  # a lone surrogate is written as an escape, not as bytes
    assert parsed(lone)["entries"][0][2] == "half \ud800 pair"


def test_the_index_is_deterministic() -> None:
    assert index_script(entries(300)) == index_script(entries(300))
    assert index_script([]) == VARIABLE + '={"kinds":[],"extra":[],"entries":[]};\n'


def test_the_index_is_compact() -> None:
    found = entries(10_000)
    size = len(index_script(found).encode("utf-8"))
    titles = sum(len(e.title.encode("utf-8")) for e in found)
    assert size / len(found) <= 150, size / len(found)
    assert size - titles <= 40 * len(found)  # beyond the titles: the id, and little else


# -- in a browser, from file:// ------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>t</title>
<script src="{root}assets/search.js" defer></script></head>
<body data-root="{root}"><form class="search" role="search"><label for="q">Tìm</label>
<input id="q" type="search" autocomplete="off">
<ol id="hits" aria-live="polite" data-none="Không tìm thấy."></ol></form></body></html>
"""


def site(folder: Path, found: list[Entry] | None) -> Path:
    """A site root with the search box on a page one folder down; an index when `found`."""
    (folder / "assets").mkdir(parents=True)
    (folder / "tasks").mkdir()
    shutil.copy(SEARCH_JS, folder / "assets" / "search.js")
    for entry in found or []:
        (folder / entry.url).parent.mkdir(parents=True, exist_ok=True)
        (folder / entry.url).write_text(PAGE.format(root="../"), encoding="utf-8")
    (folder / "tasks" / "page.html").write_text(PAGE.format(root="../"), encoding="utf-8")
    if found is not None:
        (folder / "search-index.js").write_text(index_script(found), encoding="utf-8")
    return folder / "tasks" / "page.html"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from .test_render_browser import Browser, chromium_binary  # (skips without websocket)

    binary = chromium_binary()
    if binary is None:
        pytest.skip("headless Chromium not found")
    started = Browser(binary, tmp_path_factory.mktemp("chromium-profile"))
    yield started
    started.close()


class Tab:
    """One page open in the browser, driven over its session."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.browser = browser
        self.target = browser.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = browser.send("Target.attachToTarget", targetId=self.target,
                                    flatten=True)["sessionId"]  # fmt: skip
        for domain in ("Runtime", "Log", "Page"):
            browser.send(f"{domain}.enable", self.session)
        browser.send("Page.navigate", self.session, url=path.resolve().as_uri())
        browser.wait_for("Page.loadEventFired", self.session)

    def run(self, expression: str) -> Any:
        reply = self.browser.send("Runtime.evaluate", self.session, expression=expression,
                                  awaitPromise=True, returnByValue=True)  # fmt: skip
        assert "exceptionDetails" not in reply, reply
        return reply["result"].get("value")

    def type(self, words: str) -> None:
        self.run("document.getElementById('q').focus()")
        self.browser.send("Input.insertText", self.session, text=words)

    def key(self, name: str, code: int) -> None:
        for kind in ("keyDown", "keyUp"):
            self.browser.send("Input.dispatchKeyEvent", self.session, type=kind, key=name,
                              code=name, windowsVirtualKeyCode=code)  # fmt: skip

    def hits(self) -> list[list[str]]:
        """The hits once search.js has shown any: [href, title, small] (or the none text)."""
        return self.run("""new Promise((resolve, reject) => {
          const start = Date.now();
          (function poll() {
            const items = [...document.querySelectorAll('#hits li')];
            if (items.length) return resolve(items.map((li) => {
              const a = li.querySelector('a'), small = li.querySelector('small');
              return a ? [a.getAttribute('href'), a.textContent, small.textContent]
                       : [li.className, li.textContent];
            }));
            if (Date.now() - start > 10000) return reject(new Error('no hits shown'));
            setTimeout(poll, 20);
          })();
        })""")

    def events(self, method: str) -> list[dict[str, Any]]:
        return [e["params"] for e in self.browser.events
                if e["method"] == method and e.get("sessionId") == self.session]  # fmt: skip

    def close(self) -> None:
        self.browser.send("Target.closeTarget", targetId=self.target)


def test_the_search_box_in_a_browser(browser: Any, tmp_path: Path) -> None:
    found = [*ODD[:2], *entries(2000)]
    tab = Tab(browser, site(tmp_path, found))
    assert tab.run("document.querySelectorAll('script[src$=\"search-index.js\"]').length") == 0
    tab.type("Đắk   tb-130")
    hits = tab.hits()
    want = oracle(found, "Đắk   tb-130")
    assert want and [h[0] for h in hits] == ["../" + w[3] for w in want]
    assert hits[0][1:] == [want[0][2], f"nhiệm vụ · {want[0][1]}"]
    tab.type(" ")
    tab.run("document.getElementById('q').blur(); document.getElementById('q').focus()")
    assert tab.run("document.querySelectorAll('script[src$=\"search-index.js\"]').length") == 1
    tab.run("document.getElementById('q').value = ''")
    tab.type("</script>")
    assert tab.hits()[0][1] == ODD[1].title  # shown as text, not run
    tab.key("Enter", 13)
    deadline = time.monotonic() + 10
    while not (tab.run("location.href") or "").endswith(ODD[1].url):
        assert time.monotonic() < deadline, "Enter did not open the first hit"
        time.sleep(0.05)
    assert tab.events("Runtime.exceptionThrown") == []
    tab.close()


def test_without_an_index_the_box_says_so_and_nothing_throws(browser: Any, tmp_path: Path) -> None:
    tab = Tab(browser, site(tmp_path, None))
    tab.type("so noi vu")
    assert tab.hits() == [["none", "Không tìm thấy."]]
    assert tab.events("Runtime.exceptionThrown") == []
    console = [c for c in tab.events("Runtime.consoleAPICalled") if c["type"] == "error"]
    assert console == []
    failed = [e["entry"] for e in tab.events("Log.entryAdded") if e["entry"]["level"] == "error"]
    assert all(e.get("url", "").endswith("search-index.js") for e in failed), failed
    tab.close()
