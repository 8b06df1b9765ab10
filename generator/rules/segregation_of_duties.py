"""An approver who approves their own work (segregation of duties).

## What it does
Reports an approval whose `approver` resolves to exactly one active person who is also
- the only active person who can perform the procedure (owner plus backups), or
- the only active person who can do one of its steps.

An approver role with two or more active members is not reported: one member can approve the
other's work. The finding points at the `approver` and names the steps concerned.

## Why is this bad?
An approval is a second pair of eyes. When the same person does the work and approves it, the
approval is a formality: errors and fraud pass unseen, and auditors (SOX) flag it.

## Example
Fails (pat.kim does step 1 and approves it):
```yaml
owner: emma.jones
backups: [chris.lee]
steps:
  - title: Prepare the payment file
    actor: pat.kim
approvals:
  - approver: facilities-manager   # members: [pat.kim]
```
Passes:
```yaml
owner: emma.jones
backups: [chris.lee]
steps:
  - title: Prepare the payment file
    actor: emma.jones
approvals:
  - approver: facilities-manager
```
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import _
from ..model import KnowledgeBase, Procedure
from ..problems import Problem, Severity
from .base import Context

ID = "segregation-of-duties"
DEFAULT_SEVERITY = Severity.WARNING
OPTIONS: dict[str, Any] = {}


def check(kb: KnowledgeBase, procedure: Procedure, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    if not procedure.approvals:
        return
    performers = context.performers(procedure)
    for approval in procedure.approvals:
        approvers = context.active_people(approval.approver)
        if len(approvers) != 1:
            continue
        person = approvers[0]
        if performers == [person]:
            reason = _("lint.segregation-of-duties.only")
        else:
            own = [str(step.number) for step in procedure.steps if context.active_people(step.actor) == (person,)]
            if not own:
                continue
            reason = _("lint.segregation-of-duties.steps" if len(own) > 1 else "lint.segregation-of-duties.step",
                       steps=", ".join(own))
        yield procedure.source.problem(
            ID, _("lint.segregation-of-duties", n=approval.number, name=context.names([person]), reason=reason),
            "approvals", approval.number - 1, "approver", severity=DEFAULT_SEVERITY, procedure=procedure.id)
