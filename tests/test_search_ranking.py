"""Search ranking with Pagefind, on a small knowledge base in headless Chromium: a procedure whose title
or id holds the query comes before one that only mentions it, every result shows its procedure id and
department, and a page that only mentions the word is still found.

The title-and-id index (generator/search/titles.py) is checked here too, without a browser.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.search import pagefind
from generator.search.pagefind import LEAD_FILTER, lead_every, page_for_index
from generator.search.titles import TitleEntry, index_json
from tests.support import ROOT, has_executable

sys.path.insert(0, str(ROOT / "benchmarks"))
from browser import CHROMIUM, chromium, serve_site
from synthetic import mkdocs_yml, write_knowledge_base

WORD = "棚卸"
TITLED = "P00003"      # 棚卸 in its title, once
MENTIONS = "P00004"    # 棚卸 many times in its summary and steps, not in its title
WORD_IN_NO_TITLE = "照合"  # in a step of every synthetic procedure


def test_the_title_index_names_each_folder_once() -> None:
    text = index_json([
        TitleEntry("GA-002", "社用印の押印申請", "総務部", "procedures/%E7%B7%8F/GA-002/"),
        TitleEntry("GA-001", "電子契約の締結, 署名", "総務部", "procedures/%E7%B7%8F/GA-001/"),
        TitleEntry("HR-001", 'Onboarding "day one"', "人事部", "procedures/%E4%BA%BA/HR-001/"),
    ])
    index = json.loads(text)
    assert index == {
        "version": 1,
        "departments": ["総務部", "人事部"],
        "folders": ["procedures/%E7%B7%8F/", "procedures/%E4%BA%BA/"],
        "procedures": [["GA-001", "電子契約の締結, 署名", 0, 0, "GA-001/"],
                       ["GA-002", "社用印の押印申請", 0, 0, "GA-002/"],
                       ["HR-001", 'Onboarding "day one"', 1, 1, "HR-001/"]],
    }
    assert "押印申請" in text  # UTF-8, not \\u escapes: a third of the size for Japanese titles


needs_chromium = pytest.mark.skipif(not has_executable(str(CHROMIUM)),
                                    reason=f"needs Debian's chromium at {CHROMIUM}")


def _retitle(sop: Path, procedure_id: str, title: str | None = None, summary: str | None = None,
             step_title: str | None = None) -> None:
    path = next(sop.glob(f"*/*/{procedure_id}.yaml"))
    lines = path.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if title and line.startswith("title: "):
            lines[index] = f"title: {title}"
        elif summary and line.startswith("summary: "):
            lines[index] = f"summary: {summary}"
        elif step_title and line.startswith("  - title: "):
            lines[index] = f"  - title: {step_title}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 synthetic procedures built with Pagefind; one titled with the word, one that only repeats it.
    A lead sample of one page in six (a large site's is one in 50 or more, about 200 pages)."""
    root = tmp_path_factory.mktemp("ranking")
    sop = write_knowledge_base(root, 30)
    _retitle(sop, TITLED, title=f"期末の{WORD}を実施する手順")
    _retitle(sop, MENTIONS, title="倉庫の鍵を管理する手順",
             summary=f"{WORD}の前に鍵を確認する。{WORD}の日は{WORD}担当が鍵を持つ。{WORD}後に返却する。",
             step_title=f"{WORD}担当に{WORD}用の鍵を渡す")
    (root / "mkdocs.yml").write_text(mkdocs_yml("ランキング", "pagefind", tags=False), encoding="utf-8")
    (root / "docs").mkdir()
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(root)
        monkeypatch.setattr(pagefind, "LEAD_PAGES", 5)
        result = CliRunner().invoke(cli, ["build", "-f", "mkdocs.yml", "-d", str(root / "site")],
                                    catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture(scope="module")
def browser_and_url(site: Path) -> Iterator[tuple[object, str]]:
    with serve_site(site) as url, chromium() as browser:
        yield browser, url


def _search(browser: object, url: str, query: str, filled: bool = False) -> list[dict[str, str]]:
    """Type ``query`` into the header's search box (``filled``: put it in at once, one input event, as a
    paste or a Japanese IME's commit does); each result row's title, id, department and link, once the
    list has settled (Pagefind's results arrive after the title matches)."""
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        box = page.locator("pagefind-searchbox input")
        box.click()
        if filled:
            box.fill(query)
        else:
            box.press_sequentially(query)
        page.locator("a.pf-searchbox-result").first.wait_for(state="visible", timeout=30_000)
        # Settled: Pagefind's results have joined the title matches (the box drops aria-busy then).
        page.locator(".pf-searchbox-results:not([aria-busy])").wait_for(state="attached", timeout=30_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(700)
        return page.locator("a.pf-searchbox-result").evaluate_all("""links => links.map(link => ({
            title: link.querySelector('.pf-searchbox-result-title').textContent.trim(),
            id: (link.querySelector('.sopbook-result-id') || {}).textContent || '',
            department: (link.querySelector('.sopbook-result-department') || {}).textContent || '',
            href: link.href}))""")
    finally:
        context.close()


def _pagefind_alone(browser: object, url: str, query: str) -> list[str]:
    """Pagefind's own ranking for ``query`` (its JavaScript API, no title index): the result URLs."""
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        return page.evaluate("""async query => {
            const pagefind = await import('/pagefind/pagefind.js');
            const found = await pagefind.search(query);
            return Promise.all(found.results.slice(0, 5).map(async result => (await result.data()).url));
        }""", query)
    finally:
        context.close()


@pytest.mark.browser
@needs_chromium
def test_a_title_match_comes_before_a_page_that_only_mentions_the_word(
        browser_and_url: tuple[object, str]) -> None:
    browser, url = browser_and_url
    # The premise: Pagefind's own ranking puts the page that repeats the word first.
    assert f"/{MENTIONS}/" in _pagefind_alone(browser, url, WORD)[0]
    results = _search(browser, url, WORD)
    assert results[0]["href"].endswith(f"/{TITLED}/"), results
    assert results[0]["title"] == f"期末の{WORD}を実施する手順"
    # Found through Pagefind's full text, listed after the title match, and only once.
    hrefs = [result["href"] for result in results]
    assert sum(href.endswith(f"/{MENTIONS}/") for href in hrefs) == 1, hrefs
    assert len(set(hrefs)) == len(hrefs), hrefs


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("query", [WORD, "kintone"])
def test_a_query_put_in_at_once_lists_what_typing_it_lists(browser_and_url: tuple[object, str], query: str) -> None:
    """The box searches on the input event, not on key presses: a query pasted or committed by an IME in
    one go (Japanese, and an English word that is in no title) lists the same results, in the same
    order, as the query typed key by key."""
    browser, url = browser_and_url
    filled = _search(browser, url, query, filled=True)
    assert len(filled) >= 2, filled
    assert filled == _search(browser, url, query)


@pytest.mark.browser
@needs_chromium
def test_each_result_shows_its_procedure_id_and_department(browser_and_url: tuple[object, str]) -> None:
    browser, url = browser_and_url
    results = _search(browser, url, WORD)
    rows = {result["id"]: result["department"] for result in results}
    assert rows[TITLED] == "情報システム部" and rows[MENTIONS] == "総務部", results


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("query", ["P00017", "p00017", "Ｐ０００１７", "p-00017"])
def test_an_id_finds_its_procedure_first(browser_and_url: tuple[object, str], query: str) -> None:
    """However it is typed: lower case, full-width (a Japanese keyboard's default), with a hyphen."""
    browser, url = browser_and_url
    results = _search(browser, url, query)
    assert results[0]["id"] == "P00017", results


def test_a_procedure_page_carries_its_id_title_and_department_for_pagefind() -> None:
    page = ('<html lang="ja"><body><article class="md-content__inner md-typeset">'
            '<h1 id="x">GA-001 電子契約の締結</h1><p>本文</p></article></body></html>')
    indexed = page_for_index(page, TitleEntry("GA-001", '契約 "A", B & C', "総務部", "procedures/x/GA-001/"))
    assert indexed == (
        '<html lang="ja"><body><article class="md-content__inner md-typeset" data-pagefind-body>'
        '<span data-pagefind-ignore data-pagefind-meta="id[data-id], title[data-title], department[data-department]"'
        ' data-id="GA-001" data-title="契約 &quot;A&quot;, B &amp; C" data-department="総務部"></span>'
        '<h1 data-pagefind-weight="10" id="x">GA-001 電子契約の締結</h1><p>本文</p></article></body></html>')


def test_a_page_of_the_lead_sample_carries_its_filter() -> None:
    page = '<html lang="ja"><body><article class="md-content__inner md-typeset"><p>本文</p></article></body></html>'
    assert (f'<span data-pagefind-filter="{LEAD_FILTER}:1"></span><p>本文</p>'
            in (page_for_index(page, lead=True) or ""))
    assert "data-pagefind-filter" not in (page_for_index(page) or "")


def test_the_lead_sample_is_about_the_same_size_at_any_size() -> None:
    assert lead_every(399) == 0  # a small site: one search, no sample
    assert lead_every(1_000) == 5
    assert [procedures // lead_every(procedures) for procedures in (10_000, 30_000)] == [200, 200]


@pytest.mark.browser
@needs_chromium
def test_the_search_box_finds_and_ranks_exactly_what_one_search_does(browser_and_url: tuple[object, str]) -> None:
    """The search box searches the lead sample, then the whole index: its final list is the same pages,
    in the same order, with the same scores, as Pagefind's own single search; the sample's is a part."""
    browser, url = browser_and_url
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        page.wait_for_function("() => { const box = document.querySelector('pagefind-searchbox');"
                               " return box && box.instance && box.instance.__pagefind__"
                               " && box.instance.__pagefind__.sopbookLead; }", timeout=30_000)
        boxed, single, sample = page.evaluate("""async query => {
            const box = document.querySelector('pagefind-searchbox');
            const boxed = await box.instance.__pagefind__.search(query, {filters: {}});
            const pagefind = await import('/pagefind/pagefind.js');
            const single = await pagefind.search(query);
            const sample = await pagefind.search(query, {filters: {sopbook_lead: "1"}});
            const rows = found => found.results.map(result => [result.id, result.score]);
            return [rows(boxed), rows(single), rows(sample)];
        }""", "kintone")
    finally:
        context.close()
    assert len(single) >= 20, single  # kintone is in every summary
    assert boxed == single
    assert 0 < len(sample) < len(single) / 3
    assert set(map(tuple, sample)) <= set(map(tuple, single))


def test_the_bundle_maps_each_procedure_page_to_its_id(site: Path) -> None:
    """sopbook-pages.json: every procedure page's Pagefind hash (its fragment's name) and id, so the box
    can draw a result before the fragment has downloaded."""
    pages = json.loads((site / "pagefind" / pagefind.PAGES_FILE).read_text(encoding="utf-8"))
    assert pages["version"] == 1
    assert sorted(pages["pages"].values()) == [f"P{number:05d}" for number in range(30)]
    for page_hash in pages["pages"]:
        assert (site / "pagefind" / "fragment" / f"{page_hash}.pf_fragment").is_file()


@pytest.mark.browser
@needs_chromium
def test_a_result_is_drawn_from_the_title_index_before_its_fragment_arrives(
        browser_and_url: tuple[object, str]) -> None:
    """A word in no title (in a step of every procedure): with every fragment download held back, the
    procedures Pagefind finds first are still listed, in Pagefind's order, with their ids and departments."""
    browser, url = browser_and_url
    context = browser.new_context()  # type: ignore[attr-defined]
    try:  # Pagefind's own order, in a context of its own (so no fragment is in the box's page already)
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        expected = page.evaluate("""async word => {
            const pagefind = await import('/pagefind/pagefind.js');
            const found = await pagefind.search(word);
            return Promise.all(found.results.slice(0, 5).map(async result => (await result.data()).meta.id));
        }""", WORD_IN_NO_TITLE)
        index = page.evaluate("() => fetch('/assets/sopbook/titles.json').then(response => response.json())")
    finally:
        context.close()
    procedures = [procedure_id for procedure_id in expected if procedure_id][:3]
    assert len(procedures) == 3, expected
    assert not any(WORD_IN_NO_TITLE in entry[1] for entry in index["procedures"])
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        context.route("**/*.pf_fragment", lambda route: route.abort())
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        box = page.locator("pagefind-searchbox input")
        box.click()
        box.fill(WORD_IN_NO_TITLE)
        page.locator("a.pf-searchbox-result .sopbook-result-id").first.wait_for(state="visible", timeout=30_000)
        # The whole index's results, not the lead sample's: the list is no longer busy.
        page.locator(".pf-searchbox-results:not([aria-busy])").wait_for(state="attached", timeout=30_000)
        ids = page.locator("a.pf-searchbox-result .sopbook-result-id").all_inner_texts()
        departments = page.locator("a.pf-searchbox-result .sopbook-result-department").all_inner_texts()
    finally:
        context.close()
    assert ids[:3] == procedures, (ids, expected)
    assert all(departments), departments
