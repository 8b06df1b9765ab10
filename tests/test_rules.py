"""Lint rules: per-rule fail/pass fixtures with exact lines, registry and documentation, configuration, x-lint."""
from __future__ import annotations

import datetime as dt
import importlib
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import example as case
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import i18n
from generator.errors import ConfigError
from generator.model import load_knowledge_base
from generator.problems import Severity
from generator.rules import RULES, paper_step, parse_lint_config, placeholder, run
from generator.rules.approval_wait import target_days
from generator.rules.base import FOLDED_BEYOND_LOWER, word_pattern

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
TODAY = dt.date(2026, 11, 25)
_EXPECT = re.compile(r"^# expect: (?:(?P<path>\S+\.yaml):)?(?P<line>\d+):(?P<column>\d+) (?P<message>.+)$")


def _expectations(text: str, default_path: str) -> list[tuple[str, int, int, str]]:
    found = []
    for line in text.splitlines():
        match = _EXPECT.match(line)
        if match:
            found.append((match["path"] or default_path, int(match["line"]), int(match["column"]),
                          match["message"].strip()))
    return found


def _lint_fixture(make_kb, rule_id: str, name: str):
    folder = FIXTURES / rule_id
    inventory = folder / f"{name}-inventory.yaml"
    if not inventory.exists():
        inventory = folder / "inventory.yaml"
    kwargs = {"inventory": inventory.read_text(encoding="utf-8")} if inventory.exists() else {}
    text = (folder / f"{name}.yaml").read_text(encoding="utf-8")
    files = {"総務部/GA-001.yaml": text}
    training = folder / f"{name}-training.yaml"
    if training.exists():  # an optional registry, only where a rule needs it
        files["training.yaml"] = training.read_text(encoding="utf-8")
    sop = make_kb(files, **kwargs)
    kb, validation = load_knowledge_base(sop)
    assert validation.problems == [], "the fixture must be a valid knowledge base"
    # The fixtures are Japanese knowledge bases (Japanese word lists); their expectations are in English.
    i18n.activate("ja")
    config = parse_lint_config({})
    i18n.activate("en")
    return text, [problem for problem in run(kb, config, TODAY).problems if problem.code == rule_id]


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_fails_on_its_failing_fixture(make_kb, rule_id: str) -> None:
    text, problems = _lint_fixture(make_kb, rule_id, "fail")
    expected = _expectations(text, "sop/総務部/GA-001.yaml")
    assert expected, f"{rule_id}/fail.yaml has no '# expect:' lines"
    got = [(p.path, p.line, p.column, p.message) for p in problems]
    assert len(got) == len(expected), got
    for (path, line, column, message), problem in zip(expected, problems, strict=True):
        assert (problem.path, problem.line, problem.column) == (path, line, column), problem
        assert message in problem.message, problem
        assert problem.severity is RULES[rule_id].DEFAULT_SEVERITY
        assert problem.procedure is not None


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_passes_on_its_passing_fixture(make_kb, rule_id: str) -> None:
    _, problems = _lint_fixture(make_kb, rule_id, "pass")
    assert problems == []


@pytest.mark.parametrize("rule_id", list(RULES))
def test_every_rule_is_registered_and_documented(rule_id: str) -> None:
    module = RULES[rule_id]
    assert rule_id == module.ID
    assert isinstance(module.DEFAULT_SEVERITY, Severity)
    assert isinstance(module.OPTIONS, dict)
    assert callable(module.check)
    doc = module.__doc__ or ""
    for heading in ("## What it does", "## Why is this bad?", "## Example"):
        assert heading in doc, f"{rule_id}: docstring lacks {heading!r}"
    examples = re.findall(r"```yaml\n(.*?)```", doc, re.S)
    assert len(examples) >= 2, f"{rule_id}: needs a failing and a passing YAML example"
    for example in examples:
        yaml.safe_load(example)  # the examples are YAML a reader can copy
    for option in module.OPTIONS:
        assert f"`{option}`" in doc, f"{rule_id}: option {option!r} is not documented"


def test_every_rule_module_in_the_package_is_registered() -> None:
    package = Path(__file__).parent.parent / "generator" / "rules"
    modules = {path.stem.replace("_", "-") for path in package.glob("*.py")} - {"--init--", "base"}
    assert modules == set(RULES)


