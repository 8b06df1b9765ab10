"""The auditor's single-owner report: every active procedure fewer than ``min_people`` active people can perform."""
from __future__ import annotations

from typing import Any

from ..rules import LintResult
from ..rules.single_owner import too_few_people
from .base import Column, Report

NAME = "single-owner"
COLUMNS = [
    Column("id", "ID", "ID", 12, link="procedure"),
    Column("title", "手順", "Procedure", 36),
    Column("department", "部門", "Department", 14),
    Column("owner_name", "担当者（主）", "Owner", 16),
    Column("people_names", "実施できる人", "Who can perform it", 28),
    Column("people_count", "人数", "People", 8),
    Column("last_reviewed", "最終レビュー", "Last reviewed", 14),
    Column("hours_per_month", "月間工数（時間）", "Hours per month", 12),
    Column("suppressed", "除外の理由（x-lint）", "Silenced because (x-lint)", 30),
    Column("file", "ファイル", "File", 40),
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
        {"ja": "属人化している手順", "en": "Single-owner procedures"},
        {"ja": f"実施できる在籍者が {needed} 人未満の運用中の手順（担当者＋バックアップ）。"
               "人数の少ない順、月間工数の多い順。",
         "en": f"Active procedures that fewer than {needed} active people (owner plus backups) can perform; "
               f"riskiest first."},
        COLUMNS, rows(result))
