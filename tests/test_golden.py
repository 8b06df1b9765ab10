"""Golden files for every page kind and every problem output of one small knowledge base (tests/golden/site/sop).

Each page kind (home, procedure, department, category, person, tool, the indexes, tags, the reports, the
findings, the rules) is pinned in Japanese and in English, and ``sopbook lint`` in each format (text, JSON,
SARIF, GitHub annotations). After an intended change, regenerate with

    pytest tests/test_golden.py --regen-golden

and review the diff: it is the change a user sees.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.changes import CHANGES_PAGE
from generator.cli import cli
from generator.options import parse_options
from generator.site import generate

GOLDEN = Path(__file__).parent / "golden" / "site"
EXPECTED = GOLDEN / "expected"
TODAY = "2026-11-25"
PAGES = {
    "home": "index.md",
    "procedure": "procedures/総務部/契約/GA-001.md",
    "procedure-draft": "procedures/経理部/ACC-001.md",
    "procedures": "procedures/index.md",
    "department": "procedures/総務部/index.md",
    "category": "procedures/総務部/契約/index.md",
    "person": "people/suzuki.md",
    "people": "people/index.md",
    "faq": "faq.md",
    "tool": "tools/kintone.md",
    "tools": "tools/index.md",
    "tags": "tags.md",
    "reports": "reports/index.md",
    "report": "reports/single-owner.md",
    "report-dx": "reports/dx.md",
    "findings": "reports/findings.md",
    "rules": "rules/index.md",
    "rule": "rules/single-owner.md",
    "changes": CHANGES_PAGE,
}
"""Page kind → the page that stands for it."""
OUTPUTS = {"text": "lint.txt", "json": "lint.json", "sarif": "lint.sarif", "github": "lint.github"}


@pytest.fixture
def golden_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The golden knowledge base copied to a temporary working directory (paths print as sop/...)."""
    shutil.copytree(GOLDEN / "sop", tmp_path / "sop")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOPBOOK_NO_CACHE", "1")
    return tmp_path


def check(expected: Path, actual: str, regen_golden: bool) -> None:
    if regen_golden:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
    assert expected.is_file(), f"no {expected}; run pytest with --regen-golden to write it"
    assert actual == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_page_kind(golden_kb: Path, language: str, regen_golden: bool) -> None:
    options = parse_options({"language": language, "today": TODAY}, golden_kb)
    pages = {page.path: page for page in generate(options).pages}
    kinds = {page.kind for page in pages.values()}
    assert kinds == {"home", "procedure", "department", "category", "person", "tool", "index", "tags", "report",
                     "rule", "changes", "faq"}, "a new page kind needs a golden file here"
    for kind, path in PAGES.items():
        check(EXPECTED / language / f"{kind}.md", pages[path].markdown, regen_golden)


@pytest.mark.parametrize("format_name", list(OUTPUTS))
def test_every_problem_output(golden_kb: Path, format_name: str, regen_golden: bool) -> None:
    (golden_kb / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - sopbook:\n      language: ja\n",
                                          encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "--format", format_name, "--today", TODAY], catch_exceptions=False)
    assert result.exit_code == 1  # the knowledge base has errors on purpose
    check(EXPECTED / OUTPUTS[format_name], result.stdout, regen_golden)
