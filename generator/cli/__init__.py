"""The ``sopbook`` command: a click group whose commands parse arguments and call the core.

Each command family lives in its own module here and exposes ``COMMANDS``; this file only gathers
them, so the CLI stays a thin door into the core (the MkDocs plugin is the other door).
"""
from __future__ import annotations

import importlib

import click

from .. import __version__

# Modules of this package that define commands, in the order `sopbook --help` lists them.
_COMMAND_MODULES = ("validate", "lint", "report", "workflow", "site")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="sopbook")
def cli() -> None:
    """sopbook: standard operating procedures as YAML, validated, linted and published as a site."""


for _name in _COMMAND_MODULES:
    for _command in importlib.import_module(f"{__name__}.{_name}").COMMANDS:
        cli.add_command(_command)


def main() -> None:
    cli(prog_name="sopbook")