def test_demo_knowledge_base_shows_real_findings() -> None:
    i18n.activate("ja")  # the demo's language: Japanese word lists, Japanese messages
    sop = Path(__file__).parent.parent / "sop"
    kb, validation = load_knowledge_base(sop)
    assert validation.ok
    result = run(kb, None, TODAY)
    by_rule: dict[str, set[str]] = {}
    for problem in result.problems:
        by_rule.setdefault(problem.code, set()).add(problem.procedure or "")
    assert {"GA-002", "HR-002", "ACC-004"} <= by_rule["single-owner"]
    assert "inactive-owner" not in by_rule  # kato left; the demo records the handover as a suppression
    silenced = {(s.procedure, s.rule): s for s in result.suppressions}
    assert len(silenced["HR-004", "inactive-owner"].findings) == 2  # the owner, and the payroll role's steps
    assert "引継ぎ" in silenced["HR-005", "inactive-owner"].reason
    assert {"GA-101", "GA-102", "HR-101", "ACC-101", "GA-006"} == by_rule["undocumented-task"]
    assert {"GA-002", "GA-005", "HR-002"} <= by_rule["paper-step"]
    assert "HR-002" in by_rule["ask-a-person"]
    assert {"GA-006", "HR-004", "ACC-002"} & by_rule["placeholder"]
    assert "GA-008" not in {p.procedure for p in result.problems}  # retired procedures are not linted
    # HR-007 silences single-owner with a reason; the finding moves to the suppressions.
    assert "HR-007" not in by_rule["single-owner"]
    (suppression,) = [s for s in result.suppressions if s.procedure == "HR-007"]
    assert suppression.rule == "single-owner" and "個人情報" in suppression.reason
    assert len(suppression.findings) == 1


# --- configuration ------------------------------------------------------------------------------


def test_config_changes_severity_options_and_switches_rules_off(make_kb) -> None:
    sop = make_kb()
    kb, _ = load_knowledge_base(sop)
    config = parse_lint_config({"rules": {"single-owner": {"min_people": 3, "level": "error"},
                                          "single-approver": "off", "review-overdue": False}})
    problems = run(kb, config, TODAY).problems
    codes = {problem.code for problem in problems}
    assert "single-approver" not in codes and "review-overdue" not in codes
    (finding,) = [p for p in problems if p.code == "single-owner"]
    assert finding.severity is Severity.ERROR
    assert "at least 3 active people" in finding.message


@pytest.mark.parametrize(("options", "fragment"), [
    ({"rules": {"single-ownr": "off"}}, "unknown rule 'single-ownr' (did you mean 'single-owner'?)"),
    ({"rules": {"single-owner": {"min_peple": 3}}}, "unknown option 'min_peple' for rule 'single-owner' "
                                                    "(did you mean 'min_people'?)"),
    ({"rules": {"single-owner": {"min_people": "two"}}}, "lint.rules.single-owner.min_people: expected a whole number"),
    ({"rules": {"paper-step": "loud"}}, "lint.rules.paper-step: expected"),
    ({"rules": {"ask-a-person": {"patterns": ["さんに("]}}}, "invalid regular expression"),
    ({"rule": {}}, "unknown setting 'rule' (did you mean 'rules'?)"),
    ({"rules": ["single-owner"]}, "lint.rules: expected a mapping"),
])
def test_config_errors_name_the_rule_and_option(options, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_lint_config(options)
    assert fragment in caught.value.message
    assert caught.value.exit_code == 2


def test_configured_patterns_replace_the_defaults(make_kb) -> None:
    sop = make_kb({"総務部/GA-001.yaml": (FIXTURES / "placeholder" / "pass.yaml").read_text(encoding="utf-8")})
    kb, _ = load_knowledge_base(sop)
    config = parse_lint_config({"rules": {"placeholder": {"words": ["轟"]},
                                          "ask-a-person": {"patterns": [r"kintone に登録"]}}})
    codes = sorted(p.code for p in run(kb, config, TODAY).problems if p.code in ("placeholder", "ask-a-person"))
    assert codes == ["ask-a-person", "placeholder"]


# --- x-lint -------------------------------------------------------------------------------------

_WITH_IGNORE = """\
id: GA-001
title: 電子契約の締結
department: 総務部
owner: tanaka
review:
  last_reviewed: 2026-04-01
steps:
  - title: 契約書の確認
    tool: kintone
x-lint:
  ignore:
    single-owner: {reason}
    single-ownr: typo
"""


def test_x_lint_silences_a_rule_with_a_reason_and_lists_it(make_kb) -> None:
    sop = make_kb({"総務部/GA-001.yaml": _WITH_IGNORE.format(reason="法務の承認で1名に限定（2027年に見直し）")})
    kb, _ = load_knowledge_base(sop)
    result = run(kb, None, TODAY)
    assert [p.code for p in result.problems if p.code == "single-owner"] == []
    (suppression,) = result.suppressions
    assert (suppression.rule, suppression.line, len(suppression.findings)) == ("single-owner", 12, 1)
    (typo,) = [p for p in result.problems if p.code == "x-lint"]
    assert (typo.line, typo.severity) == (13, Severity.ERROR)
    assert "did you mean 'single-owner'?" in typo.message


@pytest.mark.parametrize("reason", ['""', "null", "'  '"])
def test_x_lint_without_a_reason_is_an_error_at_its_line(make_kb, reason: str) -> None:
    sop = make_kb({"総務部/GA-001.yaml": _WITH_IGNORE.format(reason=reason)})
    kb, _ = load_knowledge_base(sop)
    problems = run(kb, None, TODAY).problems
    missing = [p for p in problems if p.code == "x-lint" and "without a reason" in p.message]
    assert [(p.path, p.line, p.column) for p in missing] == [("sop/総務部/GA-001.yaml", 12, 5)]
    assert any(p.code == "single-owner" for p in problems)  # not silenced without a reason


# --- helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "days"), [
    ("3日以内", 3), ("5営業日", 5), ("48時間以内", 2), ("3 days", 3), ("2 business days", 2), ("１０日", 10),
    ("100%", None), ("月末まで", None),
])
def test_lead_time_targets_are_read_in_days(text: str, days: float | None) -> None:
    assert target_days(text) == days


