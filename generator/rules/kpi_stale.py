"""A KPI whose last measurement is older than the allowed age: the number is no longer being watched.

## What it does
Reports each KPI of an active procedure that has `measurements` when the newest of them is more
than `max_age_months` months (default 3) before the run date. The finding points at that
measurement's `date`. KPIs without any measurements are not reported: recording values is
optional.

## Why is this bad?
A KPI is only useful while somebody measures it: making work visible only sticks when the numbers
keep coming. When the last value is months old,
the chart on the procedure page and the `kpis` report show an improvement or a miss that may no
longer be true, and nobody notices the process drifting.

## Example
Fails (run on 2026-11-25; the last value is from June):
```yaml
kpis:
  - name: Days from request to payment
    target: within 5 days
    direction: lower
    goal: 5
    measurements:
      - {date: 2026-05-31, value: 8}
      - {date: 2026-06-30, value: 6}
```
Passes (a value from October):
```yaml
kpis:
  - name: Days from request to payment
    target: within 5 days
    direction: lower
    goal: 5
    measurements:
      - {date: 2026-06-30, value: 6}
      - {date: 2026-10-31, value: 5}
```

## Options
- `max_age_months` (default `3`): how many months may pass after the last measurement.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import _
from ..model import KnowledgeBase, Procedure, add_months
from ..problems import Problem, Severity
from .base import Context

ID = "kpi-stale"
DEFAULT_SEVERITY = Severity.WARNING
OPTIONS: dict[str, Any] = {"max_age_months": 3}


def check(kb: KnowledgeBase, procedure: Procedure, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    months = options["max_age_months"]
    data = procedure.source.data.get("kpis") or []
    for index, kpi in enumerate(procedure.kpis):
        latest = kpi.latest
        if latest is None or add_months(latest.date, months) >= context.today:
            continue
        # Point at the newest measurement as the file lists it (the model sorts them by date).
        entries = data[index].get("measurements", []) if index < len(data) else []
        position = next((number for number, entry in enumerate(entries)
                         if str(entry.get("date", ""))[:10] == latest.date.isoformat()), 0)
        yield procedure.source.problem(
            ID, _("lint.kpi-stale", name=kpi.name, date=latest.date.isoformat(), months=months),
            "kpis", index, "measurements", position, "date", severity=DEFAULT_SEVERITY, procedure=procedure.id)
