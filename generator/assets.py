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


def _override(name: str) -> Path:
    return Path(str(resources.files("generator").joinpath(f"data/overrides/{name}")))


FETCH_LATER = "partials/sopbook-fetch-later.html"
"""The script that holds back the downloads a page does not need to be drawn (search index, sitemap, repository
facts) until it has loaded (see the file): one file for both doors, put into every page's head by the plugin and
included by ``sopbook generate``'s main.html."""


def fetch_later_script() -> str:
    return _override(FETCH_LATER).read_text(encoding="utf-8")


def in_head(html: str, snippet: str) -> str:
    """``html`` with ``snippet`` at the end of its ``<head>`` (unchanged without one)."""
    head = html.find("</head>")
    return html if head < 0 else html[:head] + snippet + html[head:]
