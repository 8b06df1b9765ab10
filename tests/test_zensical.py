"""The site on Zensical (`sopbook build --engine zensical`, i.e. Zensical on what `sopbook generate` writes),
compared with the MkDocs build of the same knowledge base, and searched in headless Chromium as staff would.

Zensical runs no MkDocs plugins, so everything the plugin does for MkDocs (edit buttons that open the YAML
file, assistant files, offline pages) has to be in the generated folder itself.
"""
from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.i18n import Language
from tests.support import DEMO_SEARCHES, PROCEDURE, ROOT, KnowledgeBaseFactory, has_executable, sopbook_in

pytest.importorskip("zensical", reason="needs Zensical (pip install zensical)")
ID_TITLES = [expected for _query, expected in DEMO_SEARCHES]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tmp" / "artifacts"
SITE_URL = "https://intra.example.co.jp/sop/"



def run(arguments: list[str], cwd: Path) -> str:
    return sopbook_in(cwd, arguments).output


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built twice: site/ by MkDocs with the plugin, site-zensical/ by Zensical."""
    root = tmp_path_factory.mktemp("demo")
    for name in ("sop", "templates", "docs"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns(".sopbook-cache"))
    # The demo's own site_url gives way to this one (a YAML mapping keeps the last of two equal keys).
    config = re.sub(r"^site_url: .*\n", "", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), flags=re.MULTILINE)
    # A theme override of the knowledge base's own, as many sites have: its head block must stay on both engines.
    config = config.replace("theme:\n  name: material\n", "theme:\n  name: material\n  custom_dir: overrides\n")
    (root / "overrides").mkdir()
    (root / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block extrahead %}<meta name="kb-own-head" content="1">{% endblock %}\n',
        encoding="utf-8")
    (root / "mkdocs.yml").write_text(f"site_url: {SITE_URL}\n{config}", encoding="utf-8")
    run(["build"], root)
    output = run(["build", "--engine", "zensical", "--site-dir", "site-zensical"], root)
    assert "Zensical でサイトを" in output  # the demo speaks Japanese
    return root


def pages(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("index.html")}


def test_zensical_builds_the_same_pages_as_mkdocs(demo: Path) -> None:
    mkdocs, zensical = pages(demo / "site"), pages(demo / "site-zensical")
    # MkDocs' search plugin writes search/ (no page); everything else is the same set of pages.
    assert zensical == {page for page in mkdocs if not page.startswith("search/")}
    assert len(zensical) > 80
    procedures = sorted(page for page in zensical if re.search(r"/[A-Z]+-\d+/index\.html$", page))
    assert len(procedures) == 22
    for page in procedures:
        ours, theirs = ((demo / site / page).read_text(encoding="utf-8") for site in ("site", "site-zensical"))
        for pattern in (r'<h1[^>]*>([^<]*)', r'<h3 id="step-\d+">([^<]*)', r'<h2 id="approvals">([^<]*)',
                        r'<h3 id="faq-\d+">([^<]*)', r'<a href="([^"]*)" title="[^"]*" class="md-content__button'
                        r' md-icon" rel="edit">', r'<ol class="sopbook-flow[^"]*"'):
            assert re.findall(pattern, ours) == re.findall(pattern, theirs), (page, pattern)
        assert re.search(r'rel="edit"', theirs), page


def test_edit_buttons_open_the_yaml_file(demo: Path) -> None:
    page = next((demo / "site-zensical" / "procedures").rglob("GA-001/index.html")).read_text(encoding="utf-8")
    (edit,) = re.findall(r'<a href="([^"]*)"[^>]*rel="edit"', page)
    assert edit == "https://github.com/example-co/sopbook/edit/main/sop/総務部/GA-001-電子契約.yaml"


def test_every_page_has_the_same_edit_button_as_on_mkdocs(demo: Path) -> None:
    """Procedures open their YAML file, pages written by hand their Markdown file; generated lists and reports
    have no file to edit, so no button (not one to a generated Markdown file that is not in the repository)."""
    def edit_links(site: str, page: str) -> list[str]:
        return re.findall(r'<a href="([^"]*)"[^>]*rel="edit"', (demo / site / page).read_text(encoding="utf-8"))

    kinds = set()
    for page in sorted(pages(demo / "site-zensical")):
        ours = edit_links("site", page)
        assert edit_links("site-zensical", page) == ours, page
        kinds.add(ours[0].rsplit(".", 1)[-1] if ours else None)
    assert kinds == {"yaml", "md", None}


def test_reports_and_dashboard_are_built(demo: Path) -> None:
    site = demo / "site-zensical"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "single-owner" in home and "文書化率" in home  # the dashboard
    for report in (demo / "site" / "reports").rglob("index.html"):
        assert (site / report.relative_to(demo / "site")).is_file(), report


def test_assistant_files_are_published_beside_the_pages(demo: Path) -> None:
    from llms_txt import parse_llms_file  # type: ignore[import-untyped]

    site = demo / "site-zensical"
    parsed = parse_llms_file((site / "llms.txt").read_text(encoding="utf-8"))
    links = [link["url"] for section in parsed.sections.values() for link in section]
    assert len(links) == 20
    for url in links:
        assert url.startswith(SITE_URL)
        assert (site / unquote(url[len(SITE_URL):])).is_file(), url
    assert (site / "llms-full.txt").read_text(encoding="utf-8") == \
        (demo / "site" / "llms-full.txt").read_text(encoding="utf-8")


def test_the_feeds_of_recent_changes_are_published_too(demo: Path) -> None:
    feedparser = pytest.importorskip("feedparser", reason="needs feedparser")
    mkdocs = sorted(path.relative_to(demo / "site").as_posix() for path in (demo / "site").rglob("*.xml")
                    if path.name != "sitemap.xml")
    assert mkdocs and "feed.xml" in mkdocs
    for path in mkdocs:
        ours, theirs = (feedparser.parse((demo / site / path).read_bytes()) for site in ("site", "site-zensical"))
        assert not theirs.bozo, path
        assert theirs.entries or path != "feed.xml"  # the demo has recent changes
        assert [entry.link for entry in theirs.entries] == [entry.link for entry in ours.entries], path


def feeds_announced(site: Path, page: str) -> list[tuple[str, str]]:
    """(title, feed file relative to the site) of each Atom feed ``<link>`` in the page's head."""
    html = (site / page).read_text(encoding="utf-8")
    head = html[:html.index("</head>")]
    found = []
    for link in re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', head):
        (title,) = re.findall(r'title="([^"]*)"', link)
        (href,) = re.findall(r'href="([^"]*)"', link)
        target = (site / page).parent / unquote(href)
        assert target.is_file(), (page, href)
        found.append((title, target.resolve().relative_to(site.resolve()).as_posix()))
    return found


