"""Schema and cross-reference validation of a knowledge base folder → sorted problems.

``read_sources`` loads every file (through the per-file cache) and checks it against its schema;
``cross_check`` checks what no single file can: unique ids, and that every owner, backup, actor,
approver, author, tool, member and related procedure named in one file exists in another.
"""
from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from . import media, paths, schema
from .cache import Cache, code_stamp, digest, racy, stamp
from .files import Folder
from .i18n import _
from .load import MAX_FILE_BYTES, MAX_REGISTRY_BYTES, Source, display_path, load_bytes, load_file, walk_yaml_files
from .problems import Problem, Severity, cap_per_file, closest, did_you_mean
from .schema import id_pattern
from .speed import in_parallel

Entry = tuple[int, int, "str | None", Source]
"""A per-file cache entry: size, modification time, content digest (only when racy), the loaded source."""
FileStamp = tuple[int, int, "str | None"]

REGISTRIES = ("people", "roles", "tools", "inventory")
"""The registry files that live directly in ``sop/``; every other YAML file there is a procedure."""
OPTIONAL_REGISTRIES = ("training",)
"""Registries a knowledge base may have: read when present, never missing."""
ALL_REGISTRIES = REGISTRIES + OPTIONAL_REGISTRIES


@dataclass
class Sources:
    """Every file of a knowledge base, loaded and schema-checked."""

    sop_dir: Path
    registries: dict[str, Source] = field(default_factory=dict)
    """Registry name → source; a missing registry is absent (and reported)."""
    procedures: list[Source] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """Problems that belong to no single loaded file (a missing registry, an empty folder)."""

    def all(self) -> Iterator[Source]:
        yield from self.registries.values()
        yield from self.procedures


@dataclass
class Validation:
    sources: Sources
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors


def registry_path(sop_dir: Path, name: str) -> Path | None:
    for suffix in (".yaml", ".yml"):
        candidate = sop_dir / f"{name}{suffix}"
        # lexists, not is_file: a people.yaml that is a pipe or a link outside is refused by the reader
        # with the reason, rather than called missing.
        if os.path.lexists(candidate):
            return candidate
    return None


def list_files(sop_dir: Path) -> tuple[dict[str, Path], list[Path]]:
    """(registry name → path, procedure paths), both in a stable order."""
    registries = {name: found for name in ALL_REGISTRIES if (found := registry_path(sop_dir, name))}
    registry_files = set(registries.values())
    procedures = [path for path in walk_yaml_files(sop_dir) if path not in registry_files]
    return registries, procedures


