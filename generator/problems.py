"""The one record every stage reports: a place in a file and a sentence about it.

Schema errors, broken references and lint findings are the same thing to a reader, so they share
this type, sort together and print the same way (``path:line:column: severity code: message``).
Lines and columns are 1-based; they are converted once, where the YAML is read.
"""
from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """How bad a problem is; higher is worse, so ``max()`` gives the worst."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.strip().upper()]


@dataclass(frozen=True, order=True)
class Problem:
    """A finding at one place: ``path:line:column: severity code: message``.

    ``path`` is as the user should see it (relative to the knowledge base's root where possible).
    ``procedure`` is the procedure id the problem belongs to, when there is one.
    """

    path: str
    line: int
    column: int
    code: str = field(compare=True)
    severity: Severity = field(compare=False, default=Severity.ERROR)
    message: str = field(compare=True, default="")
    procedure: str | None = field(compare=False, default=None)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity} {self.code}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        record: dict[str, object] = {
            "code": self.code,
            "severity": str(self.severity),
            "file": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }
        if self.procedure is not None:
            record["procedure"] = self.procedure
        return record


def did_you_mean(word: object, choices: Iterable[object], cutoff: float = 0.6) -> str:
    """`` (did you mean 'tanaka'?)`` for the closest choice, or nothing when none is close."""
    match = difflib.get_close_matches(str(word), [str(choice) for choice in choices], n=1, cutoff=cutoff)
    return f" (did you mean {match[0]!r}?)" if match else ""


def summarize(problems: Iterable[Problem]) -> dict[str, int]:
    """Counts by severity, as the ``summary`` of the JSON output."""
    counts = {"errors": 0, "warnings": 0, "infos": 0, "files": 0}
    files: set[str] = set()
    for problem in problems:
        files.add(problem.path)
        if problem.severity is Severity.ERROR:
            counts["errors"] += 1
        elif problem.severity is Severity.WARNING:
            counts["warnings"] += 1
        else:
            counts["infos"] += 1
    counts["files"] = len(files)
    return counts
