"""Digitisation candidates: paper steps, approval waits against lead-time targets, tools used in many steps."""
from __future__ import annotations

from typing import Any

from ..i18n import in_every_language
from ..i18n import language as language_for
from ..rules import LintResult
from ..rules.approval_wait import waits
from ..rules.paper_step import paper_words
from .base import Column, Report

NAME = "dx"
MANY_STEPS = 3
"""A tool is listed when at least this many steps use it: the same data typed in again and again."""
COLUMNS = [
    Column("kind", "column.kind", 14),
    Column("id", "column.id", 12),
    Column("title", "column.procedure-or-tool", 32),
    Column("department", "column.department", 14),
    Column("where", "column.where", 18),
    Column("detail", "column.detail", 48),
    Column("file", "column.file", 40),
]


def rows(result: LintResult, language: str = "en") -> list[dict[str, Any]]:
    kb, config = result.kb, result.config
    lang = language_for(language)
    paper = config.rules["paper-step"].prepared["pattern"]
    keywords = config.rules["approval-wait"].prepared["lowered"]
    found: list[dict[str, Any]] = []
    tool_steps: dict[str, list[tuple[str, str]]] = {}

    def kind(code: str) -> str:
        return lang(f"report.dx.{code}")

    for procedure in kb.procedures.values():
        if not procedure.is_active:
            continue
        for step in procedure.steps:
            if step.tool:
                tool_steps.setdefault(step.tool, []).append((procedure.id, procedure.department))
            if paper.possible(f"{step.title}\n{step.details or ''}".lower()):
                words = paper_words(paper, step)
                if words:
                    found.append({"kind": kind("paper"), "kind_code": "paper", "id": procedure.id,
                                  "title": procedure.title, "department": procedure.department,
                                  "where": lang("report.dx.step", n=step.number, title=step.title),
                                  "detail": ", ".join(words), "file": procedure.path})
        for wait in waits(procedure, keywords):
            detail = lang("report.dx.approval-detail", days=f"{wait.days:g}", slas=wait.slas, target=wait.kpi.target)
            found.append({"kind": kind("approval-wait"), "kind_code": "approval-wait", "id": procedure.id,
                          "title": procedure.title, "department": procedure.department,
                          "where": f"KPI: {wait.kpi.name}", "detail": detail, "file": procedure.path})
    for tool_id, uses in sorted(tool_steps.items(), key=lambda item: (-len(item[1]), item[0])):
        if len(uses) < MANY_STEPS:
            continue
        procedures = len({procedure_id for procedure_id, _ in uses})
        departments = sorted({department for _, department in uses})
        detail = lang("report.dx.tool-detail", steps=len(uses), procedures=procedures)
        found.append({"kind": kind("tool"), "kind_code": "tool", "id": tool_id,
                      "title": kb.tools[tool_id].name if tool_id in kb.tools else tool_id,
                      "department": ", ".join(departments), "where": "", "detail": detail,
                      "steps": len(uses), "procedures": procedures, "file": ""})
    return found


def report(result: LintResult, language: str) -> Report:
    return Report(
        NAME,
        in_every_language("report.dx.title"),
        in_every_language("report.dx.description", steps=MANY_STEPS),
        COLUMNS, rows(result, language))
