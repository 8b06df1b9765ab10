"""End to end, as a new user: ``init``, ``new``, ``fmt --check``, ``lint``, ``build`` through the installed command."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from generator.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def installed(name: str) -> str | None:
    """The console script of the environment running the tests, else the one on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


SOPBOOK = installed("sopbook")
pytestmark = pytest.mark.skipif(SOPBOOK is None, reason="the sopbook console script is not installed "
                                                        "(pip install -e .)")


def run(*arguments: str, cwd: Path, command: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SOPBOOK_NO_CACHE", None)  # a new user has the cache on
    return subprocess.run([command or str(SOPBOOK), *arguments], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=300, check=False)


JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def test_an_english_team_gets_an_english_knowledge_base(tmp_path: Path) -> None:
    """init --language en, new, lint, build: no file written and no page built holds a Japanese character."""
    result = run("init", "kb", "--language", "en", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not JAPANESE.search(result.stdout + result.stderr), result.stdout
    assert "--department Facilities" in result.stdout
    kb = tmp_path / "kb"
    result = run("new", "FAC-002", "--title", "Order business cards", "--department", "Facilities",
                 "--owner", "emma", cwd=kb)
    assert result.returncode == 2 and "did you mean 'emma.jones'?" in result.stderr, result.stderr
    result = run("new", "FAC-002", "--title", "Order business cards", "--department", "Facilities",
                 "--owner", "emma.jones", "--backup", "chris.lee", cwd=kb)
    assert result.returncode == 0, result.stderr
    skeleton = (kb / "sop" / "Facilities" / "FAC-002-Order-business-cards.yaml").read_text(encoding="utf-8")
    assert "change: First version" in skeleton

    result = run("lint", cwd=kb)
    assert result.returncode == 0, result.stdout + result.stderr
    findings = [line for line in result.stdout.splitlines() if re.match(r"sop/.+:\d+:\d+: ", line)]
    assert findings and all("warning placeholder" in line and "FAC-002" in line for line in findings), findings
    assert not JAPANESE.search(result.stdout + result.stderr)

    shutil.rmtree(kb / "docs")  # sopbook writes every page: a knowledge base needs no docs/ folder
    result = run("build", cwd=kb)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (kb / "docs").exists()
    written = [path for path in kb.rglob("*") if path.is_file() and ".sopbook-cache" not in path.parts
               and path.suffix not in (".png", ".ico", ".woff", ".woff2", ".gz")
               and not (path.is_relative_to(kb / "site" / "assets"))]
    assert len(written) > 30
    for path in written:
        found = JAPANESE.search(path.read_text(encoding="utf-8", errors="replace"))
        assert found is None, (path, found)


def test_init_new_fmt_lint_build_as_a_new_user(tmp_path: Path) -> None:
    result = run("init", "総務ナレッジ", "--name", "総務部の手順書", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    kb = tmp_path / "総務ナレッジ"

    result = run("new", "GA-002", "--title", "名刺の発注", "--department", "総務部", "--owner", "tanaka",
                 "--backup", "suzuki", cwd=kb)
    assert result.returncode == 0, result.stderr
    procedure = kb / "sop" / "総務部" / "GA-002-名刺の発注.yaml"
    assert procedure.is_file()

    result = run("fmt", "--check", cwd=kb)
    assert result.returncode == 0, result.stdout + result.stderr

    result = run("validate", cwd=kb)
    assert result.returncode == 0, result.stdout + result.stderr

    result = run("lint", cwd=kb)
    assert result.returncode == 0, result.stdout + result.stderr
    findings = [line for line in result.stdout.splitlines() if re.match(r"sop/.+:\d+:\d+: ", line)]
    assert findings and all("warning placeholder" in line and "GA-002" in line for line in findings), findings

    # The new file needs its reviewers in CODEOWNERS; CI's check says so until it is regenerated.
    assert run("codeowners", "--check", cwd=kb).returncode == 1
    assert run("codeowners", cwd=kb).returncode == 0
    assert "/sop/総務部/GA-002-名刺の発注.yaml" in (kb / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert run("codeowners", "--check", cwd=kb).returncode == 0

    result = run("build", cwd=kb)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = [page for page in (kb / "site").rglob("*.html") if "GA-002" in page.read_text(encoding="utf-8")]
    assert any("名刺の発注" in page.read_text(encoding="utf-8") for page in pages)
    assert "総務部の手順書" in (kb / "site" / "index.html").read_text(encoding="utf-8")

    # What the scaffold's CI workflow runs on every pull request.
    mkdocs = installed("mkdocs")
    if mkdocs is not None:
        result = run("build", "--strict", cwd=kb, command=mkdocs)
        assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_procedure_stops_fmt_lint_and_build(tmp_path: Path) -> None:
    assert run("init", "kb", cwd=tmp_path).returncode == 0
    kb = tmp_path / "kb"
    assert run("build", cwd=kb).returncode == 0
    index = (kb / "site" / "index.html").read_bytes()
    broken = kb / "sop" / "総務部" / "GA-001-備品の発注.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("owner: tanaka", "owner: tanka"), encoding="utf-8")
    lint = run("lint", "--format", "github", cwd=kb)
    assert lint.returncode == 1
    assert "::error file=sop/総務部/GA-001-備品の発注.yaml,line=" in lint.stdout
    assert run("build", cwd=kb).returncode != 0
    assert (kb / "site" / "index.html").read_bytes() == index  # the previous site is left as it was


def test_pre_commit_hooks_name_real_commands() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} >= {"sopbook-fmt", "sopbook-lint"}
    for hook in hooks:
        program, command = hook["entry"].split()[:2]
        assert program == "sopbook" and command in cli.list_commands(click.Context(cli)), hook
        assert hook["language"] == "python"
        assert re.search(hook["files"], "sop/総務部/GA-001-電子契約.yaml")
        assert not re.search(hook["files"], "mkdocs.yml")
    scaffold = (ROOT / "generator/data/scaffold/ja/dot-pre-commit-config.yaml").read_text(encoding="utf-8")
    assert {"sopbook-fmt", "sopbook-lint"} <= set(re.findall(r"id: (\S+)", scaffold))


def _texts_of_xlsx(path: Path) -> str:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
                     for cell in row if cell is not None)


def test_every_command_of_an_english_knowledge_base_speaks_english(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command on `init --language en` — its output, every report in every format, every file it writes,
    its errors and its --help — holds no Japanese character (the Japanese locale notwithstanding)."""
    from click.testing import CliRunner

    from generator.errors import InvalidKnowledgeBase
    from generator.options import load_project
    from generator.reports import REPORTS
    from generator.site import problems_page
    from generator.validate import validate

    assert run("init", "kb", "--language", "en", cwd=tmp_path).returncode == 0
    kb = tmp_path / "kb"
    monkeypatch.chdir(kb)
    monkeypatch.setenv("LANGUAGE", "ja")  # a Japanese desktop: the knowledge base's language still wins
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "start", "--date", "2026-01-05T10:00:00"], check=True,
                   env={**os.environ, "GIT_COMMITTER_DATE": "2026-01-05T10:00:00"})
    said: list[tuple[str, str]] = []

    def sopbook(*arguments: str, codes: tuple[int, ...] = (0,)) -> str:
        result = CliRunner().invoke(cli, list(arguments), catch_exceptions=False)
        assert result.exit_code in codes, (arguments, result.output)
        said.append((" ".join(arguments), result.output))
        return result.output

    sopbook("validate")
    sopbook("validate", "--format", "json")
    for format_name in ("text", "json", "github", "sarif"):
        sopbook("lint", "--format", format_name)
    for name in [*REPORTS, "trend"]:
        for format_name in ("md", "csv", "json"):
            sopbook("report", name, "--format", format_name)
        sopbook("report", name, "--format", "xlsx", "--output", f"{name}.xlsx")
        said.append((f"{name}.xlsx", _texts_of_xlsx(kb / f"{name}.xlsx")))
    for format_name in ("text", "json", "md"):
        sopbook("whatif", "--without", "emma.jones", "--format", format_name)
    sopbook("codeowners", "--output", "-")
    sopbook("export")
    sopbook("fmt", "--check")
    sopbook("generate", "--out", "out")
    (tmp_path / "tasks.csv").write_text("title,department,performers,hours_per_month\n"
                                        "Water the plants,Facilities,Emma Jones,2\n", encoding="utf-8")
    sopbook("import", str(tmp_path / "tasks.csv"), "--dry-run")
    sopbook("new", "FAC-009", "--title", "Book a meeting room", "--department", "Facilities", "--owner", "emma.jones")
    for command in ["", *sorted(cli.list_commands(click.Context(cli)))]:
        sopbook(*([command] if command else []), "--help")
    if shutil.which("pdftotext"):
        sopbook("pdf", "--out", "book.pdf")
        text = subprocess.run(["pdftotext", "book.pdf", "-"], capture_output=True, text=True, check=True).stdout
        assert "Book a meeting room" in text
        said.append(("book.pdf", text))

    # What goes wrong, said in English too.
    sopbook("report", "people", "--at", "1999-01-01", codes=(2,))
    sopbook("import", "no-such.xlsx", codes=(2,))
    (tmp_path / "tasks.ods").write_text("x", encoding="utf-8")
    sopbook("import", str(tmp_path / "tasks.ods"), codes=(2,))
    broken = next((kb / "sop").rglob("FAC-001*.yaml"))
    broken.write_text(broken.read_text(encoding="utf-8").replace("owner: emma.jones", "owner: emma\ncolour: red"),
                      encoding="utf-8")
    sopbook("validate", codes=(1,))
    sopbook("lint", codes=(1,))
    sopbook("build", codes=(1,))
    sopbook("fmt", "--check", codes=(0, 1))
    said.append(("serve's problems page", problems_page(InvalidKnowledgeBase(validate(Path("sop")).problems),
                                                         load_project(kb / "mkdocs.yml").options)))
    (kb / "mkdocs.yml").write_text((kb / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "      language: en\n", "      language: en\n      trend_months: -1\n      todya: 2026-01-01\n"),
        encoding="utf-8")
    assert "trend_months" in sopbook("lint", codes=(2,))

    for command, text in said:
        found = JAPANESE.search(text)
        assert found is None, (command, text[max(0, found.start() - 200):found.end() + 100])
    written = [path for path in tmp_path.rglob("*") if path.is_file() and ".git" not in path.parts
               and ".sopbook-cache" not in path.parts and path.suffix in (".md", ".yml", ".yaml", ".txt", ".json",
                                                                          ".csv", ".jsonl", ".html", "")]
    assert len(written) > 30
    for path in written:
        found = JAPANESE.search(path.read_text(encoding="utf-8", errors="replace"))
        assert found is None, (path, found)
