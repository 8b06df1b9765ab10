"""Real MkDocs builds through the plugin and the sopbook commands: strict builds, failed builds that keep the
previous site, hostile YAML text, edit links, the language option, generate --out."""
from __future__ import annotations

import html as html_module
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from generator.cli import cli
from tests.support import PROCEDURE, KnowledgeBaseFactory

MKDOCS_YML = """\
site_name: Test
repo_url: https://github.com/example/kb
edit_uri: edit/main/docs/
theme:
  name: material
  language: en
  features: [content.action.edit]
plugins:
  - search:
      lang: ja
  - sopbook:
      language: {language}
      today: "2026-11-25"
"""

HOSTILE = PROCEDURE.replace("title: 電子契約の締結", 'title: "{{ 7*7 }} <script>alert(1)</script>"').replace(
    "      依頼者から受け取った契約書を kintone に登録する。",
    "      依頼者から受け取った契約書を kintone に登録する。\n"
    "      <img src=x onerror=alert(2)> [click](javascript:alert(3)) {{ 7*7 }}\n"
    "\n"
    "      - **太字** の項目\n"
    "      - `<b>code</b>`\n") + 'tags: ["<img src=x onerror=alert(4)>", "契約"]\n'
TAGS_YML = "  - tags\n"


def with_tags_plugin(root: Path) -> None:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - sopbook:", TAGS_YML + "  - sopbook:"),
                      encoding="utf-8")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def site_kb(make_kb: KnowledgeBaseFactory, language: str = "ja",
            procedures: dict[str, str] | None = None) -> Path:
    make_kb(procedures)
    (make_kb.root / "docs").mkdir(exist_ok=True)
    (make_kb.root / "mkdocs.yml").write_text(MKDOCS_YML.format(language=language), encoding="utf-8")
    return make_kb.root


def procedure_html(root: Path) -> str:
    return (root / "site" / "procedures" / "総務部" / "契約" / "GA-001" / "index.html").read_text(encoding="utf-8")


def test_strict_build_makes_every_page(make_kb: KnowledgeBaseFactory) -> None:
    root = site_kb(make_kb)
    result = run("build", "--strict")
    assert result.exit_code == 0, result.output
    for page in ("index.html", "procedures/総務部/契約/GA-001/index.html", "people/tanaka/index.html",
                 "tools/kintone/index.html", "tags/index.html", "procedures/総務部/index.html"):
        assert (root / "site" / page).is_file(), page
    html = procedure_html(root)
    assert "田中 花子" in html and "2026年4月1日" in html and "15分" in html
    assert '<ol class="sopbook-flow" aria-label="承認フロー">' in html
    assert not list(root.glob(".site.*")), "the staging folder was left behind"


def test_edit_link_points_at_the_yaml_file(make_kb: KnowledgeBaseFactory) -> None:
    root = site_kb(make_kb)
    assert run("build").exit_code == 0
    links = re.findall(r'<a href="([^"]+)"[^>]*class="md-content__button', procedure_html(root))
    assert links == ["https://github.com/example/kb/edit/main/sop/%E7%B7%8F%E5%8B%99%E9%83%A8/GA-001.yaml"] or \
        links == ["https://github.com/example/kb/edit/main/sop/総務部/GA-001.yaml"], links


def test_yaml_text_never_becomes_markup(make_kb: KnowledgeBaseFactory) -> None:
    root = site_kb(make_kb, procedures={"総務部/GA-001.yaml": HOSTILE})
    with_tags_plugin(root)
    assert run("build").exit_code == 0
    html = procedure_html(root)  # <title> included: its text comes from the front matter, escaped
    article = html[html.index("<article"):html.index("</article>")]
    assert html_module.unescape(article).count("{{ 7*7 }}") == 2 and "49" not in article
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<img src=x" not in html and "onerror=alert(2)" in html.replace("&lt;", "<") and "<img src=\"x\"" not in html
    assert "javascript:" not in html
    assert "<strong>太字</strong>" in html, "Markdown in details still renders"
    assert "<code>&lt;b&gt;code&lt;/b&gt;</code>" in html
    for page in root.joinpath("site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<script>alert" not in text, page


def test_invalid_knowledge_base_stops_the_build_and_keeps_the_old_site(make_kb: KnowledgeBaseFactory) -> None:
    root = site_kb(make_kb)
    assert run("build").exit_code == 0
    before = procedure_html(root)
    make_kb.write("総務部/GA-001.yaml", PROCEDURE.replace("owner: tanaka", "owner: tanaka2"))
    result = run("build")
    assert result.exit_code != 0
    assert "sop/総務部/GA-001.yaml:8:8: error unknown-person" in result.output.replace("\\", "/")
    assert "Traceback" not in result.output
    assert procedure_html(root) == before
    assert not list(root.glob(".site.*"))
    plain = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root, capture_output=True, text=True,
                           check=False)
    assert plain.returncode != 0 and "Traceback" not in plain.stderr
    assert "sop/総務部/GA-001.yaml:8:8: error unknown-person" in plain.stderr
    assert procedure_html(root) == before
    assert not list(root.glob(".site.*"))


