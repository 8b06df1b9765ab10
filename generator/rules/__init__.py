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
import os
import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any

from ..errors import ConfigError
from ..i18n import Language, MissingMessage, _, active
from ..model import KnowledgeBase
from ..problems import Problem, Severity, did_you_mean
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
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(_("config.expected-bool", where=where, value=repr(value)))
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(_("config.expected-count", where=where, value=repr(value)))
    elif isinstance(default, list):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(_("config.expected-texts", where=where, value=repr(value)))
    elif isinstance(default, str) and not isinstance(value, str):
        raise ConfigError(_("config.expected-text", where=where, value=repr(value)))
    return value


def _settings(rule_id: str, module: ModuleType, value: Any) -> RuleSettings:
    enabled, severity = True, module.DEFAULT_SEVERITY
    # Word lists are written for the language the procedures are written in (LANGUAGE_OPTIONS).
    options: dict[str, Any] = {**module.OPTIONS, **getattr(module, "LANGUAGE_OPTIONS", {}).get(active().code, {})}
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
            raise ConfigError(_("config.rule-value", rule=rule_id, levels=levels, value=repr(value)))
    elif isinstance(value, dict):
        for name, option in value.items():
            if name in ("level", "severity"):
                word = str(option).strip().lower() if option is not False else "off"
                if word in _OFF:
                    enabled = False
                elif word.upper() in Severity.__members__:
                    severity = Severity.parse(word)
                else:
                    raise ConfigError(_("config.level", rule=rule_id, name=name, levels=levels, value=repr(option)))
            elif name == "enabled":
                enabled = bool(option)
            elif name in module.OPTIONS:
                options[name] = _check_option(rule_id, name, option, module.OPTIONS[name])
            else:
                known = ["level", *module.OPTIONS]
                raise ConfigError(_("config.unknown-option", rule=rule_id, name=name,
                                    hint=did_you_mean(name, known, cutoff=0.5), known=", ".join(known)))
    else:
        raise ConfigError(_("config.rule-value", rule=rule_id, levels=levels, value=repr(value)))
    prepare = getattr(module, "prepare", None)
    try:
        prepared = prepare(options) if prepare is not None else dict(options)
    except re.error as error:
        raise ConfigError(_("config.regex", rule=rule_id, pattern=error.pattern, error=error)) from None
    return RuleSettings(enabled, severity, options, prepared)


def parse_lint_config(options: Mapping[str, Any] | None) -> LintConfig:
    """The ``lint`` mapping of the plugin options, validated; raises ``ConfigError`` naming the bad rule or option."""
    options = options or {}
    if not isinstance(options, Mapping):
        raise ConfigError(_("config.lint-shape", value=repr(options)))
    for key in options:
        if key != "rules":
            raise ConfigError(_("config.lint-key", key=key, hint=did_you_mean(key, ["rules"], cutoff=0.5)))
    configured = options.get("rules") or {}
    if not isinstance(configured, Mapping):
        raise ConfigError(_("config.rules-shape", value=repr(configured)))
    for rule_id in configured:
        if rule_id not in RULES:
            raise ConfigError(_("config.unknown-rule", rule=rule_id, hint=did_you_mean(rule_id, RULES, cutoff=0.5),
                                rules=", ".join(RULES)))
    return LintConfig({rule_id: _settings(rule_id, module, configured.get(rule_id))
                       for rule_id, module in RULES.items()})


_DEFAULTS: dict[str, LintConfig] = {}
"""Language → the default configuration (its word lists differ by language)."""


def default_config() -> LintConfig:
    language = active().code
    if language not in _DEFAULTS:
        _DEFAULTS[language] = parse_lint_config({})
    return _DEFAULTS[language]


def config_from_plugin_options(plugin_options: Mapping[str, Any]) -> LintConfig:
    """The lint configuration from the whole ``sopbook`` plugin options (its ``lint`` entry)."""
    return parse_lint_config(plugin_options.get("lint"))


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


@dataclass
class LintResult:
    problems: list[Problem]
    """Findings that were not silenced plus problems in ``x-lint`` blocks, sorted."""
    suppressions: list[Suppression]
    """Every ``x-lint`` ignore with a reason, with the findings it silenced (possibly none)."""


