"""Reviews overdue, never done, or due within the ``upcoming_days`` of the review-overdue rule."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..model import KnowledgeBase, days_after
from ..rules import LintConfig
from .base import Column, Report

NAME = "reviews"
COLUMNS = [
    Column("id", "ID", "ID", 12, link="procedure"),
    Column("title", "手順", "Procedure", 36),
    Column("department", "部門", "Department", 14),
    Column("owner_name", "担当者（主）", "Owner", 16),
    Column("state", "状態", "State", 12),
    Column("last_reviewed", "最終レビュー", "Last reviewed", 14),
    Column("next_review", "レビュー期限", "Review due", 14),
    Column("days", "超過日数（−は残り）", "Days overdue (− = left)", 12),
    Column("file", "ファイル", "File", 40),
]
STATE = {"never": {"ja": "未レビュー", "en": "never reviewed"}, "overdue": {"ja": "期限切れ", "en": "overdue"},
         "upcoming": {"ja": "期限間近", "en": "due soon"}}


def rows(kb: KnowledgeBase, config: LintConfig, today: dt.date, language: str = "en") -> list[dict[str, Any]]:
    window = config.option("review-overdue", "upcoming_days")
    found: list[dict[str, Any]] = []
    for procedure in kb.procedures.values():
        if not procedure.is_active:
            continue
        due = procedure.review.next_review
        if due is None:
            state = "never"
        elif due < today:
            state = "overdue"
        elif due <= days_after(today, window):
            state = "upcoming"
        else:
            continue
        found.append({
            "id": procedure.id,
            "title": procedure.title,
            "department": procedure.department,
            "owner": procedure.owner,
            "owner_name": kb.name_of(procedure.owner),
            "state": STATE[state].get(language, STATE[state]["en"]),
            "state_code": state,
            "last_reviewed": procedure.review.last_reviewed,
            "next_review": due,
            "days": (today - due).days if due is not None else None,
            "file": procedure.path,
        })
    order = {"never": 0, "overdue": 1, "upcoming": 2}
    found.sort(key=lambda row: (order[row["state_code"]], row["next_review"] or dt.date.min, row["id"]))
    return found


def report(kb: KnowledgeBase, config: LintConfig, today: dt.date, language: str) -> Report:
    days = config.option("review-overdue", "upcoming_days")
    return Report(
        NAME,
        {"ja": "レビュー期限", "en": "Reviews"},
        {"ja": f"{today.isoformat()} 時点で、レビュー期限を過ぎた手順、未レビューの手順、"
               f"{days} 日以内に期限が来る手順。",
         "en": f"As of {today.isoformat()}: procedures whose review is overdue, that were never reviewed, or that "
               f"are due within {days} days."},
        COLUMNS, rows(kb, config, today, language))
