"""What stops if these people leave: procedures left with no active performer, approver or step actor."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import UsageError
from ..i18n import _
from ..model import KnowledgeBase
from ..problems import did_you_mean
from .base import Column, Report

NAME = "whatif"
COLUMNS = [
    Column("kind", "種類", "Kind", 10),
    Column("id", "ID", "ID", 12, link="procedure"),
    Column("title", "手順・業務", "Procedure or task", 36),
    Column("department", "部門", "Department", 14),
    Column("reasons", "止まる理由", "Why it stops", 48),
    Column("remaining_names", "残る実施者", "Who is left", 24),
    Column("file", "ファイル", "File", 40),
]


def check_people(kb: KnowledgeBase, without: Iterable[str]) -> list[str]:
    """The ids, each known; an unknown one is a usage error with a suggestion."""
    people = list(dict.fromkeys(without))
    for person in people:
        if person not in kb.people:
            raise UsageError(_("whatif.unknown-person", person=person, hint=did_you_mean(person, kb.people)))
    return people


def rows(kb: KnowledgeBase, without: Iterable[str], language: str = "en") -> list[dict[str, Any]]:
    ja = language == "ja"
    gone = set(check_people(kb, without))

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
            reasons.append("実施できる人がいなくなる" if ja else "nobody left to perform it")
        for step in procedure.steps:
            # A step without an actor is the owner's, and the backups stand in: covered above.
            if step.actor_given and kb.active_people_of(step.actor) and not left(step.actor):
                reasons.append(f"手順 {step.number}「{step.title}」の担当がいなくなる" if ja
                               else f"nobody left for step {step.number} '{step.title}'")
        for approval in procedure.approvals:
            if kb.active_people_of(approval.approver) and not left(approval.approver):
                reasons.append(f"承認 {approval.number}（{kb.name_of(approval.approver)}）の承認者がいなくなる" if ja
                               else f"nobody left to give approval {approval.number} ({kb.name_of(approval.approver)})")
        if reasons:
            found.append({"kind": "手順" if ja else "procedure", "kind_code": "procedure", "id": procedure.id,
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
            found.append({"kind": "業務" if ja else "task", "kind_code": "task", "id": task.id, "title": task.title,
                          "department": task.department,
                          "reasons": ["手順書のない業務の実施者がいなくなる" if ja
                                      else "undocumented work loses its last performer"],
                          "remaining": [], "remaining_names": [], "file": ""})
    return found


def report(kb: KnowledgeBase, without: Iterable[str], language: str = "en") -> Report:
    people = check_people(kb, without)
    names = ", ".join(f"{kb.name_of(p)} ({p})" for p in people)
    return Report(
        NAME,
        {"ja": f"{names} が抜けたら", "en": f"If {names} left"},
        {"ja": "この人たちがいなくなると、実施者・承認者・ステップの担当がいなくなる運用中の手順と、実施者がいなくなる"
               "手順書のない業務。",
         "en": "Active procedures that would have no performer, approver or step actor left, and undocumented "
               "tasks that would lose their last performer."},
        COLUMNS, rows(kb, people, language))
