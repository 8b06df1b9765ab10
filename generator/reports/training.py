"""The training matrix: who is trained on the current version of each procedure they perform (ISO 9001 7.2).

One row per person and department; one column per active procedure of that department. A cell is
``current`` (trained on the procedure's current version), ``outdated`` (an older version), ``none``
(performs it, no record) or empty (neither performs it nor has a record). The xlsx has one sheet per
department, each with that department's procedures as columns. Whether a record is current is decided
by the ``untrained-performer`` rule's ``status``, so the report and the lint never disagree.
"""
from __future__ import annotations

from typing import Any

from ..i18n import in_every_language
from ..i18n import language as language_for
from ..model import KnowledgeBase, Procedure
from ..rules import LintResult
from ..rules.untrained_performer import performers, status
from .base import Column, Report

NAME = "training"


def _state(kb: KnowledgeBase, person: str, procedure: Procedure) -> tuple[str, str | None]:
    if procedure.version:
        return status(kb, person, procedure)
    # Without a version any record is as current as the procedure can say.
    records = kb.training_of(person, procedure.id)
    return ("current" if records else "none"), (records[0].version if records else None)


def report(result: LintResult, language: str) -> Report:
    kb = result.kb
    label = language_for(language).label
    active = sorted((p for p in kb.procedures.values() if p.is_active), key=lambda p: (p.department, p.id))
    columns = [Column("department", "column.department", 14), Column("id", "column.id", 12, link="person"),
               Column("name", "column.name", 16), Column("missing", "column.not_trained", 10)]
    columns += [Column(procedure.id, "", 12, heading=procedure.id, group=procedure.department)
                for procedure in active]
    rows: list[dict[str, Any]] = []
    if kb.training is not None:
        by_department: dict[str, dict[str, dict[str, Any]]] = {}
        for procedure in active:
            people = by_department.setdefault(procedure.department, {})
            required = performers(kb, procedure)
            trained = {person for person, records in kb.training.items()
                       if any(record.procedure == procedure.id for record in records)}
            for person in sorted(set(required) | trained):
                row = people.setdefault(person, {
                    "department": procedure.department, "id": person, "name": kb.name_of(person),
                    "missing": 0, "procedures": {}})
                state, version = _state(kb, person, procedure)
                row["procedures"][procedure.id] = {"status": state, "version": version,
                                                   "required": person in required}
                if state == "current":
                    row[procedure.id] = label("training.current")
                elif state == "outdated":
                    row[procedure.id] = label("training.outdated", version=version or "?")
                else:
                    row[procedure.id] = label("training.none")
                if person in required and state != "current":
                    row["missing"] += 1
        for department in sorted(by_department):
            rows += sorted(by_department[department].values(), key=lambda row: (-row["missing"], row["id"]))
    description = in_every_language("report.training.description" if kb.training is not None
                                    else "report.training.no-file")
    return Report(NAME, in_every_language("report.training.title"), description,
                  columns, rows, sheet_by="department")