def test_every_page_announces_the_same_feeds_as_on_mkdocs(demo: Path) -> None:
    checked = 0
    for page in sorted(pages(demo / "site-zensical")):
        ours, theirs = feeds_announced(demo / "site", page), feeds_announced(demo / "site-zensical", page)
        assert ours == theirs, page
        assert ("業務手順ナレッジベース：手順の変更", "feed.xml") in theirs, page
        checked += 1
    assert checked > 80
    procedure = feeds_announced(demo / "site-zensical", "procedures/総務部/契約/GA-001/index.html")
    assert ("業務手順ナレッジベース：総務部の手順の変更", "feeds/総務部.xml") in procedure


def test_the_knowledge_bases_own_head_block_stays(demo: Path) -> None:
    for site in ("site", "site-zensical"):
        html = (demo / site / "procedures/総務部/契約/GA-001/index.html").read_text(encoding="utf-8")
        assert '<meta name="kb-own-head" content="1">' in html[:html.index("</head>")], site


def test_tags_without_materials_tags_plugin(demo: Path) -> None:
    """The folder leaves Material's tags plugin out (its memory on Zensical): sopbook's own tags page lists each
    tag's procedures, and each procedure's tag chips link to its tag there, as the plugin's do on MkDocs."""
    import yaml

    run(["generate", "--out", "gen"], demo)
    assert "\n  - tags\n" in (demo / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.safe_load((demo / "gen" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "tags" not in [next(iter(entry)) if isinstance(entry, dict) else entry for entry in config["plugins"]]
    site = demo / "site-zensical"
    tags_page = (site / "tags" / "index.html").read_text(encoding="utf-8")
    headings = dict(re.findall(r'<h2 id="([^"]+)"[^>]*>(.*?)<', tags_page))
    chip = r'<a href="([^"]*)" class="md-tag[^"]*">([^<]*)</a>'
    for page in sorted(pages(demo / "site")):
        if not re.search(r"/[A-Z]+-\d+/index\.html$", page):
            continue
        mkdocs_page = (demo / "site" / page).read_text(encoding="utf-8")
        on_mkdocs = [name.strip() for _href, name in re.findall(chip, mkdocs_page)]
        chips = re.findall(chip, (site / page).read_text(encoding="utf-8"))
        assert [name for _href, name in chips] == on_mkdocs, page
        for href, name in chips:
            target, _, anchor = href.partition("#")
            assert ((site / page).parent / unquote(target)).resolve() == (site / "tags").resolve(), href
            assert headings[unquote(anchor)].strip() == name, (page, href)
    assert "契約" in headings.values() and len(headings) > 20
    ga001 = tags_page.split('id="tag-契約"', 1)[1].split("<h2", 1)[0]
    assert "GA-001" in ga001


def test_listings_are_left_out_of_the_search_index(demo: Path) -> None:
    """Zensical stops the build when a section holds more words than its index can place (the recent-changes
    page at 10,000 procedures): the listings are left out of its index, the procedures stay in."""
    import json

    index = json.loads((demo / "site-zensical" / "search.json").read_text(encoding="utf-8"))
    pages_searched = {unquote(item["location"]).split("#", 1)[0] for item in index["items"]}
    procedures = {page.removesuffix("index.html") for page in pages(demo / "site-zensical")
                  if re.search(r"/[A-Z]+-\d+/index\.html$", page)}
    assert procedures <= pages_searched
    assert "" in pages_searched and "rules/single-owner/" in pages_searched  # the home page, a rule's page
    for listing in ("changes/", "tags/", "faq/", "people/", "procedures/", "procedures/総務部/", "reports/findings/"):
        assert (demo / "site-zensical" / listing / "index.html").is_file(), listing
        assert listing not in pages_searched, listing


def test_the_folder_references_nothing_on_the_internet(demo: Path) -> None:
    """Scripts, styles and fonts all come from the site itself (links to other sites are fine)."""
    for page in (demo / "site-zensical").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        sources = re.findall(r'<(?:script|img|iframe)[^>]*\ssrc="(https?:[^"]*)"', html)
        sources += re.findall(r'<link[^>]*\shref="(https?:[^"]*)"[^>]*>', html)
        sources = [url for url in sources if not url.startswith(SITE_URL)]  # canonical link
        assert not sources, (page, sources)


# --- generate ---------------------------------------------------------------------------------------------


def test_generate_clears_what_it_wrote_before_and_refuses_other_folders(make_kb: KnowledgeBaseFactory) -> None:
    make_kb()
    Path("mkdocs.yml").write_text("site_name: KB\nplugins:\n  - sopbook\n", encoding="utf-8")
    run(["generate", "--out", "out"], Path.cwd())
    stale = Path("out/docs/procedures/old.md")
    stale.write_text("# old\n", encoding="utf-8")
    run(["generate", "--out", "out"], Path.cwd())
    assert not stale.exists() and Path("out/docs/index.md").is_file()
    Path("mine/docs").mkdir(parents=True)
    result = CliRunner().invoke(cli, ["generate", "--out", "mine"], catch_exceptions=False)
    assert result.exit_code == 2
    assert Language("ja").label("generate.not-ours", folder="mine") in result.output  # the knowledge base's language


def test_the_knowledge_bases_own_theme_overrides_are_kept_and_win(make_kb: KnowledgeBaseFactory) -> None:
    make_kb()
    Path("overrides/partials").mkdir(parents=True)
    Path("overrides/partials/source.html").write_text("<a class=md-source>ours</a>\n", encoding="utf-8")
    Path("overrides/main.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    Path("mkdocs.yml").write_text("site_name: KB\ntheme:\n  name: material\n  custom_dir: overrides\n"
                                  "  font: {text: Noto Sans JP}\nplugins:\n  - sopbook\n", encoding="utf-8")
    run(["generate", "--out", "out"], Path.cwd())
    assert Path("out/overrides/partials/source.html").read_text(encoding="utf-8") == "<a class=md-source>ours</a>\n"
    assert Path("out/overrides/main.html").is_file() and Path("out/overrides/partials/actions.html").is_file()
    config = Path("out/mkdocs.yml").read_text(encoding="utf-8")
    assert "custom_dir: overrides" in config and "text: Noto Sans JP" in config


def test_a_failed_zensical_build_keeps_the_previous_site(make_kb: KnowledgeBaseFactory) -> None:
    make_kb()
    Path("mkdocs.yml").write_text("site_name: KB\nplugins:\n  - sopbook\n", encoding="utf-8")
    run(["build", "--engine", "zensical"], Path.cwd())
    before = sorted(path.as_posix() for path in Path("site").rglob("*"))
    make_kb({"総務部/GA-001.yaml": PROCEDURE.replace("owner: tanaka", "owner: nobody")})
    result = CliRunner().invoke(cli, ["build", "--engine", "zensical"], catch_exceptions=False)
    assert result.exit_code == 1 and "nobody" in result.output
    assert sorted(path.as_posix() for path in Path("site").rglob("*")) == before
    assert not [path for path in Path.cwd().iterdir() if path.name.startswith(".site.")]


# --- in the browser ---------------------------------------------------------------------------------------

browser = pytest.mark.skipif(not has_executable(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


LOCAL = "http://127.0.0.1:"


def serve(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def served(demo: Path) -> Iterator[str]:
    yield from serve(demo / "site-zensical")


@pytest.fixture(scope="module")
def served_in_english(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo (Japanese procedures) as an English-language site (`language: en`), built by Zensical."""
    root = tmp_path_factory.mktemp("demo-en")
    for name in ("sop", "templates", "docs"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns(".sopbook-cache"))
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert config.count("  language: ja\n") == 2  # the theme's and the plugin's
    (root / "mkdocs.yml").write_text(config.replace("  language: ja\n", "  language: en\n"), encoding="utf-8")
    run(["build", "--engine", "zensical"], root)
    assert '<html lang="en"' in (root / "site" / "index.html").read_text(encoding="utf-8")
    yield from serve(root / "site")


@pytest.fixture(scope="module")
def page(served: str) -> Iterator[Any]:
    """A Chromium page that may load only the sites served here: every other request is refused and recorded."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")
    if not has_executable(CHROMIUM):
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        outside: list[str] = []

        def only_the_site(route: Any) -> None:
            if route.request.url.startswith(LOCAL):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_the_site)
        tab = context.new_page()
        tab.outside = outside
        yield tab
        chromium.close()


def zensical_search(page: Any, site_url: str, query: str) -> list[str]:
    """Open Zensical's search dialog, type ``query``; the pages of the results, as ``ID title``.

    Zensical lists sections (a step, an FAQ entry) under their page's path, so each result is mapped
    to the page it links to, in order, each page once.
    """
    page.goto(site_url)
    page.locator(".md-search__button").click()
    page.get_by_role("combobox").fill(query)
    results = page.get_by_role("option")
    results.first.wait_for(timeout=15_000)
    found: list[str] = []
    for href in results.evaluate_all("links => links.map(link => link.href)"):
        path = unquote(urlsplit(href).path)
        match = re.search(r"/([A-Z]+-\d+)/$", path)
        if match and match.group(1) not in found:
            found.append(match.group(1))
    titles = {line.split(" ", 1)[0]: line for line in ID_TITLES}
    return [titles.get(procedure, procedure) for procedure in found]


@browser
@pytest.mark.browser
@pytest.mark.parametrize(("query", "expected"), DEMO_SEARCHES, ids=[query for query, _ in DEMO_SEARCHES])
def test_zensical_search_finds_the_procedure(page: Any, served: str, query: str, expected: str) -> None:
    titles = zensical_search(page, served, query)
    assert expected in titles, f"{query!r} found {titles}"


ENGLISH_SITE_SEARCHES = [
    *DEMO_SEARCHES,
    # Words only inside Japanese sentences of GA-002 (no title, heading or tag): found only when the search
    # splits Japanese text into words.
    ("レターパック", "GA-002 社用印の押印申請"),
    ("袋とじ", "GA-002 社用印の押印申請"),
    ("暗証番号", "GA-002 社用印の押印申請"),
]


@browser
@pytest.mark.browser
@pytest.mark.parametrize(("query", "expected"), ENGLISH_SITE_SEARCHES,
                         ids=[query for query, _ in ENGLISH_SITE_SEARCHES])
def test_japanese_words_are_found_on_an_english_site(page: Any, served_in_english: str, query: str,
                                                     expected: str) -> None:
    titles = zensical_search(page, served_in_english, query)
    assert expected in titles, f"{query!r} found {titles}"


@browser
@pytest.mark.browser
def test_pages_draw_and_fetch_nothing_from_the_internet(page: Any, served: str) -> None:
    page.goto(served + "procedures/総務部/契約/GA-001/")
    flow = page.locator("ol.sopbook-flow").first
    assert flow.is_visible() and "総務課長" in flow.inner_text()
    if page.locator("a.glightbox").count():  # screenshots: the lightbox loaded from the site itself
        assert page.evaluate("typeof GLightbox") == "function"
        # its stylesheet came as a print stylesheet (not holding up the first paint), switched to all on load
        stylesheet = page.locator("link[href$='glightbox.min.css']")
        assert stylesheet.count() == 1
        page.wait_for_function("link => link.media === 'all'", arg=stylesheet.element_handle(), timeout=10_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "zensical-procedure.png"), full_page=True)
    zensical_search(page, served, "押印")
    page.screenshot(path=str(ARTIFACTS / "zensical-search.png"))
    assert page.outside == [], page.outside