def test_mkdocs_strict_fails_on_lint_errors_but_not_on_warnings(make_kb: KnowledgeBaseFactory) -> None:
    """Lint warnings are information; a lint error (an inactive owner) fails `mkdocs build --strict`."""
    root = site_kb(make_kb)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"]
    ok = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    make_kb.write("総務部/GA-001.yaml", PROCEDURE.replace("owner: tanaka", "owner: yamada"))
    failed = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert failed.returncode != 0
    assert "sop/総務部/GA-001.yaml:8:8: error inactive-owner" in failed.stderr


def test_english_labels_and_dates(make_kb: KnowledgeBaseFactory) -> None:
    root = site_kb(make_kb, language="en")
    assert run("build").exit_code == 0
    html = procedure_html(root)
    assert "April 1, 2026" in html and "Owner" in html and "15 min" in html
    assert '<html lang="en"' in html
    ja_root = site_kb(make_kb, language="ja")
    assert run("build").exit_code == 0
    assert '<html lang="ja"' in procedure_html(ja_root)


def test_kb_template_overrides_the_default(make_kb: KnowledgeBaseFactory) -> None:
    root = site_kb(make_kb)
    (root / "templates").mkdir()
    (root / "templates" / "tool.md.j2").write_text("# {{ tool.name }}\n\nOVERRIDDEN TOOL PAGE\n", encoding="utf-8")
    assert run("build").exit_code == 0
    assert "OVERRIDDEN TOOL PAGE" in (root / "site" / "tools" / "kintone" / "index.html").read_text(encoding="utf-8")


def test_generate_writes_markdown_that_plain_mkdocs_builds(make_kb: KnowledgeBaseFactory) -> None:
    root = site_kb(make_kb)
    result = run("generate", "--out", "out")
    assert result.exit_code == 0, result.output
    assert (root / "out" / "docs" / "procedures" / "総務部" / "契約" / "GA-001.md").is_file()
    standalone = yaml.safe_load((root / "out" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert not [entry for entry in standalone["plugins"] if "sopbook" in str(entry)], standalone["plugins"]
    plain = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", "out/mkdocs.yml"],
                           cwd=root, capture_output=True, text=True, check=False)
    assert plain.returncode == 0, plain.stderr
    page = root / "out" / "site" / "procedures" / "総務部" / "契約" / "GA-001" / "index.html"
    # The approval flow is drawn by sopbook's stylesheet, which generate copies and lists in mkdocs.yml.
    html = page.read_text(encoding="utf-8")
    assert '<span class="sopbook-flow__name">総務課長</span>' in html
    assert 'href="../../../../assets/sopbook/sopbook.css"' in html
    assert (root / "out" / "site" / "assets" / "sopbook" / "sopbook.css").is_file()


def test_demo_builds_strictly(demo_copy: Path) -> None:
    """`sopbook build --strict` and `mkdocs build --strict` build the demo knowledge base."""
    result = run("build", "--strict")
    assert result.exit_code == 0, result.output
    plain = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", "mkdocs-site"],
                           cwd=demo_copy, capture_output=True, text=True, check=False)
    assert plain.returncode == 0, plain.stderr
    assert (demo_copy / "site" / "procedures" / "経理部" / "経費" / "ACC-001" / "index.html").is_file()
    # A draft and a retired procedure are marked as such.
    pages = list((demo_copy / "site" / "procedures").rglob("index.html"))
    texts = [page.read_text(encoding="utf-8") for page in pages]
    assert any('admonition warning' in text and "下書き" in text for text in texts)
    assert any('admonition danger' in text and "廃止" in text for text in texts)


