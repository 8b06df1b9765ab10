"""Inventory tasks without a procedure (or with only a draft), the work nobody has written down."""
from __future__ import annotations

from typing import Any

from ..i18n import in_every_language
from ..i18n import language as language_for
from ..rules import LintResult
from ..rules.undocumented_task import undocumented
from .base import Column, Report

NAME = "undocumented"
COLUMNS = [
    Column("id", "column.id", 12),
    Column("title", "column.task", 36),
    Column("department", "column.department", 14),
    Column("performer_names", "column.performer_names", 24),
    Column("hours_per_month", "column.hours_per_month", 12),
    Column("state", "column.state", 12),
    Column("suppressed", "column.suppressed", 30),
    Column("file", "column.file", 30),
]


def rows(result: LintResult, language: str = "en") -> list[dict[str, Any]]:
    kb = result.kb
    silenced = result.reasons("undocumented-task")
    inventory = kb.sources.get("inventory")
    found: list[dict[str, Any]] = []
    for task, procedure in undocumented(kb):
        state = "missing" if procedure is None else "draft"
        line = inventory.where(task.id, key=True)[0] if inventory is not None else 1
        found.append({
            "id": task.id,
            "title": task.title,
            "department": task.department,
            "performers": list(task.performers),
            "performer_names": [kb.name_of(person) for person in task.performers],
            "hours_per_month": task.hours_per_month,
            "state": language_for(language).label(f"report.undocumented.{state}"),
            "state_code": state,
            "procedure_file": procedure.path if procedure is not None else None,
            "suppressed": silenced.get(task.id),
            "file": f"{inventory.path}:{line}" if inventory is not None else "",
        })
    found.sort(key=lambda row: (-(row["hours_per_month"] or 0), row["id"]))
    return found


def report(result: LintResult, language: str) -> Report:
    return Report(
        NAME,
        in_every_language("report.undocumented.title"),
        in_every_language("report.undocumented.description"),
        COLUMNS, rows(result, language))