@pytest.mark.parametrize(("text", "found"), [
    ("TODO: 書く", "TODO"), ("TODO入稿", "TODO"), ("todo", "todo"), ("Todoroki", None), ("xxxl", None),
    ("see xxx", "xxx"), ("要確認", "要確認"), ("ATODO", None), ("TODO_LIST", None),
])
def test_placeholder_words_are_bounded_for_latin_only(text: str, found: str | None) -> None:
    match = word_pattern(["TODO", "xxx", "要確認"]).search(text)
    assert (match.group(0) if match else None) == found


PAPER_AND_PLACEHOLDERS = word_pattern([*paper_step.OPTIONS["words"], *placeholder.OPTIONS["words"], "Straße", "ΟΔΟΣ"],
                                      inflections=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "print out", "PRINT", " Out", "FAX", "fAxed", "TODO", "todo", "xxx", "ſ", "ı", "İ", "K", "Σ", "ς", "οδος",
    "STRASSE", "straße", "ẞ", "印刷", "要確認", "a", "_", "by po", "t", "pr", "nt out", " ", "\n", "-", "ed", "s",
]), max_size=12))
@case(["by po", "ſ", "t"])
@case(["pr", "ı", "nt out"])
def test_words_found_in_lowered_text_are_those_the_case_insensitive_pattern_finds(parts: list[str]) -> None:
    text = "".join(parts)
    assert PAPER_AND_PLACEHOLDERS.pattern is not None
    expected = [(match.start(), match.group(0)) for match in PAPER_AND_PLACEHOLDERS.pattern.finditer(text)]
    assert [(match.start(), match.group(0)) for match in PAPER_AND_PLACEHOLDERS.finditer(text)] == expected


def test_the_letters_re_folds_beyond_their_lower_case_are_those_of_this_python() -> None:
    # The table re.IGNORECASE uses: private (and without type stubs), hence this check on every Python upgrade.
    casefix = importlib.import_module("re._casefix")
    letters = {chr(code) for code, others in casefix._EXTRA_CASES.items() for code in (code, *others)}
    assert {letter for letter in letters if not letter.isascii()} == set(FOLDED_BEYOND_LOWER)


def test_rules_check_only_active_procedures(make_kb) -> None:
    text = (FIXTURES / "single-owner" / "fail.yaml").read_text(encoding="utf-8")
    sop = make_kb({"総務部/GA-001.yaml": text.replace("owner: tanaka", "owner: tanaka\nstatus: retired")})
    kb, _ = load_knowledge_base(sop)
    assert [p for p in run(kb, None, TODAY).problems if p.procedure == "GA-001" and p.code != "undocumented-task"] == []


@pytest.mark.parametrize("indent", [6, 8, 12])
def test_a_finding_inside_a_block_is_at_its_column_however_deep_the_block(make_kb, indent: int) -> None:
    """The loader records where a block's text starts; the rules do not guess it from the key."""
    pad = " " * indent
    sop = make_kb({"総務部/GA-001.yaml": (
        "id: GA-001\ntitle: 電子契約の締結\ndepartment: 総務部\nowner: tanaka\nbackups: [suzuki]\n"
        "review: {last_reviewed: 2026-04-01}\nsteps:\n  - title: 確認\n    tool: kintone\n    details: |\n"
        f"{pad}一行目\n{pad}\n{pad}  続き TODO 確認する\n")})
    kb, _ = load_knowledge_base(sop)
    (problem,) = [p for p in run(kb, None, TODAY).problems if p.code == "placeholder"]
    text_line = 13  # "  続き TODO": two spaces more than the block, then "続き "
    assert (problem.line, problem.column) == (text_line, indent + 1 + 2 + 3)
