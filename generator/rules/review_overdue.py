"""A procedure whose periodic review is overdue, or that was never reviewed.

## What it does
Reports an active procedure when `review.last_reviewed` plus `review.interval_months` (default 12)
lies before the run date, or when it has no `review.last_reviewed` at all. The finding points at
`last_reviewed` (or at `review`, or at `id` when there is none).

The run date is the day `sopbook lint` runs (tests and the site pass their own). The `upcoming_days`
option does not change the findings: it is the window of "due soon" reviews listed by the
`reviews` report.

## Why is this bad?
Systems, forms and people change; a procedure nobody has read for a year quietly stops matching
what is done. A review date is also how an auditor sees that the owner still stands behind it.

## Example
Fails (reviewed 2024-04-01, due 2025-04-01):
```yaml
review:
  last_reviewed: 2024-04-01
  interval_months: 12
```
Passes (when run before 2027-04-01):
```yaml
review:
  last_reviewed: 2026-04-01
  interval_months: 12
```

## Options
- `upcoming_days` (default `30`): reviews due within this many days are listed as upcoming in the
  `reviews` report.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..i18n import _
from ..model import KnowledgeBase, Procedure, days_after
from ..problems import Problem, Severity
from .base import Context

ID = "review-overdue"
DEFAULT_SEVERITY = Severity.WARNING
OPTIONS: dict[str, Any] = {"upcoming_days": 30}


def review_state(procedure: Procedure, today: dt.date, upcoming_days: int = 0) -> str | None:
    """``never`` (no review yet), ``overdue``, ``upcoming`` (due within ``upcoming_days``) or None.

    The one place the review decision is made: the rule reports ``never`` and ``overdue``, the
    reviews report lists all three.
    """
    due = procedure.review.next_review
    if due is None:
        return "never"
    if due < today:
        return "overdue"
    if due <= days_after(today, upcoming_days):
        return "upcoming"
    return None


def check(kb: KnowledgeBase, procedure: Procedure, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    review = procedure.review
    due = review.next_review
    state = review_state(procedure, context.today)
    if state == "never" or due is None:
        place = ("review",) if "review" in procedure.source.data else ("id",)
        yield procedure.source.problem(ID, _("lint.review-overdue.never"), *place,
                                       severity=DEFAULT_SEVERITY, procedure=procedure.id)
        return
    if state != "overdue":
        return
    days = (context.today - due).days
    yield procedure.source.problem(
        ID, _("lint.review-overdue.days" if days != 1 else "lint.review-overdue.day", days=days,
              due=due.isoformat(), last=review.last_reviewed, months=review.interval_months),
        "review", "last_reviewed", severity=DEFAULT_SEVERITY, procedure=procedure.id)
