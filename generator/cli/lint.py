"""``sopbook lint``: validation plus the lint rules, reported together."""
from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import sys
from pathlib import Path

import click

from ..cache import Cache
from ..errors import UsageError
from ..i18n import _
from ..model import KnowledgeBase, load_knowledge_base
from ..options import Options, find_sop_dir, load_project
from ..output import REPORTER_BY_NAME
from ..problems import Problem, Severity, cap_per_file
from ..rules import LintConfig, run
from ..validate import remembered
from . import SpeaksHelp, keep_until_exit, speak


def parse_date(value: str | None, options: Options, label: str = "--today") -> dt.date:
    """``--today`` (or the option ``label``), else the plugin's ``today`` option (as the site uses it), else today."""
    if value is None:
        return options.day()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(_("lint.bad-date", label=label, value=repr(value))) from None


today_option = click.option("--today", "today_text", metavar="YYYY-MM-DD",
                            help="Judge review dates as of this day (default: the plugin's today option, else today).")


def _git(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-c", "core.quotepath=off", *arguments], cwd=cwd, capture_output=True,
                              check=False)
    except FileNotFoundError:
        raise UsageError(_("lint.no-git")) from None


def changed_files(sop_dir: Path, ref: str) -> set[str]:
    """Absolute paths of files changed since ``ref``: committed, staged, unstaged and untracked."""
    top = _git(["rev-parse", "--show-toplevel"], sop_dir)
    if top.returncode != 0:
        raise UsageError(_("lint.not-a-repository", folder=sop_dir))
    root = Path(os.fsdecode(top.stdout.strip())).resolve()
    if ref.startswith("-"):  # git would read it as an option ("--output=...")
        raise UsageError(_("lint.ref-option", ref=ref))
    if _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root).returncode != 0:
        # The suggested command is pasted into a shell as it is: the ref goes in quoted.
        raise UsageError(_("lint.unknown-ref", ref=ref, root=root, quoted=shlex.quote(ref)))
    diff = _git(["diff", "--name-only", "-z", ref, "--"], root)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    if diff.returncode != 0:
        raise UsageError(_("lint.diff-failed", error=os.fsdecode(diff.stderr).strip()))
    names = [*diff.stdout.split(b"\0"), *untracked.stdout.split(b"\0")]
    return {os.path.normpath(root / os.fsdecode(name)) for name in names if name}


def select_changed(kb: KnowledgeBase, changed: set[str]) -> tuple[set[str], bool, bool]:
    """(procedure ids to lint, whether registries changed, whether the inventory changed).

    A changed procedure brings the procedures that list it in ``related``; a changed people, roles or
    tools registry can change any finding, so it selects every procedure.
    """
    cwd = Path.cwd().resolve()

    def absolute(shown: str) -> str:
        return os.path.normpath(cwd / shown)

    registries = {name: absolute(source.path) for name, source in kb.sources.items()}
    inventory_changed = registries.get("inventory") in changed
    if any(path in changed for name, path in registries.items() if name != "inventory"):
        return set(kb.procedures), True, inventory_changed
    selected = {procedure.id for procedure in kb.procedures.values() if absolute(procedure.path) in changed}
    for procedure in kb.procedures.values():
        if selected.intersection(procedure.related):
            selected.add(procedure.id)
    return selected, False, inventory_changed


@click.command(cls=SpeaksHelp)
@click.argument("sop_dir", required=False, type=click.Path(file_okay=False, path_type=str))
@click.option("-f", "--format", "format_name", type=click.Choice(["text", "json", "github", "sarif"]),
              default="text", show_default=True, help="How to print the problems.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option("--changed-since", "changed_since", metavar="REF",
              help="Lint only procedures changed since this git ref (and those that link to them).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=str),
              help="mkdocs.yml to read the lint settings from (default: ./mkdocs.yml).")
@today_option
@click.option("--no-cache", is_flag=True, help="Ignore and do not write the cache (in the user's cache folder).")
def lint(sop_dir: str | None, format_name: str, strict: bool, changed_since: str | None,
         config_file: str | None, today_text: str | None, no_cache: bool) -> None:
    """Validate the knowledge base (default: ./sop) and run the lint rules.

    Finds procedures only one person can do, work nobody wrote down, overdue reviews and more
    (see the rules page of the site). Exits 0 when there are no errors, 1 on errors (and on
    warnings with --strict), 2 on a usage or configuration error. Rules are configured under the
    sopbook plugin in mkdocs.yml (lint: {rules: {...}}).
    """
    project = load_project(config_file)
    speak(project)
    config = project.options.lint
    today = parse_date(today_text, project.options)
    folder = find_sop_dir(sop_dir, project)
    cache = Cache.beside(folder, enabled=not no_cache)
    if changed_since is None:
        problems, silenced = _lint_all(folder, cache, config, today, project.options.lint_key)
    else:
        kb, validation = load_knowledge_base(folder, cache)
        changed = changed_files(folder, changed_since)
        selected, _registries_changed, inventory_changed = select_changed(kb, changed)
        result = run(kb, config, today, procedures=selected, whole_kb=inventory_changed)
        cwd = Path.cwd().resolve()
        problems = [problem for problem in validation.problems
                    if problem.procedure in selected or os.path.normpath(cwd / problem.path) in changed]
        problems = cap_per_file([*problems, *result.problems])
        silenced = result.silenced
    REPORTER_BY_NAME[format_name](problems, sys.stdout, None)
    if format_name == "text":
        if not problems:
            click.echo(_("cli.no-problems", folder=folder,
                         note=_("cli.silenced-note", n=silenced) if silenced else ""), err=True)
        elif silenced:
            click.echo(_("cli.silenced", n=silenced), err=True)
    worst = max((problem.severity for problem in problems), default=None)
    if worst is Severity.ERROR or (strict and worst is Severity.WARNING):
        sys.exit(1)


def _lint_all(folder: Path, cache: Cache, config: LintConfig, today: dt.date,
              lint_key: str) -> tuple[list[Problem], int]:
    """(sorted problems, findings silenced by x-lint) of the whole knowledge base, from the run cache
    when no file, option, date or sopbook itself changed since the last run."""

    def compute() -> tuple[list[Problem], int]:
        kb, validation = keep_until_exit(load_knowledge_base(folder, cache))
        result = run(kb, config, today)
        return cap_per_file([*validation.problems, *result.problems]), result.silenced

    return remembered(folder, cache, "lint", compute, lint_key, today.isoformat())


COMMANDS = [lint]
