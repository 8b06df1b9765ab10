"""``sopbook pdf``: the knowledge base, or one department, as one PDF book."""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from pathlib import Path

import click

from .. import pdf as book
from .. import site
from ..address import SiteAddress
from ..i18n import _
from ..options import load_project
from ..render import segment
from . import SpeaksHelp
from .site import config_option


@click.command(cls=SpeaksHelp)
@config_option
@click.option("--department", metavar="NAME", help="Only this department's procedures (default: all).")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF to write (default: procedures.pdf, or the department's name .pdf).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="The date on the cover (default: today).")
def pdf(config_file: Path | None, department: str | None, out: Path | None, today: dt.datetime | None) -> None:
    """Write a PDF book: cover, table of contents, one chapter per procedure, page numbers.

    Made with WeasyPrint (no browser needed); Japanese is set in the Noto CJK fonts.
    """
    started = time.perf_counter()
    project = load_project(config_file)
    day = today.date() if today else dt.date.today()
    address = SiteAddress(project.mkdocs.get("site_url") or None, project.mkdocs.get("repo_url") or None,
                          bool(project.mkdocs.get("use_directory_urls", True)))
    generated = site.generate(replace(project.options, site=address), today=day)
    templates_dir = project.options.templates_dir
    title = str(project.mkdocs.get("site_name") or "sopbook")
    html = book.book_html(generated, title, department, day, templates_dir)
    target = out or Path(f"{segment(department)}.pdf" if department else "procedures.pdf")
    chapters = html.count('<article class="chapter')
    pages = book.write(html, target, {static.source for static in generated.files})
    click.echo(_("pdf.wrote", path=target, procedures=chapters, pages=pages,
                 seconds=f"{time.perf_counter() - started:.1f}"), err=True)


COMMANDS = [pdf]
