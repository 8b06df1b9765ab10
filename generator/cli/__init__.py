"""The ``sopbook`` command: a click group whose commands parse arguments and call the core.

Each command family lives in its own module here and exposes ``COMMANDS``; this file only gathers
them, so the CLI stays a thin door into the core (the MkDocs plugin is the other door).
"""
from __future__ import annotations

import gc
import importlib
import os
import sys
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import __version__

T = TypeVar("T")

# Command name → the module of this package that defines it (in its COMMANDS list). Modules are
# imported only when their command runs: importing all of them (Jinja, openpyxl, MkDocs) cost a tenth
# of a second of every `sopbook lint`.
COMMAND_MODULES = {
    "validate": "validate", "schema": "validate",
    "lint": "lint",
    "report": "report", "whatif": "report",
    "init": "workflow", "new": "workflow", "fmt": "workflow", "codeowners": "workflow", "import": "workflow",
    "spell": "workflow",
    "build": "site", "serve": "site", "generate": "site", "pdf": "pdf",
    "export": "export",
}

# Commands that read the knowledge base once, print and leave. Python's cycle collector is off for
# them: it found nothing to free (the data has no cycles), yet the first collection after a pause
# walked every object loaded meanwhile — 0.2 s of a 3 s lint at 10,000 procedures. Commands that
# run MkDocs or stay up (build, serve, generate) keep it.
ONE_SHOT = {"validate", "schema", "lint", "report", "whatif", "codeowners", "export"}


_KEPT: list[object] = []
"""What one-shot commands loaded, left for os._exit to drop; only filled when ``main`` runs the command."""


def keep_until_exit(value: T) -> T:
    """Keep ``value`` alive until the process ends, and return it.

    ``main`` leaves through ``os._exit``, so what a command loaded need not be freed object by object
    when the function that loaded it returns: the model and sources of 10,000 procedures took 0.1 s
    to free. Elsewhere (tests, a program invoking ``cli``) nothing is kept.
    """
    if _LEAVING_BY_EXIT:
        _KEPT.append(value)
    return value


_LEAVING_BY_EXIT = False


class _LazyGroup(click.Group):
    """A group that imports a command's module when the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is None:
            return None
        for command in importlib.import_module(f"{__name__}.{module}").COMMANDS:
            if command.name == cmd_name:
                return command
        raise RuntimeError(f"generator.cli.{module} does not define the command {cmd_name!r}")


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="sopbook")
def cli() -> None:
    """sopbook: standard operating procedures as YAML, validated, linted and published as a site."""
    speak(tolerant=True)


def speak(project: Any = None, sop_dir: Path | None = None, *, tolerant: bool = False) -> None:
    """Write every message in the knowledge base's ``language``: that of ``project`` (its mkdocs.yml),
    else of the mkdocs.yml here, else of the one beside ``sop_dir``; ``ja`` when none says.

    ``tolerant``: a broken mkdocs.yml or an unknown language leaves the default, for the command to
    report (the group calls it before any command, even ``init`` in a folder with a broken file).
    """
    from ..i18n import activate
    from ..options import find_config_file, language_of

    if project is not None and project.config_file is not None:
        activate(project.options.language.code)
        return
    # Only the language is read here, and leniently: the command validates every option (once) and
    # reports a bad one, in this language.
    config_file = find_config_file()
    if config_file is None and sop_dir is not None:
        beside = Path(sop_dir).resolve().parent / "mkdocs.yml"
        config_file = beside if beside.is_file() else None
    code = language_of(config_file) if config_file is not None else None
    if code is not None:  # without one, the language stays the default (ja)
        activate(code)


def main() -> None:
    """The ``sopbook`` command: the one place that switches the cycle collector off and leaves by ``os._exit``.

    Both only for the process the command owns; ``cli`` itself (which tests and other programs
    invoke in their own process) changes neither.
    """
    global _LEAVING_BY_EXIT  # noqa: PLW0603 - this process is the command's: nothing outlives it
    _LEAVING_BY_EXIT = True
    command = next((argument for argument in sys.argv[1:] if not argument.startswith("-")), None)
    if command in ONE_SHOT:
        gc.disable()
    try:
        cli(prog_name="sopbook")
        code: object = 0
    except SystemExit as exit:
        code = exit.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    # As mypy does: leave without freeing every object one by one. A knowledge base of 10,000
    # procedures is a million dicts, and tearing them down took 0.25 s of a 3 s lint; everything
    # worth keeping (output, caches) is written and flushed by now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0)
