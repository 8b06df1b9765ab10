"""The reports and rules as pages of the site, and the health dashboard for the home page.

Called by the MkDocs plugin: ``pages()`` gives path → Markdown for ``reports/`` and ``rules/``;
``dashboard()`` gives the snippet the home page embeds. Links are relative Markdown links, so MkDocs
checks them and rewrites them for any ``use_directory_urls``; the bars are inline SVG, which needs
no CSS or JavaScript.
"""
from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from ..i18n import Language
from ..i18n import language as language_for
from ..model import KnowledgeBase
from ..problems import Problem, Severity
from ..render import escape, person_path, procedure_path, relative, segment
from ..render.charts import Series, legend, line_chart
from ..rules import RULES, LintConfig, documentation
from . import REPORTS
from . import trend as trend_report
from .base import Report
from .findings import department_of
from .writers import markdown_table, sections

REPORTS_INDEX = "reports/index.md"
RULES_INDEX = "rules/index.md"
PAGE_ROWS_LIMIT = 1000
"""Rows of a report shown on its page: a bigger table makes a page of megabytes; the command has them all."""
FINDINGS_LIMIT = 500
"""Findings listed per rule or department on the findings page; beyond that, ``sopbook lint`` has them all."""

def _labels(code: str) -> Language:
    return language_for(code)


def bar(fraction: float, colour: str, label: str, width: int = 160) -> str:
    """An inline SVG bar, ``fraction`` of it filled."""
    fraction = min(1.0, max(0.0, fraction))
    filled = round(width * fraction)
    return (f'<svg class="sopbook-bar" width="{width}" height="12" viewBox="0 0 {width} 12" role="img" '
            f'aria-label="{html.escape(label)}"><rect width="{width}" height="12" rx="3" fill="#e0e0e0"/>'
            f'<rect width="{filled}" height="12" rx="3" fill="{colour}"/></svg>')


