"""``sopbook report NAME`` and ``sopbook whatif --without ID``."""
from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from ..cache import Cache
from ..errors import InvalidKnowledgeBase, UsageError
from ..history import Commit, Repository
from ..i18n import LANGUAGES, _, activate
from ..i18n import language as language_for
from ..model import KnowledgeBase, load_knowledge_base
from ..model import build as build_model
from ..options import Options, find_sop_dir, load_project
from ..problems import did_you_mean
from ..provenance import provenance
from ..reports import REPORTS
from ..reports import trend as trend_report
from ..reports import whatif as whatif_report
from ..reports.base import Report, cell
from ..reports.writers import FORMATS, write
from ..rules import run
from ..validate import validate_files
from . import SpeaksHelp, speak
from .lint import parse_date, today_option

sop_dir_argument = click.argument("sop_dir", required=False, type=click.Path(file_okay=False, path_type=str))
language_option = click.option("--language", type=click.Choice(LANGUAGES),
                               help="Labels in Japanese or English (default: the plugin's language, else ja).")


def _load(sop_dir: str | None) -> tuple[KnowledgeBase, Options]:
    project = load_project()
    folder = find_sop_dir(sop_dir, project)
    speak(project, folder)
    kb, validation = load_knowledge_base(folder, Cache.beside(folder))
    if not validation.ok:
        raise InvalidKnowledgeBase(validation.problems)
    return kb, project.options


@dataclass
class Loaded:
    """The knowledge base a report reads, and where it came from."""

    kb: KnowledgeBase
    options: Options
    folder: Path
    repository: Repository | None
    at: Commit | None


def _load_at(sop_dir: str | None, ref: str | None) -> Loaded:
    """The knowledge base from the working tree, or (``--at REF``) as a commit held it, read from git."""
    project = load_project()
    folder = find_sop_dir(sop_dir, project)
    repository = Repository.find(folder)
    if ref is None:
        kb, options = _load(sop_dir)
        return Loaded(kb, options, folder, repository, None)
    if repository is None:
        raise UsageError(_("git.at-no-repository", ref=ref, folder=folder))
    commit = repository.resolve(ref)
    inside = repository.relative(folder)
    oids = repository.files(commit, inside)
    if not oids:
        raise UsageError(_("git.at-no-files", ref=ref, folder=inside or ".", commit=commit.short))
    contents = repository.blobs(list(oids.values()), limit=8 * 1024 * 1024)
    validation = validate_files(folder, {name: contents.get(oid, b"") for name, oid in oids.items()})
    if not validation.ok:
        # 'sopbook validate' reads the working tree, so the errors of the past are listed here.
        raise InvalidKnowledgeBase(validation.problems, _("git.at-invalid", n=len(validation.errors),
                                                          commit=commit.short, date=commit.date.date()))
    return Loaded(build_model(validation.sources), project.options, folder, repository, commit)


def _today(today_text: str | None, options: Options, at: Commit | None, at_text: str | None) -> dt.date:
    """``--today``, else the ``--at`` day (a date, or the commit's day), else the plugin's ``today``, else today."""
    if today_text is None and at_text is not None:
        try:
            return dt.date.fromisoformat(at_text)
        except ValueError:
            pass
    if today_text is None and at is not None:
        return at.date.date()
    return parse_date(today_text, options)


def _emit(data: bytes, output: str | None, binary: bool) -> None:
    if output is not None:
        try:
            Path(output).write_bytes(data)
        except OSError as error:
            raise UsageError(_("report.cannot-write", path=output, error=error.strerror or error)) from None
        click.echo(_("report.wrote", path=output), err=True)
        return
    if binary and sys.stdout.isatty():
        raise UsageError(_("report.binary"))
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


at_option = click.option("--at", "at", metavar="REF",
                         help="Read the knowledge base as it was at a commit, tag, branch or date (YYYY-MM-DD), "
                              "from git, without touching the working tree.")


@click.command(cls=SpeaksHelp)
@click.argument("name", type=click.Choice([*REPORTS, trend_report.NAME]), metavar="NAME")
@sop_dir_argument
@click.option("-f", "--format", "format_name", type=click.Choice(FORMATS), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), help="Write to FILE instead of stdout.")
@language_option
@today_option
@at_option
@click.option("--since", "since_text", metavar="YYYY-MM-DD",
              help="trend: the first point (default: the first commit of the knowledge base).")
