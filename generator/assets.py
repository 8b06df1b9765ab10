"""Files the site needs beside its pages: sopbook's stylesheet, and (later) media the procedures use.

Both doors hand them on the same way: the plugin adds them to MkDocs' files, ``sopbook generate``
copies them into its docs folder, so the two sites are the same.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

STYLESHEET = "assets/sopbook/sopbook.css"
"""Where sopbook's stylesheet (approval flow, print layout) is written in the site."""
SCRIPT = "assets/sopbook/sopbook.js"
"""The print button and print date (loaded deferred; pages work without it)."""


@dataclass(frozen=True)
class StaticFile:
    """A file copied into the site unchanged."""

    path: str
    """Where it goes, relative to the docs folder, ``/``-separated."""
    source: Path


def stylesheet() -> StaticFile:
    return StaticFile(STYLESHEET, Path(str(resources.files("generator").joinpath("data/assets/sopbook.css"))))


def script() -> StaticFile:
    return StaticFile(SCRIPT, Path(str(resources.files("generator").joinpath("data/assets/sopbook.js"))))
