"""Every KPI of every active procedure: its latest measured value against the goal, and which way it moves."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..i18n import language as language_for
from ..model import KnowledgeBase, add_months
from ..rules import LintConfig
from .base import Column, Report

NAME = "kpis"
COLUMNS = [
    Column("id", "ID", "ID", 12, link="procedure"),
    Column("title", "手順", "Procedure", 28),
    Column("department", "部門", "Department", 14),
    Column("kpi", "指標", "KPI", 28),
    Column("target", "目標", "Target", 14),
    Column("latest", "最新値", "Latest", 10),
    Column("latest_date", "測定日", "Measured", 12),
    Column("goal", "目標値", "Goal", 10),
    Column("status_label", "達成", "Goal met", 10),
    Column("change_label", "前回から", "Since previous", 12),
    Column("stale_label", "測定", "Measuring", 12),
    Column("file", "ファイル", "File", 40),
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


def report(kb: KnowledgeBase, config: LintConfig, today: dt.date, language: str) -> Report:
    months = config.option("kpi-stale", "max_age_months")
    return Report(
        NAME,
        {"ja": "KPI の測定値", "en": "KPI measurements"},
        {"ja": f"運用中の手順の KPI ごとに、最新の測定値と目標値、目標の達成、前回の測定からの改善・悪化。"
               f"{months} か月より古い測定は「古い」と表示する（ルール kpi-stale）。",
         "en": f"Each KPI of an active procedure: its latest measured value against the goal, whether the goal "
               f"is met, and whether it improved or worsened since the measurement before. A last measurement "
               f"older than {months} months is marked stale (rule kpi-stale)."},
        COLUMNS, rows(kb, config, today, language))
