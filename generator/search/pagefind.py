"""Pagefind search for a MkDocs Material site: index pages while MkDocs renders them, and a search box
in Material's header.

Pagefind (``pagefind[extended]``, which segments Japanese) runs as one ``pagefind --service``
subprocess per build. Each page is handed to it as soon as MkDocs has rendered it, so on two cores
the indexing runs beside MkDocs' single-threaded rendering instead of after it; the build only waits
for the last pages and for the index to be written. (The ``pagefind`` Python API speaks the same
protocol but polls for each answer every 0.1 s, which is 1,000 s for 10,000 pages.)

Only the procedure's article is indexed (``data-pagefind-body``), never navigation, header or footer,
so a query matches what a page says rather than the menu every page repeats.
"""
from __future__ import annotations

import base64
import contextlib
import gzip
import html as html_text
import io
import json
import logging
import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

from ..errors import SopbookError
from ..i18n import _
from ..model import Procedure
from . import titles
from .titles import TitleEntry

log = logging.getLogger("mkdocs.plugins.sopbook")

THEME_DIR = Path(__file__).parent / "theme"
"""Static files MkDocs copies into the site: the script and style that put Pagefind in the header."""
SCRIPT = "assets/sopbook/pagefind-search.js"
STYLE = "assets/sopbook/pagefind-search.css"

# Inside the article, parts that are not the page's content: the ¶ after headings, the edit/view
# buttons, the "last update" line, and the Mermaid source of the approval diagram (its words are in
# the approval table beside it).
EXCLUDE_SELECTORS = [".headerlink", ".md-content__button", ".md-source-file", ".mermaid"]
_ARTICLE = '<article class="md-content__inner md-typeset"'
_LANGUAGE = re.compile(r'<html[^>]*\slang="([^"]+)"')
# Parts of a page the templates mark as not its own words. The related-procedures section lists other
# procedures' titles: indexed, it made a broad query match pages that only link to a match, and the
# browser ranks every match (synthetic 10,000: invoice on 9,420 pages with it, 7,642 without).
_NOT_INDEXED = re.compile(r"<!-- sopbook:not-indexed -->.*?<!-- /sopbook:not-indexed -->", re.DOTALL)
_H1 = re.compile(r"<h1(?=[\s>])")
TITLE_WEIGHT = 10
"""Pagefind's weight for a page's title (its ``h1``); Pagefind's default is 7, other text 1. The
weights count squared in Pagefind's ranking, so 10 doubles what a title match counts for."""

# Warm-up pages. Chromium first runs WebAssembly with its baseline compiler and swaps in optimised
# code only for later calls, so the first search of a visit ran Pagefind's ranking at about half
# speed (10,000 procedures: 0.85 s for a query matching 6,900 pages, 0.45 s when repeated). The search
# box's script therefore runs one small search as soon as it is ready, for a made-up word that
# only these pages hold: enough work for Chromium to optimise the ranking code, little to download.
# 64 pages × 8 words was the smallest tried that did it (16 × 4 did not); twice that for margin.
# The pages are as long as the site's average page, with a filler word, so that Pagefind's ranking,
# which compares each page's length with the average, is not disturbed; and they are only added to
# sites large enough for ranking to take noticeable time, where 128 pages are a few per cent of all.
WARMUP_WORD = "sopbookwarmupzq"
"""Also in theme/assets/sopbook/pagefind-search.js, which searches for the word."""
WARMUP_FILLER = "sopbookfillerzq"
WARMUP_PAGES = 128
WARMUP_REPEAT = 8
WARMUP_FROM_PAGES = 2000

# The lead sample. Pagefind's ranking visits, for each matching page, every page entry of the query's
# words, so its time grows with the square of the matches (10,000 procedures, a word on every page: about
# a second). One page in ``lead_every(procedures)`` — about LEAD_PAGES pages whatever the site's size —
# carries a Pagefind filter; the search box first searches those pages alone and shows their best
# matches, then runs the ordinary search, whose results replace them. The first results thus cost the
# ranking of LEAD_PAGES pages, and the full list is exactly Pagefind's own.
# Only a sample carries the filter, never every page: Pagefind counts, for every search, the matching
# pages of each filter value by scanning the list of matches once per page that has the filter, so a
# filter on every page (the eight slices tried first) cost each broad search as much again as its
# ranking (synthetic 10,000, 照合 on every page, Pagefind's JavaScript API in Chromium at load
# average 5-6: 1.05-1.23 s with it, 0.40-0.85 s without; the first eighth's search 0.23-0.43 s, the
# 156-page sample's 0.02-0.06 s).
LEAD_FILTER = "sopbook_lead"
"""Also in theme/assets/sopbook/pagefind-search.js."""
LEAD_PAGES = 200


