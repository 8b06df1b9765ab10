"""Lint rules: one module per rule, an explicit registry, strict configuration and ``lint()``.

Each rule module has ``ID``, ``DEFAULT_SEVERITY``, ``OPTIONS`` (name → default), an optional
``LANGUAGE_OPTIONS`` (language → defaults that replace ``OPTIONS`` for knowledge bases in that
language: an English knowledge base gets English word lists only), an optional
``prepare(options)`` that compiles what the options need once per configuration, an optional
``SCOPE = "kb"`` for rules that look at the whole knowledge base, and ``check(kb, procedure, options,
context)`` (or ``check(kb, options, context)``) yielding problems. Its docstring is the user's
documentation, shown on the site's rule pages.

Rules check **active** procedures only: a draft is work in progress (``undocumented-task`` reports
it) and a retired procedure is history.

Configuration, under the plugin in mkdocs.yml::

    lint:
      rules:
        single-owner: {min_people: 3}
        paper-step: off
        review-overdue: {level: error, upcoming_days: 60}

A procedure silences a rule for itself with ``x-lint: {ignore: {single-owner: "reason"}}`` (an
inventory task may carry the same for ``undocumented-task``); the reason is required, and every
suppression is listed in the reports.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any

from ..errors import ConfigError
from ..i18n import Language, MissingMessage, _, active
from ..model import KnowledgeBase
from ..problems import Problem, Severity, did_you_mean
from ..speed import cores, in_parallel
from . import (
    approval_wait,
    ask_a_person,
    empty_procedure,
    inactive_owner,
    kpi_stale,
    paper_step,
    placeholder,
    review_overdue,
    segregation_of_duties,
    single_approver,
    single_owner,
    single_person_step,
    undocumented_task,
    untrained_performer,
)
from .base import Context

RULES: dict[str, ModuleType] = {
    module.ID: module
    for module in (
        single_owner, inactive_owner, single_person_step, single_approver, segregation_of_duties,
        undocumented_task, empty_procedure, placeholder, ask_a_person, review_overdue, paper_step,
        approval_wait, kpi_stale, untrained_performer,
    )
}
"""Rule id → module, in the order the documentation lists them."""

IGNORE_CODE = "x-lint"
"""The code of problems in a procedure's own ``x-lint`` block (a missing reason, an unknown rule)."""

_OFF = {"off", "disable", "disabled", "false", "no"}
_ON = {"on", "enable", "enabled", "true", "yes"}


@dataclass(frozen=True)
class RuleSettings:
    enabled: bool
    severity: Severity
    options: Mapping[str, Any]
    """The options as configured, defaults filled in (what the docs and reports show)."""
    prepared: Mapping[str, Any]
    """``options`` plus what ``prepare`` compiled from them (what ``check`` receives)."""


@dataclass(frozen=True)
class LintConfig:
    rules: Mapping[str, RuleSettings] = field(default_factory=dict)

    def enabled(self, rule_id: str) -> bool:
        return self.rules[rule_id].enabled

    def severity(self, rule_id: str) -> Severity:
        return self.rules[rule_id].severity

    def option(self, rule_id: str, name: str) -> Any:
        return self.rules[rule_id].options[name]


@dataclass(frozen=True)
class Suppression:
    """A rule silenced for one procedure (or inventory task) by ``x-lint``, with its reason."""

    procedure: str
    rule: str
    reason: str
    path: str
    line: int
    column: int
    findings: tuple[Problem, ...] = ()
    """What the rule would have reported there."""


def _check_option(rule_id: str, name: str, value: Any, default: Any) -> Any:
    where = f"lint.rules.{rule_id}.{name}"
    setting = ("lint", "rules", rule_id, name)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(_("config.expected-bool", where=where, value=repr(value)), setting)
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(_("config.expected-count", where=where, value=repr(value)), setting)
    elif isinstance(default, list):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(_("config.expected-texts", where=where, value=repr(value)), setting)
    elif isinstance(default, str) and not isinstance(value, str):
        raise ConfigError(_("config.expected-text", where=where, value=repr(value)), setting)
    return value


