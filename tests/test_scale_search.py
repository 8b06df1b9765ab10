"""Search at scale: a 2,000-procedure synthetic knowledge base built with Pagefind, searched in Chromium.

The build goes through the real plugin (``sopbook build``); the search through the real header box,
typed as a visitor would. Time-to-first-result is printed, not asserted beyond a sanity bound: the
benchmark (benchmarks/bench_scale.py) is where speed is measured.
"""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.errors import SopbookError
from generator.search import PAGEFIND_FROM_PROCEDURES, choose_backend, describe_choice
from generator.search.pagefind import WARMUP_PAGES, WARMUP_WORD, PagefindIndexer, check_bundle, page_for_index
from tests.support import ROOT, has_executable

sys.path.insert(0, str(ROOT / "benchmarks"))
from browser import CHROMIUM, ENTRIES, chromium, serve_site, time_search
from synthetic import mkdocs_yml, write_knowledge_base

PROCEDURES = 2000
TARGET = "P01234"
# Words found in no other synthetic procedure, so the expected result is unambiguous.
JAPANESE_TITLE = "衛生委員会の議事録を公開する手順"
ENGLISH_WORD = "quarantine"
# Generous: the benchmark measures well under a second; this only catches a search that never loads.
SANITY_SECONDS = 15



def test_auto_chooses_pagefind_from_the_measured_size() -> None:
    assert choose_backend("auto", PAGEFIND_FROM_PROCEDURES - 1) == "material"
    assert choose_backend("auto", PAGEFIND_FROM_PROCEDURES) == "pagefind"
    assert choose_backend("material", 100_000) == "material"
    assert choose_backend("pagefind", 3) == "pagefind"
    assert (describe_choice("auto", "pagefind", 2000)
            == f"search: pagefind (auto: 2000 procedures ≥ {PAGEFIND_FROM_PROCEDURES})")


def test_only_the_article_reaches_the_index() -> None:
    page = ('<html lang="ja" class="no-js"><body><nav class="md-nav">全ページの一覧</nav>'
            '<article class="md-content__inner md-typeset"><h1>入社手続き</h1></article>'
            '<footer>フッター</footer></body></html>')
    indexed = page_for_index(page)
    assert indexed == ('<html lang="ja"><body><article class="md-content__inner md-typeset" '
                       'data-pagefind-body><h1 data-pagefind-weight="10">入社手続き</h1></article></body></html>')
    assert page_for_index("<html><body>Material's 404 page</body></html>") is None


def test_other_procedures_titles_stay_out_of_the_index() -> None:
    """The related-procedures section (marked by templates/procedure.md.j2) names other procedures."""
    page = ('<html lang="ja"><body><article class="md-content__inner md-typeset"><h1>入社手続き</h1>'
            '<p>社員証を発行する</p>\n<!-- sopbook:not-indexed -->\n<h2>関連する手順</h2>\n'
            '<ul><li><a href="../GA-002/">GA-002 社用印の押印申請</a></li></ul>\n'
            '<!-- /sopbook:not-indexed -->\n<h2>改訂履歴</h2></article></body></html>')
    indexed = page_for_index(page)
    assert indexed is not None
    assert "社員証を発行する" in indexed and "改訂履歴" in indexed
    assert "押印申請" not in indexed and "関連する手順" not in indexed


def _index_pages(folder: Path, count: int, lang: str = "en") -> dict[str, Any]:
    indexer = PagefindIndexer()
    for number in range(count):
        indexer.add_page(f"/p{number}/", page_for_index(
            f'<html lang="{lang}"><body><article class="md-content__inner md-typeset"><h1>Invoice {number}</h1>'
            "<p>one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
            "sixteen seventeen eighteen nineteen twenty</p></article></body></html>") or "")
    assert indexer.write(folder) == count
    return json.loads((folder / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))


def _fragments(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
            for path in (folder / "pagefind" / "fragment").iterdir()]


