"""An active procedure that does not say how to do the work.

## What it does
Reports an active procedure without steps (pointing at its `id`), and each step that has neither
`details` nor a `tool` (pointing at the step's `title`): a title alone such as "Process it" tells a
newcomer nothing.

## Why is this bad?
A procedure that exists but is empty makes the inventory look documented while the knowledge is
still in someone's head. It is worse than a missing one, because nobody looks for it.

## Example
Fails (step 1 has only a title):
```yaml
steps:
  - title: Process the invoice
```
Passes:
```yaml
steps:
  - title: Process the invoice
    tool: xero
    details: |
      Upload the invoice PDF under "Bills to pay", then enter the account code and the due date.
```
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import _
from ..model import KnowledgeBase, Procedure
from ..problems import Problem, Severity
from .base import Context

ID = "empty-procedure"
DEFAULT_SEVERITY = Severity.ERROR
OPTIONS: dict[str, Any] = {}


def check(kb: KnowledgeBase, procedure: Procedure, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    if not procedure.steps:
        yield procedure.source.problem(ID, _("lint.empty-procedure.no-steps"), "id",
                                       severity=DEFAULT_SEVERITY, procedure=procedure.id)
        return
    for step in procedure.steps:
        if (step.details and step.details.strip()) or step.tool:
            continue
        yield procedure.source.problem(
            ID, _("lint.empty-procedure.step", n=step.number, title=step.title),
            "steps", step.number - 1, "title", severity=DEFAULT_SEVERITY, procedure=procedure.id)
