"""The Jinja environment: the knowledge base's templates before sopbook's, every printed value escaped for Markdown.

Templates come from the knowledge base's own templates folder first, then from the defaults shipped
in the package (``generator.templates``), so overriding ``procedure.md.j2`` is one file.
"""
from __future__ import annotations

import html
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from ..i18n import Language
from .escaping import escape


def _finalize(value: Any) -> markupsafe.Markup:
    if isinstance(value, markupsafe.Markup):
        return value
    return markupsafe.Markup(escape(value))  # noqa: S704 - escaped for Markdown just now


def environment(templates_dir: Path | None = None, language: Language | None = None) -> jinja2.Environment:
    """Templates from ``templates_dir`` first, then sopbook's defaults; every printed value escaped for Markdown.

    With ``language``, templates have ``t(key)`` (a label in that language) and ``language`` (its code).
    """
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None and templates_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(templates_dir)))
    loaders.append(jinja2.FileSystemLoader(str(resources.files("generator.templates"))))
    # autoescape makes macros return Markup; finalize turns every other printed value into escaped Markdown.
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), finalize=_finalize, autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["escape_md"] = escape
    # Raw HTML blocks (the approval flow) are not Markdown: their text is escaped for HTML instead.
    env.filters["html"] = lambda value: markupsafe.Markup(html.escape(str(value)))  # noqa: S704 - escaped here
    if language is not None:
        env.globals.update(t=language.label, language=language.code)
    return env