def test_the_warm_up_pages_join_large_indexes_only_as_pages_of_average_length(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The search box warms Pagefind up with a word only these pages hold. In another language they
    would form an index of their own, which a search in the site's language never opens; shorter or
    longer than the site's pages, they would shift Pagefind's ranking, which compares page lengths."""
    small = _index_pages(tmp_path / "small", 3)
    assert small["languages"]["en"]["page_count"] == 3
    monkeypatch.setattr("generator.search.pagefind.WARMUP_FROM_PAGES", 3)
    large = _index_pages(tmp_path / "large", 3)
    assert list(large["languages"]) == ["en"]
    assert large["languages"]["en"]["page_count"] == 3 + WARMUP_PAGES
    fragments = _fragments(tmp_path / "large")
    site_pages = [f for f in fragments if WARMUP_WORD not in str(f["url"])]
    warm_pages = [f for f in fragments if WARMUP_WORD in str(f["url"])]
    assert len(site_pages) == 3 and len(warm_pages) == WARMUP_PAGES
    assert {f["word_count"] for f in warm_pages} == {site_pages[0]["word_count"]}
    script = (ROOT / "generator/search/theme/assets/sopbook/pagefind-search.js").read_text(encoding="utf-8")
    assert f'var WARMUP_WORD = "{WARMUP_WORD}";' in script


def test_an_unfinished_index_stops_the_build(tmp_path: Path) -> None:
    (tmp_path / "pagefind-entry.json").write_text("", encoding="utf-8")
    with pytest.raises(SopbookError, match="did not finish writing"):
        check_bundle(tmp_path)
    (tmp_path / "pagefind-entry.json").write_text('{"languages": {"ja": {"hash": "ja_0123", "wasm": null}}}',
                                                  encoding="utf-8")
    for name in ("pagefind.js", "pagefind-worker.js", "pagefind.ja_0123.pf_meta", "wasm.unknown.pagefind"):
        (tmp_path / name).write_bytes(b"x")
    check_bundle(tmp_path)
    # The script or the WebAssembly written empty (seen once on a loaded machine): the search cannot start.
    for name in ("pagefind.js", "wasm.unknown.pagefind"):
        (tmp_path / name).write_bytes(b"")
        with pytest.raises(SopbookError, match="did not finish writing"):
            check_bundle(tmp_path)
        (tmp_path / name).write_bytes(b"x")


needs_chromium = pytest.mark.skipif(not has_executable(str(CHROMIUM)),
                                    reason=f"needs Debian's chromium at {CHROMIUM}")


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2,000-procedure knowledge base built by ``sopbook build`` with ``search: auto``."""
    root = tmp_path_factory.mktemp("scale")
    sop = write_knowledge_base(root, PROCEDURES)
    target = next(sop.glob(f"*/*/{TARGET}.yaml"))
    text = target.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(text):
        if line.startswith("title: "):
            text[index] = f"title: {JAPANESE_TITLE}\n"
        elif line.startswith("summary: "):
            text[index] = f"summary: 感染症の流行時は {ENGLISH_WORD} checklist に沿って職場を消毒する。\n"
    target.write_text("".join(text), encoding="utf-8")
    (root / "mkdocs.yml").write_text(mkdocs_yml("大規模テスト", tags=False), encoding="utf-8")
    (root / "docs").mkdir()
    site = root / "site"
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(root)
        result = CliRunner().invoke(cli, ["build", "-f", "mkdocs.yml", "-d", str(site)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return site


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("query", [JAPANESE_TITLE[:5], ENGLISH_WORD])
@pytest.mark.parametrize("entry", ENTRIES)
def test_pagefind_finds_the_procedure(large_site: Path, query: str, entry: str) -> None:
    """Whether the query is filled in at once (the benchmark's protocol) or typed key by key."""
    with serve_site(large_site) as url, chromium() as browser:
        found = time_search(browser, url, "pagefind", query, entry=entry)
    print(f"\n{PROCEDURES:,} procedures, Pagefind, {query!r} {entry}: first result after {found.seconds:.2f} s; "
          f"{len(found.hrefs)} shown, first {found.titles[:1]}")
    assert any(href.endswith(f"/{TARGET}/") for href in found.hrefs), found.titles
    assert found.seconds < SANITY_SECONDS


@pytest.mark.slow
def test_the_large_site_uses_pagefind_instead_of_material_search(large_site: Path) -> None:
    assert (large_site / "pagefind" / "pagefind-entry.json").is_file()
    assert not (large_site / "search" / "search_index.json").exists()
    home = (large_site / "index.html").read_text(encoding="utf-8")
    assert "assets/sopbook/pagefind-search.js" in home
    assert 'data-md-component="search"' not in home


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_keyboard_opens_a_result(large_site: Path) -> None:
    with serve_site(large_site) as url, chromium() as browser:
        page = browser.new_page()
        page.goto(url, wait_until="load")
        page.keyboard.press("/")
        page.keyboard.type(JAPANESE_TITLE[:5])
        page.locator(f"a.pf-searchbox-result[href$='/{TARGET}/']").wait_for(state="visible", timeout=30_000)
        titles = page.locator("a.pf-searchbox-result .pf-searchbox-result-title").all_inner_texts()
        for _ in range(titles.index(next(t for t in titles if JAPANESE_TITLE in t))):
            page.keyboard.press("ArrowDown")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(f"/{TARGET}/")
        assert JAPANESE_TITLE in page.locator("h1").first.inner_text()


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_the_page_warms_the_search_up_without_being_asked(large_site: Path) -> None:
    """After load, before any key, Pagefind is loaded and has searched the warm-up word once: its
    worker fetched the metadata and an index chunk. The warm-up pages never show as results."""
    with serve_site(large_site) as url, chromium() as browser:
        context = browser.new_context()
        fetched: list[str] = []
        context.on("requestfinished", lambda request: fetched.append(request.url))
        page = context.new_page()
        page.goto(url, wait_until="load")
        for _ in range(50):
            if any(address.endswith(".pf_index") for address in fetched):
                break
            page.wait_for_timeout(100)
        assert any(address.endswith(".pf_meta") for address in fetched), fetched
        assert any(address.endswith(".pf_index") for address in fetched), fetched
        context.close()
        found = time_search(browser, url, "pagefind", ENGLISH_WORD)
    assert found.hrefs and not any(WARMUP_WORD in href for href in found.hrefs)


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_the_search_works_under_a_sub_path(large_site: Path, tmp_path: Path) -> None:
    """GitHub Pages serves a project at /<repository>/: the box, its warm-up and the result links
    must all find the site there, not at the server's root."""
    (tmp_path / "handbook").symlink_to(large_site, target_is_directory=True)
    with serve_site(tmp_path) as url, chromium() as browser:
        found = time_search(browser, url + "handbook/", "pagefind", ENGLISH_WORD)
    assert any(href.startswith(url + "handbook/procedures/") and href.endswith(f"/{TARGET}/")
               for href in found.hrefs), found.hrefs
