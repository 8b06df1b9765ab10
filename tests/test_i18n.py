"""The message catalogues: complete in every language, compiled, and used for every message sopbook writes."""
from __future__ import annotations

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
                                                   or key.startswith("schema-description: "))))
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
