"""Every lint finding as a row, and every x-lint suppression with its reason."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import KnowledgeBase
from ..problems import Problem
from ..rules import LintResult, Suppression
from .base import Column, Report

FINDING_COLUMNS = [
    Column("rule", "ルール", "Rule", 20),
    Column("severity", "重要度", "Severity", 10),
    Column("id", "ID", "ID", 12, link="procedure"),
    Column("department", "部門", "Department", 14),
    Column("message", "内容", "Message", 70),
    Column("file", "ファイル", "File", 44),
]
SUPPRESSION_COLUMNS = [
    Column("id", "ID", "ID", 12, link="procedure"),
    Column("rule", "ルール", "Rule", 20),
    Column("reason", "理由", "Reason", 60),
    Column("silenced", "除外した指摘", "Findings silenced", 12),
    Column("file", "ファイル", "File", 44),
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
    return Report("findings", {"ja": "指摘の一覧", "en": "Findings"},
                  {"ja": "検証とリントのすべての指摘。", "en": "Every validation problem and lint finding."},
                  FINDING_COLUMNS, finding_rows(result.kb, result.problems))


def suppressions_report(result: LintResult, language: str) -> Report:
    return Report("suppressions", {"ja": "除外されたルール（x-lint）", "en": "Silenced rules (x-lint)"},
                  {"ja": "手順が x-lint: ignore で自分について止めたルールと、その理由。",
                   "en": "Rules a procedure silenced for itself with x-lint: ignore, and why."},
                  SUPPRESSION_COLUMNS, suppression_rows(result.suppressions))
