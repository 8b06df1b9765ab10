"""The ``sopbook`` command: a click group whose commands parse arguments and call the core.

Each command family lives in its own module here and exposes ``COMMANDS``; this file only gathers
them, so the CLI stays a thin door into the core (the MkDocs plugin is the other door).
"""
from __future__ import annotations

import contextlib
import gc
import importlib
import inspect
import os
import re
import sys
import unicodedata
from collections.abc import Iterator
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


def in_language(english: str | None) -> str | None:
    """A help text of the command line in the active language: the English text is the message id
    (``help: `` + the text, as the English JSON Schema descriptions are), so a changed text is a
    missing translation the tests find, not a stale one."""
    if not english:
        return english
    from ..i18n import active, catalogue  # only when help is shown: not a cost of every command

    english = inspect.cleandoc(english)
    # As written, not str.format()ted: help texts show braces ({rules: {...}}) and fill in nothing.
    return catalogue(active().code).get(f"help: {english}", english)


_NO_LINE_START = set("、。，．）」』】〕！？：；ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
"""Japanese does not begin a line with these (kinsoku): they stay on the line before."""
_NO_LINE_END = set("（「『【〔")
"""Nor end one with these: they go to the next line."""


def _columns(character: str) -> int:
    return 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1


def _wrap_wide(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` terminal columns, for text with Japanese in it.

    click wraps at spaces and counts a character as one column: a Japanese sentence has no spaces and
    its characters are two columns wide, so click would leave a line twice the terminal's width. Each
    paragraph comes back marked ``\\b`` (click's "do not rewrap").
    """
    paragraphs = []
    for paragraph in text.split("\n\n"):
        units = re.findall(r"[!-~]+|\s+|.", " ".join(line.strip() for line in paragraph.splitlines()))
        lines: list[str] = []
        line, used = "", 0
        for unit in units:
            size = sum(_columns(character) for character in unit)
            if line and used + size > width and not unit.isspace() and unit[0] not in _NO_LINE_START:
                carried = line[-1] if line[-1] in _NO_LINE_END and len(line) > 1 else ""
                lines.append(line[:len(line) - len(carried)].rstrip())
                line, used = carried, len(carried) * 2
            if not line and unit.isspace():
                continue
            line, used = line + unit, used + size
        lines.append(line.rstrip())
        paragraphs.append("\b\n" + "\n".join(lines))
    return "\n\n".join(paragraphs)


def _is_wide(text: str) -> bool:
    return any(_columns(character) == 2 for character in text)


class _Formatter(click.HelpFormatter):
    """click's help page with its own words (``Usage:``, ``Options``, ``Commands``) in the active language,
    and Japanese wrapped by the width it takes on the terminal."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else f"{in_language('Usage:')} ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(in_language(heading) or heading)

    def write_text(self, text: str) -> None:
        super().write_text(_wrap_wide(text, self.width - self.current_indent) if _is_wide(text) else text)

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(term, _extras_in_language(text)) for term, text in rows]
        first = min(max((click.formatting.term_len(term) for term, _text in rows), default=0), col_max) + col_spacing
        width = max(self.width - first - 2, 10)
        super().write_dl([(term, _wrap_wide(text, width) if _is_wide(text) else text) for term, text in rows],
                         col_max, col_spacing)


def _extras_in_language(text: str) -> str:
    """click's ``[default: text; required]`` after an option's help, in the active language."""
    help_text, bracket, extras = text.rpartition("  [") if not text.startswith("[") else ("", "[", text[1:])
    if not bracket or not extras.endswith("]"):
        return text
    parts = []
    for extra in extras[:-1].split("; "):
        name, colon, value = extra.partition(": ")
        parts.append(f"{in_language(name + ':')} {value}" if colon else in_language(extra) or extra)
    return f"{help_text}  [{'; '.join(parts)}]" if help_text else f"[{'; '.join(parts)}]"


class _Context(click.Context):
    formatter_class = _Formatter


class SpeaksHelp(click.Command):
    """A command whose ``--help`` is in the knowledge base's language (that of the mkdocs.yml here or
    named by ``--config-file``), else in the locale's: see ``speak``. The English texts stay where click
    reads them (the docstring, ``help=``); other languages translate them in their catalogue."""

    context_class = _Context

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        speak(tolerant=True)  # `sopbook --help` is answered before the group has chosen a language
        with self._help_in_language(ctx):
            super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with self._help_in_language(None):
            first = (self.help or "").split("\n\n")[0]
            if "。" in first and not self.short_help:
                # click shortens at a space, which Japanese does not have: its first sentence instead.
                return first.split("。")[0] + "。"
            return super().get_short_help_str(limit)

    @contextlib.contextmanager
    def _help_in_language(self, ctx: click.Context | None) -> Iterator[None]:
        """The help texts in the active language while click formats them; the English ones again after."""
        parameters = [self, *(self.get_params(ctx) if ctx is not None else self.params)]
        english = [(parameter, parameter.help) for parameter in parameters if hasattr(parameter, "help")]
        for parameter, text in english:
            parameter.help = in_language(text)
        try:
            yield
        finally:
            for parameter, text in english:
                parameter.help = text


class _LazyGroup(SpeaksHelp, click.Group):
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

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            ctx.meta[_CONFIG_FILE] = _option_value(command, "config_file", rest)
        return name, command, rest


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="sopbook")
def cli() -> None:
    """sopbook: standard operating procedures as YAML, validated, linted and published as a site."""
    speak(tolerant=True)


def speak(project: Any = None, sop_dir: Path | None = None, *, tolerant: bool = False) -> None:
    """Write every message in the knowledge base's ``language``: that of ``project`` (its mkdocs.yml),
    else of the mkdocs.yml here, else of the one beside ``sop_dir`` (``ja`` when it names none).

    Without a language sopbook can read there (no mkdocs.yml, a broken one, ``language: fr``), the
    user's locale decides (``LANG=en_US.UTF-8`` → en), else ``ja``: see ``i18n.from_environment``.
    ``tolerant``: kept for the group, which calls it before any command (even ``init`` in a folder
    with a broken file); a broken mkdocs.yml is reported by the command itself, in that language.
    """
    from ..i18n import activate, from_environment
    from ..options import find_config_file, language_of

    if project is not None and project.config_file is not None:
        activate(project.options.language.code)
        return
    # Only the language is read here, and leniently: the command validates every option (once) and
    # reports a bad one, in this language.
    config_file = find_config_file(_config_file_argument())
    if config_file is None and sop_dir is not None:
        beside = Path(sop_dir).resolve().parent / "mkdocs.yml"
        config_file = beside if beside.is_file() else None
    code = language_of(config_file) if config_file is not None else None
    activate(code or from_environment())


def _config_file_argument() -> str | None:
    """The mkdocs.yml named on the command line (``--config-file``, ``-f`` of build, ``--config`` of lint),
    noted by the group before the command parses its options: ``sopbook build -f x.yml --help`` speaks
    x.yml's language."""
    context = click.get_current_context(silent=True)
    return context.meta.get(_CONFIG_FILE) if context is not None else None


_CONFIG_FILE = "sopbook.config_file"


def _option_value(command: click.Command, name: str, arguments: list[str]) -> str | None:
    """The value given to ``command``'s option ``name`` in ``arguments`` (not parsed yet), if any."""
    flags = next((param.opts for param in command.params if param.name == name), [])
    for index, argument in enumerate(arguments):
        if argument in flags and index + 1 < len(arguments):
            return arguments[index + 1]
        flag, equals, value = argument.partition("=")
        if equals and flag in flags:
            return value
    return None


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
