"""Digitisation candidates: paper steps, approval waits against lead-time targets, tools used in many steps."""
from __future__ import annotations

from typing import Any

from ..rules import LintResult
from ..rules.approval_wait import waits
from ..rules.paper_step import paper_words
from .base import Column, Report

NAME = "dx"
MANY_STEPS = 3
"""A tool is listed when at least this many steps use it: the same data typed in again and again."""
COLUMNS = [
    Column("kind", "種類", "Kind", 14),
    Column("id", "ID", "ID", 12),
    Column("title", "手順・ツール", "Procedure or tool", 32),
    Column("department", "部門", "Department", 14),
    Column("where", "箇所", "Where", 18),
    Column("detail", "内容", "Detail", 48),
    Column("file", "ファイル", "File", 40),
]
KIND = {"paper": {"ja": "紙の作業", "en": "paper step"}, "approval-wait": {"ja": "承認待ち", "en": "approval wait"},
        "tool": {"ja": "多用ツール", "en": "tool in many steps"}}


def rows(result: LintResult, language: str = "en") -> list[dict[str, Any]]:
    kb, config = result.kb, result.config
    ja = language == "ja"
    paper = config.rules["paper-step"].prepared["pattern"]
    keywords = config.rules["approval-wait"].prepared["lowered"]
    found: list[dict[str, Any]] = []
    tool_steps: dict[str, list[tuple[str, str]]] = {}

    def kind(code: str) -> str:
        return KIND[code]["ja" if ja else "en"]

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
                                  "where": f"{'手順' if ja else 'step'} {step.number}: {step.title}",
                                  "detail": ", ".join(words), "file": procedure.path})
        for wait in waits(procedure, keywords):
            detail = (f"承認だけで {wait.days:g} 営業日（{wait.slas}）、目標 {wait.kpi.target}" if ja
                      else f"approvals alone {wait.days:g} business days ({wait.slas}) against {wait.kpi.target}")
            found.append({"kind": kind("approval-wait"), "kind_code": "approval-wait", "id": procedure.id,
                          "title": procedure.title, "department": procedure.department,
                          "where": f"KPI: {wait.kpi.name}", "detail": detail, "file": procedure.path})
    for tool_id, uses in sorted(tool_steps.items(), key=lambda item: (-len(item[1]), item[0])):
        if len(uses) < MANY_STEPS:
            continue
        procedures = len({procedure_id for procedure_id, _ in uses})
        departments = sorted({department for _, department in uses})
        detail = (f"{len(uses)} ステップ・{procedures} 手順で使用" if ja
                  else f"used in {len(uses)} steps of {procedures} procedures")
        found.append({"kind": kind("tool"), "kind_code": "tool", "id": tool_id,
                      "title": kb.tools[tool_id].name if tool_id in kb.tools else tool_id,
                      "department": ", ".join(departments), "where": "", "detail": detail,
                      "steps": len(uses), "procedures": procedures, "file": ""})
    return found


def report(result: LintResult, language: str) -> Report:
    return Report(
        NAME,
        {"ja": "DX の候補", "en": "Digitisation candidates"},
        {"ja": f"紙の作業（印刷・押印・FAX・郵送）、承認待ちがリードタイム目標を超える手順、{MANY_STEPS} ステップ以上で"
               f"使われるツール（同じデータを手で入力し直している可能性）。",
         "en": f"Paper steps (print, stamp, fax, post), approvals that alone exceed a lead-time target, and tools "
               f"used in {MANY_STEPS} or more steps (the same data typed in again by hand)."},
        COLUMNS, rows(result, language))
