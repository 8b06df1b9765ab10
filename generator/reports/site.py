"""The reports and rules as pages of the site, and the health dashboard for the home page.

Called by the MkDocs plugin: ``pages()`` gives path → Markdown for ``reports/`` and ``rules/``;
``dashboard()`` gives the snippet the home page embeds. Links are relative Markdown links, so MkDocs
checks them and rewrites them for any ``use_directory_urls``; the bars are inline SVG, which needs
no CSS or JavaScript.
"""
from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import jinja2

from ..i18n import Language
from ..i18n import language as language_for
from ..model import KnowledgeBase
from ..problems import Problem, Severity
from ..render import Safe, environment, escape, person_path, procedure_path, relative, segment
from ..render.charts import Series, legend, line_chart
from ..rules import RULES, LintConfig, LintResult, documentation
from . import REPORTS
from . import trend as trend_report
from .base import Report
from .findings import department_of
from .health import health
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


Words = Callable[..., Safe]


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


def _words(language: str) -> Words:
    """The labels of the report pages from the catalogue: Markdown written by sopbook (backticks), printed as is."""
    lang = _labels(language)

    def words(key: str, /, **values: object) -> Safe:
        return Safe(lang.label(key, **values))

    return words


def _environment(env: jinja2.Environment | None, language: str) -> jinja2.Environment:
    return env if env is not None else environment(None, language_for(language))


def dashboard(result: LintResult, language: str, *, here: str = "index.md",
              env: jinja2.Environment | None = None, trend: Sequence[dict[str, Any]] = ()) -> str:
    """Markdown for the home page (``here``): the health numbers with bars, the trend over the git history
    (when there is one), findings by rule and department."""
    kb, config, problems = result.kb, result.config, result.problems
    words = _words(language)
    numbers = health(result)

    def to(page: str, anchor: str = "") -> Safe:
        return Safe(relative(here, page) + (f"#{anchor}" if anchor else ""))

    def ratio(part: int, whole: int) -> Safe:
        return Safe(words("site.of", a=part, b=whole) + f" ({_percent(part, whole)})")

    def share(part: int, whole: int, colour: str) -> Safe:
        return Safe(bar(part / whole if whole else 0, colour, _percent(part, whole)))

    needed = config.option("single-owner", "min_people")
    rows = [
        {"title": words("site.documented"), "href": to("reports/undocumented.md"),
         "ratio": ratio(numbers["documented"], numbers["tasks"]),
         "bar": share(numbers["documented"], numbers["tasks"], "#2e7d32")},
        {"title": words("site.bus_factor", n=needed), "href": to("reports/single-owner.md"),
         "ratio": ratio(numbers["single_owner"], numbers["active"]),
         "bar": share(numbers["single_owner"], numbers["active"], "#c62828")},
        {"title": words("site.overdue"), "href": to("reports/reviews.md"),
         "ratio": ratio(numbers["overdue"], numbers["active"]),
         "bar": share(numbers["overdue"], numbers["active"], "#ef6c00")},
    ]
    chart = Safe(trend_chart(trend, language).rstrip("\n"))
    by_rule: dict[str, Counter[Severity]] = {}
    by_department: dict[str, Counter[Severity]] = {}
    for problem in problems:
        by_rule.setdefault(problem.code, Counter())[problem.severity] += 1
        department = department_of(kb, problem) or "—"
        by_department.setdefault(department, Counter())[problem.severity] += 1
    tables = []
    for head, table, anchor in ((words("site.rule"), by_rule, _anchor_rule),
                                (words("site.department"), by_department, _anchor_department)):
        if not table:
            continue
        most = max(sum(counts.values()) for counts in table.values())
        order = sorted(table.items(), key=lambda item: (-sum(item[1].values()), item[0]))
        tables.append({"head": head, "rows": [
            {"name": key, "href": to("reports/findings.md", anchor(key)), "errors": counts[Severity.ERROR],
             "warnings": counts[Severity.WARNING], "infos": counts[Severity.INFO],
             "bar": Safe(bar(sum(counts.values()) / most, _colour(counts), str(sum(counts.values()))))}
            for key, counts in order]})
    return _environment(env, language).get_template("dashboard.md.j2").render(
        words=words, health=rows, chart=chart, tables=tables)


def _colour(counts: Counter[Severity]) -> str:
    return "#c62828" if counts[Severity.ERROR] else "#f9a825" if counts[Severity.WARNING] else "#0277bd"


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


def _report_page(report: Report, kb: KnowledgeBase, language: str, env: jinja2.Environment,
                 chart: str = "") -> str:
    words = _words(language)
    shown, cut = report, None
    if len(report.rows) > PAGE_ROWS_LIMIT:
        shown = Report(report.name, report.title, report.description, report.columns, report.rows[:PAGE_ROWS_LIMIT])
        cut = words("site.cut", shown=PAGE_ROWS_LIMIT, total=len(report.rows), name=report.name)
    linker = _Linker(kb, f"reports/{report.name}.md")
    blocks = []
    for heading, part in sections(shown):  # a report grouped by sheet_by: a table per group
        if heading is not None:
            blocks.append(f"## {escape(heading)}\n")
        blocks.append(markdown_table(part, language, linker))
    table = Safe("\n".join(blocks).rstrip("\n")) if report.rows else None
    return env.get_template("report.md.j2").render(
        words=words, report=report, title=report.title_in(language), description=report.description_in(language),
        chart=Safe(chart.rstrip("\n")), table=table, cut=cut)


