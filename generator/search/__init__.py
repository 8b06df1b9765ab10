"""Which search a site gets: Material's built-in search, or Pagefind for large knowledge bases.

Material's search ships one JSON index of the whole site that every visitor downloads and parses
before the first result; Pagefind ships a chunked index and fetches only the chunks a query needs.
Measured in headless Chromium (docs/scale.md, benchmarks/bench_scale.py): the first result takes
Material about 1.5–1.9 s at 200 procedures, 5 s at 1,000 and 45–50 s at 10,000; Pagefind about 0.6 s at
all three for a query that names a procedure. ``search: auto`` therefore switches to Pagefind from
``PAGEFIND_FROM_PROCEDURES`` procedures on; below it the two answer alike and Material's search needs no
extra process during the build.
"""
from __future__ import annotations

import logging
from pathlib import Path

from ..i18n import _
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
        return _("search.set", backend=backend)
    comparison = "≥" if backend == "pagefind" else "<"
    return _("search.auto", backend=backend, n=procedure_count, comparison=comparison,
             threshold=PAGEFIND_FROM_PROCEDURES)
