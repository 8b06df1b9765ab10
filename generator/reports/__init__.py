"""Auditor reports: each a pure function of one lint run, returning rows written as md, csv, json or xlsx.

``build(name, result, language)`` returns a ``Report`` (title, columns with labels in Japanese and
English, rows) from a ``LintResult`` (the knowledge base, the lint configuration and date, the
findings and suppressions); ``writers.write(report, format, language)`` turns it into bytes. The same
reports are pages of the site (``site.pages``) and the ``sopbook report`` command. A report decides
nothing a rule decides: it asks the rule module's helper (``single_owner.too_few_people``, ...).
"""
from __future__ import annotations

from collections.abc import Callable

from ..rules import LintResult
from . import dx, kpis, people, reviews, single_owner, training, undocumented
from .base import Column, Report
from .findings import findings_report, suppressions_report

REPORTS: dict[str, Callable[[LintResult, str], Report]] = {
    "single-owner": single_owner.report,
    "people": people.report,
    "undocumented": undocumented.report,
    "reviews": reviews.report,
    "dx": dx.report,
    "kpis": kpis.report,
    "training": training.report,
    "findings": findings_report,
    "suppressions": suppressions_report,
}
"""Report name → builder, in the order the site lists them."""


def build(name: str, result: LintResult, language: str = "ja") -> Report:
    return REPORTS[name](result, language)


__all__ = ["REPORTS", "Column", "Report", "build"]
