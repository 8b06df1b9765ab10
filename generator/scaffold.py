"""``sopbook init`` (a new knowledge base that builds at once) and ``sopbook new`` (a procedure skeleton).

The files of a new knowledge base ship in ``generator/data/scaffold/<language>/``. Names starting ``dot-`` become
dotfiles (``dot-github`` → ``.github``), because packaging tools skip real dotfiles; ``@@NAME@@``
tokens are filled in (not Jinja: the GitHub workflow is full of ``${{ }}``).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from . import __version__, paths
from .errors import UsageError
from .i18n import DEFAULT, _, active
from .schema import KINDS, for_editors, id_pattern
from .validate import ALL_REGISTRIES, registry_path

SCHEMA_DIR = "schema"
"""Where ``init`` writes the JSON Schemas, relative to the knowledge base root (for editors)."""

# Besides what Windows forbids: what validate rejects (quotes, backticks, control and bidi marks; see
# validate.UNSAFE_IN_FILE_NAME) and what CODEOWNERS would have to escape.
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f-\x9f\'`\[\]!#'
                             r'\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+')


def _scaffold_files(language: str) -> Traversable:
    """The files of a new knowledge base in ``language``: ``data/scaffold/<language>/``, one folder per
    language (a new language is a new folder, beside its catalogue)."""
    folder = resources.files("generator") / "data" / "scaffold" / language
    if not folder.is_dir():
        raise UsageError(_("init.no-scaffold", language=language))
    return folder


def _target_name(name: str) -> str:
    return "." + name[len("dot-"):] if name.startswith("dot-") else name


def install_requirement(source: str | None = None) -> str:
    """The requirements.txt line that installs sopbook: from ``source`` or, without one, from wherever the
    running sopbook came from (PEP 610's direct_url.json: a git commit, a folder, else a version pin).

    ``source`` is a version (``0.2.0`` → ``sopbook==0.2.0``), a pip requirement (``sopbook==0.2.0``,
    ``sopbook @ git+https://...``), a git URL with its ref (``git+https://github.com/org/sopbook@v0.2.0``)
    or a folder (``./vendor/sopbook``, relative to the knowledge base as CI checks it out).
    """
    if source is None:
        source = _running_source()
    source = source.strip()
    if not source or any(char in source for char in "\n\r\0"):
        raise UsageError(_("scaffold.bad-install"))
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)*(?:[a-z0-9.+-]*)", source):
        return f"sopbook=={source}"
    if source.startswith(("git+", "hg+", "https://", "http://", "file:")):
        return f"sopbook @ {source}"
    return source  # "sopbook==0.2.0", "sopbook @ ...", or a folder, which pip reads as a local project


def _running_source() -> str:
    """Where this sopbook was installed from, as ``install_requirement`` reads it."""
    from importlib import metadata

    try:
        distribution = metadata.distribution("sopbook")
        direct = json.loads(distribution.read_text("direct_url.json") or "null")
    except (metadata.PackageNotFoundError, ValueError):
        direct = None
    if isinstance(direct, dict) and isinstance(direct.get("url"), str):
        url, vcs = direct["url"], direct.get("vcs_info")
        if isinstance(vcs, dict) and vcs.get("vcs") == "git":
            return f"git+{url}@{vcs.get('commit_id') or vcs.get('requested_revision') or 'main'}"
        if url.startswith("file://"):
            from urllib.parse import unquote, urlparse

            return unquote(urlparse(url).path)
    return __version__


def init_knowledge_base(root: Path, site_name: str, today: dt.date | None = None,
                        language: str = DEFAULT, maintainers: list[str] | None = None,
                        install: str | None = None) -> list[Path]:
    """Write a new knowledge base in ``language`` into ``root`` (missing or empty, a ``.git`` aside);
    returns the files."""
    if root.exists() and not root.is_dir():
        raise UsageError(_("init.is-a-file", path=root))
    if root.exists() and any(entry.name != ".git" for entry in root.iterdir()):
        raise UsageError(_("init.not-empty", path=root))
    scaffold = _scaffold_files(language)
    # In mkdocs.yml the name is a quoted YAML text: "[Team] Procedures" or "Facilities: how-to" are names.
    tokens = {"@@SITE_NAME_YAML@@": json.dumps(site_name, ensure_ascii=False), "@@SITE_NAME@@": site_name,
              "@@LANGUAGE@@": language, "@@TODAY@@": (today or dt.date.today()).isoformat(),
              "@@INSTALL@@": install_requirement(install), "@@VERSION@@": __version__,
              "@@MAINTAINERS@@": json.dumps(maintainers or [])}
    written: list[Path] = []

    def copy(folder: Traversable, target: Path) -> None:
        target.mkdir(parents=True, exist_ok=True)
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name == "__pycache__":
                continue
            destination = target / _target_name(entry.name)
            if entry.is_dir():
                copy(entry, destination)
                continue
            text = entry.read_text(encoding="utf-8")
            for token, value in tokens.items():
                text = text.replace(token, value)
            destination.write_text(text, encoding="utf-8")
            written.append(destination)

    copy(scaffold, root)
    written += write_schemas(root)
    written.append(_write_vscode_settings(root))
    return written


def write_schemas(root: Path) -> list[Path]:
    """The JSON Schemas as ``sopbook schema`` prints them, for editors that read a file."""
    folder = root / SCHEMA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in KINDS:
        path = folder / f"{kind}.schema.json"
        path.write_text(json.dumps(for_editors(kind, active()), ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
        paths.append(path)
    return paths


def _write_vscode_settings(root: Path) -> Path:
    """VS Code's YAML extension: which schema checks which file, so owners see mistakes as they type."""
    schemas: dict[str, object] = {f"./{SCHEMA_DIR}/procedure.schema.json": ["sop/*/**/*.yaml", "sop/*/**/*.yml"]}
    for kind in ALL_REGISTRIES:
        schemas[f"./{SCHEMA_DIR}/{kind}.schema.json"] = [f"sop/{kind}.yaml", f"sop/{kind}.yml"]
    settings = {
        "yaml.schemas": schemas,
        "yaml.validate": True,
        "yaml.completion": True,
        # sopbook reads YAML 1.1 (yes/on are true, 1:30 is a number of minutes): so must the editor.
        "yaml.yamlVersion": "1.1",
        "files.encoding": "utf8",
        "files.insertFinalNewline": True,
        "[yaml]": {"editor.tabSize": 2, "editor.insertSpaces": True, "editor.detectIndentation": False},
    }
    path = root / ".vscode" / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


# --- new --------------------------------------------------------------------------------------------

SKELETON_DIR = "skeleton"
"""``generator/data/skeleton/<language>.yaml``: the commented procedure ``sopbook new`` writes, with
``str.format`` fields ({id}, {title}, {owner}, ...)."""


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar on one line: plain when that reads back the same, else double-quoted."""
    import yaml

    text = " ".join(text.split())
    try:
        if text and yaml.safe_load(text) == text and not text.startswith(("#", "'", '"')) and ": " not in text:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)


def file_name(procedure_id: str, title: str) -> str:
    """``GA-010-備品の棚卸し.yaml``, as the demo names its files; unsafe characters become '-'."""
    safe_title = _UNSAFE_IN_NAME.sub("-", title).strip("-.")[:40]
    return f"{procedure_id}-{safe_title}.yaml" if safe_title else f"{procedure_id}.yaml"


def existing_ids(sop_dir: Path) -> dict[str, str]:
    """Procedure id → the file it is in, for every procedure that parses."""
    from .validate import read_sources

    sources = read_sources(sop_dir, jobs=1)
    ids: dict[str, str] = {}
    for source in sources.procedures:
        if isinstance(source.data, dict) and isinstance(source.data.get("id"), str):
            ids.setdefault(source.data["id"], source.path)
    return ids


def new_procedure(sop_dir: Path, procedure_id: str, title: str, department: str, owner: str,
                  category: str | None = None, today: dt.date | None = None,
                  backups: list[str] | None = None) -> Path:
    """Write a commented skeleton to ``sop_dir/<department>/<id>-<title>.yaml``; refuse to overwrite or reuse.

    The skeleton's comments are in the active language (the knowledge base's, see ``i18n.activate``).
    """
    if not id_pattern().match(procedure_id):
        raise UsageError(_("new.bad-id", id=procedure_id))
    if not title.strip() or not department.strip():
        raise UsageError(_("new.empty"))
    folder_name = _UNSAFE_IN_NAME.sub("-", department.strip()).strip("-.")
    if not folder_name:
        raise UsageError(_("new.bad-department", department=department))
    for option, name in (("--department", department), ("--category", category)):
        # The name becomes a folder here and in the site: one over 255 bytes fails with Errno 36.
        if name and paths.too_long(paths.segment(name)) is not None:
            raise UsageError(_("new.name-too-long", option=option, size=len(name.encode("utf-8")),
                               limit=paths.MAX_NAME_BYTES - paths.LONGEST_SUFFIX))
    backups = [backup for backup in dict.fromkeys(backups or []) if backup != owner]
    for person in [owner, *backups]:
        _check_person(sop_dir, person, "--owner" if person == owner else "--backup")
    taken = existing_ids(sop_dir)
    if procedure_id in taken:
        raise UsageError(_("new.id-taken", id=procedure_id, path=taken[procedure_id]))
    path = sop_dir / folder_name / file_name(procedure_id, title)
    if path.exists():
        raise UsageError(_("new.exists", path=path))
    schema_file = sop_dir.parent / SCHEMA_DIR / "procedure.schema.json"
    modeline = ""
    if schema_file.is_file():
        relative = Path(os.path.relpath(schema_file, path.parent)).as_posix()
        modeline = f"# yaml-language-server: $schema={relative}\n"
    day = (today or dt.date.today()).isoformat()
    skeleton = resources.files("generator") / "data" / SKELETON_DIR / f"{active().code}.yaml"
    text = skeleton.read_text(encoding="utf-8").format(
        modeline=modeline, id=procedure_id, title=_scalar(title), department=_scalar(department.strip()),
        category=f"category: {_scalar(category)}\n" if category else "", owner=owner, today=day,
        backups=(f"{'backups: [' + ', '.join(backups) + ']':<30} # {_('new.backups-comment')}\n" if backups else
                 _("new.no-backups") + "\n"),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
    return path


def _check_person(sop_dir: Path, owner: str, option: str) -> None:
    """The owner (or a backup) must be an active person of people.yaml, or the skeleton would not validate."""
    from .load import MAX_REGISTRY_BYTES, load_file
    from .problems import did_you_mean

    people_file = registry_path(sop_dir, "people")
    if people_file is None:
        raise UsageError(_("new.no-people", sop_dir=sop_dir))
    people = load_file(people_file, root=sop_dir, limit=MAX_REGISTRY_BYTES, what="registry").data
    if not isinstance(people, dict):
        raise UsageError(_("new.unreadable-people", path=people_file))
    if owner not in people:
        names = {key: entry["name"] for key, entry in people.items()
                 if isinstance(entry, dict) and isinstance(entry.get("name"), str)}
        hint = did_you_mean(owner, people, names=names) or _("new.add-person", person=owner, path=people_file)
        raise UsageError(_("new.unknown-person", option=option, person=owner, path=people_file, hint=hint))
    entry = people[owner]
    if isinstance(entry, dict) and entry.get("active") is False:
        raise UsageError(_("new.departed", option=option, person=owner, path=people_file))
