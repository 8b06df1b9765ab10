"""The pull-request workflow: ``init``, ``new``, ``fmt``, ``codeowners``, ``import`` and ``spell``.

Each command parses its arguments and calls one core module (scaffold, fmt, codeowners, importer,
spell); what they print is the same ``path:line:column`` record as ``validate``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..codeowners import Codeowners
    from ..model import KnowledgeBase

from ..errors import InvalidKnowledgeBase, SopbookError, UsageError
from ..i18n import DEFAULT, LANGUAGES, _, activate
from ..load import display_path, walk_yaml_files
from ..output import report_text
from ..problems import Problem, Severity
from . import SpeaksHelp, speak


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` in one step: an interrupted run leaves the old file, never half a new one."""
    temporary = path.with_name(f".{path.name}.sopbook-tmp")
    temporary.write_bytes(text.encode("utf-8"))
    os.replace(temporary, path)


def _exit_on_errors(problems: list[Problem]) -> None:
    if problems:
        report_text(sorted(problems), sys.stderr)
    if any(problem.severity is Severity.ERROR for problem in problems):
        sys.exit(1)


# --- fmt --------------------------------------------------------------------------------------------

def _files_to_format(paths: tuple[str, ...]) -> list[tuple[Path, Path]]:
    """(file, the folder it must not leave through a symlink) for each file to format."""
    if not paths:
        from ..options import find_sop_dir

        folder = find_sop_dir()
        return [(path, folder) for path in walk_yaml_files(folder)]
    files: list[tuple[Path, Path]] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend((found, path) for found in walk_yaml_files(path))
        elif path.exists() or path.is_symlink():
            # Named one by one (as pre-commit does), a file still may not be a link out of the project.
            files.append((path, Path.cwd()))
        else:
            raise UsageError(_("fmt.no-such-file", name=name))
    return files


@click.command("fmt", cls=SpeaksHelp)
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 and list the files that would change (for CI).")
@click.option("--diff", "show_diff", is_flag=True, help="Print what would change as a unified diff; change nothing.")
def fmt_command(paths: tuple[str, ...], check: bool, show_diff: bool) -> None:
    """Normalise procedure files (default: every file of ./sop): key order, indentation, quoted versions.

    Comments and Japanese text are kept byte for byte, and a second run changes nothing. A file that
    does not parse is reported as path:line and left as it is. Exit 0 when nothing needs changing
    (or everything was rewritten), 1 when --check finds a file to change or a file cannot be read.
    """
    from ..fmt import format_files

    files = _files_to_format(paths)
    problems: list[Problem] = []
    changed: list[str] = []
    for (path, _root), formatted in zip(files, format_files([(path, display_path(path), root) for path, root in files]),
                                    strict=True):
        shown = formatted.path
        problems.extend(formatted.problems)
        if not formatted.changed:
            continue
        changed.append(shown)
        if show_diff:
            click.echo(formatted.diff(), nl=False)
        if check:
            click.echo(_("fmt.would-reformat", path=shown))
        elif not show_diff:
            assert formatted.text is not None
            write_atomically(path, formatted.text)
            click.echo(_("fmt.reformatted", path=shown), err=True)
    untouched = len(files) - len(changed) - len({problem.path for problem in problems})
    summary = "fmt.summary-would" if check or show_diff else "fmt.summary-changed"
    click.echo(_(summary, changed=len(changed), untouched=untouched), err=True)
    _exit_on_errors(problems)
    if check and changed:
        sys.exit(1)


# --- init and new ----------------------------------------------------------------------------------

@click.command("init", cls=SpeaksHelp)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--language", type=click.Choice(LANGUAGES), default=DEFAULT, show_default=True,
              help="The language of the knowledge base: its example, comments, READMEs, site and messages.")
@click.option("--name", "site_name", help="The site's name (site_name in mkdocs.yml; default: one in the language).")
@click.option("--maintainer", "maintainers", multiple=True, metavar="@USER|@ORG/TEAM",
              help="Who must review mkdocs.yml, templates/, .github/ and the registries (CODEOWNERS); repeat "
                   "for several. Best a team, e.g. @your-org/sop-maintainers.")
@click.option("--install", "install", metavar="SOURCE",
              help="Where CI, pre-commit and the team install sopbook from: a version (0.2.0), a git URL with its "
                   "ref (git+https://github.com/org/sopbook@v0.2.0) or a folder (./vendor/sopbook). Default: where "
                   "this sopbook was installed from. Written once, to requirements.txt.")