@click.option("--every", type=click.Choice(trend_report.EVERY), default="month", show_default=True,
              help="trend: one point per month, week or commit.")
def report(name: str, sop_dir: str | None, format_name: str, output: str | None, language: str | None,
           today_text: str | None, at: str | None, since_text: str | None, every: str) -> None:
    """Write an auditor report: single-owner, people, undocumented, reviews, dx, findings, suppressions, kpis,
    training, trend.

    CSV is UTF-8 with a BOM so that Excel opens Japanese correctly; xlsx has a header row, filters
    and frozen panes. Every report states where it came from (time, commit, sopbook version and the
    day dates were judged by): a list under the table (md), a first line (csv), a sheet (xlsx) or
    ``meta`` (json). ``--at`` reads the knowledge base as a past commit held it. The same reports are
    pages of the site.
    """
    if name == trend_report.NAME:
        _emit(_trend(sop_dir, format_name, language, today_text, at, since_text, every), output,
              format_name == "xlsx")
        return
    loaded = _load_at(sop_dir, at)
    options = loaded.options
    language = language or options.language.code
    activate(language)  # --language: the findings' sentences too, not only the headings
    today = _today(today_text, options, loaded.at, at)
    built = REPORTS[name](run(loaded.kb, options.lint, today), language)
    built.meta = provenance(loaded.folder, today, repository=loaded.repository, at=loaded.at, ref=at)
    _emit(write(built, format_name, language), output, format_name == "xlsx")


def _trend(sop_dir: str | None, format_name: str, language: str | None, today_text: str | None, at: str | None,
           since_text: str | None, every: str) -> bytes:
    project = load_project()
    options = project.options
    folder = find_sop_dir(sop_dir, project)
    repository = Repository.find(folder)
    if repository is None:
        raise UsageError(_("git.trend-no-repository", folder=folder))
    ref = "HEAD"
    at_commit = None
    if at is not None:
        at_commit = repository.resolve(at)
        ref = at_commit.id
    today = _today(today_text, options, at_commit, at)
    since = parse_date(since_text, options, "--since") if since_text else None
    language = language or options.language.code
    found, _skipped = trend_report.points(repository, folder, options.lint, every=every, since=since, today=today,
                                          ref=ref)
    built = trend_report.report(found, every)
    built.meta = provenance(folder, today, repository=repository, at=at_commit, ref=at)
    return write(built, format_name, language)


def _text(report: Report, language: str) -> str:
    if not report.rows:
        return language_for(language).label("report.whatif.nothing") + "\n"
    lines = [f"{report.title_in(language)}:"]
    for row in report.rows:
        lines.append(f"  {row['id']} {row['title']} ({row['department']}): {cell(row['reasons'])}")
    return "\n".join(lines) + "\n"


@click.command(cls=SpeaksHelp)
@sop_dir_argument
@click.option("--without", "without", multiple=True, required=True, metavar="PERSON",
              help="A person id from people.yaml; repeat for several people.")
@click.option("-f", "--format", "format_name", type=click.Choice(["text", "json", "md"]), default="text",
              show_default=True)
@language_option
@at_option
def whatif(sop_dir: str | None, without: tuple[str, ...], format_name: str, language: str | None,
           at: str | None) -> None:
    """Show what stops if these people leave: procedures with no performer, approver or step actor left.

    Undocumented inventory tasks whose last performer leaves are listed too: that knowledge is lost.
    """
    loaded = _load_at(sop_dir, at)
    language = language or loaded.options.language.code
    activate(language)  # --language: the findings' sentences too, not only the headings
    names = {person.id: person.name for person in loaded.kb.people.values()}
    for person in without:
        if person not in loaded.kb.people:
            raise UsageError(_("whatif.unknown-person", person=person,
                               hint=did_you_mean(person, loaded.kb.people, names=names)))
    built = whatif_report.report(loaded.kb, tuple(dict.fromkeys(without)), language)
    built.meta = provenance(loaded.folder, _today(None, loaded.options, loaded.at, at),
                            repository=loaded.repository, at=loaded.at, ref=at)
    if format_name == "text":
        click.echo(_text(built, language), nl=False)
    else:
        _emit(write(built, format_name, language), None, False)


COMMANDS = [report, whatif]
