"""Where a report's numbers came from: when it was made, from which commit, by which sopbook, judged as of which day.

An auditor who files a report needs to be able to make it again: ``commit`` (with ``dirty`` when the
knowledge base had changes not yet committed) and ``today`` are what ``sopbook report NAME --at COMMIT
--today DAY`` needs for that.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from . import __version__
from .history import Commit, Repository


def provenance(sop_dir: Path, today: dt.date, *, repository: Repository | None = None,
               at: Commit | None = None, ref: str | None = None) -> dict[str, Any]:
    """The ``meta`` of a report on ``sop_dir``: read at ``at`` (from git) or from the working tree."""
    commit: Commit | None = at
    dirty: bool | None = None
    if at is not None:
        dirty = False  # read from git's object store: exactly what the commit holds
    elif repository is not None:
        commit = repository.head()
        dirty = repository.dirty(repository.relative(sop_dir)) if commit is not None else True
    return {
        "generated_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "commit": commit.id if commit is not None else None,
        "commit_date": commit.date.isoformat() if commit is not None else None,
        "dirty": dirty,
        "at": ref,
        "sopbook_version": __version__,
        "today": today.isoformat(),
    }


def lines(meta: dict[str, Any], label: Any) -> list[tuple[str, str]]:
    """(label, value) pairs for a table or a header; ``label`` is the language's ``label`` function."""
    if not meta:
        return []
    commit = meta.get("commit")
    if commit is None:
        commit_text = label("provenance.no_git")
    else:
        commit_text = commit[:12] + (f" ({label('provenance.dirty')})" if meta.get("dirty") else "")
        if meta.get("at"):
            commit_text += f" ← --at {meta['at']}"
    return [
        (label("provenance.generated_at"), str(meta.get("generated_at", ""))),
        (label("provenance.commit"), commit_text),
        (label("provenance.version"), f"sopbook {meta.get('sopbook_version', '')}"),
        (label("provenance.today"), str(meta.get("today", ""))),
    ]
