"""The exceptions that abort a command. Rooted in ``click.ClickException`` (as mkdocs does) so the CLI
prints ``Error: ...`` and exits with the right code without a traceback.

Problems in the knowledge base are not exceptions: they are collected as ``Problem`` records and
reported together. These are raised only when there is nothing sensible left to do.
"""
from __future__ import annotations

import click


class SopbookError(click.ClickException):
    """A failure the user can act on; exit code 1."""

    exit_code = 1


class UsageError(SopbookError):
    """The command was called wrongly (missing folder, bad option value); exit code 2, as yamllint."""

    exit_code = 2


class ConfigError(UsageError):
    """The sopbook configuration (in mkdocs.yml or on the command line) is invalid."""


class InvalidKnowledgeBase(SopbookError):
    """Validation found errors, so nothing downstream (a site, a report) may be produced."""

    def __init__(self, problems: list) -> None:  # list[Problem]; untyped to avoid an import cycle
        self.problems = problems
        errors = sum(1 for p in problems if str(p.severity) == "error")
        super().__init__(f"the knowledge base has {errors} error(s); run 'sopbook validate' to see them")
