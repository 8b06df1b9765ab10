"""Every KPI of every active procedure: its latest measured value against the goal, and which way it moves."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..i18n import in_every_language
from ..i18n import language as language_for
from ..model import KnowledgeBase, add_months
from ..rules import LintConfig, LintResult
from .base import Column, Report

NAME = "kpis"
COLUMNS = [
    Column("id", "column.id", 12, link="procedure"),
    Column("title", "column.procedure", 28),
    Column("department", "column.department", 14),
    Column("kpi", "column.kpi", 28),
    Column("target", "column.target", 14),
    Column("latest", "column.latest", 10),
    Column("latest_date", "column.measured", 12),
    Column("goal", "column.goal", 10),
    Column("status_label", "column.goal_met", 10),
    Column("change_label", "column.change", 12),
    Column("stale_label", "column.measuring", 12),
    Column("file", "column.file", 40),
]


def rows(kb: KnowledgeBase, config: LintConfig, today: dt.date, language: str) -> list[dict[str, Any]]:
    label = language_for(language).label
    months = config.option("kpi-stale", "max_age_months")
    found: list[dict[str, Any]] = []
    for procedure in sorted(kb.procedures.values(), key=lambda p: p.id):
        if not procedure.is_active:
            continue
        for kpi in procedure.kpis:
            latest = kpi.latest
            met = kpi.met(latest.value) if latest is not None else None
            change = kpi.change()
            stale = latest is not None and add_months(latest.date, months) < today
            found.append({
                "id": procedure.id, "title": procedure.title, "department": procedure.department,
                "kpi": kpi.name, "target": kpi.target, "unit": kpi.unit, "direction": kpi.direction,
                "latest": kpi.shown(latest.value) if latest is not None else "",
                "latest_value": latest.value if latest is not None else None,
                "latest_date": latest.date if latest is not None else None,
                "goal": kpi.shown(kpi.goal) if kpi.goal is not None else "",
                "goal_value": kpi.goal,
                "met": met,
                "status_label": "" if met is None else label("kpi.met" if met else "kpi.not_met"),
                "change": change,
                "change_label": label(f"kpi.{change}") if change else "",
                "stale": stale,
                "stale_label": (label("kpi.stale") if stale else label("kpi.current")) if latest else
                label("kpi.unmeasured"),
                "measurements": [{"date": m.date, "value": m.value, "note": m.note} for m in kpi.measurements],
                "file": procedure.path,
            })
    return found


def report(result: LintResult, language: str) -> Report:
    kb, config, today = result.kb, result.config, result.today
    months = config.option("kpi-stale", "max_age_months")
    return Report(NAME, in_every_language("report.kpis.title"),
                  in_every_language("report.kpis.description", months=months),
                  COLUMNS, rows(kb, config, today, language))
