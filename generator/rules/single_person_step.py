"""A step only one person can do, and that person is not covered by the procedure's backups.

## What it does
Reports a step whose `actor` resolves to exactly one active person (a person, or a role with one
active member) who is neither the procedure's owner nor one of its backups. The owner's own steps
are left to `single-owner`, which already asks for backups; this rule finds the step that still
stops when the backups are there, because only someone else can do it. The finding points at the
step's `actor`.

## Why is this bad?
Backups give a false sense of safety when one step in the middle needs a particular person: the
procedure halts there when that person is away.

## Example
Fails (only pat.kim, through the role facilities-manager, can do step 2):
```yaml
owner: emma.jones
backups: [chris.lee]
steps:
  - title: Check the contract
  - title: Raise the purchase request
    actor: facilities-manager
```
Passes (the role legal has two active members):
```yaml
owner: emma.jones
backups: [chris.lee]
steps:
  - title: Check the contract
  - title: Raise the purchase request
    actor: legal
```
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import _
from ..model import KnowledgeBase, Procedure
from ..problems import Problem, Severity
from .base import Context

ID = "single-person-step"
DEFAULT_SEVERITY = Severity.WARNING
OPTIONS: dict[str, Any] = {}


def check(kb: KnowledgeBase, procedure: Procedure, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    covered = {procedure.owner, *procedure.backups}
    for step in procedure.steps:
        if not step.actor_given:
            continue
        people = context.active_people(step.actor)
        if len(people) != 1 or people[0] in covered:
            continue
        via = "" if step.actor == people[0] else _("lint.via-role", role=context.label(step.actor))
        yield procedure.source.problem(
            ID, _("lint.single-person-step", n=step.number, title=step.title, names=context.names(people), via=via),
            "steps", step.number - 1, "actor", severity=DEFAULT_SEVERITY, procedure=procedure.id)