_last: tuple[Any, LintResult] | None = None
"""The last full run, so that the site's lint, reports and dashboard of one build lint once."""


def run(kb: KnowledgeBase, config: LintConfig | None = None, today: dt.date | None = None, *,
        procedures: Iterable[str] | None = None, whole_kb: bool = True) -> LintResult:
    """Run the enabled rules. ``procedures`` limits per-procedure rules to those ids; ``whole_kb``
    says whether rules that look at the whole knowledge base run too."""
    global _last  # noqa: PLW0603 - goes with LintResult (issue 10)
    config = config or default_config()
    today = today or dt.date.today()
    if procedures is None and whole_kb:
        spoken = active().code  # the findings are sentences in this language
        if (_last is not None and _last[0][0]() is kb and _last[0][1] is config and _last[0][2] == today
                and _last[0][3] == spoken):
            return _last[1]
        result = _run(kb, config, today, None, True)
        _last = ((weakref.ref(kb), config, today, spoken), result)
        return result
    return _run(kb, config, today, procedures, whole_kb)


def _run(kb: KnowledgeBase, config: LintConfig, today: dt.date, procedures: Iterable[str] | None,
         whole_kb: bool) -> LintResult:
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
    return LintResult(problems, suppressions)


PARALLEL_THRESHOLD = 2000
"""Below this many procedures a second process costs more than the half of the work it takes."""
_shared: tuple[KnowledgeBase, list[str], list[tuple[str, ModuleType, RuleSettings]], Context] | None = None


def _check_range(bounds: tuple[int, int]) -> list[Problem]:
    """Per-procedure rules on ``ids[start:stop]``; in a forked worker, reads the run from ``_shared``."""
    assert _shared is not None
    kb, ids, per_procedure, context = _shared
    found: list[Problem] = []
    for procedure_id in ids[bounds[0]:bounds[1]]:
        procedure = kb.procedures[procedure_id]
        for _rule_id, module, settings in per_procedure:
            found.extend(_with_severity(module.check(kb, procedure, settings.prepared, context),
                                        settings.severity))
    return found


def _check_all(kb: KnowledgeBase, ids: list[str], per_procedure: list[tuple[str, ModuleType, RuleSettings]],
               context: Context) -> list[Problem]:
    """Per-procedure rules on every id; on a large knowledge base a forked process takes half.

    The child inherits the model by fork, so only its findings cross back: measured at 10,000
    procedures this halves the 0.8 s the rules take on one core.
    """
    global _shared  # noqa: PLW0603 - goes with the one worker pool (issue 10)
    _shared = (kb, ids, per_procedure, context)
    try:
        workers = min(2, os.cpu_count() or 1)
        if workers < 2 or len(ids) < PARALLEL_THRESHOLD or threading.active_count() > 1:
            return _check_range((0, len(ids)))
        import multiprocessing

        try:
            pool = multiprocessing.get_context("fork").Pool(1)
        except (ValueError, OSError):  # no fork on this platform, or no processes to be had
            return _check_range((0, len(ids)))
        middle = len(ids) // 2
        with pool:
            theirs = pool.apply_async(_check_range, ((middle, len(ids)),))
            mine = _check_range((0, middle))
            return mine + theirs.get()
    finally:
        _shared = None


def _with_severity(problems: Iterable[Problem], severity: Severity) -> Iterable[Problem]:
    for problem in problems:
        yield problem if problem.severity is severity else replace(problem, severity=severity)


def lint(kb: KnowledgeBase, config: LintConfig | None = None, today: dt.date | None = None, *,
         procedures: Iterable[str] | None = None, whole_kb: bool = True) -> list[Problem]:
    """The sorted findings of every enabled rule (suppressed ones left out)."""
    return list(run(kb, config, today, procedures=procedures, whole_kb=whole_kb).problems)


def suppressions(kb: KnowledgeBase, config: LintConfig | None = None,
                 today: dt.date | None = None) -> list[Suppression]:
    return run(kb, config, today).suppressions


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


__all__ = ["RULES", "LintConfig", "LintResult", "RuleSettings", "Suppression", "config_from_plugin_options",
           "default_config", "documentation", "lint", "parse_lint_config", "run", "summary", "suppressions"]
