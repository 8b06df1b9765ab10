"""What stops if these people leave: procedures left with no active performer, approver or step actor."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..i18n import LANGUAGES, in_every_language
from ..i18n import language as language_for
from ..model import KnowledgeBase
from .base import Column, Report

NAME = "whatif"
COLUMNS = [
    Column("kind", "column.kind", 10),
    Column("id", "column.id", 12, link="procedure"),
    Column("title", "column.procedure-or-task", 36),
    Column("department", "column.department", 14),
    Column("reasons", "column.reasons", 48),
    Column("remaining_names", "column.remaining_names", 24),
    Column("file", "column.file", 40),
]


def rows(kb: KnowledgeBase, without: Iterable[str], language: str = "en") -> list[dict[str, Any]]:
    lang = language_for(language)
    gone = set(without)

    def left(actor: str) -> list[str]:
        return [person for person in dict.fromkeys(kb.active_people_of(actor)) if person not in gone]

    found: list[dict[str, Any]] = []
    for procedure in kb.procedures.values():
        if not procedure.is_active:
            continue
        before = kb.performers(procedure)
        remaining = [person for person in before if person not in gone]
        reasons: list[str] = []
        if before and not remaining:
            reasons.append(lang("report.whatif.nobody"))
        for step in procedure.steps:
            # A step without an actor is the owner's, and the backups stand in: covered above.
            if step.actor_given and kb.active_people_of(step.actor) and not left(step.actor):
                reasons.append(lang("report.whatif.step", n=step.number, title=step.title))
        for approval in procedure.approvals:
            if kb.active_people_of(approval.approver) and not left(approval.approver):
                reasons.append(lang("report.whatif.approval", n=approval.number,
                                     approver=kb.name_of(approval.approver)))
        if reasons:
            found.append({"kind": lang("report.whatif.procedure"), "kind_code": "procedure", "id": procedure.id,
                          "title": procedure.title, "department": procedure.department, "reasons": reasons,
                          "remaining": remaining, "remaining_names": [kb.name_of(p) for p in remaining],
                          "file": procedure.path})
    # Undocumented work is lost outright when its last performer leaves: nothing is written down.
    for task in kb.tasks.values():
        documented = kb.procedures.get(task.id)
        if documented is not None and not documented.is_draft:
            continue
        active = [person for person in task.performers if kb.is_active(person)]
        remaining = [person for person in active if person not in gone]
        if active and not remaining:
            found.append({"kind": lang("report.whatif.task"), "kind_code": "task", "id": task.id, "title": task.title,
                          "department": task.department,
                          "reasons": [lang("report.whatif.task-lost")],
                          "remaining": [], "remaining_names": [], "file": ""})
    return found


def report(kb: KnowledgeBase, without: Iterable[str], language: str = "en") -> Report:
    people = list(dict.fromkeys(without))
    names = [f"{kb.name_of(p)} ({p})" for p in people]
    return Report(
        NAME,
        {code: language_for(code).label("report.whatif.title", names=language_for(code).join(names))
         for code in LANGUAGES},
        in_every_language("report.whatif.description"),
        COLUMNS, rows(kb, people, language))