def other_files(sop_dir: Path) -> list[Path]:
    """Every file under ``sop_dir`` that is not YAML (screenshots, forms): validate's answer depends on them."""
    found = []
    for folder, dirnames, filenames in os.walk(sop_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found += [Path(folder, name) for name in sorted(filenames)
                  if not name.startswith(".") and not name.endswith((".yaml", ".yml"))]
    return found


UNSAFE_IN_FILE_NAME = re.compile("[\x00-\x1f\x7f-\x9f\"'`<>\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""What a file or folder name under sop/ may not contain: control characters (a newline would start a new
CODEOWNERS rule, an escape sequence would rewrite the CI log), quotes, backticks and angle brackets (they
end the attribute, code span or tag the name is printed in), and the invisible marks that reorder text."""


def printable_path(path: str) -> str:
    """``path`` with every invisible or control character shown as its ``\\uXXXX`` escape, for messages."""
    return "".join(f"\\u{ord(char):04x}" if (char.isspace() and char != " ") or not char.isprintable() else char
                   for char in path)


def _describe_character(char: str) -> str:
    if char.isprintable():
        return f"'{char}'"
    return _("validate.unsafe-character", code=f"{ord(char):04X}")


PARALLEL_THRESHOLD = 400
"""Below this many files to parse, starting worker processes costs more than it saves."""


def read_sources(sop_dir: Path, cache: Cache | None = None, jobs: int | None = None) -> Sources:
    """Load and schema-check every file under ``sop_dir``; unchanged files come from the cache.

    ``jobs`` worker processes parse in parallel (default: one per core, when there is enough to
    parse); ``jobs=1`` parses in this process, as a caller with threads of its own should ask.
    """
    cache = cache or Cache(None)
    registry_files, procedure_files = list_files(sop_dir)
    sources = Sources(sop_dir)
    # shown path → (size, mtime_ns, content digest, source): a file whose size and mtime match is not even
    # read, unless it was modified just before it was parsed (then the digest of its content decides).
    previous: dict[str, Entry] = cache.get("sources", code_stamp()) or {}
    current: dict[str, Entry] = {}

    shown_root = display_path(sop_dir)
    root = str(sop_dir)
    prefix = len(str(sop_dir)) + 1
    folder = Folder(sop_dir)  # what no file may leave through a symlink, resolved once
    wanted: list[tuple[str, str, str, str]] = []  # (path, shown, kind, folder) in report order
    for name in REGISTRIES:
        registry = registry_files.get(name)
        if registry is None:
            shown = display_path(sop_dir / f"{name}.yaml")
            sources.problems.append(Problem(
                shown, 1, 1, "missing-registry", Severity.ERROR,
                _("validate.missing-registry", path=shown, files=", ".join(n + ".yaml" for n in REGISTRIES))))
            continue
        wanted.append((str(registry), display_path(registry), name, folder))
    for name in OPTIONAL_REGISTRIES:
        if name in registry_files:
            wanted.append((str(registry_files[name]), display_path(registry_files[name]), name, folder))
    for procedure_file in procedure_files:
        # Resolving each of 10,000 paths costs a second; they all lie below sop_dir (which, when it is
        # ".", is not written in front of them).
        text = str(procedure_file)
        inner = text[prefix:] if text.startswith(root + os.sep) else str(procedure_file.relative_to(sop_dir))
        unsafe = UNSAFE_IN_FILE_NAME.search(inner)
        if unsafe is None:
            wanted.append((text, os.path.join(shown_root, inner), "procedure", folder))
            continue
        shown = os.path.join(shown_root, printable_path(inner))
        wanted.append((text, shown, "procedure", folder))
        sources.problems.append(Problem(
            shown, 1, 1, "unsafe-file-name", Severity.ERROR,
            _("validate.unsafe-file-name", character=_describe_character(unsafe.group()))))

    loaded: dict[str, Source] = {}
    to_parse: list[tuple[str, str, str, str]] = [] if previous else wanted  # nothing cached: no stat needed here
    changed = False
    now = time.time_ns()
    for path, shown, kind, _root in (wanted if previous else ()):
        try:
            info = os.stat(path)
        except OSError:
            to_parse.append((path, shown, kind, folder))
            continue
        hit = previous.get(shown)
        if hit is None or hit[0] != info.st_size or hit[1] != info.st_mtime_ns:
            to_parse.append((path, shown, kind, folder))
        elif hit[2] is None:
            loaded[shown] = hit[3]
            current[shown] = hit
        elif hit[2] == _content_digest(path, info):
            loaded[shown] = hit[3]
            # Unchanged since a moment that lies a tick in the past: the stamp alone suffices from now on.
            current[shown] = hit if racy(info.st_mtime_ns, now) else (hit[0], hit[1], None, hit[3])
            changed = changed or current[shown] is not hit
        else:
            to_parse.append((path, shown, kind, folder))
    for (_path, shown, _kind, _root), (entry, source) in zip(to_parse, _parse_all(to_parse, jobs), strict=True):
        loaded[shown] = source
        if entry is not None:
            current[shown] = (*entry, source)

    for _path, shown, kind, _root in wanted:
        if kind == "procedure":
            sources.procedures.append(loaded[shown])
        else:
            sources.registries[kind] = loaded[shown]
    if not procedure_files:
        shown = display_path(sop_dir)
        sources.problems.append(Problem(shown, 1, 1, "no-procedures", Severity.WARNING,
                                        _("validate.no-procedures", path=shown)))
    if to_parse or changed or current.keys() != previous.keys():
        cache.put("sources", code_stamp(), current, background=len(current) > PARALLEL_THRESHOLD)
    return sources


def _parse_one(task: tuple[str, str, str, str]) -> tuple[FileStamp | None, Source]:
    """Read, parse and schema-check one file; returns its cache stamp (size, mtime, digest if racy)."""
    path, shown, kind, root = task
    read_at = time.time_ns()
    if kind == "procedure":
        limit, what = MAX_FILE_BYTES, "procedure"
    else:
        limit, what = MAX_REGISTRY_BYTES, "registry"
    # Every path here is a registry directly in the knowledge base folder or a file its walk found.
    try:
        info = os.stat(path)
    except OSError:
        return None, _checked(load_file(Path(path), shown, root=root, limit=limit, what=what, walked=True), kind)
    size = info.st_size if stat.S_ISREG(info.st_mode) else None
    # The digest is taken before the file is parsed: were it written in between, the digest would
    # be of the older content, and the next run would parse again rather than trust the new one.
    content = _content_digest(path, info) if racy(info.st_mtime_ns, read_at) else None
    source = load_file(Path(path), shown, size, root=root, limit=limit, what=what, walked=True)
    return (info.st_size, info.st_mtime_ns, content), _checked(source, kind)


def _content_digest(path: str, info: os.stat_result) -> str:
    """The digest of a regular file's bytes, for the racy check; anything else gets "-" (never trusted)."""
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES or os.path.islink(path):
        return "-"  # the one reader decides about links and devices; this only compares contents
    try:
        with open(path, "rb") as handle:
            return digest(handle.read())
    except OSError:
        return "-"


def _parse_chunk(_shared: None, tasks: Sequence[tuple[str, str, str, str]]) -> list[tuple[FileStamp | None, Source]]:
    return [_parse_one(task) for task in tasks]


def _parse_all(tasks: list[tuple[str, str, str, str]], jobs: int | None) -> list[tuple[FileStamp | None, Source]]:
    if len(tasks) >= PARALLEL_THRESHOLD:
        for kind in {task[2] for task in tasks}:
            schema.prepare(kind)  # compiled once here, before the workers fork, rather than once in each
    # A worker's share costs it the pickling on top, so this process takes a little more than an
    # equal share (measured on 2 cores at 10,000 files: 45% here 2.1 s, 55% 1.9 s, 60% 2.05 s).
    return in_parallel(_parse_chunk, None, tasks, threshold=PARALLEL_THRESHOLD, jobs=jobs, own_share=1.1,
                       min_chunk=50)


def _checked(source: Source, kind: str) -> Source:
    """Add schema problems to a freshly loaded source (done once per file content, then cached)."""
    if source.empty:
        if kind == "procedure":
            source.problems.append(Problem(source.path, 1, 1, "empty-file", Severity.ERROR,
                                           _("validate.empty-file")))
        else:
            source.data = {}
        return source
    if source.data is None and source.ok and kind != "procedure":
        source.data = {}  # a registry that says only "~" is as empty as an empty file
    if source.data is not None or source.ok:
        # Also for files that parsed with problems (a duplicate key): their structure still counts.
        source.problems.extend(schema.check(kind, source))
    return source


def validate(sop_dir: Path, cache: Cache | None = None, jobs: int | None = None,
             media_max_mb: float = media.DEFAULT_MAX_MB) -> Validation:
    """Everything ``sopbook validate`` reports, sorted by file and line.

    ``media_max_mb``: screenshots and attachments above this size get a warning.
    """
    sources = read_sources(sop_dir, cache, jobs)
    problems = list(sources.problems)
    for source in sources.all():
        problems.extend(source.problems)
    references = cross_check(sources)
    # A person's name written for an id has two problems at one place: not an id (schema), and
    # whose id to write (cross_check). Only the second helps.
    named = {(problem.path, problem.line, problem.column) for problem in references
             if problem.code == "unknown-person"}
    problems = [problem for problem in problems
                if not (problem.code == "invalid-value" and (problem.path, problem.line, problem.column) in named)]
    problems.extend(references)
    # Not cached with the YAML files: a screenshot can vanish while its YAML file stays the same.
    problems.extend(media.check((reference for source in sources.procedures
                                 for reference in media.references(source)), sop_dir, media_max_mb))
    problems = cap_per_file(problems)
    return Validation(sources, problems)


def _is_yaml_name(relative: str) -> bool:
    parts = relative.split("/")
    return relative.endswith((".yaml", ".yml")) and not any(part.startswith(".") for part in parts)


def validate_files(sop_dir: Path, files: dict[str, bytes],
                   memo: dict[tuple[str, str], Source] | None = None,
                   oids: dict[str, str] | None = None) -> Validation:
    """``validate`` of a knowledge base held in memory (a past commit's tree): path below ``sop_dir`` → bytes.

    The same files are registries and procedures as on disk (``list_files``). ``memo`` (keyed by the
    file's blob id from ``oids`` and its shown path) lets a history walk parse each version of a file
    once, however many points of the trend share it.
    """
    names = sorted((name for name in files if _is_yaml_name(name)), key=lambda name: name.split("/"))
    registry_names: dict[str, str] = {}
    for name in ALL_REGISTRIES:
        for suffix in (".yaml", ".yml"):
            if f"{name}{suffix}" in files:
                registry_names[name] = f"{name}{suffix}"
                break
    shown_root = display_path(sop_dir)
    sources = Sources(sop_dir)

    def source_of(name: str, kind: str) -> Source:
        shown = os.path.join(shown_root, name)
        key = ((oids or {}).get(name, ""), shown)
        if memo is not None and key[0] and key in memo:
            return memo[key]
        raw = files[name]
        if len(raw) > (MAX_FILE_BYTES if kind == "procedure" else MAX_REGISTRY_BYTES):
            source = Source(shown)
            source.problems.append(Problem(shown, 1, 1, "file-too-large", Severity.ERROR,
                                           _("validate.file-larger", limit=MAX_FILE_BYTES // 1024 // 1024)))
        else:
            source = _checked(load_bytes(raw, shown), kind)
        if memo is not None and key[0]:
            memo[key] = source
        return source

    for name in REGISTRIES:
        if name in registry_names:
            sources.registries[name] = source_of(registry_names[name], name)
        else:
            shown = os.path.join(shown_root, f"{name}.yaml")
            sources.problems.append(Problem(shown, 1, 1, "missing-registry", Severity.ERROR,
                                            _("validate.registry-missing", path=shown)))
    for name in OPTIONAL_REGISTRIES:
        if name in registry_names:
            sources.registries[name] = source_of(registry_names[name], name)
    taken = set(registry_names.values())
    for name in names:
        if name not in taken:
            sources.procedures.append(source_of(name, "procedure"))
    problems = list(sources.problems)
    for source in sources.all():
        problems.extend(source.problems)
    problems.extend(cross_check(sources))
    problems = cap_per_file(problems)
    return Validation(sources, problems)


Result = TypeVar("Result")


def remembered(sop_dir: Path, cache: Cache, name: str, compute: Callable[[], Result], *options: object) -> Result:
    """``compute()``, or its answer from the run cache when no file under ``sop_dir``, none of ``options``
    and not sopbook itself changed since it was last computed: an unchanged knowledge base of 10,000
    procedures then costs a directory walk, not a parse."""
    if not cache.enabled:
        return compute()  # --no-cache: the walk and the stat of every file would buy nothing (0.2 s at 10,000)
    registries, procedures = list_files(sop_dir)
    key = stamp([*registries.values(), *procedures, *other_files(sop_dir)], str(Path.cwd()), *options)
    if key is None:  # a file changed a moment ago and may change again unseen: compute, keep nothing
        return compute()
    cached = cache.get(name, key)
    if cached is not None:
        return cached
    answer = compute()
    cache.put(name, key, answer)
    return answer


# --- cross references ---------------------------------------------------------------------------


def _mapping(source: Source | None) -> dict[Any, Any]:
    if source is None or not isinstance(source.data, dict):
        return {}
    return source.data


def _entry_ok(entry: Any) -> bool:
    return isinstance(entry, dict)




Label = tuple[str, dict[str, Any]]
"""Where a reference stands, as a catalogue key and its values (``("where.step-actor", {"n": 3})``); put into
words only for a problem: wording every reference of 10,000 procedures, nearly all of them fine, took 0.15 s."""


def _worded(label: Label) -> str:
    return _(label[0], **label[1])


def _is_id(value: Any) -> bool:
    """Only well-formed ids are looked up: a malformed one already has its schema error."""
    return isinstance(value, str) and id_pattern().match(value) is not None


class _Resolver:
    """Knows which ids exist, and words the problem when one does not."""

    def __init__(self, sources: Sources) -> None:
        self.people_source = sources.registries.get("people")
        self.roles_source = sources.registries.get("roles")
        self.tools_source = sources.registries.get("tools")
        self.people = {k for k, v in _mapping(self.people_source).items() if isinstance(k, str)}
        self.names = {k: v["name"] for k, v in _mapping(self.people_source).items()
                      if isinstance(k, str) and isinstance(v, dict) and isinstance(v.get("name"), str)}
        self.roles = {k for k, v in _mapping(self.roles_source).items() if isinstance(k, str)}
        self.tools = {k for k, v in _mapping(self.tools_source).items() if isinstance(k, str)}
        # The references that are fine (nearly all) are found in these without matching the id pattern
        # again: 170,000 matches at 10,000 procedures.
        self.fine_people = {k for k in self.people if _is_id(k)}
        self.fine_actors = self.fine_people | {k for k in self.roles if _is_id(k)}
        self.fine_tools = {k for k in self.tools if _is_id(k)}
        # When a registry is missing or unreadable its own error says so; checking references
        # against it would bury that one error under hundreds of "unknown" ones.
        self.people_known = self.people_source is not None and self.people_source.data is not None
        self.roles_known = self.roles_source is not None and self.roles_source.data is not None
        self.tools_known = self.tools_source is not None and self.tools_source.data is not None
        self.sop_dir = sources.sop_dir
        self._hints: dict[tuple[str, str], str] = {}

    def _hint(self, kind: str, value: str) -> str:
        """The did-you-mean of an unknown ``value``, worked out once: a file that names the same unknown
        actor in 35,000 steps took 6 s of fuzzy matching, the same answer each time."""
        key = (kind, value)
        if key not in self._hints:
            if kind == "person":
                self._hints[key] = did_you_mean(value, self.people, names=self.names)
            elif kind == "actor":
                self._hints[key] = did_you_mean(value, self.people | self.roles, names=self.names)
            else:
                self._hints[key] = did_you_mean(value, self.tools)
        return self._hints[key]

    def _registry(self, name: str) -> str:
        source = {"people": self.people_source, "roles": self.roles_source, "tools": self.tools_source}[name]
        return source.path if source is not None else display_path(self.sop_dir / f"{name}.yaml")

    def person(self, source: Source, value: Any, label: Label, path: tuple[Any, ...],
               procedure: str | None) -> Problem | None:
        if isinstance(value, str) and value in self.fine_people:
            return None
        if not _is_id(value):
            return self.name_instead_of_id(source, value, label, path, procedure)
        if not self.people_known or value in self.people:
            return None
        if value in self.roles:
            return source.problem("not-a-person", _("validate.not-a-person", label=_worded(label), value=value,
                                                    registry=self._registry("people")),
                                  *path, procedure=procedure)
        return source.problem("unknown-person",
                              _("validate.unknown-person", label=_worded(label), value=value,
                                registry=self._registry("people"), hint=self._hint("person", value)),
                              *path, procedure=procedure)

    def name_instead_of_id(self, source: Source, value: Any, label: Label, path: tuple[Any, ...],
                           procedure: str | None) -> Problem | None:
        """``owner: Chris Lee``: a person's name where their id belongs (the schema says it is no id;
        this says whose id to write, and replaces that problem in ``validate``)."""
        if not isinstance(value, str) or not self.people_known:
            return None
        person = closest(value, self.people, cutoff=1.0, names=self.names)
        if person is None:
            return None
        return source.problem("unknown-person", _("validate.person-name", label=_worded(label), value=value, id=person,
                                                  registry=self._registry("people")), *path, procedure=procedure)

    def actor(self, source: Source, value: Any, label: Label, path: tuple[Any, ...],
              procedure: str | None) -> Problem | None:
        if isinstance(value, str) and value in self.fine_actors:
            return None
        if not _is_id(value):
            return self.name_instead_of_id(source, value, label, path, procedure)
        if value in self.people or value in self.roles:
            return None
        if not (self.people_known and self.roles_known):
            return None
        return source.problem("unknown-person",
                              _("validate.unknown-actor", label=_worded(label), value=value,
                                people=self._registry("people"), roles=self._registry("roles"),
                                hint=self._hint("actor", value)),
                              *path, procedure=procedure)

    def tool(self, source: Source, value: Any, label: Label, path: tuple[Any, ...],
             procedure: str | None) -> Problem | None:
        if isinstance(value, str) and value in self.fine_tools:
            return None
        if not _is_id(value) or not self.tools_known or value in self.tools:
            return None
        return source.problem("unknown-tool",
                              _("validate.unknown-tool", label=_worded(label), value=value,
                                registry=self._registry("tools"), hint=self._hint("tool", value)),
                              *path, procedure=procedure)


def _items(data: dict[str, Any], key: str) -> list[tuple[int, Any]]:
    value = data.get(key)
    return list(enumerate(value)) if isinstance(value, list) else []


def page_collisions(sources: Sources) -> list[Problem]:
    """Ids and names whose pages would land on one place of the site, or whose names are too long."""
    claims: list[paths.Claim] = []
    owners: list[tuple[Source, tuple[str | int, ...], bool]] = []

    def claim(source: Source, page: str, kind: str, values: dict[str, str], *where: str | int,
              key: bool = False) -> None:
        claims.append(paths.Claim(page, kind, tuple(values.items()), source.path,
                                  partial(source.where, *where, key=key)))
        owners.append((source, where, key))

    for name, kind, make in (("people", "person", paths.person_path), ("tools", "tool", paths.tool_path)):
        source = sources.registries.get(name)
        for entry_id in _mapping(source):
            if source is not None and _is_id(entry_id):
                claim(source, make(entry_id), kind, {"id": entry_id}, entry_id, key=True)
    # A department's or category's page is claimed by its first procedure; the others ask for the same.
    # (department, category) → its folder, made once: 10,000 procedures share a few dozen folders.
    folders: dict[tuple[str, str | None], str] = {}
    for source in sources.procedures:
        data = source.data
        if not isinstance(data, dict) or not _is_id(data.get("id")) or not isinstance(data.get("department"), str):
            continue
        department = data["department"]
        category = data.get("category") if isinstance(data.get("category"), str) else None
        if (department, None) not in folders:
            folders[(department, None)] = paths.department_folder(department)
            claim(source, f"{folders[(department, None)]}/index.md", "department", {"name": department},
                  "department")
        if not category:
            folder = folders[(department, None)]
        elif (department, category) in folders:
            folder = folders[(department, category)]
        else:
            folder = folders[(department, category)] = paths.category_folder(department, category)
            claim(source, f"{folder}/index.md", "category", {"name": category, "department": department},
                  "category")
        claim(source, paths.procedure_path_in(folder, data["id"]), "procedure", {"id": data["id"]}, "id")
    problems = []
    index = {id(claim): owner for claim, owner in zip(claims, owners, strict=True)}
    for collision in paths.collisions(claims):
        source, where, key = index[id(collision.claim)]
        problems.append(source.problem("page-collision", collision.message, *where, key=key))
    return problems


def cross_check(sources: Sources) -> list[Problem]:
    """Problems that need more than one file to see."""
    problems: list[Problem] = page_collisions(sources)
    resolve = _Resolver(sources)

    def add(problem: Problem | None) -> None:
        if problem is not None:
            problems.append(problem)

    # People and roles share one id space.
    roles_source = sources.registries.get("roles")
    if roles_source is not None:
        for role_id in _mapping(roles_source):
            if role_id in resolve.people:
                problems.append(roles_source.problem(
                    "id-conflict", _("validate.id-conflict", value=role_id, people=resolve._registry("people")),
                    role_id, key=True))
        for role_id, role in _mapping(roles_source).items():
            if _entry_ok(role):
                for index, member in _items(role, "members"):
                    add(resolve.person(roles_source, member, ("where.role-member", {"role": role_id}),
                                       (role_id, "members", index), None))
    tools_source = sources.registries.get("tools")
    if tools_source is not None:
        for tool_id, tool in _mapping(tools_source).items():
            if _entry_ok(tool) and "owner" in tool:
                add(resolve.person(tools_source, tool["owner"], ("where.tool-owner", {"tool": tool_id}),
                                   (tool_id, "owner"), None))
    inventory_source = sources.registries.get("inventory")
    if inventory_source is not None:
        for task_id, task in _mapping(inventory_source).items():
            if _entry_ok(task):
                for index, performer in _items(task, "performers"):
                    add(resolve.person(inventory_source, performer, ("where.task-performer", {"task": task_id}),
                                       (task_id, "performers", index), None))

    # Procedure ids are unique; remember where each was first seen.
    first: dict[str, Source] = {}
    for source in sources.procedures:
        data = source.data
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            continue
        procedure_id = data["id"]
        if procedure_id in first:
            other = first[procedure_id]
            line, column = other.where("id")
            problems.append(source.problem(
                "duplicate-id", _("validate.duplicate-id", value=procedure_id, place=f"{other.path}:{line}:{column}"),
                "id", procedure=procedure_id))
        else:
            first[procedure_id] = source

    for source in sources.procedures:
        data = source.data
        if not isinstance(data, dict):
            continue
        procedure_id = data.get("id") if isinstance(data.get("id"), str) else None
        if "owner" in data:
            add(resolve.person(source, data["owner"], ("where.owner", {}), ("owner",), procedure_id))
        for index, backup in _items(data, "backups"):
            add(resolve.person(source, backup, ("where.backup", {}), ("backups", index), procedure_id))
        for index, tool in _items(data, "tools"):
            add(resolve.tool(source, tool, ("where.tool", {}), ("tools", index), procedure_id))
        for index, step in _items(data, "steps"):
            if not isinstance(step, dict):
                continue
            if "actor" in step:
                add(resolve.actor(source, step["actor"], ("where.step-actor", {"n": index + 1}),
                                  ("steps", index, "actor"), procedure_id))
            if "tool" in step:
                add(resolve.tool(source, step["tool"], ("where.step-tool", {"n": index + 1}),
                                 ("steps", index, "tool"), procedure_id))
        for index, approval in _items(data, "approvals"):
            if isinstance(approval, dict) and "approver" in approval:
                add(resolve.actor(source, approval["approver"], ("where.approval-approver", {"n": index + 1}),
                                  ("approvals", index, "approver"), procedure_id))
        for index, entry in _items(data, "history"):
            if isinstance(entry, dict) and "author" in entry:
                add(resolve.person(source, entry["author"], ("where.history-author", {}),
                                   ("history", index, "author"), procedure_id))
        for index, related in _items(data, "related"):
            if not _is_id(related) or related in first:
                continue
            problems.append(source.problem(
                "unknown-procedure",
                _("validate.unknown-procedure", value=related, hint=did_you_mean(related, first)),
                "related", index, procedure=procedure_id))
    problems.extend(_check_training(sources, resolve, first))
    return problems


def _versions(source: Source) -> set[str]:
    """Every version a procedure file names: its ``version`` and those of its history entries."""
    data = source.data if isinstance(source.data, dict) else {}
    found = {data["version"]} if isinstance(data.get("version"), str) else set()
    for _index, entry in _items(data, "history"):
        if isinstance(entry, dict) and isinstance(entry.get("version"), str):
            found.add(entry["version"])
    return found


def _check_training(sources: Sources, resolve: _Resolver, procedures: dict[str, Source]) -> list[Problem]:
    """``training.yaml``: each person, trainer and procedure exists; a version the procedure never had is a warning."""
    training = sources.registries.get("training")
    problems: list[Problem] = []
    if training is None:
        return problems
    for person, records in _mapping(training).items():
        if _is_id(person) and resolve.people_known and person not in resolve.people:
            problems.append(training.problem(
                "unknown-person", _("validate.training-unknown-person", value=person,
                                    registry=resolve._registry("people"), hint=did_you_mean(person, resolve.people)),
                person, key=True))
        if not isinstance(records, list):
            continue
        for index, record in enumerate(records):
            if not isinstance(record, dict):
                continue
            if "trainer" in record:
                found = resolve.person(training, record["trainer"], ("validate.trainer", {}),
                                       (person, index, "trainer"), None)
                if found is not None:
                    problems.append(found)
            procedure_id = record.get("procedure")
            if not _is_id(procedure_id):
                continue
            if procedure_id not in procedures:
                problems.append(training.problem(
                    "unknown-procedure", _("validate.training-unknown-procedure", person=person, value=procedure_id,
                                           hint=did_you_mean(procedure_id, procedures)),
                    person, index, "procedure", procedure=procedure_id))
                continue
            version = record.get("version")
            known = _versions(procedures[procedure_id])
            if isinstance(version, str) and known and version not in known:
                problems.append(training.problem(
                    "unknown-version", _("validate.training-unknown-version", person=person, procedure=procedure_id,
                                         version=version, known=", ".join(sorted(known))),
                    person, index, "version", severity=Severity.WARNING, procedure=procedure_id))
    return problems
