"""The reports and rules as pages of the site, and the health dashboard for the home page.

Called by the MkDocs plugin: ``pages()`` gives path → Markdown for ``reports/`` and ``rules/``;
``dashboard()`` gives the snippet the home page embeds. Links are relative Markdown links, so MkDocs
checks them and rewrites them for any ``use_directory_urls``; the bars are inline SVG, which needs
no CSS or JavaScript.
"""
from __future__ import annotations

import html
from collections import Counter
from typing import Any

from ..model import KnowledgeBase
from ..problems import Problem, Severity
from ..render import escape, person_path, procedure_path, relative, segment
from ..rules import RULES, LintConfig, LintResult, summary
from ..rules.review_overdue import review_state
from ..rules.single_owner import too_few_people
from ..rules.undocumented_task import undocumented
from . import REPORTS
from .base import Report
from .findings import department_of
from .writers import markdown_table

REPORTS_INDEX = "reports/index.md"
RULES_INDEX = "rules/index.md"
PAGE_ROWS_LIMIT = 1000
"""Rows of a report shown on its page: a bigger table makes a page of megabytes; the command has them all."""
FINDINGS_LIMIT = 500
"""Findings listed per rule or department on the findings page; beyond that, ``sopbook lint`` has them all."""

LABELS: dict[str, dict[str, str]] = {
    "ja": {
        "reports": "レポート", "rules": "リントのルール", "dashboard": "ナレッジベースの健全性",
        "documented": "文書化率（業務棚卸しのうち手順書あり）", "bus_factor": "属人化（実施できる人が {n} 人未満）",
        "overdue": "レビュー期限切れ・未レビュー", "findings": "指摘", "by_rule": "ルール別の指摘",
        "by_department": "部門別の指摘", "rule": "ルール", "department": "部門", "count": "件数", "share": "割合",
        "errors": "エラー", "warnings": "警告", "infos": "情報", "severity": "重要度", "enabled": "有効",
        "options": "オプション", "yes": "はい", "no": "いいえ（off）", "none": "なし", "in_this_kb": "この知識ベースの指摘",
        "more": "ほか {n} 件は `sopbook lint` で確認できます。", "nothing": "該当なし",
        "procedure": "手順", "message": "内容", "place": "場所", "of": "{a} / {b}",
        "rules_intro": "`sopbook lint` と `mkdocs build` が確認するルール。mkdocs.yml の `lint: {rules: ...}` で"
                       "重要度やオプションを変えられ、手順ごとに `x-lint: {ignore: {ルール: \"理由\"}}` で止められます。",
        "reports_intro": "監査・棚卸しのためのレポート。`sopbook report 名前 --format xlsx` で Excel にも出力できます。",
        "rows": "{n} 件",
        "cut": "上位 {shown} 件を表示（全 {total} 件）。すべては `sopbook report {name} --format xlsx` で出力できます。",
    },
    "en": {
        "reports": "Reports", "rules": "Lint rules", "dashboard": "Knowledge base health",
        "documented": "Inventory documented", "bus_factor": "Single-owner procedures (fewer than {n} people)",
        "overdue": "Reviews overdue or never done", "findings": "Findings", "by_rule": "Findings by rule",
        "by_department": "Findings by department", "rule": "Rule", "department": "Department", "count": "Count", "share": "Share",
        "errors": "Errors", "warnings": "Warnings", "infos": "Info", "severity": "Severity", "enabled": "Enabled",
        "options": "Options", "yes": "yes", "no": "no (off)", "none": "none", "in_this_kb": "Findings here",
        "more": "{n} more: run `sopbook lint` to see them all.", "nothing": "Nothing to report",
        "procedure": "Procedure", "message": "Message", "place": "Where", "of": "{a} of {b}",
        "rules_intro": "The rules `sopbook lint` and `mkdocs build` check. Change a rule's level or options under "
                       "`lint: {rules: ...}` in mkdocs.yml; a procedure silences one for itself with "
                       "`x-lint: {ignore: {rule: \"reason\"}}`.",
        "reports_intro": "Reports for audits and inventories; `sopbook report NAME --format xlsx` writes them for Excel.",
        "rows": "{n} rows",
        "cut": "The first {shown} of {total} rows; `sopbook report {name} --format xlsx` writes them all.",
    },
}