def lead_every(procedures: int) -> int:
    """One page in this many carries the lead filter; 0: none does (a site of fewer than two samples'
    procedures, where one search is quick and a sample would only add a second)."""
    every = procedures // LEAD_PAGES
    return every if every >= 2 else 0


def executable() -> Path:
    """The Pagefind binary from the ``pagefind[extended]`` wheel; the extended one segments Japanese."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        raise SopbookError(_("pagefind.no-binary")) from None
    return Path(get_executable())


def use_pagefind(config: Any) -> None:
    """Turn Material's search off and put Pagefind's search box in its place (call from ``on_config``).

    Material's search plugin stays registered but disabled, so it builds no index and the header
    shows no Material search box; our script adds Pagefind's in the same spot.
    """
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None and "enabled" in plugin.config:
            plugin.config.enabled = False
    if str(THEME_DIR) not in config.theme.dirs:
        config.theme.dirs.append(str(THEME_DIR))
    if SCRIPT not in [str(script) for script in config.extra_javascript]:
        config.extra_javascript.append(SCRIPT)
    if STYLE not in config.extra_css:
        config.extra_css.append(STYLE)


def page_for_index(html: str, procedure: TitleEntry | None = None, lead: bool = False) -> str | None:
    """The part of a rendered page Pagefind should read: its language and Material's article,
    without what the templates mark ``<!-- sopbook:not-indexed -->`` … ``<!-- /sopbook:not-indexed -->``,
    its title weighted ``TITLE_WEIGHT``; for a ``procedure``, its id, title and department as Pagefind
    metadata, which the search box shows with each result; ``lead``: the page is in the lead sample
    (``LEAD_FILTER``).

    Handing Pagefind the article alone, not the whole page with its navigation, cuts what goes through
    the pipe by 5–20 times and the indexing time with it (10,000 pages: 19 s instead of 77 s).
    ``None`` for pages without an article (Material's 404 page).
    """
    start = html.find(_ARTICLE)
    end = html.rfind("</article>")
    if start < 0 or end < start:
        return None
    language = _LANGUAGE.search(html, 0, 500)
    lang = f' lang="{language.group(1)}"' if language else ""
    article = _H1.sub(f'<h1 data-pagefind-weight="{TITLE_WEIGHT}"',
                      _NOT_INDEXED.sub("", html[start + len(_ARTICLE):end]), count=1)
    opening, _, content = article.partition(">")
    lead_filter = f'<span data-pagefind-filter="{LEAD_FILTER}:1"></span>' if lead else ""
    return (f"<html{lang}><body>{_ARTICLE} data-pagefind-body{opening}>{_meta(procedure)}{lead_filter}{content}"
            "</article></body></html>")


def _meta(procedure: TitleEntry | None) -> str:
    """An empty element carrying the procedure's metadata in attributes (the attribute form keeps
    commas in a title intact; ``data-pagefind-ignore`` keeps it out of the words indexed)."""
    if procedure is None:
        return ""
    values = {"id": procedure.id, "title": procedure.title, "department": procedure.department}
    attributes = "".join(f' data-{key}="{html_text.escape(value)}"' for key, value in values.items())
    keys = ", ".join(f"{key}[data-{key}]" for key in values)
    return f'<span data-pagefind-ignore data-pagefind-meta="{keys}"{attributes}></span>'


class PagefindIndexer:
    """One ``pagefind --service`` process that indexes pages as they come and writes the bundle at the end.

    The service reads base64-encoded JSON requests separated by commas on stdin and answers the same
    way on stdout. Requests are written without waiting for answers (a full pipe makes MkDocs wait,
    which is the back-pressure we want); a reader thread collects the answers.
    """

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self._process = subprocess.Popen(
            [str(executable()), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL)
        self._next_id = 0
        self._answers: dict[int, dict[str, Any]] = {}
        self._answered = threading.Condition()
        self._reader = threading.Thread(target=self._read_answers, name="pagefind-answers", daemon=True)
        self._reader.start()
        self._pages: list[int] = []
        self._language = ""
        self._index_id = self._ask({"type": "NewIndex", "config": {
            "exclude_selectors": EXCLUDE_SELECTORS}})["index_id"]

    def add_page(self, url: str, html: str) -> None:
        """Queue one rendered page; ``url`` is its address from the site root (``/人事部/入社/HR-001/``)."""
        if not self._pages:
            language = _LANGUAGE.search(html, 0, 200)
            self._language = f' lang="{language.group(1)}"' if language else ""
        self._pages.append(self._send({"type": "AddFile", "index_id": self._index_id, "url": url,
                                       "file_path": None, "file_contents": html}))

    def write(self, site_dir: Path) -> int:
        """Wait for every page, write ``site_dir/pagefind/`` and stop the service; returns pages indexed."""
        written = False
        try:
            counts = [answer.get("page_word_count") or 0 for answer in map(self._wait, self._pages)
                      if answer.get("page_url")]
            indexed = len(counts)
            if indexed >= WARMUP_FROM_PAGES:
                self._add_warmup_pages(round(sum(counts) / indexed))
            self._ask({"type": "WriteFiles", "index_id": self._index_id,
                       "output_path": str(Path(site_dir).resolve() / "pagefind")})
            written = True
            return indexed
        finally:
            # After a write the service gets a minute to exit on its own rather than five seconds: a
            # build starved of CPU (nice 19, load 8) once left two of its files empty, and a service
            # killed while it still flushes would do that (not confirmed; check_bundle catches it).
            self.close(grace=60 if written else 5)

    def _add_warmup_pages(self, words_per_page: int) -> None:
        """The pages the search box's first, warm-up search finds (see ``WARMUP_WORD``); in the site's
        language, or Pagefind would put them in an index of their own that the search never opens."""
        filler = max(0, words_per_page - WARMUP_REPEAT)
        words = " ".join([WARMUP_WORD] * WARMUP_REPEAT + [WARMUP_FILLER] * filler)
        page = f"<html{self._language}><body><main data-pagefind-body><p>{words}</p></main></body></html>"
        answers = [self._send({"type": "AddFile", "index_id": self._index_id, "url": f"/#{WARMUP_WORD}-{number}",
                               "file_path": None, "file_contents": page}) for number in range(WARMUP_PAGES)]
        for message_id in answers:
            self._wait(message_id)

    def close(self, grace: float = 5) -> None:
        """Stop the service: end its input, and kill it if it has not exited ``grace`` seconds later."""
        if self._process.poll() is None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()  # type: ignore[union-attr]
            try:
                self._process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def _send(self, payload: dict[str, Any]) -> int:
        self._next_id += 1
        request = {"message_id": self._next_id, "payload": payload}
        try:
            self._process.stdin.write(base64.b64encode(json.dumps(request).encode()) + b",")  # type: ignore[union-attr]
            if payload["type"] != "AddFile":
                self._process.stdin.flush()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError):
            raise SopbookError(_("pagefind.stopped")) from None
        return self._next_id

    def _ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._wait(self._send(payload))

    def _wait(self, message_id: int) -> dict[str, Any]:
        try:
            self._process.stdin.flush()  # type: ignore[union-attr]
        except OSError:
            raise SopbookError(_("pagefind.stopped")) from None
        with self._answered:
            while message_id not in self._answers:
                if not self._reader.is_alive():
                    raise SopbookError(_("pagefind.stopped"))
                self._answered.wait(timeout=1)
            answer = self._answers.pop(message_id)
        if answer.get("type") == "Error":
            raise SopbookError(_("pagefind.error", detail=answer.get("message")))
        return answer

    def _read_answers(self) -> None:
        stdout = cast("io.BufferedReader", self._process.stdout)  # Popen(stdout=PIPE), unbuffered: bufsize=0
        buffer = b""
        while chunk := stdout.read1(1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b",")
            for message in messages:
                if not message.strip():
                    continue
                answer = json.loads(base64.b64decode(message))
                message_id = answer.get("message_id")
                if message_id is None and (original := answer["payload"].get("original_message")):
                    message_id = json.loads(original).get("message_id")
                with self._answered:
                    self._answers[message_id] = answer["payload"]
                    self._answered.notify_all()
        with self._answered:
            self._answered.notify_all()


def check_bundle(bundle: Path) -> None:
    """Fail the build, rather than publish a search that cannot start, when Pagefind left its entry file
    missing or incomplete (seen once when many services ran side by side), or left empty a file every
    search loads first: its script, its worker, a language's WebAssembly or metadata (a 10,000-page
    build at ``nice 19`` on a loaded machine, 2026-11-27, wrote ``pagefind.js`` and the WebAssembly file
    with 0 bytes and exited 0)."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        languages = entry["languages"]
        needed = ["pagefind.js", "pagefind-worker.js"]
        for language in languages.values():
            needed += [f"pagefind.{language['hash']}.pf_meta", f"wasm.{language.get('wasm') or 'unknown'}.pagefind"]
        if not all((bundle / name).is_file() and (bundle / name).stat().st_size > 0 for name in needed):
            raise ValueError("a file of the bundle is missing or empty")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise SopbookError(_("pagefind.unfinished", folder=bundle)) from None
    if not languages:
        raise SopbookError(_("pagefind.empty", folder=bundle))


