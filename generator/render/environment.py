"""The Jinja environment: the knowledge base's templates before sopbook's, every printed value escaped for Markdown.

Templates come from the knowledge base's own templates folder first, then from the defaults shipped
in the package (``generator.templates``), so overriding ``procedure.md.j2`` is one file.
"""
from __future__ import annotations

import contextlib
import html
import os
import traceback
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from ..errors import SopbookError
from ..files import Refused, read_text
from ..i18n import Language, _
from ..load import display_path
from .escaping import escape


def _finalize(value: Any) -> markupsafe.Markup:
    if isinstance(value, markupsafe.Markup):
        return value
    return markupsafe.Markup(escape(value))  # noqa: S704 - escaped for Markdown just now


TEMPLATE_BYTES = 1024 * 1024
"""A page template is a few kilobytes; anything over a megabyte in templates/ is a mistake."""


class KnowledgeBaseTemplates(jinja2.BaseLoader):
    """The knowledge base's ``templates/`` folder, read through ``files.read_text``.

    Jinja's ``FileSystemLoader`` would follow a symlink out of the folder and wait forever on a named
    pipe; this loader reads regular files inside the folder only, of at most ``TEMPLATE_BYTES``.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = [piece for piece in template.split("/") if piece not in ("", ".")]
        if ".." in pieces:
            raise jinja2.TemplateNotFound(template)
        path = self.folder.joinpath(*pieces)
        if not os.path.lexists(path):
            raise jinja2.TemplateNotFound(template)
        shown = display_path(path)
        try:
            text = read_text(path, root=self.folder, limit=TEMPLATE_BYTES, what="template")
        except Refused as refused:
            raise SopbookError(f"{shown}:1:1: error {refused.code}: {refused.reason}") from None
        mtime = os.path.getmtime(path)
        return text, shown, lambda: os.path.lexists(path) and os.path.getmtime(path) == mtime

    def list_templates(self) -> list[str]:
        found = []
        for folder, _folders, names in os.walk(self.folder):
            for name in names:
                found.append(Path(folder, name).relative_to(self.folder).as_posix())
        return sorted(found)


@contextlib.contextmanager
def template_errors() -> Iterator[None]:
    """Turn an error in a template into ``SopbookError`` with the template's file:line, not a traceback.

    A knowledge base's own template is reviewed code, but a typo in it (``{% endfor %`` or an unknown
    variable) must still read like any other problem: ``templates/procedure.md.j2:12: ...``.
    """
    try:
        yield
    except jinja2.TemplateSyntaxError as error:
        where = f"{error.filename or error.name or _('template.unnamed')}:{error.lineno}"
        raise SopbookError(_("template.syntax", where=where, detail=error.message)) from None
    except jinja2.TemplateError as error:
        # A runtime error (an undefined variable, a failed filter): the innermost frame in a template.
        where = _("template.unnamed")
        for frame in traceback.extract_tb(error.__traceback__):
            if frame.filename.endswith(".j2"):
                where = f"{display_path(Path(frame.filename))}:{frame.lineno}"
        raise SopbookError(_("template.error", where=where, detail=error.message or error)) from None


def environment(templates_dir: Path | None = None, language: Language | None = None) -> jinja2.Environment:
    """Templates from ``templates_dir`` first, then sopbook's defaults; every printed value escaped for Markdown.

    With ``language``, templates have ``t(key)`` (a label in that language) and ``language`` (its code).
    """
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None and templates_dir.is_dir():
        loaders.append(KnowledgeBaseTemplates(templates_dir))
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
