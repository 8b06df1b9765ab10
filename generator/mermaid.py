"""Approval-flow diagrams that draw without internet access.

Material for MkDocs draws ``mermaid`` blocks with a Mermaid it fetches from a CDN, unless a global
``mermaid`` already exists. Knowledge bases are often read on company networks that block CDNs, so
sopbook ships Mermaid (MIT licence, beside the file) and loads it, only on pages that have a diagram,
before Material's own script looks for one.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from mkdocs.utils import get_relative_url

VERSION = "11.17.2"
ASSET = "assets/sopbook/mermaid.min.js"
"""Where the bundled script is written in the site."""

_MARKER = 'class="mermaid"'
_MATERIAL_BUNDLE = '<script src="'


def bundled_script() -> Path:
    return Path(str(resources.files("generator").joinpath("data/vendor/mermaid.min.js")))


def inject(html: str, page_url: str) -> str:
    """Load the bundled Mermaid before Material's scripts on a page that has a diagram."""
    if _MARKER not in html:
        return html
    tag = f'<script src="{get_relative_url(ASSET, page_url)}"></script>'
    # Material's bundle is the first external script near the end of <body>; ours must run first.
    anchor = html.find(_MATERIAL_BUNDLE, html.rfind("</article>") if "</article>" in html else 0)
    if anchor == -1:
        anchor = html.rfind("</body>")
        if anchor == -1:
            return html + tag
    return html[:anchor] + tag + html[anchor:]
