"""``sopbook build``, ``sopbook serve`` and ``sopbook generate``: the site without opening mkdocs.yml."""
from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import click

from .. import standalone
from ..errors import UsageError
from ..i18n import _
from ..load import display_path
from ..options import Project, find_config_file, load_project
from ..preview import DIRTY_FROM_PROCEDURES, choose_dirty
from ..problems import Severity
from ..search import count_procedures
from ..speed import collector_paused
from . import SpeaksHelp

config_option = click.option("-f", "--config-file", type=click.Path(dir_okay=False, path_type=Path),
                             help="The site's mkdocs.yml (default: ./mkdocs.yml).")


def _project(config_file: Path | None) -> Project:
    """mkdocs.yml read and its sopbook options validated before MkDocs starts, so that a bad value is
    reported at mkdocs.yml:line:column, as by every other command."""
    path = find_config_file(config_file)
    if path is None or not path.is_file():
        raise UsageError(_("site.no-mkdocs-yml", file=config_file or "mkdocs.yml"))
    return load_project(path)


@contextmanager
def _docs_dir_present(project: Project) -> Iterator[None]:
    """A knowledge base needs no docs/ folder (sopbook writes every page), but MkDocs refuses to start
    without its docs_dir: lend it an empty one for the run, and take it away again afterwards."""
    docs_dir = project.root / str(project.mkdocs.get("docs_dir") or "docs")
    if docs_dir.exists():
        yield
        return
    docs_dir.mkdir(parents=True)
    try:
        yield
    finally:
        with suppress(OSError):  # something was written there meanwhile: it is the user's now
            docs_dir.rmdir()


def _progress_line(done: int, total: int) -> None:
    # Only on long builds, and only on a terminal; every 100 pages keeps the cost out of the build.
    if total >= 500 and (done % 100 == 0 or done == total):
        click.echo("\r" + _("build.progress", done=f"{done:,}", total=f"{total:,}"), err=True, nl=done == total)


@click.command(cls=SpeaksHelp)
@config_option
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the site (default: site_dir of mkdocs.yml, usually ./site).")
@click.option("-s", "--strict", is_flag=True, help="Fail on MkDocs warnings and on lint errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also print MkDocs' progress and every lint finding.")
@click.option("--engine", type=click.Choice(standalone.ENGINES), default="mkdocs", show_default=True,
              help="mkdocs: MkDocs with the sopbook plugin; zensical: Zensical, on what `sopbook generate` writes.")
def build(config_file: Path | None, site_dir: Path | None, strict: bool, verbose: bool, engine: str) -> None:
    """Build the site from the knowledge base (the same as `mkdocs build`).

    The site is written to a staging folder and swapped into place only when the build succeeds, so
    a knowledge base with errors leaves the previous site untouched.
    """
    if engine == "zensical":
        _build_with_zensical(_project(config_file).config_file, site_dir, strict, verbose)
        return
    from mkdocs.config import load_config

    _log_to_stderr(logging.INFO if verbose else logging.WARNING)
    options: dict[str, Any] = {"strict": strict}
    if site_dir is not None:
        options["site_dir"] = str(site_dir)
    project = _project(config_file)
    with _docs_dir_present(project):
        _build(load_config(config_file=str(project.config_file), **options))


def _build(config: Any) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort

    plugin = config.plugins.get("sopbook")
    if plugin is not None and sys.stderr.isatty():
        plugin.progress = _progress_line
    if plugin is not None:
        # The errors that stop the build are printed once, as this command's error, not also as a log line.
        _stderr_handler().filters[:] = [lambda record: plugin.stopped_by is None
                                        or record.getMessage() != plugin.stopped_by.message]
    target = config.site_dir
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    except Abort:
        stopped_by = getattr(plugin, "stopped_by", None)
        if stopped_by is not None:
            raise stopped_by from None
        raise
    finally:
        config.plugins.on_shutdown()
    for notice in getattr(plugin, "notices", []):
        click.echo(notice, err=True)
    click.echo(_("build.written", site=target, index=Path(target) / "index.html"), err=True)