def _settings(rule_id: str, module: ModuleType, value: Any, language: str) -> RuleSettings:
    enabled, severity = True, module.DEFAULT_SEVERITY
    # Word lists are written for the language the procedures are written in (LANGUAGE_OPTIONS).
    options: dict[str, Any] = {**module.OPTIONS, **getattr(module, "LANGUAGE_OPTIONS", {}).get(language, {})}
    levels = ", ".join([*(str(s) for s in Severity), "off"])
    if value is None or value is True:
        pass
    elif value is False:
        enabled = False
    elif isinstance(value, str):
        word = value.strip().lower()
        if word in _OFF:
            enabled = False
        elif word in _ON:
            pass
        elif word.upper() in Severity.__members__:
            severity = Severity.parse(word)
        else:
            raise ConfigError(_("config.rule-value", rule=rule_id, levels=levels, value=repr(value)),
                              ("lint", "rules", rule_id))
    elif isinstance(value, dict):
        for name, option in value.items():
            if name in ("level", "severity"):
                word = str(option).strip().lower() if option is not False else "off"
                if word in _OFF:
                    enabled = False
                elif word.upper() in Severity.__members__:
                    severity = Severity.parse(word)
                else:
                    raise ConfigError(_("config.level", rule=rule_id, name=name, levels=levels, value=repr(option)),
                                      ("lint", "rules", rule_id, name))
            elif name == "enabled":
                enabled = bool(option)
            elif name in module.OPTIONS:
                options[name] = _check_option(rule_id, name, option, module.OPTIONS[name])
            else:
                known = ["level", *module.OPTIONS]
                raise ConfigError(_("config.unknown-option", rule=rule_id, name=name,
                                    hint=did_you_mean(name, known, cutoff=0.5), known=", ".join(known)),
                              ("lint", "rules", rule_id, name))
    else:
        raise ConfigError(_("config.rule-value", rule=rule_id, levels=levels, value=repr(value)),
                          ("lint", "rules", rule_id))
    prepare = getattr(module, "prepare", None)
    try:
        prepared = prepare(options) if prepare is not None else dict(options)
    except re.error as error:
        raise ConfigError(_("config.regex", rule=rule_id, pattern=error.pattern, error=error),
                          ("lint", "rules", rule_id)) from None
    return RuleSettings(enabled, severity, options, prepared)


def parse_lint_config(options: Mapping[str, Any] | None, language: str | None = None) -> LintConfig:
    """The ``lint`` mapping of the plugin options, validated; raises ``ConfigError`` naming the bad rule or option."""
    options = options or {}
    if not isinstance(options, Mapping):
        raise ConfigError(_("config.lint-shape", value=repr(options)), ("lint",))
    for key in options:
        if key != "rules":
            raise ConfigError(_("config.lint-key", key=key, hint=did_you_mean(key, ["rules"], cutoff=0.5)),
                              ("lint", key))
    configured = options.get("rules") or {}
    if not isinstance(configured, Mapping):
        raise ConfigError(_("config.rules-shape", value=repr(configured)), ("lint", "rules"))
    for rule_id in configured:
        if rule_id not in RULES:
            raise ConfigError(_("config.unknown-rule", rule=rule_id, hint=did_you_mean(rule_id, RULES, cutoff=0.5),
                                rules=", ".join(RULES)), ("lint", "rules", rule_id))
    spoken = language or active().code  # the knowledge base's language: its default word lists
    return LintConfig({rule_id: _settings(rule_id, module, configured.get(rule_id), spoken)
                       for rule_id, module in RULES.items()})


_DEFAULTS: dict[str, LintConfig] = {}
"""Language → the default configuration (its word lists differ by language)."""


def default_config() -> LintConfig:
    language = active().code
    if language not in _DEFAULTS:
        _DEFAULTS[language] = parse_lint_config({})
    return _DEFAULTS[language]



# --- suppressions -------------------------------------------------------------------------------


def _read_ignores(kb: KnowledgeBase) -> tuple[dict[tuple[str, str], Suppression], list[Problem]]:
    """(procedure or task id, rule) → suppression, and the problems of malformed ``x-lint`` blocks."""
    found: dict[tuple[str, str], Suppression] = {}
    problems: list[Problem] = []
    places: list[tuple[str, Any, Any, tuple[str, ...]]] = []
    for procedure in kb.procedures.values():
        if "x-lint" in procedure.extensions:
            places.append((procedure.id, procedure.source, procedure.extensions["x-lint"], ("x-lint",)))
    inventory = kb.sources.get("inventory")
    if inventory is not None:
        for task in kb.tasks.values():
            if "x-lint" in task.extensions:
                places.append((task.id, inventory, task.extensions["x-lint"], (task.id, "x-lint")))
    for owner_id, source, block, prefix in places:
        if not isinstance(block, dict) or set(block) - {"ignore"} or not isinstance(block.get("ignore"), dict):
            problems.append(source.problem(
                IGNORE_CODE, _("lint.x-lint.shape"), *prefix,
                severity=Severity.ERROR, procedure=owner_id))
            continue
        for rule_id, reason in block["ignore"].items():
            path = (*prefix, "ignore", rule_id)
            if rule_id not in RULES:
                problems.append(source.problem(
                    IGNORE_CODE,
                    _("lint.x-lint.unknown-rule", rule=rule_id, hint=did_you_mean(rule_id, RULES, cutoff=0.5)),
                    *path, key=True, severity=Severity.ERROR, procedure=owner_id))
                continue
            if not isinstance(reason, str) or not reason.strip():
                problems.append(source.problem(
                    IGNORE_CODE, _("lint.x-lint.no-reason", rule=rule_id), *path, key=True,
                    severity=Severity.ERROR, procedure=owner_id))
                continue
            line, column = source.where(*path, key=True)
            found[(owner_id, rule_id)] = Suppression(owner_id, rule_id, reason.strip(), source.path, line, column)
    return found, problems


