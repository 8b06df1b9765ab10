"""``sopbook report NAME`` and ``sopbook whatif --without ID``."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cache import Cache
from ..config import load_project_config
from ..errors import InvalidKnowledgeBase, UsageError
from ..model import KnowledgeBase, load_knowledge_base
from ..reports import REPORTS
from ..reports import whatif as whatif_report
from ..reports.base import Report, cell
from ..reports.writers import FORMATS, write
from ..rules import parse_lint_config
from ..validate import find_sop_dir
from .lint import parse_date, today_option

sop_dir_argument = click.argument("sop_dir", required=False, type=click.Path(file_okay=False, path_type=str))
language_option = click.option("--language", type=click.Choice(["ja", "en"]),
                               help="Labels in Japanese or English (default: the plugin's language, else ja).")


def _load(sop_dir: str | None) -> tuple[KnowledgeBase, dict]:
    project = load_project_config()
    folder = find_sop_dir(sop_dir)
    kb, validation = load_knowledge_base(folder, Cache.beside(folder))
    if not validation.ok:
        raise InvalidKnowledgeBase(validation.problems)
    return kb, project.options


def _emit(data: bytes, output: str | None, binary: bool) -> None:
    if output is not None:
        try:
            Path(output).write_bytes(data)
        except OSError as error:
            raise UsageError(f"--output: cannot write {output}: {error.strerror or error}") from None
        click.echo(f"wrote {output}", err=True)
        return
    if binary and sys.stdout.isatty():
        raise UsageError("xlsx is a binary format; pass --output FILE.xlsx")
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


@click.command()
@click.argument("name", type=click.Choice(list(REPORTS)), metavar="NAME")
@sop_dir_argument
@click.option("-f", "--format", "format_name", type=click.Choice(FORMATS), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), help="Write to FILE instead of stdout.")
@language_option
@today_option
def report(name: str, sop_dir: str | None, format_name: str, output: str | None, language: str | None,
           today_text: str | None) -> None:
    """Write an auditor report: single-owner, people, undocumented, reviews, dx, findings, suppressions.

    CSV is UTF-8 with a BOM so that Excel opens Japanese correctly; xlsx has a header row, filters
    and frozen panes. The same reports are pages of the site.
    """
    kb, options = _load(sop_dir)
    config = parse_lint_config(options.get("lint"))
    language = language or str(options.get("language", "ja"))
    built = REPORTS[name](kb, config, parse_date(today_text, options.get("today")), language)
    _emit(write(built, format_name, language), output, format_name == "xlsx")


def _text(report: Report, language: str) -> str:
    if not report.rows:
        return ("止まる手順はありません。\n" if language == "ja" else "Nothing stops.\n")
    lines = [f"{report.title_in(language)}:"]
    for row in report.rows:
        lines.append(f"  {row['id']} {row['title']} ({row['department']}): {cell(row['reasons'])}")
    return "\n".join(lines) + "\n"


@click.command()
@sop_dir_argument
@click.option("--without", "without", multiple=True, required=True, metavar="PERSON",
              help="A person id from people.yaml; repeat for several people.")
@click.option("-f", "--format", "format_name", type=click.Choice(["text", "json", "md"]), default="text",
              show_default=True)
@language_option
def whatif(sop_dir: str | None, without: tuple[str, ...], format_name: str, language: str | None) -> None:
    """Show what stops if these people leave: procedures with no performer, approver or step actor left.

    Undocumented inventory tasks whose last performer leaves are listed too: that knowledge is lost.
    """
    kb, options = _load(sop_dir)
    language = language or str(options.get("language", "ja"))
    built = whatif_report.report(kb, without, language)
    if format_name == "text":
        click.echo(_text(built, language), nl=False)
    else:
        _emit(write(built, format_name, language), None, False)


COMMANDS = [report, whatif]