def _labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])


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


def health(result: LintResult) -> dict[str, int]:
    """The dashboard's numbers, decided by the rules' own helpers."""
    kb = result.kb
    active = [procedure for procedure in kb.procedures.values() if procedure.is_active]
    needed = result.config.option("single-owner", "min_people")
    return {
        "tasks": len(kb.tasks),
        "documented": len(kb.tasks) - sum(1 for _ in undocumented(kb)),
        "active": len(active),
        "single_owner": sum(1 for procedure in active if too_few_people(kb, procedure, needed) is not None),
        "overdue": sum(1 for procedure in active if review_state(procedure, result.today) in ("never", "overdue")),
    }


def dashboard(result: LintResult, language: str, *, here: str = "index.md") -> str:
    """Markdown for the home page (``here``): the health numbers with bars, findings by rule and department."""
    kb, config, problems = result.kb, result.config, result.problems
    words = _labels(language)
    numbers = health(result)

    def to(page: str, anchor: str = "") -> str:
        return relative(here, page) + (f"#{anchor}" if anchor else "")

    def ratio(part: int, whole: int) -> str:
        return words["of"].format(a=part, b=whole) + f" ({_percent(part, whole)})"

    needed = config.option("single-owner", "min_people")
    lines = [
        f"| {words['dashboard']} | {words['count']} | {words['share']} |",
        "|---|---:|---|",
        f"| [{words['documented']}]({to('reports/undocumented.md')}) | {ratio(numbers['documented'], numbers['tasks'])} | "
        f"{bar(numbers['documented'] / numbers['tasks'] if numbers['tasks'] else 0, '#2e7d32', _percent(numbers['documented'], numbers['tasks']))} |",
        f"| [{words['bus_factor'].format(n=needed)}]({to('reports/single-owner.md')}) | "
        f"{ratio(numbers['single_owner'], numbers['active'])} | "
        f"{bar(numbers['single_owner'] / numbers['active'] if numbers['active'] else 0, '#c62828', _percent(numbers['single_owner'], numbers['active']))} |",
        f"| [{words['overdue']}]({to('reports/reviews.md')}) | {ratio(numbers['overdue'], numbers['active'])} | "
        f"{bar(numbers['overdue'] / numbers['active'] if numbers['active'] else 0, '#ef6c00', _percent(numbers['overdue'], numbers['active']))} |",
        "",
    ]
    by_rule: dict[str, Counter[Severity]] = {}
    by_department: dict[str, Counter[Severity]] = {}
    for problem in problems:
        by_rule.setdefault(problem.code, Counter())[problem.severity] += 1
        department = department_of(kb, problem) or "—"
        by_department.setdefault(department, Counter())[problem.severity] += 1
    for _title, table, anchor in ((words["by_rule"], by_rule, _anchor_rule),
                                 (words["by_department"], by_department, _anchor_department)):
        if not table:
            continue
        most = max(sum(counts.values()) for counts in table.values())
        head = words["rule"] if table is by_rule else words["department"]
        lines += [f"| {head} | {words['errors']} | {words['warnings']} | {words['infos']} | {words['findings']} |",
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
        parts += [markdown_table(shown, language, _Linker(kb, here))]
        if shown is not report:
            parts += [words["cut"].format(shown=PAGE_ROWS_LIMIT, total=len(report.rows), name=report.name), ""]
    else:
        parts += [f"*{words['nothing']}*", ""]
    return "\n".join(parts)


def _findings_page(kb: KnowledgeBase, problems: list[Problem], language: str) -> str:
    here = "reports/findings.md"
    words = _labels(language)
    link = _Linker(kb, here)
    parts = [f"# {words['findings']}", ""]

    def table(found: list[Problem], with_rule: bool) -> list[str]:
        rows = [f"| {words['procedure']} | {words['rule'] if with_rule else words['severity']} | {words['message']} | "
                f"{words['place']} |", "|---|---|---|---|"]
        for problem in found[:FINDINGS_LIMIT]:
            procedure = link("procedure", problem.procedure, {}) or escape(problem.procedure or "")
            second = escape(problem.code) if with_rule else str(problem.severity)
            rows.append(f"| {procedure} | {second} | {escape(problem.message)} | "
                        f"`{problem.path}:{problem.line}` |")
        if len(found) > FINDINGS_LIMIT:
            rows += ["", words["more"].format(n=len(found) - FINDINGS_LIMIT)]
        return [*rows, ""]

    if not problems:
        return "\n".join([*parts, f"*{words['nothing']}*", ""])
    by_rule: dict[str, list[Problem]] = {}
    by_department: dict[str, list[Problem]] = {}
    for problem in problems:
        by_rule.setdefault(problem.code, []).append(problem)
        by_department.setdefault(department_of(kb, problem) or "—", []).append(problem)
    parts += [f"## {words['by_rule']}", ""]
    for rule_id in sorted(by_rule, key=lambda code: (list(RULES).index(code) if code in RULES else -1, code)):
        title = (f"[{escape(rule_id)}]({relative(here, f'rules/{rule_id}.md')})" if rule_id in RULES
                 else escape(rule_id))
        parts += [f'<a id="{_anchor_rule(rule_id)}"></a>', "", f"### {title} ({len(by_rule[rule_id])})", ""]
        parts += table(by_rule[rule_id], with_rule=False)
    parts += [f"## {words['by_department']}", ""]
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
    index = [f"# {words['rules']}", "", words["rules_intro"], "",
             f"| {words['rule']} | {words['severity']} | {words['enabled']} | {words['in_this_kb']} | |",
             "|---|---|---|---:|---|"]
    pages: dict[str, str] = {}
    for rule_id, module in RULES.items():
        settings = config.rules[rule_id]
        index.append(f"| [{rule_id}]({rule_id}.md) | {settings.severity} | "
                     f"{words['yes'] if settings.enabled else words['no']} | {counts[rule_id]} | "
                     f"{escape(summary(module))} |")
        documentation = (module.__doc__ or "").strip()
        body = documentation.split("\n", 1)[1].strip() if "\n" in documentation else ""
        found = (f"[{counts[rule_id]}](../reports/findings.md#{_anchor_rule(rule_id)})" if counts[rule_id]
                 else "0")
        pages[f"rules/{rule_id}.md"] = "\n".join([
            f"# {rule_id}", "", summary(module), "",
            "| | |", "|---|---|",
            f"| {words['severity']} | {settings.severity}"
            f"{'' if settings.severity is module.DEFAULT_SEVERITY else f' (default {module.DEFAULT_SEVERITY})'} |",
            f"| {words['enabled']} | {words['yes'] if settings.enabled else words['no']} |",
            f"| {words['options']} | {_options_text(dict(settings.options)) or words['none']} |",
            f"| {words['in_this_kb']} | {found} |", "",
            body, "",
        ])
    pages[RULES_INDEX] = "\n".join(index) + "\n"
    return pages


def pages(result: LintResult, language: str) -> dict[str, str]:
    """Path below docs/ → Markdown: ``reports/index.md``, ``reports/<name>.md``, ``rules/index.md``,
    ``rules/<id>.md``."""
    kb, problems = result.kb, list(result.problems)
    words = _labels(language)
    written: dict[str, str] = {}
    listing = []
    for name in REPORTS:
        if name == "findings":
            written["reports/findings.md"] = _findings_page(kb, problems, language)
            listing.append(f"- [{words['findings']}](findings.md) — {words['rows'].format(n=len(problems))}")
            continue
        report = REPORTS[name](result, language)
        written[f"reports/{name}.md"] = _report_page(report, kb, language)
        listing.append(f"- [{escape(report.title_in(language))}]({name}.md) — "
                       f"{words['rows'].format(n=len(report.rows))}: {escape(report.description_in(language))}")
    written[REPORTS_INDEX] = "\n".join([
        f"# {words['reports']}", "", words["reports_intro"], "",
        dashboard(result, language, here=REPORTS_INDEX), "",
        *listing, "", f"[{words['rules']}](../rules/index.md)", ""])
    written.update(rule_pages(problems, result.config, language))
    return written


__all__ = ["bar", "dashboard", "health", "pages", "rule_pages"]
