"""An owner, backup, actor or approver who is no longer there.

## What it does
Reports every place in an active procedure that names a person with `active: false` in
`people.yaml`, or a role none of whose members is active: the `owner`, each of the `backups`, each
step's `actor` (when the step names one; a step without an actor is the owner's, reported once at
the owner) and each approval's `approver`. The finding points at that value.

## Why is this bad?
The procedure sends the reader to somebody who has left or moved. Until a successor is named the
work has no one responsible for it, and approvals wait forever.

## Example
Fails (sam.white is `active: false`):
```yaml
id: FAC-010
title: Manage the company cars
department: Facilities
owner: sam.white
backups: [emma.jones]
steps:
  - title: Book the annual inspection
```
Passes:
```yaml
id: FAC-010
title: Manage the company cars
department: Facilities
owner: emma.jones
backups: [chris.lee]
steps:
  - title: Book the annual inspection
```
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import _
from ..model import KnowledgeBase, Procedure
from ..problems import Problem, Severity
from .base import Context

ID = "inactive-owner"
DEFAULT_SEVERITY = Severity.ERROR
OPTIONS: dict[str, Any] = {}


def _gone(kb: KnowledgeBase, actor: str, context: Context) -> str | None:
    """Why ``actor`` can do nothing, or None when someone active stands behind it (or it is unknown)."""
    if actor in kb.people:
        return None if kb.people[actor].active else _("lint.inactive-owner.person", who=context.label(actor))
    role = kb.roles.get(actor)
    if role is None or context.active_people(actor):
        return None  # an unknown id is validation's business
    if not role.members:
        return _("lint.inactive-owner.role-empty", who=context.label(actor))
    return _("lint.inactive-owner.role-inactive", who=context.label(actor), members=_("list_sep").join(role.members))


def check(kb: KnowledgeBase, procedure: Procedure, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    gone = context.gone()
    if not gone or (procedure.owner not in gone and gone.isdisjoint(procedure.backups)
                    and not any(step.actor in gone for step in procedure.steps)
                    and not any(approval.approver in gone for approval in procedure.approvals)):
        return
    places: list[tuple[str, str, tuple[str | int, ...]]] = [(_("place.owner"), procedure.owner, ("owner",))]
    places += [(_("place.backup"), backup, ("backups", index)) for index, backup in enumerate(procedure.backups)]
    # A departed actor named in five steps is one problem to fix: report it once, at its first use.
    steps: dict[str, list[int]] = {}
    approvals: dict[str, list[int]] = {}
    first: dict[str, tuple[str | int, ...]] = {}
    for step in procedure.steps:
        if step.actor_given:
            steps.setdefault(step.actor, []).append(step.number)
            first.setdefault(step.actor, ("steps", step.number - 1, "actor"))
    for approval in procedure.approvals:
        approvals.setdefault(approval.approver, []).append(approval.number)
        first.setdefault(approval.approver, ("approvals", approval.number - 1, "approver"))
    for actor, path in first.items():
        uses = []
        if actor in steps:
            numbers = steps[actor]
            uses.append(_("place.steps" if len(numbers) > 1 else "place.step", numbers=", ".join(map(str, numbers))))
        if actor in approvals:
            numbers = approvals[actor]
            uses.append(_("place.approvals" if len(numbers) > 1 else "place.approval",
                          numbers=", ".join(map(str, numbers))))
        places.append((_("place.and").join(uses), actor, path))
    for label, actor, path in places:
        reason = _gone(kb, actor, context)
        if reason:
            yield procedure.source.problem(ID, _("lint.inactive-owner", place=label, reason=reason), *path,
                                           severity=DEFAULT_SEVERITY, procedure=procedure.id)
