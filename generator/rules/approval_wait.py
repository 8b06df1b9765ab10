"""Approvals that alone take longer than the procedure's lead-time target.

## What it does
Adds up the `sla` of every approval of an active procedure (worst case: every condition applies)
and compares the sum with each KPI whose name or target mentions lead time (lead time, lead-time,
turnaround, cycle time, processing time, time to complete, and the Japanese equivalents). Targets
are read from the KPI's `target`: `3 days`, `2 business days`, `5 working days`, `48 hours`, `1 week`
(five business days), and the Japanese forms. When the approvals alone exceed the target, the KPI's
`target` is reported.

Units: a day is a business day both in SLAs (`2d`) and in targets (`3 days`); hours in an SLA are
working hours (`8h` is one day), hours in a target are clock hours (`48 hours` is two days).
Approvals without an `sla` count as zero.

## Why is this bad?
It is `info`: if waiting for sign-off already uses up the lead time, the target cannot be met
however fast the work is done. Fewer approval levels, deputies or an amount threshold are the usual
fixes.

## Example
Reported (2d + 2d of approvals against 3 days):
```yaml
approvals:
  - approver: facilities-manager
    sla: 2d
  - approver: legal
    sla: 2d
kpis:
  - name: Lead time
    target: within 3 days
```
Not reported:
```yaml
approvals:
  - approver: facilities-manager
    sla: 1d
kpis:
  - name: Lead time
    target: within 3 days
```

## Options
- `keywords` (default: the words above): a KPI whose name or target contains one of these
  (case-insensitive) is a lead-time target.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..i18n import _
from ..model import BUSINESS_DAY_MINUTES, KnowledgeBase, Kpi, Procedure
from ..problems import Problem, Severity
from .base import Context

ID = "approval-wait"
DEFAULT_SEVERITY = Severity.INFO
JAPANESE = ["リードタイム", "所要日数", "所要時間", "処理日数", "処理期間"]
ENGLISH = ["lead time", "lead-time", "leadtime", "turnaround", "turn-around", "cycle time", "processing time",
           "time to complete", "completion time", "days to complete"]
OPTIONS: dict[str, Any] = {"keywords": [*JAPANESE, *ENGLISH]}
LANGUAGE_OPTIONS: dict[str, dict[str, Any]] = {"en": {"keywords": ENGLISH}}

_TARGET = re.compile(
    r"([0-9０-９]+(?:\.[0-9]+)?)\s*(営業日|日|時間|週間|business\s+days?|working\s+days?|days?|hours?|hrs?|"
    r"weeks?|wks?|h|d)(?![A-Za-z])",
    re.IGNORECASE)


def target_days(text: str) -> float | None:
    """``3日以内`` → 3, ``5営業日`` → 5, ``48時間`` → 2, ``3 days`` → 3; None when no duration is given."""
    match = _TARGET.search(text)
    if match is None:
        return None
    number = float(match.group(1).translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    unit = match.group(2).lower()
    if unit in ("時間", "h", "hr", "hrs", "hour", "hours"):
        return number / 24
    if unit in ("週間", "week", "weeks", "wk", "wks"):
        return number * 5  # a week of business days
    return number


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    return {**options, "lowered": [keyword.lower() for keyword in options["keywords"]]}


@dataclass(frozen=True)
class Wait:
    """Approvals that alone exceed a lead-time KPI: the KPI (and its index), the business days, the SLAs."""

    index: int
    kpi: Kpi
    days: float
    slas: str


def waits(procedure: Procedure, lowered_keywords: list[str]) -> Iterator[Wait]:
    """The lead-time KPIs of ``procedure`` that its approvals alone exceed.

    The one place the approval-wait decision is made: the rule and the dx report ask here.
    """
    timed = [approval for approval in procedure.approvals if approval.sla_minutes]
    if not timed or not procedure.kpis:
        return
    total = sum(approval.sla_minutes or 0 for approval in timed) / BUSINESS_DAY_MINUTES
    for index, kpi in enumerate(procedure.kpis):
        haystack = f"{kpi.name} {kpi.target}".lower()
        if not any(keyword in haystack for keyword in lowered_keywords):
            continue
        target = target_days(kpi.target)
        if target is None or total <= target:
            continue
        yield Wait(index, kpi, total, " + ".join(approval.sla or "" for approval in timed))


def check(kb: KnowledgeBase, procedure: Procedure, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    for wait in waits(procedure, options["lowered"]):
        yield procedure.source.problem(
            ID, _("lint.approval-wait", days=f"{wait.days:g}", slas=wait.slas, target=wait.kpi.target,
                  kpi=wait.kpi.name),
            "kpis", wait.index, "target",
            severity=DEFAULT_SEVERITY, procedure=procedure.id)
