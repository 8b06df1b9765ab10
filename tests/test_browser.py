"""End to end: build the demo site, serve it on 127.0.0.1 and search it in headless Chromium as staff would.

Screenshots of the home page and a procedure page go to tmp/artifacts/ for a person to look at.
"""
from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.support import DEMO_SEARCHES, ROOT, has_executable, long_procedure, steps_split_from_their_text

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tmp" / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not has_executable(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_demo(root: Path, search_lang: str | None = None) -> Iterator[str]:
    """The demo knowledge base built by `sopbook build` in ``root`` and served over HTTP on a free port."""
    from click.testing import CliRunner

    from generator.cli import cli

    for name in ("sop", "templates", "docs"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns(".sopbook-cache"))
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if search_lang is not None:
        assert "      lang: ja\n" in config
        config = config.replace("      lang: ja\n", f"      lang: {search_lang}\n")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    old = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(cli, ["build"], catch_exceptions=False, env={"SOPBOOK_NO_CACHE": "1"})
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    handler = functools.partial(_QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def page(site_url: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        yield context.new_page()
        browser.close()


def search(page: Any, site_url: str, query: str) -> list[str]:
    """Type ``query`` into Material's search box; the titles of the results."""
    page.goto(site_url)
    box = page.locator("input[data-md-component=search-query]")
    results = page.locator(".md-search-result__item h1")
    box.click()
    box.fill(query)
    for attempt in range(6):
        try:
            results.first.wait_for(timeout=5_000)
            break
        except sync_api.TimeoutError:
            # Typed before the search worker had its index: Material ignores it; a changed query runs.
            box.press("End")
            box.press("Backspace" if attempt % 2 else "Space")
    return [title.rstrip("¶").strip() for title in results.all_inner_texts()]


@pytest.mark.parametrize("query, expected", DEMO_SEARCHES, ids=[query for query, _ in DEMO_SEARCHES])
def test_search_finds_the_procedure(page: Any, site_url: str, query: str, expected: str) -> None:
    titles = search(page, site_url, query)
    assert expected in titles, f"{query!r} found {titles}"


def test_english_word_inside_japanese_text_is_found(page: Any, site_url: str) -> None:
    """'kintone' appears only inside Japanese sentences of GA-002: the reason search uses lang: ja alone."""
    titles = search(page, site_url, "kintone")
    assert "GA-002 社用印の押印申請" in titles, titles


def test_search_lang_ja_and_en_would_miss_english_words_in_japanese_text(
        page: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Why mkdocs.yml says lang: ja: with [ja, en], 'kintone' inside Japanese sentences is not found."""
    for url in serve_demo(tmp_path_factory.mktemp("demo-ja-en"), "[ja, en]"):
        page.goto(url)
        box = page.locator("input[data-md-component=search-query]")
        meta = page.locator(".md-search-result__meta")
        box.click()
        box.fill("kintone")
        for attempt in range(12):
            page.wait_for_timeout(1_000)
            if "入力" not in meta.inner_text():  # the prompt stays when typed before the index was ready
                break
            box.press("End")
            box.press("Backspace" if attempt % 2 else "Space")
        summary = meta.inner_text()
        assert "入力" not in summary, summary
        titles = [title.rstrip("¶").strip() for title in page.locator(".md-search-result__item h1").all_inner_texts()]
        assert "GA-002 社用印の押印申請" not in titles, (summary, titles)


def test_screenshots_of_home_and_procedure(page: Any, site_url: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(site_url)
    assert page.locator("h1").first.inner_text().rstrip("¶") == "このナレッジベースの内容"
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
    procedure_url = site_url + "procedures/総務部/契約/GA-001/"
    page.goto(procedure_url)
    assert page.locator("ol.sopbook-flow").first.bounding_box()["height"] > 30
    assert "GA-001 電子契約の締結" in page.locator("h1").first.inner_text()
    edit = page.locator("a.md-content__button[href*='edit']").first.get_attribute("href")
    assert edit.endswith(("sop/%E7%B7%8F%E5%8B%99%E9%83%A8/GA-001-%E9%9B%BB%E5%AD%90%E5%A5%91%E7%B4%84.yaml",
                          "sop/総務部/GA-001-電子契約.yaml")), edit
    page.screenshot(path=str(ARTIFACTS / "procedure.png"), full_page=True)


def test_approval_flow_is_drawn_with_javascript_off(page: Any, site_url: str) -> None:
    """Drawn at build time: boxes side by side, joined by arrows, with no script running at all."""
    context = page.context.browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_url + "procedures/総務部/契約/GA-001/")
        flow = page.locator("ol.sopbook-flow").first
        nodes = flow.locator("li")
        texts = [text.split("\n")[0] for text in nodes.all_inner_texts()]
        assert texts[0] == "申請" and texts[-1] == "完了" and "総務課長" in texts, texts
        boxes = [nodes.nth(index).bounding_box() for index in range(nodes.count())]
        assert all(box["width"] > 20 and box["height"] > 20 for box in boxes)
        assert boxes[1]["x"] > boxes[0]["x"] + boxes[0]["width"], "boxes are side by side, left to right"
        arrow = page.evaluate("el => getComputedStyle(el, '::before').borderTopStyle", nodes.nth(1).element_handle())
        assert arrow == "solid"
        assert not page.locator(".sopbook-print-button").is_visible(), "no print button that could not print"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        flow.screenshot(path=str(ARTIFACTS / "approval-flow-no-js.png"))
    finally:
        context.close()


def test_screenshots_load_with_alt_text_and_open_full_size(page: Any, site_url: str) -> None:
    page.goto(site_url + "procedures/総務部/契約/GA-001/")
    images = page.locator("article figure img")
    assert images.count() >= 2
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()  # lazy-loaded: they load as the reader reaches them
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(),
                               timeout=10_000)
        assert len(image.get_attribute("alt") or "") > 10
        assert image.get_attribute("loading") == "lazy"
        assert image.get_attribute("width") and image.get_attribute("height")
    first = images.first
    full_size = first.locator("xpath=..").get_attribute("href")
    assert full_size == first.get_attribute("src")
    assert page.request.get(page.url + full_size).ok
    # The lightbox's script and stylesheet come with the first click (sopbook.js), and open the image clicked.
    assert page.evaluate("typeof window.GLightbox") == "undefined"
    second = images.nth(1)
    second.click()
    shown = page.locator(".glightbox-container .gslide.current .gslide-image img")
    shown.wait_for(timeout=10_000)
    assert (shown.get_attribute("src") or "").endswith(second.get_attribute("src") or "?")
    assert page.url.endswith("/GA-001/"), "the lightbox opened in place of following the link"
    page.keyboard.press("Escape")
    page.locator(".glightbox-container").wait_for(state="detached", timeout=10_000)
    first.click()  # from now on glightbox handles the clicks itself
    shown.wait_for(timeout=10_000)
    assert (shown.get_attribute("src") or "").endswith(first.get_attribute("src") or "?")


def test_search_index_and_sitemap_are_fetched_after_the_page_has_loaded(page: Any, site_url: str) -> None:
    """Material would download the search index and the sitemap while the page is drawn; sopbook holds the
    requests back until the page has loaded and the browser is idle (partials/sopbook-fetch-later.html)."""
    page.goto(site_url + "procedures/総務部/契約/GA-001/")
    for name in ("/search/search_index.json", "/sitemap.xml"):
        timing = page.wait_for_function(
            """name => {
                 const request = performance.getEntriesByType("resource").find(entry => entry.name.endsWith(name));
                 const navigation = performance.getEntriesByType("navigation")[0];
                 return request && navigation.loadEventEnd > 0 && [request.startTime, navigation.loadEventEnd];
               }""", arg=name, timeout=10_000).json_value()
        started, loaded = timing
        assert started >= loaded, f"{name} requested at {started:.0f} ms, the page loaded at {loaded:.0f} ms"
    titles = search(page, site_url, "押印")  # and the search works as before
    assert any("GA-002" in title for title in titles), titles


PROCEDURE_PAGE = "procedures/総務部/契約/GA-001/"
DEMO_SITE_URL = "https://example-co.github.io/sopbook/"


def test_printing_gives_a4_pages_with_id_version_and_notice(page: Any, site_url: str, tmp_path: Path) -> None:
    """Chromium's own print to PDF, as staff print at the copier: A4, and the printed copy says what it is."""
    if not (has_executable("pdftotext") and has_executable("pdfinfo")):
        pytest.skip("needs pdftotext and pdfinfo (Debian poppler-utils)")
    page.goto(site_url + PROCEDURE_PAGE)
    assert page.locator(".sopbook-print-button").is_visible(), "the print button shows when scripts run"
    pdf = tmp_path / "GA-001.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info, info
    pages = re.search(r"Pages:\s+(\d+)", info)
    assert pages is not None and int(pages.group(1)) >= 2
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    first = text.split("\f")[0]
    assert "この印刷物は管理対象外の写しです" in first
    assert re.search(r"手順ID\s+GA-001", first) and re.search(r"版\s+1\.2", first), first[:800]
    assert re.search(r"印刷日\s+\d{4}年\d{1,2}月\d{1,2}日", first), "the print date is filled in when printing"
    assert "この手順について質問する" not in text, "buttons are not printed"
    if has_executable("zbarimg") and has_executable("pdftoppm"):  # the printed QR code leads back to the page
        subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")],
                       check=True)
        first_page = next(tmp_path.glob("p*.png"))
        decoded = subprocess.run(["zbarimg", "--raw", "-q", str(first_page)], capture_output=True, text=True,
                                 check=False)
        assert decoded.stdout.strip() == DEMO_SITE_URL + quote(PROCEDURE_PAGE), decoded
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "GA-001-printed.pdf")


def test_printed_step_headings_stay_with_their_text(page: Any, make_kb: Any, tmp_path: Path) -> None:
    """No heading (nor heading and actor line) left alone at the bottom of an A4 page: 24 steps of uneven
    length put headings everywhere on the pages; each must be printed on the page where its text starts."""
    if not has_executable("pdftotext"):
        pytest.skip("needs pdftotext (Debian poppler-utils)")
    from click.testing import CliRunner

    from generator.cli import cli

    make_kb({"総務部/GA-001.yaml": long_procedure()})
    (make_kb.root / "docs").mkdir()
    (make_kb.root / "mkdocs.yml").write_text("site_name: Test\ntheme:\n  name: material\nplugins:\n  - sopbook:\n"
                                             "      language: ja\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--strict"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page.goto((make_kb.root / "site" / "procedures" / "総務部" / "契約" / "GA-001" / "index.html").as_uri())
    pdf = tmp_path / "long.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    assert len(pages) > 5
    assert steps_split_from_their_text(pages) == []


def test_qr_code_decodes_to_the_page_address(page: Any, site_url: str, tmp_path: Path) -> None:
    if not has_executable("zbarimg"):
        pytest.skip("needs zbarimg (Debian zbar-tools)")
    page.goto(site_url + PROCEDURE_PAGE)
    image = tmp_path / "qr.png"
    page.locator(".sopbook-qr svg").screenshot(path=str(image))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=False)
    assert decoded.stdout.strip() == DEMO_SITE_URL + quote(PROCEDURE_PAGE), decoded


def test_links_in_step_text_are_underlined(page: Any, site_url: str) -> None:
    """Told apart from the text around them without relying on colour (WCAG 1.4.1)."""
    page.goto(site_url + PROCEDURE_PAGE)
    links = page.locator("article h3 + p a")
    assert links.count() > 0
    for index in range(links.count()):
        style = links.nth(index).evaluate("a => getComputedStyle(a).textDecorationLine")
        assert "underline" in style


AXE_PAGES = {
    "home": "", "procedure": PROCEDURE_PAGE, "department": "procedures/総務部/", "category": "procedures/総務部/契約/",
    "person": "people/tanaka/", "tool": "tools/kintone/", "people": "people/", "tags": "tags/", "faq": "faq/",
    "reports": "reports/", "report": "reports/single-owner/", "findings": "reports/findings/",
    "training": "reports/training/", "undocumented": "reports/undocumented/", "procedures": "procedures/",
    "tools": "tools/", "rules": "rules/", "rule": "rules/single-owner/", "changes": "changes/",
}


@pytest.fixture(scope="module")
def axe_baseline(page: Any, site_url: str, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """What axe finds on plain Material pages: a hand-written page of the same site (docs/), and the page of
    a nested section of a Material site with the demo's theme and no sopbook. The second is needed since
    sopbook's pages sit three sections deep: Material labels each open section's <nav> by the section's
    toggle, which with navigation.indexes holds only an icon, so axe finds unnamed landmarks
    (landmark-unique) on any Material page that deep."""
    import yaml

    folder = tmp_path_factory.mktemp("plain-material")
    theme = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["theme"]
    for path in ("index.md", "a/index.md", "a/b/index.md", "a/b/c/index.md", "a/b/c/page.md"):
        (folder / "docs" / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / "docs" / path).write_text(f"# {path}\n\nText.\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text(yaml.safe_dump({"site_name": "plain", "theme": theme}), encoding="utf-8")
    subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "-q"], cwd=folder, check=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    handler = functools.partial(_QuietHandler, directory=str(folder / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        nested = _axe(page, f"http://127.0.0.1:{server.server_address[1]}/a/b/c/")
    finally:
        server.shutdown()
        server.server_close()
    return _axe(page, site_url + "format/") | nested


def _axe(page: Any, url: str) -> set[str]:
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright", reason="needs axe-playwright-python")
    response = page.goto(url)
    assert response is not None and response.ok, url
    page.wait_for_load_state("networkidle")
    results = axe_module.Axe().run(page)
    return {violation["id"] for violation in results.response["violations"]}


@pytest.mark.parametrize("kind", sorted(AXE_PAGES))
def test_axe_finds_nothing_a_plain_material_page_does_not_have(page: Any, site_url: str, axe_baseline: set[str],
                                                              kind: str) -> None:
    found = _axe(page, site_url + AXE_PAGES[kind])
    assert found <= axe_baseline, f"{kind}: {sorted(found - axe_baseline)} (a plain page has {sorted(axe_baseline)})"
