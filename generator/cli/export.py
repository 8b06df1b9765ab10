"""``sopbook export``: the procedures as records for an internal assistant's retrieval index."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from .. import export as assistant_export
from ..cache import Cache
from ..errors import InvalidKnowledgeBase, UsageError
from ..i18n import _, activate
from ..model import load_knowledge_base
from ..options import find_sop_dir, load_project
from . import SpeaksHelp

FORMATS = ("jsonl",)


@click.command(cls=SpeaksHelp)
@click.argument("sop_dir", required=False, type=click.Path(file_okay=False, path_type=str))
@click.option("--format", "format_name", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE instead of stdout.")
@click.option("--all", "include_all", is_flag=True, help="Include drafts and retired procedures.")
def export(sop_dir: str | None, format_name: str, output: Path | None, include_all: bool) -> None:
    """Write every active procedure as one JSON object a line, for a retrieval index (RAG).

    Each procedure record (kind: procedure) has its metadata, its whole text as Markdown and that text
    split into chunks (overview, each step, approvals, each FAQ entry), each with the URL of its place
    on the page; each FAQ entry also gets a record of its own (kind: faq). URLs are under site_url of
    mkdocs.yml.
    """
    project = load_project()
    activate(project.options.language.code)  # messages and labels in the knowledge base's language
    folder = find_sop_dir(sop_dir, project)
    kb, validation = load_knowledge_base(folder, Cache.beside(folder))
    if not validation.ok:
        raise InvalidKnowledgeBase(validation.problems)
    options = project.options
    address = assistant_export.SiteAddress.from_mkdocs(project.mkdocs)
    if address.site_url is None:
        click.echo(_("export.no-site-url"), err=True)
    text = assistant_export.jsonl(assistant_export.records(kb, options, address, include_all=include_all))
    if output is None:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
        return
    _write_whole(output, text)
    click.echo(_("export.written", file=output), err=True)


def _write_whole(path: Path, text: str) -> None:
    """Write through a temporary file beside ``path``: an interrupted export never leaves half a file."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError as error:
        raise UsageError(_("export.cannot-write", file=path, reason=error.strerror or error)) from None


COMMANDS = [export]
