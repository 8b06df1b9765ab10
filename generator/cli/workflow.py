"""The pull-request workflow: ``init``, ``new``, ``fmt``, ``codeowners``, ``import`` and ``spell``.

Each command parses its arguments and calls one core module (scaffold, fmt, codeowners, importer,
spell); what they print is the same ``path:line:column`` record as ``validate``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import SopbookError, UsageError
from ..load import display_path, walk_yaml_files
from ..output import report_text
from ..problems import Problem, Severity


def _exit_on_errors(problems: list[Problem]) -> None:
    if problems:
        report_text(sorted(problems), sys.stderr)
    if any(problem.severity is Severity.ERROR for problem in problems):
        sys.exit(1)


# --- fmt --------------------------------------------------------------------------------------------

def _files_to_format(paths: tuple[str, ...]) -> list[Path]:
    if not paths:
        from ..validate import find_sop_dir

        return list(walk_yaml_files(find_sop_dir()))
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(walk_yaml_files(path))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"no such file or folder: '{name}'")
    return files


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 and list the files that would change (for CI).")
@click.option("--diff", "show_diff", is_flag=True, help="Print what would change as a unified diff; change nothing.")
def fmt_command(paths: tuple[str, ...], check: bool, show_diff: bool) -> None:
    """Normalise procedure files (default: every file of ./sop): key order, indentation, quoted versions.

    Comments and Japanese text are kept byte for byte, and a second run changes nothing. A file that
    does not parse is reported as path:line and left as it is. Exit 0 when nothing needs changing
    (or everything was rewritten), 1 when --check finds a file to change or a file cannot be read.
    """
    from ..fmt import format_file

    files = _files_to_format(paths)
    problems: list[Problem] = []
    changed: list[str] = []
    for path in files:
        shown = display_path(path)
        formatted = format_file(path, shown)
        problems.extend(formatted.problems)
        if not formatted.changed:
            continue
        changed.append(shown)
        if show_diff:
            click.echo(formatted.diff(), nl=False)
        if check:
            click.echo(f"would reformat {shown}")
        elif not show_diff:
            assert formatted.text is not None
            path.write_text(formatted.text, encoding="utf-8")
            click.echo(f"reformatted {shown}", err=True)
    untouched = len(files) - len(changed) - len({problem.path for problem in problems})
    verb = "would be reformatted" if check or show_diff else "reformatted"
    click.echo(f"{len(changed)} file(s) {verb}, {untouched} file(s) already formatted", err=True)
    _exit_on_errors(problems)
    if check and changed:
        sys.exit(1)


COMMANDS = [fmt_command]
