"""Digitisation candidates: paper steps, approval waits against lead-time targets, tools used in many steps."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..i18n import in_every_language
from ..i18n import language as language_for
from ..model import BUSINESS_DAY_MINUTES, KnowledgeBase
from ..rules import LintConfig, approval_wait
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


def rows(kb: KnowledgeBase, config: LintConfig, today: dt.date, language: str = "en") -> list[dict[str, Any]]:
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
            text = f"{step.title}\n{step.details or ''}"
            if paper.possible(text.lower()):
                words = list(dict.fromkeys(match.group(0) for match in paper.pattern.finditer(text)))
                if words:
                    found.append({"kind": kind("paper"), "kind_code": "paper", "id": procedure.id,
                                  "title": procedure.title, "department": procedure.department,
                                  "where": lang("report.dx.step", n=step.number, title=step.title),
                                  "detail": ", ".join(words), "file": procedure.path})
        timed = [approval for approval in procedure.approvals if approval.sla_minutes]
        total = sum(approval.sla_minutes or 0 for approval in timed) / BUSINESS_DAY_MINUTES
        for kpi in procedure.kpis:
            if not timed or not any(keyword in f"{kpi.name} {kpi.target}".lower() for keyword in keywords):
                continue
            target = approval_wait.target_days(kpi.target)
            if target is None or total <= target:
                continue
            slas = " + ".join(approval.sla or "" for approval in timed)
            detail = lang("report.dx.approval-detail", days=f"{total:g}", slas=slas, target=kpi.target)
            found.append({"kind": kind("approval-wait"), "kind_code": "approval-wait", "id": procedure.id,
                          "title": procedure.title, "department": procedure.department,
                          "where": f"KPI: {kpi.name}", "detail": detail, "file": procedure.path})
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


def report(kb: KnowledgeBase, config: LintConfig, today: dt.date, language: str) -> Report:
    return Report(
        NAME,
        in_every_language("report.dx.title"),
        in_every_language("report.dx.description", steps=MANY_STEPS),
        COLUMNS, rows(kb, config, today, language))
