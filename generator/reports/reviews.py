"""Reviews overdue, never done, or due within the ``upcoming_days`` of the review-overdue rule."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..i18n import in_every_language
from ..i18n import language as language_for
from ..rules import LintResult
from ..rules.review_overdue import review_state
from .base import Column, Report

NAME = "reviews"
COLUMNS = [
    Column("id", "column.id", 12, link="procedure"),
    Column("title", "column.title", 36),
    Column("department", "column.department", 14),
    Column("owner_name", "column.owner_name", 16),
    Column("state", "column.state", 12),
    Column("last_reviewed", "column.last_reviewed", 14),
    Column("next_review", "column.next_review", 14),
    Column("days", "column.days", 12),
    Column("file", "column.file", 40),
]


def rows(result: LintResult, language: str = "en") -> list[dict[str, Any]]:
    kb, today = result.kb, result.today
    upcoming_days = result.config.option("review-overdue", "upcoming_days")
    lang = language_for(language)
    found: list[dict[str, Any]] = []
    for procedure in kb.procedures.values():
        if not procedure.is_active:
            continue
        state = review_state(procedure, today, upcoming_days)
        if state is None:
            continue
        due = procedure.review.next_review
        found.append({
            "id": procedure.id,
            "title": procedure.title,
            "department": procedure.department,
            "owner": procedure.owner,
            "owner_name": kb.name_of(procedure.owner),
            "state": lang(f"report.reviews.{state}"),
            "state_code": state,
            "last_reviewed": procedure.review.last_reviewed,
            "next_review": due,
            "days": (today - due).days if due is not None else None,
            "file": procedure.path,
        })
    order = {"never": 0, "overdue": 1, "upcoming": 2}
    found.sort(key=lambda row: (order[row["state_code"]], row["next_review"] or dt.date.min, row["id"]))
    return found


def report(result: LintResult, language: str) -> Report:
    today = result.today
    days = result.config.option("review-overdue", "upcoming_days")
    return Report(
        NAME,
        in_every_language("report.reviews.title"),
        in_every_language("report.reviews.description", today=today.isoformat(), days=days),
        COLUMNS, rows(result, language))
