"""The exceptions that abort a command. Rooted in ``click.ClickException`` (as mkdocs does) so the CLI
prints ``Error: ...`` and exits with the right code without a traceback.

Problems in the knowledge base are not exceptions: they are collected as ``Problem`` records and
reported together. These are raised only when there is nothing sensible left to do.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # problems → i18n → errors: imported when needed, not at import time
    from .problems import Problem


class SopbookError(click.ClickException):
    """A failure the user can act on; exit code 1."""

    exit_code = 1


class UsageError(SopbookError):
    """The command was called wrongly (missing folder, bad option value); exit code 2, as yamllint."""

    exit_code = 2


class ConfigError(UsageError):
    """The sopbook configuration (in mkdocs.yml or on the command line) is invalid.

    ``setting`` is the key path of the bad value below the plugin's options (``("lint", "rules",
    "single-owner", "min_people")``), so that the options reader can say where in mkdocs.yml it is.
    """

    def __init__(self, message: str, setting: tuple[str | int, ...] = (),
                 problems: list[tuple[tuple[str | int, ...], str]] | None = None) -> None:
        super().__init__(message)
        self.setting = setting
        self.problems = problems if problems is not None else [(setting, message)]
        """Each bad value's key path and message (the options reader reports every one at once)."""


class InvalidKnowledgeBase(SopbookError):
    """The knowledge base has errors, so nothing downstream (a site, a report, CODEOWNERS) is produced.

    The one way the core stops: the message lists every error as ``path:line:column``, then a count
    (or the command's own last line, ``summary``), so every command and the MkDocs plugin say it the
    same way.
    """

    def __init__(self, problems: Sequence[Problem], summary: str | None = None) -> None:
        from .i18n import _
        from .problems import Severity

        self.problems = list(problems)
        errors = sorted(problem for problem in problems if problem.severity is Severity.ERROR)
        files = len({problem.path for problem in errors})
        lines = [str(problem) for problem in errors]
        lines.append(summary or _("errors.invalid-knowledge-base", n=len(errors), files=files))
        super().__init__("\n".join(lines))