# --- running ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LintResult:
    """One lint run: what it found, what ``x-lint`` silenced, and what it ran on and with.

    Built once per command or build by ``run`` and handed to the reports and the site, which read
    it and never lint again.
    """

    kb: KnowledgeBase
    config: LintConfig
    today: dt.date
    problems: tuple[Problem, ...]
    """Findings that were not silenced plus problems in ``x-lint`` blocks, sorted."""
    suppressions: tuple[Suppression, ...]
    """Every ``x-lint`` ignore with a reason, with the findings it silenced (possibly none)."""

    @property
    def silenced(self) -> int:
        """How many findings ``x-lint`` silenced."""
        return sum(len(suppression.findings) for suppression in self.suppressions)

    def reasons(self, rule_id: str) -> dict[str, str]:
        """Procedure (or inventory task) id → why ``x-lint`` silences ``rule_id`` there."""
        return {s.procedure: s.reason for s in self.suppressions if s.rule == rule_id}


def run(kb: KnowledgeBase, config: LintConfig | None = None, today: dt.date | None = None, *,
        procedures: Iterable[str] | None = None, whole_kb: bool = True) -> LintResult:
    """Run the enabled rules. ``procedures`` limits per-procedure rules to those ids; ``whole_kb``
    says whether rules that look at the whole knowledge base run too."""
    config = config or default_config()
    today = today or dt.date.today()
    context = Context(kb, today)
    ignores, problems = _read_ignores(kb)
    selected = set(procedures) if procedures is not None else None
    if selected is not None:
        problems = [problem for problem in problems if problem.procedure in selected]
    findings: list[Problem] = []
    per_procedure: list[tuple[str, ModuleType, RuleSettings]] = []
    for rule_id, module in RULES.items():
        settings = config.rules[rule_id] if rule_id in config.rules else default_config().rules[rule_id]
        if not settings.enabled:
            continue
        if getattr(module, "SCOPE", "procedure") == "kb":
            if whole_kb:
                findings.extend(_with_severity(module.check(kb, settings.prepared, context), settings.severity))
        else:
            per_procedure.append((rule_id, module, settings))
    ids = [procedure.id for procedure in kb.procedures.values()
           if procedure.is_active and (selected is None or procedure.id in selected)]
    findings.extend(_check_all(kb, ids, per_procedure, context))
    silenced: dict[tuple[str, str], list[Problem]] = {}
    for finding in findings:
        key = (finding.procedure or "", finding.code)
        if key in ignores:
            silenced.setdefault(key, []).append(finding)
        else:
            problems.append(finding)
    problems.sort()
    suppressions = [replace(suppression, findings=tuple(sorted(silenced.get(key, ()))))
                    for key, suppression in sorted(ignores.items())
                    if selected is None or suppression.procedure in selected]
    return LintResult(kb, config, today, tuple(problems), tuple(suppressions))


PARALLEL_THRESHOLD = 2000
"""Below this many procedures a second process costs more than the half of the work it takes."""

_Run = tuple[KnowledgeBase, list[tuple[str, ModuleType, RuleSettings]], Context]


def _check_ids(run: _Run, ids: Sequence[str]) -> list[Problem]:
    """The per-procedure rules on the procedures ``ids``."""
    kb, per_procedure, context = run
    found: list[Problem] = []
    for procedure_id in ids:
        procedure = kb.procedures[procedure_id]
        for _rule_id, module, settings in per_procedure:
            found.extend(_with_severity(module.check(kb, procedure, settings.prepared, context),
                                        settings.severity))
    return found


def _check_all(kb: KnowledgeBase, ids: list[str], per_procedure: list[tuple[str, ModuleType, RuleSettings]],
               context: Context) -> list[Problem]:
    """Per-procedure rules on every id; on a large knowledge base a forked process takes half.

    The worker inherits the model by fork, so only the ids and its findings cross: measured at 10,000
    procedures this halves the 0.8 s the rules take on one core. Two processes at most: a third
    gained nothing (the findings' pickling grows with the workers).
    """
    return in_parallel(_check_ids, (kb, per_procedure, context), ids, threshold=PARALLEL_THRESHOLD,
                       jobs=min(2, cores()), chunks_per_worker=1)


def _with_severity(problems: Iterable[Problem], severity: Severity) -> Iterable[Problem]:
    for problem in problems:
        yield problem if problem.severity is severity else replace(problem, severity=severity)


def documentation(rule_id: str, language: Language) -> str:
    """A rule's documentation (What it does, Why is this bad?, Example, Options) in ``language``.

    English is the source language: its text is the rule module's docstring, read by people reading
    the code as well; other languages translate it in their catalogue as ``rule.<id>.doc``.
    """
    if language.has(f"rule.{rule_id}.doc"):
        return language.label(f"rule.{rule_id}.doc")
    if language.code != "en":
        raise MissingMessage(f"rule.{rule_id}.doc is missing from the {language.code!r} catalogue")
    text = (RULES[rule_id].__doc__ or "").strip()
    return text.split("\n", 1)[1].strip() if "\n" in text else ""


def summary(module: ModuleType) -> str:
    """The first line of a rule's docstring."""
    return (module.__doc__ or "").strip().splitlines()[0].strip()


__all__ = ["RULES", "LintConfig", "LintResult", "RuleSettings", "Suppression", "default_config", "documentation",
           "parse_lint_config", "run", "summary"]
