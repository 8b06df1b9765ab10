"""Per person: what they own, back up, perform and approve, and how many procedures stop if they leave."""
from __future__ import annotations

from typing import Any

from ..model import KnowledgeBase, Procedure
from ..rules import LintResult
from .base import Column, Report

NAME = "people"
COLUMNS = [
    Column("id", "ID", "ID", 12, link="person"),
    Column("name", "氏名", "Name", 16),
    Column("department", "部門", "Department", 14),
    Column("active", "在籍", "Active", 8),
    Column("sole_holder", "唯一の担い手", "Sole holder of", 12),
    Column("owned", "担当（主）", "Owns", 10),
    Column("backup", "バックアップ", "Backs up", 10),
    Column("performs", "実施", "Performs", 10),
    Column("approves", "承認", "Approves", 10),
    Column("sole_procedures", "止まる手順", "Procedures that stop without them", 40),
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
        person.id: {"id": person.id, "name": person.name, "department": person.department,
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
        {"ja": "担当者別の負荷と属人化", "en": "People"},
        {"ja": "在籍者ごとの担当・バックアップ・実施・承認の件数と、その人が抜けると止まる手順の数（唯一の担い手）。"
               "退職者は手順に名前が残っている場合だけ表示する。",
         "en": "Per person: procedures owned, backed up, performed and approved, and how many stop if they leave "
               "(sole holder). People who left are listed only while procedures still name them."},
        COLUMNS, rows(result))