@pytest.mark.parametrize("flags", [[], ["--dirty"], ["--no-dirty"]], ids=["serve", "serve-dirty", "serve-no-dirty"])
def test_serve_rebuilds_when_a_yaml_file_changes(make_kb: KnowledgeBaseFactory, flags: list[str]) -> None:
    """`sopbook serve` (and its fast `--dirty` mode) watches sop/: an edited title shows up in the served page."""
    import socket
    import time
    import urllib.request

    root = site_kb(make_kb)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sopbook = str(Path(sys.executable).parent / "sopbook")
    server = subprocess.Popen([sopbook, "serve", "-a", f"127.0.0.1:{port}", *flags],
                              cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/procedures/%E7%B7%8F%E5%8B%99%E9%83%A8/%E5%A5%91%E7%B4%84/GA-001/"

    def page_text() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    def wait_for(text: str) -> bool:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if text in page_text():
                return True
            time.sleep(0.5)
        return False

    try:
        assert wait_for("電子契約の締結"), "the site was not served"
        make_kb.write("総務部/GA-001.yaml", PROCEDURE.replace("title: 電子契約の締結", "title: 電子契約の締結（改訂）"))
        assert wait_for("電子契約の締結（改訂）"), "the change did not show up"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_navigation_keeps_long_categories_to_their_index_page() -> None:
    from generator.i18n import language
    from generator.render import Page
    from generator.site import NAV_PAGES_PER_SECTION, navigation

    def pages(count: int, category: str) -> list[Page]:
        folder = f"procedures/総務部/{category}"
        return [Page(f"{folder}/index.md", "", None, category, "category"),
                *(Page(f"{folder}/P{number:05d}.md", "", None, f"<b>{number}</b>", "procedure")
                  for number in range(count))]

    department = Page("procedures/総務部/index.md", "", None, "総務部", "department")
    nav = navigation([department, *pages(NAV_PAGES_PER_SECTION, "short"), *pages(NAV_PAGES_PER_SECTION + 1, "long")],
                     language("ja"), ["format.md"])
    procedures = next(item["手順"] for item in nav if isinstance(item, dict) and "手順" in item)
    department_section = procedures[1]["総務部"]
    long_section, short_section = department_section[1]["long"], department_section[2]["short"]
    assert long_section == ["procedures/総務部/long/index.md"]
    assert len(short_section) == NAV_PAGES_PER_SECTION + 1
    assert short_section[1] == {"&lt;b&gt;0&lt;/b&gt;": "procedures/総務部/short/P00000.md"}
    assert nav[-1] == "format.md"


def test_approval_flow_is_html_drawn_by_css_with_no_script(make_kb: KnowledgeBaseFactory) -> None:
    """The flow is a list of real text in the page; no diagram script on any page, and a page with a
    flow weighs what one without weighs plus the flow's own markup (issue 14)."""
    without = PROCEDURE.split("approvals:")[0].replace("id: GA-001", "id: GA-002")
    root = site_kb(make_kb, procedures={"総務部/GA-001.yaml": PROCEDURE, "総務部/GA-002.yaml": without})
    assert run("build", "--strict").exit_code == 0
    html = procedure_html(root)
    flow = re.search(r'<ol class="sopbook-flow".*?</ol>', html, re.S)
    assert flow is not None
    names = re.findall(r'<span class="sopbook-flow__name">([^<]*)</span>', flow.group(0))
    assert names == ["申請", "総務課長", "完了"]
    assert "条件: 契約金額100万円以上" in flow.group(0) and "期限: 2営業日" in flow.group(0)
    assert 'sopbook-flow__node--conditional' in flow.group(0)
    assert 'href="../../../../assets/sopbook/sopbook.css"' in html
    assert (root / "site" / "assets" / "sopbook" / "sopbook.css").is_file()
    other = (root / "site" / "procedures" / "総務部" / "契約" / "GA-002" / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts == re.findall(r'<script src="([^"]+)"', other)
    assert not [path for path in (root / "site").rglob("*.js") if "mermaid" in path.name]
    table = re.search(r"<table>.*?</table>", html[html.index("sopbook-flow"):], re.S)
    assert table is not None
    assert len(html) - len(other) < len(flow.group(0)) + len(table.group(0)) + 600


def test_the_old_mermaid_option_is_reported_and_fails_strict_builds(make_kb: KnowledgeBaseFactory) -> None:
    root = site_kb(make_kb)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - sopbook:\n", "  - sopbook:\n      mermaid: cdn\n"), encoding="utf-8")
    assert run("build").exit_code == 0
    result = run("build", "--strict")
    assert result.exit_code != 0
    assert "'mermaid' は使われなくなりました" in result.output  # the knowledge base's language (ja: it names none)


def test_sopbook_serve_is_dirty_for_large_knowledge_bases_unless_told() -> None:
    """`sopbook serve` picks MkDocs' dirty mode where a full rebuild takes seconds; plain `mkdocs serve`
    on such a knowledge base gets a hint instead."""
    from generator.preview import DIRTY_FROM_PROCEDURES, choose_dirty, full_rebuild_hint

    assert choose_dirty(None, DIRTY_FROM_PROCEDURES) is True
    assert choose_dirty(None, DIRTY_FROM_PROCEDURES - 1) is False
    assert choose_dirty(False, 10_000) is False
    assert choose_dirty(True, 3) is True
    assert full_rebuild_hint(DIRTY_FROM_PROCEDURES - 1) is None
    hint = full_rebuild_hint(1000)
    assert hint is not None and "mkdocs serve --dirty" in hint and "1000 procedures" in hint


def test_serve_reports_a_broken_mkdocs_yml_with_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sopbook serve` reads mkdocs.yml to size the knowledge base before MkDocs starts: bad YAML there
    is a usage error at file:line, not a traceback and not a server."""
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins: [sopbook\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2, result.output
    assert "mkdocs.yml:3:1" in result.output and "Traceback" not in result.output
