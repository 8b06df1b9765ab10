"""Every lint finding as a row, and every x-lint suppression with its reason."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..i18n import in_every_language
from ..model import KnowledgeBase
from ..problems import Problem
from ..rules import LintResult, Suppression
from .base import Column, Report

FINDING_COLUMNS = [
    Column("rule", "column.rule", 20),
    Column("severity", "column.severity", 10),
    Column("id", "column.id", 12, link="procedure"),
    Column("department", "column.department", 14),
    Column("message", "column.message", 70),
    Column("file", "column.file", 44),
]
SUPPRESSION_COLUMNS = [
    Column("id", "column.id", 12, link="procedure"),
    Column("rule", "column.rule", 20),
    Column("reason", "column.reason", 60),
    Column("silenced", "column.silenced", 12),
    Column("file", "column.file", 44),
]


def department_of(kb: KnowledgeBase, problem: Problem) -> str:
    procedure = kb.procedures.get(problem.procedure or "")
    if procedure is not None:
        return procedure.department
    task = kb.tasks.get(problem.procedure or "")
    return task.department if task is not None else ""


def finding_rows(kb: KnowledgeBase, problems: Iterable[Problem]) -> list[dict[str, Any]]:
    return [{"rule": problem.code, "severity": str(problem.severity), "id": problem.procedure or "",
             "department": department_of(kb, problem), "message": problem.message,
             "file": f"{problem.path}:{problem.line}:{problem.column}", "path": problem.path,
             "line": problem.line, "column": problem.column}
            for problem in problems]


def suppression_rows(suppressions: Iterable[Suppression]) -> list[dict[str, Any]]:
    return [{"id": s.procedure, "rule": s.rule, "reason": s.reason, "silenced": len(s.findings),
             "file": f"{s.path}:{s.line}", "findings": [problem.message for problem in s.findings]}
            for s in suppressions]


def findings_report(result: LintResult, language: str) -> Report:
    return Report("findings", in_every_language("report.findings.title"),
                  in_every_language("report.findings.description"),
                  FINDING_COLUMNS, finding_rows(result.kb, result.problems))


def suppressions_report(result: LintResult, language: str) -> Report:
    return Report("suppressions", in_every_language("report.suppressions.title"),
                  in_every_language("report.suppressions.description"),
                  SUPPRESSION_COLUMNS, suppression_rows(result.suppressions))
