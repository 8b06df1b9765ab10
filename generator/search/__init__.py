"""Which search a site gets: Material's built-in search, or Pagefind for large knowledge bases.

Material's search ships one JSON index of the whole site that every visitor downloads and parses
before the first result; Pagefind ships a chunked index and fetches only the chunks a query needs.
Measured in headless Chromium (docs/scale.md): the first result takes Material about 2 s at 1,000
procedures and 9–10 s at 10,000, Pagefind well under a second at both. ``search: auto`` therefore
switches to Pagefind from ``PAGEFIND_FROM_PROCEDURES`` procedures on, where Material's first result
starts to take longer than a second; below it Material's search needs no extra build step.
"""
from __future__ import annotations

import logging
from pathlib import Path

from ..validate import list_files

BACKENDS = ("auto", "material", "pagefind")

PAGEFIND_FROM_PROCEDURES = 200
"""``search: auto`` uses Pagefind from this many procedures on (measured; see docs/scale.md)."""

log = logging.getLogger("mkdocs.plugins.sopbook")


def count_procedures(sop_dir: Path) -> int:
    """The number of procedure files, from a directory walk (no parsing): cheap enough for on_config."""
    try:
        return len(list_files(sop_dir)[1])
    except OSError:
        return 0


def choose_backend(option: str, procedure_count: int) -> str:
    """``material`` or ``pagefind`` for the plugin's ``search`` option and the knowledge base's size."""
    if option != "auto":
        return option
    return "pagefind" if procedure_count >= PAGEFIND_FROM_PROCEDURES else "material"


def describe_choice(option: str, backend: str, procedure_count: int) -> str:
    """The log line that says which search a build gets and why."""
    if option != "auto":
        return f"search: {backend} (set in mkdocs.yml)"
    comparison = "≥" if backend == "pagefind" else "<"
    return (f"search: {backend} (auto: {procedure_count} procedures {comparison} "
            f"{PAGEFIND_FROM_PROCEDURES})")
