"""CODEOWNERS from the knowledge base: each procedure file needs review from its owner and backups.

GitHub asks the people a CODEOWNERS line names to review every pull request that touches the file,
and branch protection ("require review from code owners") makes that review mandatory: the person
accountable for a procedure sees every change to it. Handles come from ``github:`` in people.yaml;
a person without one is reported, never silently dropped, and a person who left (``active: false``)
is not asked.

Everything else in the repository belongs to the knowledge base's ``maintainers`` (plugin option):
``mkdocs.yml`` can load Python hooks, ``templates/`` holds Jinja, ``.github/`` runs CI with the
repository's tokens and the registries decide who owns what. The last matching line wins in CODEOWNERS,
so the file starts with ``*`` for the maintainers, then each procedure, and ends with the paths that
carry code, which no line above can take away.
"""
from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigError
from .i18n import _
from .problems import Problem, Severity

if TYPE_CHECKING:  # every command reads the maintainers option; only 'sopbook codeowners' needs the model
    from .model import KnowledgeBase


def _comment(text: str) -> str:
    """``text`` as CODEOWNERS comment lines."""
    return "".join(f"# {line}\n" for line in text.splitlines())


MAINTAINER = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?\Z"
                        r"|[^@\s]+@[^@\s]+\.[^@\s]+\Z")
"""A GitHub user (``@hanako``), a team (``@org/sop-maintainers``) or an e-mail address."""

_HANDLE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\Z")

_GITIGNORE_SPECIAL = frozenset("\\ *?[]#!")
"""Characters a gitignore pattern (and so a CODEOWNERS path) reads as syntax unless escaped with '\\':
globs, character classes, the escape itself, and the space that ends the path on a CODEOWNERS line."""

_CANNOT_EXPRESS = re.compile(r"[\x00-\x1f\x7f]")
"""A line break or other control character cannot be escaped in a CODEOWNERS line at all."""


@dataclass
class Codeowners:
    text: str
    problems: list[Problem] = field(default_factory=list)


def repository_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding ``.git``; else ``start``'s parent (beside sop/)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start.parent


def parse_maintainers(value: object, where: str = "mkdocs.yml") -> list[str]:
    """The ``maintainers`` plugin option: people (``@name``) or teams (``@org/team``) who own the code."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(_("codeowners.bad-maintainers", where=where))
    maintainers = []
    for entry in value:
        if not isinstance(entry, str) or not MAINTAINER.match(entry):
            raise ConfigError(_("codeowners.bad-maintainer", where=where, value=repr(entry)))
        maintainers.append(entry)
    return list(dict.fromkeys(maintainers))


def pattern(path: Path, root: Path) -> str:
    """A CODEOWNERS path for one file, from the repository root, escaped as gitignore patterns require.

    Raises ``ValueError`` for a path that no pattern can express (a control character).
    """
    relative = Path(os.path.relpath(path.resolve(), root)).as_posix()
    if _CANNOT_EXPRESS.search(relative):
        raise ValueError(relative)
    return "/" + "".join("\\" + char if char in _GITIGNORE_SPECIAL else char for char in relative)


def _folder_pattern(path: Path, root: Path) -> str:
    return pattern(path, root).rstrip("/") + "/"


def protected_paths(kb: KnowledgeBase, root: Path, config_file: Path | None, templates_dir: Path | None) -> list[str]:
    """The paths that carry code or decide ownership, as CODEOWNERS patterns."""
    paths = [pattern(config_file, root) if config_file else "/mkdocs.yml"]
    if templates_dir is not None:
        paths.append(_folder_pattern(templates_dir, root))
    paths.append(_folder_pattern(root / ".github", root))
    for source in kb.sources.values():  # the registries: who exists, which roles and tools
        paths.append(pattern(Path(source.path), root))
    return list(dict.fromkeys(paths))


def build_codeowners(kb: KnowledgeBase, root: Path, maintainers: Sequence[str] = (),
                     protected: Sequence[str] = (), config_shown: str = "mkdocs.yml") -> Codeowners:
    """The CODEOWNERS text for ``kb``, paths relative to the repository ``root``.

    ``protected`` paths (see ``protected_paths``) go to ``maintainers`` alone.
    """
    lines = [_comment(_("codeowners.header"))]
    problems: list[Problem] = []
    missing: dict[str, list[str]] = {}  # person id → procedures that wanted them
    people = kb.sources.get("people")
    owners = " ".join(maintainers)
    if maintainers:
        lines.append(f"* {owners}\n")
    else:
        lines.append(_comment(_("codeowners.no-maintainers-comment")))
        problems.append(Problem(config_shown, 1, 1, "codeowners-no-maintainers", Severity.WARNING,
                                _("codeowners.no-maintainers")))
    for procedure in sorted(kb.procedures.values(), key=lambda p: p.path):
        handles: list[str] = []
        unreachable: list[str] = []
        for person_id in dict.fromkeys([procedure.owner, *procedure.backups]):
            person = kb.people.get(person_id)
            if person is None or not person.active:
                continue
            handle = person.github.lstrip("@") if person.github else ""
            if _HANDLE.match(handle):
                handles.append("@" + handle)
            else:
                unreachable.append(person_id)
                missing.setdefault(person_id, []).append(procedure.id)
        try:
            path = pattern(Path(procedure.path), root)  # shown paths are relative to the working directory
        except ValueError:
            problems.append(Problem(procedure.path, 1, 1, "codeowners-unsafe-path", Severity.ERROR,
                                    _("codeowners.unsafe-path")))
            continue
        if handles:
            lines.append(f"{path} {' '.join(handles)}\n")
        else:
            named = ", ".join([procedure.owner, *procedure.backups])
            lines.append(_comment(_("codeowners.nobody", pattern=path, people=named)))
            problems.append(Problem(procedure.path, *procedure.where("owner"), "codeowners-no-reviewer",
                                    Severity.WARNING,
                                    _("codeowners.no-reviewer", id=procedure.id), procedure.id))
    if maintainers and protected:
        lines.append(_comment(_("codeowners.protected-comment")))
        lines.extend(f"{path} {owners}\n" for path in protected)
    for person_id, procedure_ids in missing.items():
        path = people.path if people is not None else str(kb.sop_dir / "people.yaml")
        line, column = people.where(person_id, key=True) if people is not None else (1, 1)
        problems.append(Problem(path, line, column, "codeowners-no-handle", Severity.WARNING,
                                _("codeowners.no-handle", person=person_id, name=kb.people[person_id].name,
                                  procedures=", ".join(procedure_ids))))
    return Codeowners("".join(lines), sorted(problems))
