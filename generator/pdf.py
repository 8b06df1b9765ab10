"""``sopbook pdf``: the knowledge base (or one department) as one printable PDF book, made with WeasyPrint.

The chapters are the procedure pages of the site (``procedure.md.j2``), turned into HTML with the same
Markdown extensions and laid out by ``book.html.j2``: a cover, a table of contents with page numbers,
one chapter per procedure. WeasyPrint needs no browser and sets Japanese in the Noto CJK fonts.

The knowledge base is untrusted, so WeasyPrint may read only the screenshots the procedures name (each
already checked to lie inside ``sop/``): no network, no other file, whatever a page's Markdown links.
"""
from __future__ import annotations

import datetime as dt
import logging
import posixpath
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jinja2
import markdown
import markupsafe

from .assets import stylesheet
from .errors import UsageError
from .i18n import Language, _
from .render import environment
from .site import MARKDOWN_EXTENSIONS, Generated

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_LINK = re.compile(r'<a ([^>]*?)href="([^"]*)"')
_IMAGE_SOURCE = re.compile(r'(<img [^>]*?src=")([^"]*)(")')
_EXTERNAL = re.compile(r"^(https?|mailto|tel):", re.IGNORECASE)
_PRINT_DATE = '<dd class="sopbook-print-date"></dd>'


@dataclass
class Chapter:
    """One procedure of the book: its anchor for the table of contents, and its page as HTML."""

    id: str
    title: str
    department: str
    anchor: str
    html: markupsafe.Markup


@dataclass
class Book:
    """What ``write`` made: how many chapters, and the departments they came from."""

    chapters: int
    departments: list[str]
    pages: int


def chapters(generated: Generated, department: str | None, language: Language, today: dt.date) -> list[Chapter]:
    """The procedure pages of ``department`` (or all), in the order of the site's navigation, as HTML."""
    kb = generated.kb
    departments = sorted({procedure.department for procedure in kb.procedures.values()})
    if department is not None and department not in departments:
        raise UsageError(_("pdf.no-department", department=department, departments=language.join(departments)))
    procedures = {procedure.path: procedure for procedure in kb.procedures.values()}
    pages = [page for page in generated.pages if page.kind == "procedure" and page.source in procedures]
    pages = [page for page in pages if department is None or procedures[page.source or ""].department == department]
    pages.sort(key=lambda page: page.path)
    anchors = {page.path: f"p-{index}" for index, page in enumerate(pages)}
    files = {static.path: static.source for static in generated.files}
    converter = markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS))
    found = []
    for page in pages:
        procedure = procedures[page.source or ""]
        html = converter.reset().convert(_FRONT_MATTER.sub("", page.markdown))
        html = _LINK.sub(partial(_link, here=page.path, anchors=anchors), html)
        html = _IMAGE_SOURCE.sub(partial(_image, here=page.path, files=files), html)
        html = html.replace(_PRINT_DATE, f'<dd class="sopbook-print-date">{language.date(today)}</dd>')
        found.append(Chapter(procedure.id, procedure.title, procedure.department, anchors[page.path],
                             markupsafe.Markup(html)))  # noqa: S704 - Markdown of sanitised, escaped views
    return found


def _link(match: re.Match[str], here: str, anchors: dict[str, str]) -> str:
    """A link inside the book: to another chapter when it points at one, kept when it leaves the site,
    otherwise dropped (the text stays): the book has no people or tool pages to go to."""
    attributes, href = match.group(1), match.group(2)
    if _EXTERNAL.match(href):
        return match.group(0)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(here), unquote(href.split("#")[0])))
    if target in anchors:
        return f'<a {attributes}href="#{anchors[target]}"'
    return f"<a {attributes}"


def _image(match: re.Match[str], here: str, files: dict[str, Path]) -> str:
    target = posixpath.normpath(posixpath.join(posixpath.dirname(here), unquote(match.group(2))))
    source = files.get(target)
    url = source.resolve().as_uri() if source is not None else "about:blank"
    return f"{match.group(1)}{url}{match.group(3)}"


def book_html(generated: Generated, title: str, department: str | None, today: dt.date,
              templates_dir: Path | None = None) -> str:
    """The whole book as one HTML document, through ``book.html.j2`` (a knowledge base may override it)."""
    language = generated.language
    loader = environment(templates_dir).loader
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    found = chapters(generated, department, language, today)
    return env.get_template("book.html.j2").render(
        t=language.label, language=language.code, title=title, department=department,
        date=language.date(today), chapters=found, departments=sorted({chapter.department for chapter in found}),
        stylesheet=markupsafe.Markup(stylesheet().source.read_text(encoding="utf-8")))  # noqa: S704 - our file


def write(html: str, out: Path, allowed: set[Path]) -> int:
    """Lay ``html`` out with WeasyPrint into ``out``; returns the number of pages.

    Only the files in ``allowed`` may be read while laying out (see the module's docstring).
    """
    import weasyprint
    from weasyprint.urls import URLFetcher

    allowed_uris = {path.resolve().as_uri() for path in allowed}

    class KnowledgeBaseFiles(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url not in allowed_uris:
                raise ValueError(_("pdf.outside-file", url=url))
            return super().fetch(url, headers)

    # WeasyPrint reports each CSS property it does not know (Material's, in sopbook.css) as a warning.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, url_fetcher=KnowledgeBaseFiles(allowed_protocols={"file"}),
                               base_url=None).render()
    out.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(out)
    return len(document.pages)
