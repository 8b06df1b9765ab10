"""Reporters: one list of problems, printed as text, JSON or GitHub annotations, picked by name.

As check-jsonschema does: ``REPORTER_BY_NAME[name](problems, stream)``. Every command that reports
problems (validate, lint) goes through here, so a CI script reads the same record from each.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from typing import IO

import click

from .i18n import _
from .problems import Problem, Severity, summarize

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def report_text(problems: Sequence[Problem], stream: IO[str], color: bool | None = None) -> None:
    """``path:line:col: severity code: message``, one a line, coloured on a terminal; then a count."""
    if color is None:
        color = not click.utils.should_strip_ansi(stream)
    # One write, and styling decided once: echoing 13,000 findings line by line took a tenth of a second.
    lines = []
    for problem in problems:
        location = f"{problem.path}:{problem.line}:{problem.column}:"
        severity = str(problem.severity)
        if color:
            location = click.style(location, bold=True)
            severity = click.style(severity, fg=_COLOURS[problem.severity], bold=True)
        lines.append(f"{location} {severity} {problem.code}: {problem.message}\n")
    stream.write("".join(lines))
    counts = summarize(problems)
    if problems:
        parts = [_("output.errors", n=counts["errors"]), _("output.warnings", n=counts["warnings"])]
        if counts["infos"]:
            parts.append(_("output.infos", n=counts["infos"]))
        click.echo(_("output.summary", parts=_("list_sep").join(parts), files=counts["files"]), file=stream,
                   color=color)


def report_json(problems: Sequence[Problem], stream: IO[str], color: bool | None = None) -> None:
    """``{"problems": [{code, severity, file, line, column, message}], "summary": {...}}``."""
    from .rules import RULES

    records = [problem.as_dict() for problem in problems]
    for record in records:
        if record["code"] in RULES:  # a lint finding: name its rule, as the record promises
            record["rule"] = record["code"]
    # One problem a line: readable, diffable, and written by json's C encoder (indent= falls back to
    # the Python one, a fifth of a second for 13,000 findings).
    lines = ",\n".join("    " + json.dumps(record, ensure_ascii=False) for record in records)
    summary = json.dumps(summarize(problems), ensure_ascii=False)
    body = f"[\n{lines}\n  ]" if records else "[]"
    stream.write(f'{{\n  "problems": {body},\n  "summary": {summary}\n}}\n')


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def repository_path(path: str, cwd: str | None = None) -> str:
    """``path`` (as shown: relative to the working directory) relative to the root of its git repository.

    GitHub matches annotations and code-scanning results to files by their path in the repository, so a
    knowledge base in a subfolder (``working-directory: kb``) must report ``kb/sop/...``, not ``sop/...``.
    """
    here = os.path.abspath(cwd or os.getcwd())
    root = _repository_root(here)
    if root is None:
        return path.replace(os.sep, "/")  # not in a repository: as shown
    relative = os.path.relpath(os.path.normpath(os.path.join(here, path)), root)
    return (path if relative.startswith("..") else relative).replace(os.sep, "/")


@functools.lru_cache(maxsize=8)
def _repository_root(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` that holds ``.git`` (looked up once, not per problem)."""
    while not os.path.exists(os.path.join(folder, ".git")):
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
    return folder


def report_github(problems: Sequence[Problem], stream: IO[str], color: bool | None = None) -> None:
    """GitHub Actions workflow commands, shown as annotations on the pull request's changed lines."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    for problem in problems:
        properties = (f"file={_escape_property(repository_path(problem.path))},line={problem.line},"
                      f"col={problem.column},title={_escape_property(problem.code)}")
        stream.write(f"::{level[problem.severity]} {properties}::{_escape_data(problem.message)}\n")


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def report_sarif(problems: Sequence[Problem], stream: IO[str], color: bool | None = None) -> None:
    """SARIF 2.1.0 for code-scanning UIs: one run of the tool ``sopbook``, rule metadata from the registry."""
    from urllib.parse import quote

    from . import __version__
    from .rules import RULES, summary

    rule_ids = list(dict.fromkeys([*RULES, *sorted({problem.code for problem in problems})]))
    index = {rule_id: number for number, rule_id in enumerate(rule_ids)}
    rules = []
    for rule_id in rule_ids:
        module = RULES.get(rule_id)
        descriptor: dict[str, object] = {"id": rule_id, "name": rule_id}
        if module is not None:
            documentation = (module.__doc__ or "").strip()
            descriptor["shortDescription"] = {"text": summary(module)}
            descriptor["help"] = {"text": documentation, "markdown": documentation}
            descriptor["defaultConfiguration"] = {"level": _SARIF_LEVEL[module.DEFAULT_SEVERITY]}
        else:
            descriptor["shortDescription"] = {"text": f"validation: {rule_id}"}
            descriptor["defaultConfiguration"] = {"level": "error"}
        rules.append(descriptor)
    results = []
    for problem in problems:
        path = repository_path(problem.path)
        # The same finding in the same file keeps its identity when lines above it move, so code scanning
        # does not close and reopen an alert for every edit of the file.
        identity = f"{problem.code}\0{path}\0{problem.procedure or ''}\0{problem.message}"
        result: dict[str, object] = {
            "ruleId": problem.code,
            "ruleIndex": index[problem.code],
            "level": _SARIF_LEVEL[problem.severity],
            "message": {"text": problem.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": quote(path)},
                "region": {"startLine": max(problem.line, 1), "startColumn": max(problem.column, 1)},
            }}],
            "partialFingerprints": {
                "sopbookFinding/v1": hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()},
        }
        if problem.procedure is not None:
            result["properties"] = {"procedure": problem.procedure}
        results.append(result)
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "sopbook", "version": __version__, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    stream.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


Reporter = Callable[[Sequence[Problem], IO[str], "bool | None"], None]
REPORTER_BY_NAME: dict[str, Reporter] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
    "sarif": report_sarif,
}
