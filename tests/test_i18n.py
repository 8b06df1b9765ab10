"""The message catalogues: complete in every language, compiled, and used for every message sopbook writes."""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from generator import i18n
from generator.model import load_knowledge_base
from generator.rules import run
from generator.validate import validate

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "generator" / "locale"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def _po(code: str):
    with open(LOCALE / code / "LC_MESSAGES" / "sopbook.po", "rb") as handle:
        return read_po(handle, locale=code)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_languages_are_the_catalogues_there_are() -> None:
    folders = sorted(path.name for path in LOCALE.iterdir() if (path / "LC_MESSAGES" / "sopbook.po").is_file())
    assert sorted(i18n.LANGUAGES) == folders
    assert i18n.LANGUAGES[0] == "ja" and "en" in i18n.LANGUAGES


def test_every_message_has_a_translation_in_every_language() -> None:
    catalogues = {code: {message.id: message.string for message in _po(code) if message.id}
                  for code in i18n.LANGUAGES}
    every_id = set().union(*catalogues.values())
    for code, messages in catalogues.items():
        # English is the source language of the rule documentation: its text is the module docstring.
        missing = sorted(key for key in every_id if not messages.get(key)
                         and not (code == "en" and (re.fullmatch(r"rule\.[a-z-]+\.doc", key)
                                                   or key.startswith(("schema-description: ", "help: ")))))
        assert not missing, f"{code}: no translation for {missing}"


def test_every_rule_has_a_title_summary_and_documentation_in_every_language() -> None:
    from generator.rules import RULES, documentation

    for code in i18n.LANGUAGES:
        language = i18n.language(code)
        for rule_id in RULES:
            assert language(f"rule.{rule_id}.title") and language(f"rule.{rule_id}.summary")
            text = documentation(rule_id, language)
            assert "```yaml" in text and text.count("```yaml") >= 2, (code, rule_id)  # a FAIL and a PASS example
            if code == "en":
                assert not JAPANESE.search(text), (rule_id, JAPANESE.search(text))
                assert "## Why is this bad?" in text
            if code == "ja":
                assert "## なぜ問題か" in text


def test_translations_use_the_same_placeholders() -> None:
    english = {message.id: message.string for message in _po("en") if message.id}
    for code in i18n.LANGUAGES:
        for message in _po(code):
            if message.id in english:
                assert _fields(message.string) == _fields(english[message.id]), (code, message.id)


def test_compiled_catalogues_are_up_to_date() -> None:
    for code in i18n.LANGUAGES:
        with open(LOCALE / code / "LC_MESSAGES" / "sopbook.mo", "rb") as handle:
            compiled = {message.id: message.string for message in read_mo(handle) if message.id}
        source = {message.id: message.string for message in _po(code) if message.id}
        assert compiled == source, (f"{code}: sopbook.mo is older than sopbook.po; run "
                                    f"'pybabel compile -d generator/locale -D sopbook'")


