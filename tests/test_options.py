"""One options value: the plugin's options in mkdocs.yml mean the same to every command and to MkDocs, and a bad
value is the same error everywhere, at mkdocs.yml:line:column, never a traceback."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli
from generator.errors import ConfigError
from generator.options import load_project, parse_options, plugin_entries
from tests.support import KnowledgeBaseFactory

HEAD = "site_name: t\ntheme:\n  name: material\nplugins:\n  - search\n  - sopbook:\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write_config(make_kb: KnowledgeBaseFactory, options: str, head: str = HEAD) -> Path:
    make_kb()
    (make_kb.root / "docs").mkdir(exist_ok=True)
    path = make_kb.root / "mkdocs.yml"
    # Last, so the lines above keep their numbers: a knowledge base without a language is Japanese.
    english = "      language: en\n" if "language:" not in options and head.endswith("sopbook:\n") else ""
    path.write_text(head + options + english, encoding="utf-8")
    return path


COMMANDS = [("lint",), ("report", "single-owner"), ("whatif", "--without", "tanaka"),
            ("generate", "--out", "out"), ("build",), ("validate",)]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
@pytest.mark.parametrize(("options", "where", "message"), [
    ("      today: 2026-13-01\n", "mkdocs.yml:7:14", "today: expected a date as YYYY-MM-DD, got '2026-13-01'"),
    ("      today: not-a-date\n", "mkdocs.yml:7:14", "today: expected a date as YYYY-MM-DD, got 'not-a-date'"),
    ("      language: fr\n", "mkdocs.yml:7:17", "language: expected one of ja, en, got 'fr'"),
    ("      media_max_mb: 0\n", "mkdocs.yml:7:21",
     "media_max_mb: expected a positive number of megabytes, such as 2, got 0"),
    ("      lint: {rules: {single-owner: {min_people: -1}}}\n", "mkdocs.yml:7:49",
     "lint.rules.single-owner.min_people: expected a whole number of at least 0, got -1"),
    ("      lint:\n        rules:\n          single-ower: off\n", "mkdocs.yml:9:24",
     "lint.rules: unknown rule 'single-ower' (did you mean 'single-owner'?)"),
    ("      langauge: en\n", "mkdocs.yml:7:17",
     "unknown option 'langauge' of the sopbook plugin (did you mean 'language'?)"),
], ids=["impossible-date", "not-a-date", "language-fr", "media-zero", "negative-option", "unknown-rule",
        "unknown-option"])
def test_a_bad_option_is_the_same_error_from_every_command(make_kb: KnowledgeBaseFactory, command: tuple[str, ...],
                                                          options: str, where: str, message: str) -> None:
    write_config(make_kb, options)
    result = run(*command)
    assert result.exit_code == 2, result.output
    assert f"Error: {where}: {message}" in result.stderr
    assert "Traceback" not in result.output
    assert not (make_kb.root / "site").exists() and not (make_kb.root / "out").exists()


def test_every_bad_value_is_reported_at_once(make_kb: KnowledgeBaseFactory) -> None:
    write_config(make_kb, "      language: fr\n      today: 2026-02-30\n      search: pagefinder\n")
    result = run("lint")
    assert result.exit_code == 2
    assert "mkdocs.yml:7:17: language" in result.stderr
    assert "mkdocs.yml:8:14: today: expected a date as YYYY-MM-DD, got '2026-02-30'" in result.stderr
    assert "mkdocs.yml:9:15: search: expected one of auto, material, pagefind, got 'pagefinder'" in result.stderr


def test_an_unquoted_date_means_the_same_to_lint_and_to_the_site(make_kb: KnowledgeBaseFactory) -> None:
    write_config(make_kb, "      today: 2026-11-25\n")
    assert load_project("mkdocs.yml").options.today == dt.date(2026, 11, 25)
    lint = run("lint", "--format", "json")
    assert lint.exit_code in (0, 1) and "review-overdue" not in lint.stdout  # reviewed 2026-04-01, due 2027-04-01
    generate = run("generate", "--out", "out")
    assert generate.exit_code == 0, generate.output
    build = run("build")
    assert build.exit_code == 0, build.output


@pytest.mark.parametrize(("plugins", "where"), [
    ("plugins: 5\n", "mkdocs.yml:2:10: plugins: expected a list of plugins, got 5"),
    ("plugins:\n  - [sopbook]\n", "mkdocs.yml:3:3: plugins: expected a plugin name or 'name: {options}'"),
    ("plugins:\n  - sopbook: 5\n", "mkdocs.yml:3:14: the sopbook plugin's options must be a mapping"),
])
def test_a_bad_plugins_list_is_an_error_not_a_traceback(make_kb: KnowledgeBaseFactory, plugins: str,
                                                       where: str) -> None:
    write_config(make_kb, "", head="site_name: t\n" + plugins)
    result = run("lint")
    assert result.exit_code == 2, result.output
    assert where in result.stderr


def test_the_plugins_list_may_be_a_mapping() -> None:
    assert plugin_entries({"search": None, "sopbook": {"language": "en"}}) == [
        ("search", None), ("sopbook", {"language": "en"})]
    assert plugin_entries(["search", {"sopbook": {"language": "en"}}]) == [
        ("search", None), ("sopbook", {"language": "en"})]


def test_options_are_frozen_and_relative_to_mkdocs_yml(tmp_path: Path) -> None:
    options = parse_options({"sop_dir": "kb", "templates_dir": "t", "language": "en"}, tmp_path)
    assert options.sop_dir == tmp_path / "kb" and options.templates_dir == tmp_path / "t"
    assert options.language.code == "en" and options.lint.option("single-owner", "min_people") == 2
    with pytest.raises(AttributeError):
        options.language = options.language  # type: ignore[misc]
    with pytest.raises(ConfigError) as raised:
        parse_options({"today": "2026-13-01", "search": "inline"}, tmp_path)
    assert [setting for setting, _ in raised.value.problems] == [("today",), ("search",)]


def test_the_default_lint_settings_are_those_of_the_language_made_when_first_needed(
        make_kb: KnowledgeBaseFactory, tmp_path: Path) -> None:
    """Without a ``lint`` option the defaults of the knowledge base's language are used, made on first use:
    a warm ``sopbook validate`` needs no rule, so it imports none (15-25 ms of its 0.2 s)."""
    from generator.rules import parse_lint_config

    for language in ("ja", "en"):
        options = parse_options({"language": language}, tmp_path)
        assert options.configured_lint is None
        assert options.lint == parse_lint_config(None, language)
    make_kb()
    code = ("import sys; from generator.cli import cli\n"
            "try:\n    cli(['validate'])\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
            "print(sorted(name for name in sys.modules if name.startswith(('generator.rules', 'generator.model'))))")
    result = subprocess.run([sys.executable, "-c", code], cwd=make_kb.root, capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout


def test_mkdocs_itself_reports_a_bad_option_at_its_line(make_kb: KnowledgeBaseFactory) -> None:
    """Plain `mkdocs build` validates through the same definition and says where the value is."""
    write_config(make_kb, "      language: fr\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=make_kb.root, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 1
    assert "mkdocs.yml:7:17: language: expected one of ja, en, got 'fr'" in result.stderr
    assert "Traceback" not in result.stderr