PAGES_FILE = "sopbook-pages.json"
"""In the bundle: each procedure page's Pagefind hash and procedure id (see ``write_page_ids``)."""
_FRAGMENT_SIGNATURE = b"pagefind_dcd"


def write_page_ids(bundle: Path) -> int:
    """Write ``bundle/PAGES_FILE``: ``{"version": 1, "pages": {"ja_0118241": "P03933", ...}}``, the
    procedure id of every page Pagefind indexed with one; returns how many.

    A Pagefind result names its page only by this hash until its fragment (title, address, text) has
    been downloaded. With the map, the search box draws a procedure's result at once from the title
    index, which the page already holds, and adds the excerpt when the fragment arrives: one download
    less before the first result, for the queries the title index cannot answer (a word in no title:
    synthetic 10,000, 50-190 ms of a 0.15-0.5 s first result on a busy machine). The hashes exist only
    once Pagefind has written the bundle, so they are read back from its fragments (10,000 pages:
    about a second).
    """
    pages = {}
    for fragment in sorted((bundle / "fragment").glob("*.pf_fragment")):
        try:
            data = gzip.decompress(fragment.read_bytes())
            if data.startswith(_FRAGMENT_SIGNATURE):
                data = data[len(_FRAGMENT_SIGNATURE):]
            meta = json.loads(data).get("meta") or {}
        except (OSError, ValueError, AttributeError):
            continue  # the box then downloads this page's fragment, as Pagefind's own UI does
        if isinstance(meta.get("id"), str):
            pages[fragment.name.removesuffix(".pf_fragment")] = meta["id"]
    (bundle / PAGES_FILE).write_text(json.dumps({"version": 1, "pages": pages}, ensure_ascii=False,
                                                separators=(",", ":")), encoding="utf-8")
    return len(pages)


