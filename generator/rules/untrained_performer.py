"""A person who performs a procedure has no training record for its current version.

## What it does
Runs only when the knowledge base keeps `sop/training.yaml`. For each active procedure that has a
`version`, checks the owner, each of the `backups` and each person named directly as a step's
`actor` (roles are not expanded: name the people who are trained in `training.yaml` by the role's
members' own steps). A person without a record for that exact version gets one finding, at the
first place the procedure names them: "trained on 2.1, current 2.2" when they have an older
record, "no training record" when they have none. People who are no longer active are left to
`inactive-owner`.

## Why is this bad?
ISO 9001 (7.2 Competence) asks for evidence that the people doing the work were trained on how it
is done now. When a procedure changes and its performers never read the new version, the written
procedure and the work drift apart, which is exactly what a handover or an audit exposes.

## Example
Fails (GA-001 is at version 2.2 with owner tanaka and backup suzuki; suzuki was trained on 2.1):
```yaml
# sop/training.yaml
tanaka:
  - {procedure: GA-001, version: "2.2", date: 2026-04-01}
suzuki:
  - {procedure: GA-001, version: "2.1", date: 2025-10-01}
```
Passes (suzuki acknowledged 2.2 as well):
```yaml
# sop/training.yaml
tanaka:
  - {procedure: GA-001, version: "2.2", date: 2026-04-01}
suzuki:
  - {procedure: GA-001, version: "2.1", date: 2025-10-01}
  - {procedure: GA-001, version: "2.2", date: 2026-04-10, trainer: tanaka}
```
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import _
from ..model import KnowledgeBase, Procedure
from ..problems import Problem, Severity
from .base import Context

ID = "untrained-performer"
DEFAULT_SEVERITY = Severity.WARNING
OPTIONS: dict[str, Any] = {}


def performers(kb: KnowledgeBase, procedure: Procedure) -> dict[str, tuple[str | int, ...]]:
    """Person id → where the procedure first names them: owner, backups, then step actors (people only)."""
    places: dict[str, tuple[str | int, ...]] = {procedure.owner: ("owner",)}
    for index, backup in enumerate(procedure.backups):
        places.setdefault(backup, ("backups", index))
    for index, step in enumerate(procedure.steps):
        if step.actor_given and step.actor in kb.people:
            places.setdefault(step.actor, ("steps", index, "actor"))
    return {person: place for person, place in places.items() if kb.is_active(person)}


def status(kb: KnowledgeBase, person: str, procedure: Procedure) -> tuple[str, str | None]:
    """(``current``, ``outdated`` or ``none``, the newest version the person was trained on)."""
    records = kb.training_of(person, procedure.id)
    if any(record.version == procedure.version for record in records):
        return "current", procedure.version
    trained = next((record.version for record in records if record.version), None)
    return ("outdated" if records else "none"), trained


def check(kb: KnowledgeBase, procedure: Procedure, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    if kb.training is None or not procedure.version:
        return
    for person, place in performers(kb, procedure).items():
        state, trained = status(kb, person, procedure)
        if state == "current":
            continue
        who = context.names([person])
        if state == "outdated":
            message = _("lint.untrained-performer.outdated", who=who, current=procedure.version,
                        trained=trained or _("lint.untrained-performer.unversioned"))
        else:
            message = _("lint.untrained-performer.none", who=who, procedure=procedure.id, current=procedure.version)
        yield procedure.source.problem(ID, message, *place, severity=DEFAULT_SEVERITY, procedure=procedure.id)
