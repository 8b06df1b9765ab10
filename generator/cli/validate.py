"""``sopbook validate`` and ``sopbook schema``."""
from __future__ import annotations

import json
import sys

import click

from ..cache import Cache
from ..i18n import _, active
from ..options import find_sop_dir, load_project
from ..output import REPORTER_BY_NAME
from ..problems import Severity
from ..schema import KINDS, for_editors
from ..validate import remembered
from ..validate import validate as validate_folder
from . import SpeaksHelp, keep_until_exit, speak

sop_dir_argument = click.argument("sop_dir", required=False, type=click.Path(file_okay=False, path_type=str))
no_cache_option = click.option("--no-cache", is_flag=True,
                               help="Ignore and do not write the cache (in the user's cache folder).")


@click.command(cls=SpeaksHelp)
@sop_dir_argument
@click.option("-f", "--format", "format_name", type=click.Choice(sorted(REPORTER_BY_NAME)), default="text",
              show_default=True, help="How to print the problems.")
@no_cache_option
def validate(sop_dir: str | None, format_name: str, no_cache: bool) -> None:
    """Check every file of the knowledge base (default: ./sop) against the format.

    Prints every problem as path:line:column and exits 0 when the knowledge base is valid, 1 when it
    has errors, 2 on a usage error.
    """
    project = load_project()
    folder = find_sop_dir(sop_dir, project)
    speak(project, folder)
    cache = Cache.beside(folder, enabled=not no_cache)
    media_max_mb = project.options.media_max_mb
    problems = remembered(folder, cache, "validate",
                          lambda: keep_until_exit(validate_folder(folder, cache, media_max_mb=media_max_mb)).problems,
                          media_max_mb)
    REPORTER_BY_NAME[format_name](problems, sys.stdout, None)
    if format_name == "text" and not problems:
        click.echo(_("cli.valid", folder=folder), err=True)
    if any(problem.severity is Severity.ERROR for problem in problems):
        sys.exit(1)


@click.command("schema", cls=SpeaksHelp)
@click.argument("kind", type=click.Choice(KINDS), default="procedure")
def schema_command(kind: str) -> None:
    """Print the JSON Schema of a procedure (or of a registry) for editors and other tools.

    Point VS Code's YAML extension at it, or add a first line
    '# yaml-language-server: $schema=<path>' to a procedure file.
    """
    click.echo(json.dumps(for_editors(kind, active()), ensure_ascii=False, indent=2))


COMMANDS = [validate, schema_command]
