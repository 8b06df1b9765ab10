"""An active procedure that does not say how to do the work.

## What it does
Reports an active procedure without steps (pointing at its `id`), and each step that has neither
`details` nor a `tool` (pointing at the step's `title`): a title alone such as "処理する" tells a
newcomer nothing.

## Why is this bad?
A procedure that exists but is empty makes the inventory look documented while the knowledge is
still in someone's head. It is worse than a missing one, because nobody looks for it.

## Example
Fails (step 1 has only a title):
```yaml
steps:
  - title: 請求書の処理
```
Passes:
```yaml
steps:
  - title: 請求書の処理
    tool: freee
    details: |
      freee の「支払依頼」から請求書 PDF を登録し、勘定科目と支払期日を入力する。
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
