"""Per person: what they own, back up, perform and approve, and how many procedures stop if they leave."""
from __future__ import annotations

from typing import Any

from ..i18n import in_every_language
from ..model import KnowledgeBase, Procedure
from ..rules import LintResult
from .base import Column, Report

NAME = "people"
COLUMNS = [
    Column("id", "column.id", 12, link="person"),
    Column("name", "column.name", 16),
    Column("title", "column.job_title", 16),
    Column("department", "column.department", 14),
    Column("active", "column.active", 8),
    Column("sole_holder", "column.sole_holder", 12),
    Column("owned", "column.owned", 10),
    Column("backup", "column.backup", 10),
    Column("performs", "column.performs", 10),
    Column("approves", "column.approves", 10),
    Column("sole_procedures", "column.sole_procedures", 40),
]


def critical_people(kb: KnowledgeBase, procedure: Procedure) -> set[str]:
    """People whose departure alone stops the procedure: the sole performer, a sole approver, a step's sole actor."""
    critical: set[str] = set()
    performers = kb.performers(procedure)
    if len(performers) == 1:
        critical.add(performers[0])
    # A step without an actor is the owner's and the backups stand in, so only named actors count.
    actors = [*(approval.approver for approval in procedure.approvals),
              *(step.actor for step in procedure.steps if step.actor_given)]
    for actor in actors:
        people = kb.active_people_of(actor)
        if len(set(people)) == 1:
            critical.add(people[0])
    return critical


def rows(result: LintResult) -> list[dict[str, Any]]:
    kb = result.kb
    found: dict[str, dict[str, Any]] = {
        person.id: {"id": person.id, "name": person.name, "title": person.title, "department": person.department,
                    "active": person.active, "sole_holder": 0, "owned": 0, "backup": 0, "performs": 0,
                    "approves": 0, "sole_procedures": []}
        for person in kb.people.values()
    }
    active_of: dict[str, list[str]] = {}

    def people(actor: str) -> list[str]:
        if actor not in active_of:
            active_of[actor] = [p for p in dict.fromkeys(kb.people_of(actor)) if p in found]
        return active_of[actor]

    for procedure in kb.procedures.values():
        if not procedure.is_active:
            continue
        if procedure.owner in found:
            found[procedure.owner]["owned"] += 1
        for backup in dict.fromkeys(procedure.backups):
            if backup in found:
                found[backup]["backup"] += 1
        for person in {p for step in procedure.steps for p in people(step.actor)}:
            found[person]["performs"] += 1
        for person in {p for approval in procedure.approvals for p in people(approval.approver)}:
            found[person]["approves"] += 1
        for person in critical_people(kb, procedure):
            found[person]["sole_holder"] += 1
            found[person]["sole_procedures"].append(procedure.id)
    listed = [row for row in found.values()
              if row["active"] or row["owned"] or row["backup"] or row["performs"] or row["approves"]]
    listed.sort(key=lambda row: (-row["sole_holder"], -row["owned"], row["id"]))
    return listed


def report(result: LintResult, language: str) -> Report:
    return Report(
        NAME,
        in_every_language("report.people.title"),
        in_every_language("report.people.description"),
        COLUMNS, rows(result))
