"""A procedure that fewer than ``min_people`` active people can perform (single point of failure).

## What it does
Counts the distinct **active** people among the procedure's `owner` and `backups` and reports the
procedure when there are fewer than `min_people` (default 2). A backup with `active: false` in
`people.yaml` does not count. The finding points at the `owner` key.

Only active procedures are checked (drafts and retired procedures are skipped, as by every rule).
Steps done by other people or roles do not count: a person who performs one step cannot run the
procedure when the owner is away.

## Why is this bad?
When the only person who can do the work is ill, on leave or leaves the company, the work stops
and the knowledge leaves with them. Naming a trained backup is the cheapest insurance there is.

## Example
Fails (only emma.jones can perform it):
```yaml
id: FAC-001
title: Sign a supplier contract
department: Facilities
owner: emma.jones
backups: []
steps:
  - title: Check the contract
```
Passes (emma.jones and chris.lee can):
```yaml
id: FAC-001
title: Sign a supplier contract
department: Facilities
owner: emma.jones
backups: [chris.lee]
steps:
  - title: Check the contract
```

## Options
- `min_people` (default `2`): how many active people must be able to perform each procedure.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import _
from ..model import KnowledgeBase, Procedure
from ..problems import Problem, Severity
from .base import Context

ID = "single-owner"
DEFAULT_SEVERITY = Severity.WARNING
OPTIONS: dict[str, Any] = {"min_people": 2}


def too_few_people(kb: KnowledgeBase, procedure: Procedure, min_people: int) -> list[str] | None:
    """The active people who can perform ``procedure`` when they are fewer than ``min_people``, else None.

    The one place the single-owner decision is made: the rule, the single-owner report and the
    site's dashboard all ask here.
    """
    people = kb.performers(procedure)
    return people if len(people) < min_people else None


def check(kb: KnowledgeBase, procedure: Procedure, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    needed = options["min_people"]
    people = too_few_people(kb, procedure, needed)
    if people is None:
        return
    if people:
        message = _("lint.single-owner.some", names=context.names(people), needed=needed)
    else:
        message = _("lint.single-owner.none", needed=needed)
    yield procedure.source.problem(
        ID, message,
        "owner", key=True, severity=DEFAULT_SEVERITY, procedure=procedure.id)
