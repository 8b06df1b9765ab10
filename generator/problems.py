"""The one record every stage reports: a place in a file and a sentence about it.

Schema errors, broken references and lint findings are the same thing to a reader, so they share
this type, sort together and print the same way (``path:line:column: severity code: message``).
Lines and columns are 1-based; they are converted once, where the YAML is read.
"""
from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .i18n import _


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


MAX_PER_FILE = 100
"""Problems printed for one file; the rest are counted on one last line. A file with 100,000 problems
is a wrong file or one systematic mistake, and 27 MB of output help nobody fix it."""


@dataclass(frozen=True, order=True)
class Omitted(Problem):
    """The last line of a file's problems when there were more than ``MAX_PER_FILE``: how many more."""

    count: int = field(compare=False, default=0)


def omitted(path: str, line: int, count: int, severity: Severity = Severity.ERROR) -> Omitted:
    from .i18n import _  # here, not at the top: i18n's own errors import this module's neighbours

    return Omitted(path, line, 1, "too-many-problems", severity, _("problems.omitted", count=f"{count:,}"),
                   None, count)


def cap_per_file(problems: Iterable[Problem], hidden: Mapping[str, int] | None = None,
                 limit: int = MAX_PER_FILE) -> list[Problem]:
    """``problems`` sorted, at most ``limit`` a file, the rest of each file counted in one ``Omitted`` line.

    ``hidden``: problems a stage counted without describing (path → count); earlier ``Omitted`` lines
    are counted in again, so capping twice (validate, then lint on top) gives one line with the sum.
    """
    by_path: dict[str, list[Problem]] = {}
    extra: dict[str, int] = dict(hidden or {})
    for problem in problems:
        if isinstance(problem, Omitted):
            extra[problem.path] = extra.get(problem.path, 0) + problem.count
        else:
            by_path.setdefault(problem.path, []).append(problem)
    result: list[Problem] = []
    for path in sorted(by_path.keys() | extra.keys()):
        found = sorted(by_path.get(path, []))
        shown, rest = found[:limit], found[limit:]
        result += shown
        count = len(rest) + extra.get(path, 0)
        if count:
            # On the last line with a problem, so that it sorts after every problem shown.
            line = max((problem.line for problem in found), default=1)
            severity = max((problem.severity for problem in rest), default=Severity.ERROR)
            result.append(omitted(path, line + 1, count, severity))
    return result


def _folded(text: str) -> str:
    """``Chris Lee``, ``chris.lee`` and ``CHRIS_LEE`` all fold to ``chrislee``."""
    return re.sub(r"[\s._\-・]+", "", text).casefold()


def closest(word: object, choices: Iterable[object], cutoff: float = 0.6,
            names: Mapping[str, str] | None = None) -> str | None:
    """The choice a person most likely meant by ``word``, or None.

    In this order: the same id but for case and punctuation, or a person's name (``names``: id →
    name) written instead of the id (``Chris Lee`` → ``chris.lee``); the one id that ``word`` begins
    (``emma`` → ``emma.jones``: ids are often first.last); then the closest by edit distance, of the
    ids and of the names (difflib's ratio, at least ``cutoff``).
    """
    text = str(word)
    options = [str(choice) for choice in choices]
    folded = _folded(text)
    names = names or {}
    for choice in options:
        if _folded(choice) == folded or (choice in names and _folded(str(names[choice])) == folded):
            return choice
    if len(folded) >= 2:
        starting = [choice for choice in options if _folded(choice).startswith(folded)]
        if len(starting) == 1:
            return starting[0]
        if starting:  # 'chris' with chris.lee and chris.wong: the nearest of them, else none of them
            near = difflib.get_close_matches(text, starting, n=1, cutoff=0)
            return near[0] if near else None
    match = difflib.get_close_matches(text, options, n=1, cutoff=cutoff)
    if match:
        return match[0]
    by_name = {str(name): choice for choice, name in names.items() if choice in set(options)}
    match = difflib.get_close_matches(text, list(by_name), n=1, cutoff=cutoff)
    return by_name[match[0]] if match else None


def did_you_mean(word: object, choices: Iterable[object], cutoff: float = 0.6,
                 names: Mapping[str, str] | None = None) -> str:
    """`` (did you mean 'tanaka'?)`` for the closest choice (see ``closest``), or nothing when none is close."""
    choice = closest(word, choices, cutoff, names)
    return _("hint.did-you-mean", choice=choice) if choice is not None else ""


def summarize(problems: Iterable[Problem]) -> dict[str, int]:
    """Counts by severity, as the ``summary`` of the JSON output."""
    counts = {"errors": 0, "warnings": 0, "infos": 0, "files": 0}
    files: set[str] = set()
    for problem in problems:
        files.add(problem.path)
        number = problem.count if isinstance(problem, Omitted) else 1
        if problem.severity is Severity.ERROR:
            counts["errors"] += number
        elif problem.severity is Severity.WARNING:
            counts["warnings"] += number
        else:
            counts["infos"] += number
    counts["files"] = len(files)
    return counts
