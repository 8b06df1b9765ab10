"""Work in the task inventory that has no procedure (tacit knowledge).

## What it does
Reads `sop/inventory.yaml`, the list of every task the departments do, and reports each task whose
id has no procedure, or whose procedure is still a `draft`. A retired procedure counts as
documented (the task is kept for the record). The finding points at the task in `inventory.yaml`
and carries the task id as its procedure, so `x-lint` on a draft procedure, or on the task itself in
the inventory, can silence it.

This rule looks at the whole knowledge base: `sopbook lint --changed-since` runs it only when the
inventory or a procedure file was added or removed.

## Why is this bad?
Work nobody has written down lives only in the heads of the people who do it. The inventory is
where it becomes visible; a task without a procedure is tomorrow's outage when its performer leaves.

## Example
Fails (inventory.yaml lists FAC-099, and there is no procedure with id FAC-099):
```yaml
FAC-099:
  title: Manage the company cars
  department: Facilities
  performers: [chris.lee]
  hours_per_month: 4
```
Passes: write `sop/Facilities/FAC-099.yaml` with `id: FAC-099` and `status: active`.
```yaml
id: FAC-099
title: Manage the company cars
department: Facilities
owner: chris.lee
backups: [emma.jones]
steps:
  - title: Book the annual inspection
```
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import _
from ..model import KnowledgeBase, Procedure, Task
from ..problems import Problem, Severity
from .base import Context

ID = "undocumented-task"
DEFAULT_SEVERITY = Severity.WARNING
OPTIONS: dict[str, Any] = {}
SCOPE = "kb"


def undocumented(kb: KnowledgeBase) -> Iterator[tuple[Task, Procedure | None]]:
    """Inventory tasks without a procedure, or with only a draft (then with it), in inventory order.

    The one place "documented" is decided: the rule, the undocumented report and the dashboard ask here.
    """
    for task in kb.tasks.values():
        procedure = kb.procedures.get(task.id)
        if procedure is None or procedure.is_draft:
            yield task, procedure


def check(kb: KnowledgeBase, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    inventory = kb.sources.get("inventory")
    if inventory is None:
        return
    for task, procedure in undocumented(kb):
        hours = (_("lint.hours-per-month", hours=f"{task.hours_per_month:g}")
                 if task.hours_per_month is not None else "")
        who = _("lint.done-by", names=context.names(task.performers)) if task.performers else ""
        if procedure is None:
            message = _("lint.undocumented-task.missing", task=task.id, title=task.title, hours=hours, who=who)
        else:
            message = _("lint.undocumented-task.draft", task=task.id, title=task.title, hours=hours, who=who,
                        file=procedure.path)
        yield inventory.problem(ID, message, task.id, key=True, severity=DEFAULT_SEVERITY, procedure=task.id)
