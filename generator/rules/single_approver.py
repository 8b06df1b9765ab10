"""An approval that only one active person can give.

## What it does
Reports an approval whose `approver` resolves to exactly one active person: a person, or a role with
a single active member. The finding points at the `approver`. (An approver with no active person
at all is `inactive-owner`'s finding.)

## Why is this bad?
When the approver is on leave nobody can approve, and the procedure waits. A deputy named in the
role keeps the work moving, and is usually what the company's delegation of authority says.

## Example
Fails (the role facilities-manager has one member, pat.kim):
```yaml
approvals:
  - approver: facilities-manager
    sla: 1d
```
Passes (add a deputy to the role in roles.yaml, or approve by a role with two members):
```yaml
approvals:
  - approver: legal
    sla: 1d
```
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import _
from ..model import KnowledgeBase, Procedure
from ..problems import Problem, Severity
from .base import Context

ID = "single-approver"
DEFAULT_SEVERITY = Severity.WARNING
OPTIONS: dict[str, Any] = {}


def check(kb: KnowledgeBase, procedure: Procedure, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    for approval in procedure.approvals:
        people = context.active_people(approval.approver)
        if len(people) != 1:
            continue
        via = "" if approval.approver == people[0] else _("lint.one-member", role=context.label(approval.approver))
        yield procedure.source.problem(
            ID, _("lint.single-approver", n=approval.number, names=context.names(people), via=via),
            "approvals", approval.number - 1, "approver", severity=DEFAULT_SEVERITY, procedure=procedure.id)