def _build_with_zensical(config_file: Path | None, site_dir: Path | None, strict: bool, verbose: bool) -> None:
    project = load_project(config_file)
    target = site_dir or project.root / str(project.mkdocs.get("site_dir") or "site")
    folder = standalone.zensical_build(project, target.resolve(), strict=strict, verbose=verbose)
    _echo_skipped(folder)
    # As the plugin logs them: errors one by one, the rest counted (each with --verbose).
    findings = [*folder.generated.validation_problems, *folder.generated.problems]
    for problem in findings:
        if problem.severity is Severity.ERROR or verbose:
            click.echo(str(problem), err=True)
    others = sum(1 for problem in findings if problem.severity is not Severity.ERROR)
    if others and not verbose:
        click.echo(_("site.findings-logged", n=others), err=True)
    click.echo(_("build.written-zensical", site=target, count=f"{folder.pages:,}", index=target / "index.html"),
               err=True)


def _echo_skipped(folder: standalone.Folder) -> None:
    for path, refused in folder.skipped:
        # Never copied: a link out of docs/ would publish whatever it points to.
        click.echo(f"{display_path(path)}:1:1: warning {refused.code}: {_('site.not-copied', reason=refused.reason)}",
                   err=True)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (click's test runner swaps it)."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def _stderr_handler() -> logging.Handler:
    logger = logging.getLogger("mkdocs")
    for handler in logger.handlers:
        if isinstance(handler, _StderrHandler):
            return handler
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logger.addHandler(handler)
    return handler


def _log_to_stderr(level: int) -> None:
    """What `mkdocs build` prints (warnings, errors), for people who run sopbook instead."""
    _stderr_handler().setLevel(level)
    logger = logging.getLogger("mkdocs")
    logger.setLevel(min(logger.level or logging.WARNING, level))


@click.command(cls=SpeaksHelp)
@config_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option("--dirty/--no-dirty", default=None,
              help="Rebuild only the pages an edit changed (fast on large knowledge bases; other pages keep "
                   "their old navigation until restart), or every page. Default: --dirty from "
                   f"{DIRTY_FROM_PROCEDURES} procedures on.")
def serve(config_file: Path | None, dev_addr: str, open_browser: bool, dirty: bool | None) -> None:
    """Preview the site at http://127.0.0.1:8000/, rebuilt when a YAML file or a template changes."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    project = _project(config_file)
    if dirty is None:
        procedures = count_procedures(project.options.sop_dir)
        dirty = choose_dirty(None, procedures)
        if dirty:
            click.echo(_("serve.dirty", n=procedures, threshold=DIRTY_FROM_PROCEDURES), err=True)
    with _docs_dir_present(project):
        mkdocs_serve(config_file=str(project.config_file), dev_addr=dev_addr, open_in_browser=open_browser,
                     build_type="dirty" if dirty else None)


@click.command(cls=SpeaksHelp)
@config_option
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write: OUT/docs/ (the Markdown pages), OUT/overrides/ and OUT/mkdocs.yml.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Judge reviews as of this date.")
def generate(config_file: Path | None, out_dir: Path, today: dt.datetime | None) -> None:
    """Write the site as a folder that Zensical or plain MkDocs builds without the sopbook plugin.

    OUT/docs/ gets the generated pages, the docs folder's own files, llms.txt and llms-full.txt;
    OUT/overrides/ the theme overrides (edit buttons open the YAML files) and each procedure's Markdown;
    OUT/mkdocs.yml this site's configuration without the plugin, with the navigation written out:
    `zensical build -f OUT/mkdocs.yml` (or `mkdocs build -f OUT/mkdocs.yml`) builds the same site.
    """
    project = load_project(config_file)
    docs_dir = project.root / str(project.mkdocs.get("docs_dir", "docs"))
    _refuse_to_overwrite_the_project(project.config_file, docs_dir, out_dir)
    with collector_paused():  # see speed.py: a large model is built faster without it
        folder = standalone.write(project, out_dir, today.date() if today else None)
    _echo_skipped(folder)
    click.echo(_("generate.written", count=f"{folder.pages:,}", docs=f"{out_dir / 'docs'}{os.sep}",
                 config=folder.config_file), err=True)


def _refuse_to_overwrite_the_project(config_file: Path | None, docs_dir: Path, out_dir: Path) -> None:
    """``generate --out .`` would replace the project's own mkdocs.yml and write pages into its docs/."""
    target = out_dir.resolve()
    if config_file is not None and (target / "mkdocs.yml").resolve() == config_file.resolve():
        raise UsageError(_("site.out-is-project", out=out_dir, file=display_path(config_file)))
    if (target / "docs").resolve() == docs_dir.resolve():
        raise UsageError(_("site.out-is-docs", out=out_dir, folder=display_path(docs_dir)))


COMMANDS = [build, serve, generate]
