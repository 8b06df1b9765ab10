"""Inventory tasks without a procedure (or with only a draft), the work nobody has written down."""
from __future__ import annotations

from typing import Any

from ..rules import LintResult
from ..rules.undocumented_task import undocumented
from .base import Column, Report

NAME = "undocumented"
COLUMNS = [
    Column("id", "ID", "ID", 12),
    Column("title", "業務", "Task", 36),
    Column("department", "部門", "Department", 14),
    Column("performer_names", "実施者", "Performed by", 24),
    Column("hours_per_month", "月間工数（時間）", "Hours per month", 12),
    Column("state", "状態", "State", 12),
    Column("suppressed", "除外の理由（x-lint）", "Silenced because (x-lint)", 30),
    Column("file", "ファイル", "File", 30),
]
STATE = {"missing": {"ja": "手順書なし", "en": "no procedure"}, "draft": {"ja": "下書きのみ", "en": "draft only"}}


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
            "state": STATE[state].get(language, STATE[state]["en"]),
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
        {"ja": "文書化されていない業務", "en": "Undocumented work"},
        {"ja": "業務棚卸し（inventory.yaml）にあって、手順書がないか下書きのままの業務。月間工数の多い順。",
         "en": "Tasks of the inventory (inventory.yaml) with no procedure, or only a draft; most hours first."},
        COLUMNS, rows(result, language))