def init_command(directory: Path, language: str, site_name: str | None, maintainers: tuple[str, ...],
                 install: str | None) -> None:
    """Create a new knowledge base in DIRECTORY: sop/ with an example, mkdocs.yml, CI, CODEOWNERS.

    Also templates/ for overrides, .pre-commit-config.yaml, .vscode/settings.json wired to the JSON
    Schema in schema/, and a README for the team. 'sopbook build' works in it at once.
    """
    from ..codeowners import parse_maintainers
    from ..model import load_knowledge_base
    from ..scaffold import init_knowledge_base

    lang = activate(language)
    chosen = parse_maintainers(list(maintainers), "--maintainer")
    written = init_knowledge_base(directory, site_name or lang("init.site-name"), language=language,
                                  maintainers=chosen, install=install)
    kb, _validation = load_knowledge_base(directory / "sop")
    codeowners = _codeowners(kb, directory, directory / "mkdocs.yml")
    (directory / ".github" / "CODEOWNERS").write_text(codeowners.text, encoding="utf-8")
    click.echo(lang("init.created", directory=directory, count=len(written) + 1))
    requirement = (directory / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1]
    if os.path.isabs(requirement):
        click.echo(lang("init.unreachable-install", path=requirement), err=True)
    click.echo(lang("init.next", directory=directory, example_id=lang("init.example-id"),
                    example_title=lang("init.example-title"), department=lang("init.example-department"),
                    owner=lang("init.example-owner")))
    if not chosen:
        click.echo(lang("init.add-maintainers"))

@click.command("new", cls=SpeaksHelp)
@click.argument("procedure_id", metavar="ID")
@click.option("--title", required=True, help="The procedure's name, as staff would search for it.")
@click.option("--department", required=True, help="e.g. Facilities; also the folder under sop/.")
@click.option("--owner", required=True, help="Person id (in sop/people.yaml) accountable for the procedure.")
@click.option("--backup", "backups", multiple=True, metavar="PERSON",
              help="A person who can also perform it (repeat for several).")
@click.option("--category", help="Optional grouping inside the department.")
@click.option("--sop-dir", type=click.Path(file_okay=False, path_type=str),
              help="The knowledge base folder (default: ./sop, or sop_dir in ./mkdocs.yml).")
def new_command(procedure_id: str, title: str, department: str, owner: str, backups: tuple[str, ...],
                category: str | None, sop_dir: str | None) -> None:
    """Write a commented skeleton for procedure ID in sop/<department>/.

    It validates at once; 'sopbook lint' then warns about each TODO left to fill in. Never
    overwrites a file and refuses an id already in use.
    """
    from ..options import find_sop_dir
    from ..scaffold import new_procedure

    folder = find_sop_dir(sop_dir)
    speak(sop_dir=folder)
    path = new_procedure(folder, procedure_id, title, department, owner, category, backups=list(backups))
    click.echo(_("new.created", path=display_path(path)))
    click.echo(_("new.fill-in"), err=True)


# --- codeowners -------------------------------------------------------------------------------------

def _codeowners(kb: KnowledgeBase, root: Path, config_file: Path | None = None) -> Codeowners:
    """CODEOWNERS for ``kb`` with the maintainers and templates folder of the project's mkdocs.yml."""
    from ..codeowners import build_codeowners, protected_paths
    from ..options import load_project

    project = load_project(config_file)
    shown = display_path(project.config_file) if project.config_file else "mkdocs.yml"
    maintainers = list(project.options.maintainers)
    templates = project.options.templates_dir
    protected = protected_paths(kb, root, project.config_file.resolve() if project.config_file else None,
                                templates)
    return build_codeowners(kb, root, maintainers, protected, shown)