def _findings_page(kb: KnowledgeBase, problems: list[Problem], language: str, env: jinja2.Environment) -> str:
    here = "reports/findings.md"
    words = _words(language)
    link = _Linker(kb, here)

    def group(anchor: str, title: str, found: list[Problem], with_rule: bool) -> dict[str, Any]:
        rows = [{"procedure": Safe(link("procedure", problem.procedure, {}) or escape(problem.procedure or "")),
                 "second": problem.code if with_rule else str(problem.severity),
                 "message": problem.message,
                 "place": Safe(f"`{problem.path}:{problem.line}`")}
                for problem in found[:FINDINGS_LIMIT]]
        more = words("site.more", n=len(found) - FINDINGS_LIMIT) if len(found) > FINDINGS_LIMIT else None
        return {"anchor": Safe(html.escape(anchor)), "title": Safe(title), "count": len(found),
                "second": words("site.rule") if with_rule else words("site.severity"), "rows": rows, "more": more}

    sections = []
    if problems:
        by_rule: dict[str, list[Problem]] = {}
        by_department: dict[str, list[Problem]] = {}
        for problem in problems:
            by_rule.setdefault(problem.code, []).append(problem)
            by_department.setdefault(department_of(kb, problem) or "—", []).append(problem)
        rule_groups = []
        for rule_id in sorted(by_rule, key=lambda code: (list(RULES).index(code) if code in RULES else -1, code)):
            title = (f"[{escape(rule_id)}]({relative(here, f'rules/{rule_id}.md')})" if rule_id in RULES
                     else escape(rule_id))
            rule_groups.append(group(_anchor_rule(rule_id), title, by_rule[rule_id], with_rule=False))
        department_groups = [group(_anchor_department(department), escape(department), by_department[department],
                                   with_rule=True)
                             for department in sorted(by_department)]
        sections = [{"title": words("site.by_rule"), "groups": rule_groups},
                    {"title": words("site.by_department"), "groups": department_groups}]
    return env.get_template("findings.md.j2").render(words=words, sections=sections)


def _options_text(options: dict[str, Any]) -> str:
    if not options:
        return ""
    shown = []
    for name, value in options.items():
        text = ", ".join(value) if isinstance(value, list) else value
        shown.append(f"`{name}`: {escape(text)}")
    return "<br>".join(shown)


def rule_pages(problems: list[Problem], config: LintConfig, language: str,
               env: jinja2.Environment | None = None) -> dict[str, str]:
    env = _environment(env, language)
    words = _words(language)
    lang = _labels(language)
    counts = Counter(problem.code for problem in problems)
    rules = []
    pages: dict[str, str] = {}
    for rule_id, module in RULES.items():
        settings = config.rules[rule_id]
        default = ("" if settings.severity is module.DEFAULT_SEVERITY
                   else words("site.default", severity=module.DEFAULT_SEVERITY))
        rule = {
            "id": rule_id,
            "title": lang.label(f"rule.{rule_id}.title"),
            "href": Safe(f"{rule_id}.md"),
            "severity": Safe(f"{settings.severity}{default}"),
            "enabled": words("site.yes") if settings.enabled else words("site.no"),
            "count": counts[rule_id],
            # The summaries are sopbook's own Markdown (`min_people`), not text from the knowledge base.
            "summary": words(f"rule.{rule_id}.summary"),
            "options": Safe(_options_text(dict(settings.options))) or words("site.none"),
            "found": Safe(f"[{counts[rule_id]}](../reports/findings.md#{_anchor_rule(rule_id)})" if counts[rule_id]
                          else "0"),
            "documentation": Safe(documentation(rule_id, lang)),
        }
        rules.append({**rule, "severity": settings.severity})
        pages[f"rules/{rule_id}.md"] = env.get_template("rule.md.j2").render(words=words, rule=rule)
    pages[RULES_INDEX] = env.get_template("rules.md.j2").render(words=words, rules=rules)
    return pages


def pages(result: LintResult, language: str, env: jinja2.Environment | None = None,
          trend: Sequence[dict[str, Any]] = ()) -> dict[str, str]:
    """Path below docs/ → Markdown: ``reports/index.md``, ``reports/<name>.md``, ``rules/index.md``,
    ``rules/<id>.md``, each through its template."""
    env = _environment(env, language)
    kb, problems = result.kb, list(result.problems)
    words = _words(language)
    written: dict[str, str] = {}
    listing: list[dict[str, str | None]] = []
    for name in REPORTS:
        if name == "findings":
            written["reports/findings.md"] = _findings_page(kb, problems, language, env)
            listing.append({"title": words("site.findings"), "href": Safe("findings.md"),
                            "rows": words("site.rows", n=len(problems)), "description": None})
            continue
        report = REPORTS[name](result, language)
        written[f"reports/{name}.md"] = _report_page(report, kb, language, env)
        listing.append({"title": report.title_in(language), "href": Safe(f"{name}.md"),
                        "rows": words("site.rows", n=len(report.rows)),
                        "description": report.description_in(language)})
    if trend:
        # The trend needs the git history, so it is a page only where there is one.
        report = trend_report.report(list(trend), "month")
        written["reports/trend.md"] = _report_page(report, kb, language, env, trend_chart(trend, language))
        listing.append({"title": report.title_in(language), "href": Safe("trend.md"),
                        "rows": words("site.rows", n=len(report.rows)),
                        "description": report.description_in(language)})
    written[REPORTS_INDEX] = env.get_template("reports.md.j2").render(
        words=words, dashboard=Safe(dashboard(result, language, here=REPORTS_INDEX, env=env, trend=trend)),
        reports=listing, rules_href=Safe("../rules/index.md"))
    written.update(rule_pages(problems, result.config, language, env))
    return written


__all__ = ["bar", "dashboard", "health", "pages", "rule_pages"]