def _percent(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def _anchor_rule(rule_id: str) -> str:
    return f"rule-{rule_id}"


def _anchor_department(department: str) -> str:
    return f"department-{segment(department)}"


def health(kb: KnowledgeBase, config: LintConfig, today: dt.date) -> dict[str, int]:
    """The dashboard's numbers."""
    active = [procedure for procedure in kb.procedures.values() if procedure.is_active]
    needed = config.option("single-owner", "min_people")
    documented = sum(1 for task in kb.tasks.values()
                     if task.id in kb.procedures and not kb.procedures[task.id].is_draft)
    return {
        "tasks": len(kb.tasks),
        "documented": documented,
        "active": len(active),
        "single_owner": sum(1 for procedure in active if len(kb.performers(procedure)) < needed),
        "overdue": sum(1 for procedure in active if procedure.review.overdue(today)),
    }


def trend_chart(points: Sequence[dict[str, Any]], language: str) -> str:
    """The trend's counts as lines over time (inline SVG, no script), with a legend; empty below two points."""
    if len(points) < 2:
        return ""
    words = _labels(language)
    series = [Series(words(f"site.trend_{key}"), [(point["date"], float(point[key])) for point in points], colour)
              for key, colour in (("single_owner", "#c62828"), ("undocumented", "#6a1b9a"),
                                  ("reviews_overdue", "#ef6c00"))]
    coverage = [Series(words("site.trend_coverage"), [(point["date"], float(point["coverage"])) for point in points
                                                 if point.get("coverage") is not None], "#2e7d32")]
    first, last = points[0]["date"], points[-1]["date"]
    title = words("site.trend", first=first.isoformat(), last=last.isoformat())
    # A <div> at the start of a line is raw HTML to Markdown: the SVG inside is left as built.
    parts = [f"**{escape(title)}**", "",
             f'<div class="sopbook-trend">{line_chart(series, label=title)}'
             f"{line_chart(coverage, label=words('site.trend_coverage'), percent=True, width=260)}</div>", "",
             f'<div class="sopbook-trend-legend">{legend([*series, *coverage])}</div>', ""]
    return "\n".join(parts)


def dashboard(kb: KnowledgeBase, problems: Iterable[Problem], config: LintConfig, language: str,
              today: dt.date, *, here: str = "index.md", trend: Sequence[dict[str, Any]] = ()) -> str:
    """Markdown for the home page (``here``): the health numbers with bars, the trend over the git history
    (when there is one), findings by rule and department."""
    words = _labels(language)
    problems = list(problems)
    numbers = health(kb, config, today)

    def to(page: str, anchor: str = "") -> str:
        return relative(here, page) + (f"#{anchor}" if anchor else "")

    def ratio(part: int, whole: int) -> str:
        return words('site.of', a=part, b=whole) + f" ({_percent(part, whole)})"

    needed = config.option("single-owner", "min_people")
    lines = [
        f"| {words('site.dashboard')} | {words('site.count')} | {words('site.share')} |",
        "|---|---:|---|",
        f"| [{words('site.documented')}]({to('reports/undocumented.md')}) | {ratio(numbers['documented'], numbers['tasks'])} | "
        f"{bar(numbers['documented'] / numbers['tasks'] if numbers['tasks'] else 0, '#2e7d32', _percent(numbers['documented'], numbers['tasks']))} |",
        f"| [{words('site.bus_factor', n=needed)}]({to('reports/single-owner.md')}) | "
        f"{ratio(numbers['single_owner'], numbers['active'])} | "
        f"{bar(numbers['single_owner'] / numbers['active'] if numbers['active'] else 0, '#c62828', _percent(numbers['single_owner'], numbers['active']))} |",
        f"| [{words('site.overdue')}]({to('reports/reviews.md')}) | {ratio(numbers['overdue'], numbers['active'])} | "
        f"{bar(numbers['overdue'] / numbers['active'] if numbers['active'] else 0, '#ef6c00', _percent(numbers['overdue'], numbers['active']))} |",
        "",
    ]
    chart = trend_chart(trend, language)
    if chart:
        lines += [chart, ""]
    by_rule: dict[str, Counter[Severity]] = {}
    by_department: dict[str, Counter[Severity]] = {}
    for problem in problems:
        by_rule.setdefault(problem.code, Counter())[problem.severity] += 1
        department = department_of(kb, problem) or "—"
        by_department.setdefault(department, Counter())[problem.severity] += 1
    for _title, table, anchor in ((words("site.by_rule"), by_rule, _anchor_rule),
                                 (words("site.by_department"), by_department, _anchor_department)):
        if not table:
            continue
        most = max(sum(counts.values()) for counts in table.values())
        head = words("site.rule") if table is by_rule else words("site.department")
        lines += [f"| {head} | {words('site.errors')} | {words('site.warnings')} | {words('site.infos')} | {words('site.findings')} |",
                  "|---|---:|---:|---:|---|"]
        order = sorted(table.items(), key=lambda item: (-sum(item[1].values()), item[0]))
        for key, counts in order:
            total = sum(counts.values())
            colour = "#c62828" if counts[Severity.ERROR] else "#f9a825" if counts[Severity.WARNING] else "#0277bd"
            lines.append(f"| [{escape(key)}]({to('reports/findings.md', anchor(key))}) | {counts[Severity.ERROR]} | "
                         f"{counts[Severity.WARNING]} | {counts[Severity.INFO]} | {bar(total / most, colour, str(total))} |")
        lines.append("")
    return "\n".join(lines)


class _Linker:
    """Turns ids in report cells into links to the site's procedure and person pages."""

    def __init__(self, kb: KnowledgeBase, here: str) -> None:
        self.kb = kb
        self.here = here

    def __call__(self, kind: str, value: Any, row: dict[str, Any]) -> str | None:
        if kind == "procedure" and value in self.kb.procedures:
            return f"[{escape(value)}]({relative(self.here, procedure_path(self.kb.procedures[value]))})"
        if kind == "person" and value in self.kb.people:
            return f"[{escape(value)}]({relative(self.here, person_path(value))})"
        return None


def _report_page(report: Report, kb: KnowledgeBase, language: str) -> str:
    here = f"reports/{report.name}.md"
    words = _labels(language)
    parts = [f"# {escape(report.title_in(language))}", "", escape(report.description_in(language)), ""]
    if report.rows:
        shown = report
        if len(report.rows) > PAGE_ROWS_LIMIT:
            shown = Report(report.name, report.title, report.description, report.columns, report.rows[:PAGE_ROWS_LIMIT])
        for heading, part in sections(shown):
            if heading is not None:
                parts += [f"## {escape(heading)}", ""]
            parts += [markdown_table(part, language, _Linker(kb, here))]
        if shown is not report:
            parts += [words("site.cut", shown=PAGE_ROWS_LIMIT, total=len(report.rows), name=report.name), ""]
    else:
        parts += [f"*{words('site.nothing')}*", ""]
    return "\n".join(parts)


def _findings_page(kb: KnowledgeBase, problems: list[Problem], language: str) -> str:
    here = "reports/findings.md"
    words = _labels(language)
    link = _Linker(kb, here)
    parts = [f"# {words('site.findings')}", ""]

    def table(found: list[Problem], with_rule: bool) -> list[str]:
        rows = [f"| {words('site.procedure')} | {words('site.rule') if with_rule else words('site.severity')} | {words('site.message')} | "
                f"{words('site.place')} |", "|---|---|---|---|"]
        for problem in found[:FINDINGS_LIMIT]:
            procedure = link("procedure", problem.procedure, {}) or escape(problem.procedure or "")
            second = escape(problem.code) if with_rule else str(problem.severity)
            rows.append(f"| {procedure} | {second} | {escape(problem.message)} | "
                        f"`{problem.path}:{problem.line}` |")
        if len(found) > FINDINGS_LIMIT:
            rows += ["", words("site.more", n=len(found) - FINDINGS_LIMIT)]
        return [*rows, ""]

    if not problems:
        return "\n".join([*parts, f"*{words('site.nothing')}*", ""])
    by_rule: dict[str, list[Problem]] = {}
    by_department: dict[str, list[Problem]] = {}
    for problem in problems:
        by_rule.setdefault(problem.code, []).append(problem)
        by_department.setdefault(department_of(kb, problem) or "—", []).append(problem)
    parts += [f"## {words('site.by_rule')}", ""]
    for rule_id in sorted(by_rule, key=lambda code: (list(RULES).index(code) if code in RULES else -1, code)):
        title = (f"[{escape(rule_id)}]({relative(here, f'rules/{rule_id}.md')})" if rule_id in RULES
                 else escape(rule_id))
        parts += [f'<a id="{_anchor_rule(rule_id)}"></a>', "", f"### {title} ({len(by_rule[rule_id])})", ""]
        parts += table(by_rule[rule_id], with_rule=False)
    parts += [f"## {words('site.by_department')}", ""]
    for department in sorted(by_department):
        parts += [f'<a id="{html.escape(_anchor_department(department))}"></a>', "",
                  f"### {escape(department)} ({len(by_department[department])})", ""]
        parts += table(by_department[department], with_rule=True)
    return "\n".join(parts)


def _options_text(options: dict[str, Any]) -> str:
    if not options:
        return ""
    shown = []
    for name, value in options.items():
        text = ", ".join(value) if isinstance(value, list) else value
        shown.append(f"`{name}`: {escape(text)}")
    return "<br>".join(shown)


def rule_pages(problems: list[Problem], config: LintConfig, language: str) -> dict[str, str]:
    words = _labels(language)
    counts = Counter(problem.code for problem in problems)
    index = [f"# {words('site.rules')}", "", words('site.rules_intro'), "",
             f"| {words('site.rule')} | {words('site.code')} | {words('site.severity')} | {words('site.enabled')} | "
             f"{words('site.in_this_kb')} | |",
             "|---|---|---|---|---:|---|"]
    pages: dict[str, str] = {}
    for rule_id, module in RULES.items():
        settings = config.rules[rule_id]
        title = words(f"rule.{rule_id}.title")
        # The summaries are sopbook's own Markdown (`min_people`), not text from the knowledge base.
        index.append(f"| [{escape(title)}]({rule_id}.md) | `{rule_id}` | {settings.severity} | "
                     f"{words('site.yes') if settings.enabled else words('site.no')} | {counts[rule_id]} | "
                     f"{words(f'rule.{rule_id}.summary')} |")
        body = documentation(rule_id, words)
        found = (f"[{counts[rule_id]}](../reports/findings.md#{_anchor_rule(rule_id)})" if counts[rule_id]
                 else "0")
        pages[f"rules/{rule_id}.md"] = "\n".join([
            f"# {escape(title)}", "", words("site.rule-code", code=rule_id), "", words(f"rule.{rule_id}.summary"), "",
            "| | |", "|---|---|",
            f"| {words('site.severity')} | {settings.severity}"
            f"{'' if settings.severity is module.DEFAULT_SEVERITY else words('site.default', severity=module.DEFAULT_SEVERITY)} |",
            f"| {words('site.enabled')} | {words('site.yes') if settings.enabled else words('site.no')} |",
            f"| {words('site.options')} | {_options_text(dict(settings.options)) or words('site.none')} |",
            f"| {words('site.in_this_kb')} | {found} |", "",
            body, "",
        ])
    pages[RULES_INDEX] = "\n".join(index) + "\n"
    return pages


def pages(kb: KnowledgeBase, problems: Iterable[Problem], config: LintConfig, language: str,
          today: dt.date, trend: Sequence[dict[str, Any]] = ()) -> dict[str, str]:
    """Path below docs/ → Markdown: ``reports/index.md``, ``reports/<name>.md``, ``rules/index.md``, ``rules/<id>.md``."""
    problems = sorted(problems)
    words = _labels(language)
    result: dict[str, str] = {}
    listing = []
    for name in REPORTS:
        if name == "findings":
            result["reports/findings.md"] = _findings_page(kb, problems, language)
            listing.append(f"- [{words('site.findings')}](findings.md) — {words('site.rows', n=len(problems))}")
            continue
        report = REPORTS[name](kb, config, today, language)
        result[f"reports/{name}.md"] = _report_page(report, kb, language)
        listing.append(f"- [{escape(report.title_in(language))}]({name}.md) — "
                       f"{words('site.rows', n=len(report.rows))}: {escape(report.description_in(language))}")
    if trend:
        # The trend needs the git history, so it is a page only where there is one.
        report = trend_report.report(list(trend), "month")
        page = _report_page(report, kb, language)
        title_end = page.index("\n\n", page.index("\n\n") + 2) + 2  # after the title and the description
        result["reports/trend.md"] = page[:title_end] + trend_chart(trend, language) + "\n" + page[title_end:]
        listing.append(f"- [{escape(report.title_in(language))}](trend.md) — "
                       f"{words('site.rows', n=len(report.rows))}: {escape(report.description_in(language))}")
    result[REPORTS_INDEX] = "\n".join([
        f"# {words('site.reports')}", "", words('site.reports_intro'), "",
        dashboard(kb, problems, config, language, today, here=REPORTS_INDEX, trend=trend), "",
        *listing, "", f"[{words('site.rules')}](../rules/index.md)", ""])
    result.update(rule_pages(problems, config, language))
    return result


__all__ = ["bar", "dashboard", "health", "pages", "rule_pages"]