class PagefindSearch:
    """Pagefind for a site's builds; the plugin calls it from ``on_config``, ``on_post_page`` and ``on_post_build``."""

    def __init__(self, *, index_once: bool = False) -> None:
        """``index_once``: keep the first build's index, for ``mkdocs serve --dirty`` whose rebuilds
        render only the changed pages (and leave the site folder, with its index, in place)."""
        self._indexer: PagefindIndexer | None = None
        self.index_once = index_once
        self._written = False
        self._procedures: dict[str, TitleEntry] = {}
        self._pages_indexed = 0
        self._lead_every = 0

    def title_index(self, procedures: Iterable[Procedure], url_of: Callable[[str], str | None]) -> str:
        """The text of the title-and-id index (``titles.INDEX_PATH``) for this build's procedures;
        ``url_of`` maps a page's path in the docs folder to its URL. Their pages are then indexed
        with their id, title and department (call from ``on_files``)."""
        entries = titles.entries(procedures, url_of)
        self._procedures = {entry.url: entry for entry in entries}
        self._lead_every = lead_every(len(entries))
        return titles.index_json(entries)

    def configure(self, config: Any) -> None:
        """Replace Material's search; also drops an index left over from a build that failed (``mkdocs serve``)."""
        self.close()
        executable()  # a missing binary stops the build now, not after every page is rendered
        use_pagefind(config)

    def add_page(self, page_url: str, html: str) -> None:
        """Index one rendered page; ``page_url`` is MkDocs' ``page.url`` (``人事部/入社/HR-001/``, ``""`` for home)."""
        if self.index_once and self._written:
            return
        self._pages_indexed += 1
        lead = self._lead_every > 0 and self._pages_indexed % self._lead_every == 0
        content = page_for_index(html, self._procedures.get(page_url), lead)
        if content is None:
            return
        if self._indexer is None:
            self._indexer = PagefindIndexer()
        self._indexer.add_page("/" + page_url, content)

    def write(self, site_dir: str | Path) -> None:
        """Write the search bundle to ``site_dir/pagefind/`` once every page is indexed."""
        if self._indexer is None:
            return
        indexer, self._indexer = self._indexer, None
        waited = time.perf_counter()
        pages = indexer.write(Path(site_dir))
        check_bundle(Path(site_dir) / "pagefind")
        write_page_ids(Path(site_dir) / "pagefind")
        self._written = True
        finished = time.perf_counter()
        log.info(_("pagefind.indexed", n=pages, seconds=f"{finished - indexer.started:.1f}",
                   waited=f"{finished - waited:.1f}"))

    def close(self) -> None:
        if self._indexer is not None:
            self._indexer.close()
            self._indexer = None
