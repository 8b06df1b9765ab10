"""Serve a built site on 127.0.0.1 and time a search in headless Chromium, as a visitor would do it.

Shared by ``bench_scale.py`` and ``tests/test_scale_search.py``. Time-to-first-result is measured
on a freshly opened page (a fresh browser context each time, so nothing is cached) until the first
result is visible, checked every animation frame: that includes fetching and parsing whatever index
the search needs, which is where large sites lose their seconds.

How the query gets into the box (``entry``):

- ``"filled"`` (issue 17's protocol): the box is clicked, then the whole query is put in at once
  (Playwright's ``fill``: one ``input`` event, as a paste or a Japanese IME committing a word gives);
  the clock starts at the fill. ``from_click_seconds`` also counts the click.
- ``"typed"``: clicked, then typed key by key and End pressed, as a person at a keyboard; the clock
  starts before the click. What a person typing sees; Playwright's clicking and key presses are part
  of it (0.25-0.3 s of it on a busy 2-core machine).

When typing starts: by default once the page has finished loading — Playwright's ``networkidle``, no
request for 0.5 s — as for a visitor who opens a page and then reaches for the search box; whatever a
search prepares while the page loads (Material downloads its whole index, sopbook's Pagefind box
loads Pagefind and runs its warm-up search) is then done. ``loaded="load"`` types at the load event
instead, the worst case, where that preparation and the query compete.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGUMENTS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"]

# What a result looks like in each search UI, and where its query goes.
SEARCH_UI = {
    "material": {"open": None, "input": "input.md-search__input", "list": ".md-search-result__list",
                 "result": "li.md-search-result__item a", "title": "h1, h2"},
    "pagefind": {"open": None, "input": "pagefind-searchbox input", "list": ".pf-searchbox-results",
                 "result": "a.pf-searchbox-result", "title": ".pf-searchbox-result-title"},
}


@dataclass
class SearchResult:
    query: str
    seconds: float
    """To the first visible result: from the fill (``entry="filled"``) or from the click (``"typed"``)."""
    hrefs: list[str]
    titles: list[str]
    complete_seconds: float = 0.0
    """To the full list, on the same clock as ``seconds``: for sopbook's Pagefind box, when Pagefind's
    results have joined the title matches (the list is no longer ``aria-busy``); for Material, the
    same as ``seconds``."""
    in_page_seconds: float = 0.0
    """Inside the page, from the first input event to the first result drawn (a MutationObserver's
    clock): the search's own part of ``seconds``, without Playwright's clicking and typing."""
    from_click_seconds: float = 0.0
    """From before the click on the box to the first visible result."""
    marks: dict[str, float] = field(default_factory=dict)
    """The search box's ``sopbook:*`` performance marks after the first input event (seconds from
    it, the last of each name): where the time to the first result went."""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_site(site_dir: Path) -> Iterator[str]:
    """Serve ``site_dir`` on a free port of 127.0.0.1; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGUMENTS)
        try:
            yield browser
        finally:
            browser.close()


IN_PAGE_CLOCK = """selector => {
    const clock = window.__sopbookClock = {};
    document.addEventListener("input", () => { clock.input = clock.input || performance.now(); }, true);
    new MutationObserver(() => {
        const found = document.querySelector(selector);
        if (!clock.result && clock.input && found && found.getClientRects().length) clock.result = performance.now();
    }).observe(document.documentElement, {subtree: true, childList: true, attributes: true});
}"""
MARKS = """() => {
    const clock = window.__sopbookClock || {};
    const marks = {};
    for (const entry of performance.getEntriesByType("mark")) {
        if (entry.name.startsWith("sopbook:") && clock.input && entry.startTime >= clock.input)
            marks[entry.name.slice(8)] = (entry.startTime - clock.input) / 1000;
    }
    return marks;
}"""
ENTRIES = ("filled", "typed")


def time_search(browser: object, url: str, backend: str, query: str, timeout_seconds: float = 60,
                loaded: str = "networkidle", entry: str = "filled") -> SearchResult:
    """Open ``url`` in a fresh context, put ``query`` into the ``backend``'s search box, wait for a result.

    ``loaded``: the Playwright load state to reach before the click (``networkidle`` or ``load``);
    ``entry``: ``"filled"`` or ``"typed"`` (see the module's docstring).
    """
    if entry not in ENTRIES:
        raise ValueError(f"entry must be one of {ENTRIES}, not {entry!r}")
    ui = SEARCH_UI[backend]
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(url, wait_until=loaded)
        page.evaluate(IN_PAGE_CLOCK, ui["result"])
        search_box = page.locator(ui["input"])
        search_box.wait_for(state="visible", timeout=timeout_seconds * 1000)
        clicked = time.perf_counter()
        if ui["open"]:
            page.click(ui["open"])
        search_box.click()
        if entry == "filled":
            started = time.perf_counter()
            search_box.fill(query)
            if backend == "material":
                # Material's search starts on a key's release, not on an input event: End gives one and
                # leaves the text alone. (sopbook's Pagefind box searches on the input event itself.)
                search_box.press("End")
        else:
            started = clicked
            search_box.press_sequentially(query)
            # Playwright inserts Japanese text without key events, as no keyboard would: a Japanese IME
            # commits a word with a key press, and Material's search starts on that key's release. End
            # gives the same release and leaves the text alone (Pagefind's box listens to input events).
            search_box.press("End")
        # Checked every animation frame: a locator's wait polls in growing steps up to 0.5 s, which
        # rounded every time up to the next step.
        page.wait_for_function(
            "selector => { const found = document.querySelector(selector);"
            " return found !== null && found.getClientRects().length > 0; }",
            arg=ui["result"], polling="raf", timeout=timeout_seconds * 1000)
        found_at = time.perf_counter()
        seconds = found_at - started
        page.wait_for_function(
            "selector => { const list = document.querySelector(selector);"
            " return list === null || !list.hasAttribute('aria-busy'); }",
            arg=ui["list"], polling="raf", timeout=timeout_seconds * 1000)
        complete_seconds = time.perf_counter() - started
        # The first results may belong to the query typed so far; let the list settle before reading it.
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        results = page.locator(ui["result"])
        hrefs = [href or "" for href in results.evaluate_all("links => links.map(link => link.href)")]
        titles = results.evaluate_all(
            f"links => links.map(link => (link.querySelector({ui['title']!r}) || link).textContent.trim())")
        clock = page.evaluate("() => window.__sopbookClock")
        in_page = (clock["result"] - clock["input"]) / 1000 if clock.get("result") and clock.get("input") else 0.0
        marks = page.evaluate(MARKS)
        return SearchResult(query, seconds, hrefs, titles, complete_seconds, in_page, found_at - clicked, marks)
    finally:
        context.close()


def count_matches(browser: object, url: str, queries: list[str]) -> dict[str, int]:
    """How many pages Pagefind finds for each query (its JavaScript API, in one fresh page)."""
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        return page.evaluate("""async request => {
            const [bundle, queries] = request;
            const pagefind = await import(bundle);
            const counts = {};
            for (const query of queries) counts[query] = (await pagefind.search(query)).results.length;
            return counts;
        }""", [url + "pagefind/pagefind.js", queries])
    finally:
        context.close()
