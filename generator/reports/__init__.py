"""Auditor reports: each a function of the knowledge base returning rows, written as md, csv, json or xlsx.

``build(name, kb, config, today, language)`` returns a ``Report`` (title, columns with labels in
Japanese and English, rows); ``writers.write(report, format, language)`` turns it into bytes. The
same reports are pages of the site (``site.pages``) and the ``sopbook report`` command.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..model import KnowledgeBase
from ..rules import LintConfig, run
from . import dx, kpis, people, reviews, single_owner, training, undocumented
from .base import Column, Report
from .findings import findings_report, suppressions_report


def _single_owner(kb: KnowledgeBase, config: LintConfig, today: dt.date, language: str) -> Report:
    return single_owner.report(kb, config, today, run(kb, config, today).suppressions)


def _undocumented(kb: KnowledgeBase, config: LintConfig, today: dt.date, language: str) -> Report:
    return undocumented.report(kb, config, today, run(kb, config, today).suppressions, language)


def _findings(kb: KnowledgeBase, config: LintConfig, today: dt.date, language: str) -> Report:
    return findings_report(kb, run(kb, config, today).problems)


def _suppressions(kb: KnowledgeBase, config: LintConfig, today: dt.date, language: str) -> Report:
    return suppressions_report(run(kb, config, today).suppressions)


REPORTS: dict[str, Callable[[KnowledgeBase, LintConfig, dt.date, str], Report]] = {
    "single-owner": _single_owner,
    "people": lambda kb, config, today, language: people.report(kb, config, today),
    "undocumented": _undocumented,
    "reviews": reviews.report,
    "dx": dx.report,
    "kpis": kpis.report,
    "training": training.report,
    "findings": _findings,
    "suppressions": _suppressions,
}
"""Report name → builder, in the order the site lists them."""


def build(name: str, kb: KnowledgeBase, config: LintConfig, today: dt.date, language: str = "ja") -> Report:
    return REPORTS[name](kb, config, today, language)


__all__ = ["REPORTS", "Column", "Report", "build"]