@click.command("codeowners", cls=SpeaksHelp)
@click.argument("sop_dir", required=False, type=click.Path(file_okay=False, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="Where to write (default: .github/CODEOWNERS at the repository root; '-' prints it).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the file is missing or out of date.")
def codeowners_command(sop_dir: str | None, output: str | None, check: bool) -> None:
    """Write CODEOWNERS so each procedure file needs review from its owner and backups.

    Handles come from 'github:' in people.yaml; people without one are reported as warnings.
    """
    from ..codeowners import repository_root
    from ..model import load_knowledge_base
    from ..options import find_sop_dir

    folder = find_sop_dir(sop_dir)
    kb, validation = load_knowledge_base(folder)
    if validation.errors:
        raise InvalidKnowledgeBase(validation.problems, _("codeowners.fix-errors-first"))
    root = repository_root(folder)
    codeowners = _codeowners(kb, root)
    if any(problem.severity is Severity.ERROR for problem in codeowners.problems):
        report_text(codeowners.problems, sys.stderr)
        raise SopbookError(_("codeowners.not-written"))
    if codeowners.problems:
        report_text(codeowners.problems, sys.stderr)
    if output == "-":
        click.echo(codeowners.text, nl=False)
        return
    target = Path(output) if output else root / ".github" / "CODEOWNERS"
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if check:
        if current != codeowners.text:
            click.echo(_("codeowners.out-of-date", path=display_path(target)), err=True)
            sys.exit(1)
        click.echo(_("codeowners.up-to-date", path=display_path(target)), err=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, codeowners.text)
    click.echo(_("codeowners.wrote", path=display_path(target), count=len(kb.procedures)), err=True)


# --- import ----------------------------------------------------------------------------------------

@click.command("import", cls=SpeaksHelp)
@click.argument("spreadsheet", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--map", "mappings", multiple=True, metavar="COLUMN=FIELD",
              help="Which column holds which field, e.g. --map 'Task name=title' (fields: id, title, department, "
                   "performers, hours_per_month, frequency). Repeat for several.")
@click.option("--sheet", help="The worksheet to read (default: the first).")
@click.option("--encoding", help="The CSV file's encoding (default: detect UTF-8 or Shift_JIS).")
@click.option("--id-prefix", default="TASK", show_default=True, help="Prefix of ids made for rows without one.")
@click.option("--dry-run", is_flag=True, help="Show the changes as a diff; write nothing.")
@click.option("--sop-dir", type=click.Path(file_okay=False, path_type=str),
              help="The knowledge base folder (default: ./sop, or sop_dir in ./mkdocs.yml).")
def import_command(spreadsheet: Path, mappings: tuple[str, ...], sheet: str | None, encoding: str | None,
                   id_prefix: str, dry_run: bool, sop_dir: str | None) -> None:
    """Merge a task spreadsheet (.xlsx or .csv) into sop/inventory.yaml, with people stubs.

    Columns title, department, performers, frequency and hours_per_month (or their usual Japanese
    headers; an id column is optional) are recognised by their header. Existing entries and comments
    are kept; a row with a problem is reported as file:row:column and nothing is written.
    """
    from ..importer import import_spreadsheet, parse_mapping
    from ..options import find_sop_dir

    folder = find_sop_dir(sop_dir)
    speak(sop_dir=folder)
    result = import_spreadsheet(spreadsheet, folder, shown=display_path(spreadsheet),
                                mapping=parse_mapping(mappings), sheet=sheet, encoding=encoding,
                                id_prefix=id_prefix)
    _exit_on_errors(result.problems)
    inventory_path, people_path = folder / "inventory.yaml", folder / "people.yaml"
    if result.ignored_columns:
        click.echo(_("import.ignored-columns", columns=", ".join(result.ignored_columns)), err=True)
    merged = ""
    if result.merged_rows:
        rows = ", ".join(map(str, result.merged_rows[:10])) + (" …" if len(result.merged_rows) > 10 else "")
        merged = _("import.merged", count=len(result.merged_rows), rows=rows)
    summary = _("import.summary", added=len(result.added), updated=len(result.updated), kept=result.kept,
                merged=merged, people=len(result.people_added),
                hint=_("import.summary-hint", ids=", ".join(result.people_added)) if result.people_added else "")
    if dry_run:
        click.echo(result.diff(display_path(inventory_path), display_path(people_path)), nl=False)
        click.echo(_("import.dry-run", summary=summary), err=True)
        return
    if result.inventory_after != result.inventory_before:
        write_atomically(inventory_path, result.inventory_after)
    if result.people_after != result.people_before:
        write_atomically(people_path, result.people_after)
    click.echo(summary, err=True)


# --- spell -----------------------------------------------------------------------------------------

@click.command("spell", cls=SpeaksHelp)
@click.argument("sop_dir", required=False, type=click.Path(file_okay=False, path_type=str))
@click.option("--lang", default="en_US", show_default=True,
              help="aspell dictionary; British spellings are accepted too (en_GB adds US ones).")
@click.option("-f", "--format", "format_name", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="How to print the problems.")
def spell_command(sop_dir: str | None, lang: str, format_name: str) -> None:
    """Check the spelling of the English text of every procedure page (aspell, through pyspelling).

    Japanese text, code and URLs are skipped; names and terms go in sop/wordlist.txt, one a line.
    Each unknown word is reported at the line of the procedure file that holds it. Needs aspell
    and aspell-en.
    """
    from ..i18n import active
    from ..model import load_knowledge_base
    from ..options import find_sop_dir, load_project
    from ..output import REPORTER_BY_NAME
    from ..render import render_pages
    from ..spell import WORDLIST, check_aspell, find_misspellings, locate, own_words, placeholder_words, read_wordlist

    check_aspell(lang)  # before the slow part, so a missing aspell is said at once
    project = load_project()
    folder = find_sop_dir(sop_dir, project)
    speak(project, folder)
    kb, validation = load_knowledge_base(folder)
    if validation.errors:
        raise InvalidKnowledgeBase(validation.problems, _("spell.fix-errors-first"))
    pages = [page for page in render_pages(kb, project.options) if page.kind == "procedure"]
    wordlist = folder / WORDLIST
    registries = [source.path for source in kb.sources.values()]
    # sopbook's own words, and the placeholders the placeholder rule reports, are not the author's to fix here.
    placeholders = project.options.lint.option("placeholder", "words")
    known = [*own_words(active()), *placeholder_words(placeholders), *read_wordlist(wordlist)]
    problems = locate(find_misspellings(pages, known, lang), display_path(wordlist), registries)
    REPORTER_BY_NAME[format_name](problems, sys.stdout, None)
    if format_name == "text" and not problems:
        click.echo(_("spell.clean", count=len(pages)), err=True)
    if problems:
        sys.exit(1)


COMMANDS = [init_command, new_command, fmt_command, codeowners_command, import_command, spell_command]
