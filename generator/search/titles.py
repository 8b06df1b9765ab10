"""The title-and-id index: every procedure's id, title and department in one small file, searched in
the browser before Pagefind answers.

Pagefind ranks every page that holds a query's words before it shows the first one, and the words
staff type most — the name of the work: 経費精算, 押印, 入社 — are on most pages of a large knowledge
base (10,000 procedures: 0.7–1.1 s to the first result). The procedure a person wants is usually
the one whose title or id says what they typed, so the search box first matches the query against
this file (substring matching, which needs no word segmentation for Japanese; a few milliseconds for
10,000 titles) and lists those procedures at once; Pagefind's full-text results follow below them.
At 10,000 procedures the file is about 0.9 MB, 0.15 MB as served compressed.

The file is plain JSON (no code), written into the site next to the search box's script::

    {"version": 1,
     "departments": ["総務部", ...],
     "folders": ["procedures/総務部/契約/", ...],
     "procedures": [["GA-001", "電子契約の締結", 0, 0, "GA-001/"], ...]}

A procedure's entry is ``[id, title, department index, folder index, rest of its address]``; its
address, from the site root, is ``folders[folder] + rest`` (URLs share their folders, so the file
names each folder once).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import Procedure
from ..render import procedure_path

INDEX_PATH = "assets/sopbook/titles.json"
"""Where the index goes in the site; pagefind-search.js finds it next to itself."""
VERSION = 1


@dataclass(frozen=True)
class TitleEntry:
    """One procedure as the quick search shows it."""

    id: str
    title: str
    department: str
    url: str
    """From the site root, as MkDocs writes it: ``procedures/総務部/契約/GA-001/``."""


def entries(procedures: Iterable[Procedure], url_of: Callable[[str], str | None]) -> list[TitleEntry]:
    """The procedures that have a page; ``url_of`` maps a page's path in the docs folder to its URL."""
    found = []
    for procedure in procedures:
        url = url_of(procedure_path(procedure))
        if url is not None:
            found.append(TitleEntry(procedure.id, procedure.title, procedure.department, url))
    return found


def index_json(entries: Iterable[TitleEntry]) -> str:
    """The index file's text, procedures sorted by id (the order the browser lists equal matches in)."""
    departments: dict[str, int] = {}
    folders: dict[str, int] = {}
    procedures = []
    for entry in sorted(entries, key=lambda entry: entry.id):
        folder, _, rest = entry.url.rstrip("/").rpartition("/")
        folder = f"{folder}/" if folder else ""
        rest = entry.url[len(folder):]
        procedures.append([entry.id, entry.title, departments.setdefault(entry.department, len(departments)),
                           folders.setdefault(folder, len(folders)), rest])
    # ensure_ascii=False: Japanese titles take 3 bytes each in UTF-8 instead of 6 as \\u escapes.
    return json.dumps({"version": VERSION, "departments": list(departments), "folders": list(folders),
                       "procedures": procedures}, ensure_ascii=False, separators=(",", ":"))