def test_every_message_id_in_the_code_is_in_the_catalogue() -> None:
    used: set[str] = set()
    for path in (ROOT / "generator").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\b_\(\s*["']([a-z][\w.-]*)["']""", text))
        used |= set(re.findall(r"""\blabel\(\s*["']([a-z][\w.-]*)["']""", text))
        # validate.Label: a key and its values, worded only when a reference is wrong.
        used |= set(re.findall(r"""\(\s*["']((?:where|validate)\.[\w.-]*)["'],\s*\{""", text))
    assert len(used) > 100
    for code in i18n.LANGUAGES:
        missing = sorted(key for key in used if key not in i18n.catalogue(code))
        assert not missing, f"{code}: used in the code but not in the catalogue: {missing}"


def test_a_missing_message_is_an_error_not_a_silent_id() -> None:
    with pytest.raises(i18n.MissingMessage):
        i18n.language("en").label("no.such.message")


def test_dates_follow_the_language() -> None:
    import datetime as dt

    day = dt.date(2026, 4, 1)
    assert i18n.language("ja").date(day) == "2026年4月1日"
    assert i18n.language("en").date(day) == "April 1, 2026"


def test_demo_validate_and_lint_messages_read_as_japanese() -> None:
    i18n.activate("ja")
    kb, validation = load_knowledge_base(ROOT / "sop")
    problems = [*validation.problems, *run(kb, None, __import__("datetime").date(2026, 11, 1)).problems]
    assert len(problems) > 10
    for problem in problems:
        assert JAPANESE.search(problem.message), str(problem)


def test_validation_messages_follow_the_active_language(make_kb) -> None:
    make_kb()
    make_kb.write("総務部/bad.yaml", "id: GA-002\ntitle: t\ndepartment: d\nowner: tanaka2\nsteps: [{title: a}]\n"
                  "colour: red\n")
    i18n.activate("ja")
    japanese = {problem.code: problem.message for problem in validate(Path("sop")).problems}
    i18n.activate("en")
    english = {problem.code: problem.message for problem in validate(Path("sop")).problems}
    assert japanese["unknown-person"] == "owner 'tanaka2' は sop/people.yaml にいません（もしかして 'tanaka'？）"
    assert english["unknown-person"] == "owner 'tanaka2' is not in sop/people.yaml (did you mean 'tanaka'?)"
    assert japanese["unknown-key"].startswith("ファイル全体 に未知のキー 'colour' があります")
    assert english["unknown-key"].startswith("unknown key 'colour' in the file")
    for message in english.values():
        assert not JAPANESE.search(message.replace("総務部", "")), message


def test_schema_descriptions_for_editors_in_every_language() -> None:
    from generator.schema import KINDS, for_editors, schema

    def descriptions(node: object) -> list[str]:
        if isinstance(node, dict):
            own = [node["description"]] if isinstance(node.get("description"), str) else []
            return own + [text for value in node.values() for text in descriptions(value)]
        if isinstance(node, list):
            return [text for value in node for text in descriptions(value)]
        return []

    for kind in KINDS:
        english = descriptions(schema(kind))
        assert english == descriptions(for_editors(kind, i18n.language("en")))
        for code in i18n.LANGUAGES:
            if code == "en":
                continue
            missing = [text for text in english if not i18n.language(code).has(f"schema-description: {text}")]
            assert not missing, f"{code}: translate these descriptions of {kind}.schema.json: {missing}"
        japanese = descriptions(for_editors(kind, i18n.language("ja")))
        assert all(JAPANESE.search(text) for text in japanese), japanese


# Calls whose text reaches a person: an exception that aborts a command, a problem, a line printed or logged.
_SINKS = {"SopbookError", "UsageError", "ConfigError", "InvalidKnowledgeBase", "PluginError", "ClickException",
          "BadParameter", "Problem", "_Unsafe", "echo", "secho", "info", "warning", "error"}
_TRANSLATED = {"_", "label", "lang", "language", "words"}
_ENGLISH = re.compile(r"[A-Za-z]{2,} [A-Za-z]{2,}")


def _called(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def test_no_sentence_in_the_code_reaches_a_person_without_the_catalogue() -> None:
    """Two English words in a literal handed straight to an exception, a Problem, click.echo or the log is a
    message that skipped the catalogue: every such message is written in one language only.

    (It cannot see a sentence built in a variable first; the catalogue tests above see the other side.)
    """
    found = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        translated = {id(inner) for node in ast.walk(tree)
                      if isinstance(node, ast.Call) and _called(node.func) in _TRANSLATED
                      for inner in ast.walk(node)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _called(node.func) in _SINKS):
                continue
            for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
                for inner in ast.walk(argument):
                    if (id(inner) not in translated and isinstance(inner, ast.Constant)
                            and isinstance(inner.value, str) and _ENGLISH.search(inner.value)):
                        found.append(f"{path.relative_to(ROOT)}:{inner.lineno}: {inner.value!r}")
    assert not found, "messages not from the catalogue:\n" + "\n".join(found)


def test_a_knowledge_base_without_a_language_it_can_read_follows_the_locale(monkeypatch, tmp_path) -> None:
    from click.testing import CliRunner

    from generator.cli import cli

    monkeypatch.chdir(tmp_path)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)

    def error(**environment: str) -> str:
        result = CliRunner().invoke(cli, ["validate"], env=environment)
        assert result.exit_code == 2, result.output
        return result.output

    # No mkdocs.yml: the locale, gettext's variables in gettext's order, and ja for C or a language sopbook lacks.
    assert "does not exist" in error(LANG="en_US.UTF-8") or "no knowledge base" in error(LANG="en_US.UTF-8")
    assert JAPANESE.search(error(LANG="ja_JP.UTF-8"))
    assert JAPANESE.search(error(LANG="C.UTF-8"))
    assert JAPANESE.search(error(LANG="fr_FR.UTF-8"))
    assert not JAPANESE.search(error(LANG="ja_JP.UTF-8", LC_ALL="en_GB.UTF-8"))
    assert not JAPANESE.search(error(LANG="ja_JP.UTF-8", LANGUAGE="fr:en"))
    # language: fr is reported in the locale's language, and so is a broken mkdocs.yml.
    (tmp_path / "mkdocs.yml").write_text("plugins:\n  - sopbook:\n      language: fr\n", encoding="utf-8")
    assert "mkdocs.yml:3:17: language: expected one of ja, en, got 'fr'" in error(LANG="en_US.UTF-8")
    assert "mkdocs.yml:3:17: language: ja, en のどれかを指定してください（今は 'fr'）" in error(LANG="ja_JP.UTF-8")
    (tmp_path / "mkdocs.yml").write_text("plugins: [sopbook\n", encoding="utf-8")
    assert "invalid YAML" in error(LANG="en_US.UTF-8")
    assert "YAML として正しくありません" in error(LANG="C")
    # A readable mkdocs.yml without a language is a Japanese knowledge base (the documented default).
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - sopbook\n", encoding="utf-8")
    assert JAPANESE.search(error(LANG="en_US.UTF-8"))


def test_help_speaks_the_knowledge_bases_language_else_the_locale(monkeypatch, tmp_path) -> None:
    from click.testing import CliRunner

    from generator.cli import cli

    monkeypatch.chdir(tmp_path)

    def help_page(*arguments: str, **environment: str) -> str:
        result = CliRunner().invoke(cli, [*arguments, "--help"], env={"LANGUAGE": "", "LC_ALL": "", **environment},
                                    catch_exceptions=False, prog_name="sopbook")
        assert result.exit_code == 0, result.output
        return result.output

    # No mkdocs.yml: the locale.
    japanese = help_page(LANG="ja_JP.UTF-8")
    assert "使い方: sopbook [OPTIONS] COMMAND [ARGS]..." in japanese
    assert "  lint        ナレッジベース（既定: ./sop）を検証し、" in japanese
    assert "このヘルプを表示して終わります。" in japanese
    english = help_page(LANG="en_US.UTF-8")
    assert "Usage: sopbook [OPTIONS] COMMAND [ARGS]..." in english and not JAPANESE.search(english)
    assert "  lint        Validate the knowledge base (default: ./sop)" in english
    lint = help_page("lint", LANG="ja_JP.UTF-8")
    assert "問題の表示形式。  [既定: text]" in lint and "--strict" in lint
    assert "{rules: {...}}" in lint
    assert all(len(line.encode("utf-16-le")) // 2 <= 100 for line in lint.splitlines())  # wrapped, not one long line
    assert not JAPANESE.search(help_page("lint", LANG="en_US.UTF-8"))
    # The knowledge base's language wins over the locale: mkdocs.yml here, or the one --config-file names.
    (tmp_path / "mkdocs.yml").write_text("plugins:\n  - sopbook:\n      language: en\n", encoding="utf-8")
    assert not JAPANESE.search(help_page(LANG="ja_JP.UTF-8"))
    assert not JAPANESE.search(help_page("lint", LANG="ja_JP.UTF-8"))
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "ja.yml").write_text("plugins:\n  - sopbook:\n      language: ja\n", encoding="utf-8")
    assert "使い方: sopbook build" in help_page("build", "-f", "site/ja.yml", LANG="en_US.UTF-8")
    assert "使い方: sopbook lint" in help_page("lint", "--config=site/ja.yml", LANG="en_US.UTF-8")


def test_every_help_text_is_translated() -> None:
    """Every command's and option's help (English in the code) has a translation in every other language."""
    import inspect

    import click

    from generator.cli import COMMAND_MODULES, SpeaksHelp, cli

    context = click.Context(cli)
    commands: list[click.Command | None] = [cli, *(cli.get_command(context, name) for name in sorted(COMMAND_MODULES))]
    texts = set()
    for command in commands:
        assert isinstance(command, SpeaksHelp), f"{command}: @click.command(cls=SpeaksHelp)"
        parameters = command.get_params(click.Context(command))
        texts |= {inspect.cleandoc(text) for text in [command.help, *(getattr(p, "help", None) for p in parameters)]
                  if text}
    assert len(texts) > 50
    texts |= {"Usage:", "Options", "Commands", "default:", "required"}
    for code in i18n.LANGUAGES:
        if code != "en":
            missing = sorted(text for text in texts if f"help: {text}" not in i18n.catalogue(code))
            assert not missing, f"{code}: translate these help texts (msgid 'help: <text>'): {missing}"


def test_a_third_language_is_a_catalogue_and_a_folder(tmp_path) -> None:
    """German, added as docs/site.md says (a catalogue, a scaffold folder, a skeleton) to a copy of the package,
    with no line of code changed: init writes its scaffold, and validate, lint and --help speak it."""
    import shutil
    import subprocess
    import sys

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po

    from generator.rules import RULES, documentation

    package = tmp_path / "package" / "generator"
    shutil.copytree(ROOT / "generator", package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copytree(ROOT / "templates", package / "templates")  # as installed (see package-dir in pyproject.toml)
    english = {message.id: message.string for message in _po("en") if message.id}
    german = Catalog(locale="de", domain="sopbook")
    for message in _po("ja"):
        if not message.id:
            continue
        if english.get(message.id):
            source = english[message.id]
        elif message.id.startswith(("help: ", "schema-description: ")):
            source = message.id.partition(": ")[2]
        else:
            rule_id = re.fullmatch(r"rule\.([a-z-]+)\.doc", message.id)
            assert rule_id, message.id
            source = documentation(rule_id.group(1), i18n.language("en"))
        # Marked, so that the test sees which catalogue speaks; words (not separators) only.
        words = re.search(r"[A-Za-z]{2}", re.sub(r"\{[^}]*\}", "", source))
        german.add(message.id, f"[de] {source}" if words else source)
    assert all(german.get(f"rule.{rule_id}.doc") for rule_id in RULES)
    folder = package / "locale" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "sopbook.po", "wb") as handle:
        write_po(handle, german)
    with open(folder / "sopbook.mo", "wb") as handle:
        write_mo(handle, german)
    shutil.copytree(package / "data" / "scaffold" / "en", package / "data" / "scaffold" / "de")
    shutil.copy(package / "data" / "skeleton" / "en.yaml", package / "data" / "skeleton" / "de.yaml")

    environment = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(package.parent), "LANG": "C.UTF-8",
                   "HOME": str(tmp_path), "SOPBOOK_NO_CACHE": "1"}

    def sopbook(*arguments: str, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", "from generator.cli import main; main()", *arguments],
                              cwd=cwd, env=environment, capture_output=True, text=True, timeout=300, check=False)

    where = subprocess.run([sys.executable, "-c", "import generator; print(generator.__file__)"], env=environment,
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(package)), where  # the copy, not the installed package
    created = sopbook("init", "kb", "--language", "de")
    assert created.returncode == 0, created.stderr
    assert "[de] " in created.stdout
    kb = tmp_path / "kb"
    assert "language: de" in (kb / "mkdocs.yml").read_text(encoding="utf-8")
    validated = sopbook("validate", cwd=kb)
    assert validated.returncode == 0, validated.stderr
    assert "[de] " in validated.stderr, validated.stderr
    (kb / "sop" / "people.yaml").write_text((kb / "sop" / "people.yaml").read_text(encoding="utf-8")
                                            + "\nghost:\n  name: G\n  colour: red\n", encoding="utf-8")
    linted = sopbook("lint", cwd=kb)
    assert linted.returncode == 1
    assert "unknown-key: [de] " in linted.stdout, linted.stdout
    helped = sopbook("lint", "--help", cwd=kb)
    assert "[de] Usage: sopbook lint" in helped.stdout and "[de] How to print the problems." in helped.stdout
    assert not JAPANESE.search(created.stdout + validated.stderr + linted.stdout + helped.stdout)
