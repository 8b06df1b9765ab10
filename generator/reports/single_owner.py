"""The auditor's single-owner report: every active procedure fewer than ``min_people`` active people can perform."""
from __future__ import annotations

from typing import Any

from ..i18n import in_every_language
from ..rules import LintResult
from ..rules.single_owner import too_few_people
from .base import Column, Report

NAME = "single-owner"
COLUMNS = [
    Column("id", "column.id", 12, link="procedure"),
    Column("title", "column.title", 36),
    Column("department", "column.department", 14),
    Column("owner_name", "column.owner_name", 16),
    Column("people_names", "column.people_names", 28),
    Column("people_count", "column.people_count", 8),
    Column("last_reviewed", "column.last_reviewed", 14),
    Column("hours_per_month", "column.hours_per_month", 12),
    Column("suppressed", "column.suppressed", 30),
    Column("file", "column.file", 40),
]


def rows(result: LintResult) -> list[dict[str, Any]]:
    kb = result.kb
    needed = result.config.option("single-owner", "min_people")
    silenced = result.reasons("single-owner")
    found: list[dict[str, Any]] = []
    for procedure in kb.procedures.values():
        if not procedure.is_active:
            continue
        people = too_few_people(kb, procedure, needed)
        if people is None:
            continue
        task = kb.task_for(procedure.id)
        found.append({
            "id": procedure.id,
            "title": procedure.title,
            "department": procedure.department,
            "owner": procedure.owner,
            "owner_name": kb.name_of(procedure.owner),
            "owner_active": kb.is_active(procedure.owner),
            "people": people,
            "people_names": [kb.name_of(person) for person in people],
            "people_count": len(people),
            "last_reviewed": procedure.review.last_reviewed,
            "hours_per_month": task.hours_per_month if task else None,
            "suppressed": silenced.get(procedure.id),
            "file": procedure.path,
        })
    # Riskiest first: nobody left, then an owner who left, then the most hours of work at stake.
    found.sort(key=lambda row: (row["people_count"], row["owner_active"], -(row["hours_per_month"] or 0), row["id"]))
    return found


def report(result: LintResult, language: str) -> Report:
    needed = result.config.option("single-owner", "min_people")
    return Report(
        NAME,
        in_every_language("report.single-owner.title"),
        in_every_language("report.single-owner.description", needed=needed),
        COLUMNS, rows(result))
