"""Read YAML files into plain data plus the line and column of every key and value. Never raises on bad input.

PyYAML's C composer does the parsing (0.14 ms for a typical 60-line procedure, against 1.5 ms for
ruamel.yaml's safe loader) and keeps a mark on every node; this module turns the node tree into
dicts, lists and scalars, and records positions by key path so that any later stage can point at
``steps[2].actor`` without parsing again. Everything a file can do wrong becomes a ``Problem``.
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from .problems import Problem, Severity

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml: slower, same results
    _Loader = yaml.SafeLoader

KeyPath = tuple  # tuple[str | int, ...]: ("steps", 2, "actor")

MAX_FILE_BYTES = 1024 * 1024
"""A procedure is a few kilobytes; a megabyte is a pasted export or a wrong file, not an SOP."""
MAX_NODES = 100_000
"""Upper bound on values built from one file, after aliases are expanded: stops 'billion laughs'."""
MAX_DEPTH = 64

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")}
_constructor = SafeConstructor()


@dataclass
class Source:
    """One YAML file as read: its data (None when unreadable or empty) and where each piece stands."""

    path: str
    """The path as shown to the user (relative to the working directory where possible)."""
    data: Any = None
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    """Key path → (line, column) of the value; 1-based."""
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    """Key path → (line, column) of the mapping key that introduces the value."""
    problems: list[Problem] = field(default_factory=list)
    empty: bool = False

    @property
    def ok(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)

    def where(self, *path: str | int, key: bool = False) -> tuple[int, int]:
        """The position of the value at ``path`` (or of its key), falling back to the nearest parent."""
        table = self.key_positions if key else self.positions
        probe: KeyPath = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), (1, 1))

    def problem(
        self,
        code: str,
        message: str,
        *path: str | int,
        key: bool = False,
        severity: Severity = Severity.ERROR,
        procedure: str | None = None,
    ) -> Problem:
        line, column = self.where(*path, key=key)
        return Problem(self.path, line, column, code, severity, message, procedure)


def display_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it, so editors can open it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_file(path: Path, display: str | None = None) -> Source:
    """Read one file. Any failure becomes a problem on the returned source; nothing raises."""
    shown = display if display is not None else display_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            source = Source(shown)
            source.problems.append(
                Problem(shown, 1, 1, "file-too-large", Severity.ERROR,
                        f"file is {size / 1024 / 1024:.1f} MB; a procedure file may be at most "
                        f"{MAX_FILE_BYTES // 1024 // 1024} MB (is this an export rather than a procedure?)")
            )
            return source
        raw = path.read_bytes()
    except OSError as error:
        source = Source(shown)
        source.problems.append(Problem(shown, 1, 1, "unreadable", Severity.ERROR,
                                       f"cannot read file: {error.strerror or error}"))
        return source
    return load_bytes(raw, shown)


def load_bytes(raw: bytes, path: str) -> Source:
    """Parse ``raw`` as one YAML document; problems name ``path``."""
    source = Source(path)
    text = _decode(raw, source)
    if text is None:
        return source
    return load_text(text, path, source)


def load_text(text: str, path: str, source: Source | None = None) -> Source:
    source = source if source is not None else Source(path)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        source.problems.append(_syntax_problem(path, error))
        return source
    except yaml.YAMLError as error:  # ReaderError: a character YAML does not allow
        position = getattr(error, "position", None)
        line, column = _offset_to_line_col(text, position) if position is not None else (1, 1)
        reason = getattr(error, "reason", None) or str(error).splitlines()[0]
        source.problems.append(Problem(path, line, column, "yaml-syntax", Severity.ERROR,
                                       f"invalid YAML: {reason}"))
        return source
    except RecursionError:
        source.problems.append(Problem(path, 1, 1, "yaml-syntax", Severity.ERROR,
                                       f"invalid YAML: nested deeper than {MAX_DEPTH} levels"))
        return source
    if node is None:
        source.empty = True
        return source
    builder = _Builder(source)
    try:
        source.data = builder.build(node, (), 0)
    except _Abort as abort:
        source.data = None
        source.problems.append(abort.problem)
    return source


def _decode(raw: bytes, source: Source) -> str | None:
    path = source.path
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        source.problems.append(Problem(path, 1, 1, "encoding", Severity.ERROR,
                                       "file is UTF-16; save it as UTF-8"))
        return None
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        source.problems.append(Problem(path, line, 1, "binary-file", Severity.ERROR,
                                       "binary file (contains NUL bytes); a procedure must be a UTF-8 text file"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = len(raw[raw.rfind(b"\n", 0, error.start) + 1:error.start].decode("utf-8", "replace")) + 1
        hint = ""
        try:
            raw.decode("cp932")
            hint = " (it looks like Shift_JIS; save it as UTF-8)"
        except UnicodeDecodeError:
            pass
        source.problems.append(Problem(path, line, column, "encoding", Severity.ERROR,
                                       f"not valid UTF-8 at byte {error.start}{hint}"))
        return None
    return text


def _offset_to_line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _syntax_problem(path: str, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = error.problem or "invalid YAML"
    if "'\\t'" in problem or "\t" in problem:
        message = "tab character: indent YAML with spaces, not tabs"
    elif "expected a single document" in str(error) or "but found another document" in problem:
        message = "more than one YAML document ('---') in the file; put one procedure per file"
    else:
        message = problem
        if error.context:
            message = f"{error.context.rstrip()}, {problem}"
    return Problem(path, line, column, "yaml-syntax", Severity.ERROR, f"invalid YAML: {message}")


class _Abort(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


class _Builder:
    """Turns a composed node tree into plain Python values, recording positions and problems."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.count = 0
        self.active: set[int] = set()  # nodes being built: an alias back into one is a cycle

    def _pos(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _fail(self, node: yaml.Node, code: str, message: str) -> _Abort:
        line, column = self._pos(node)
        return _Abort(Problem(self.source.path, line, column, code, Severity.ERROR, message))

    def _error(self, node: yaml.Node, code: str, message: str) -> None:
        line, column = self._pos(node)
        self.source.problems.append(Problem(self.source.path, line, column, code, Severity.ERROR, message))

    def build(self, node: yaml.Node, path: KeyPath, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self._fail(node, "yaml-too-large",
                             f"more than {MAX_NODES:,} values after expanding aliases (an alias bomb?)")
        if depth > MAX_DEPTH:
            raise self._fail(node, "yaml-too-deep", f"nested deeper than {MAX_DEPTH} levels")
        self.source.positions[path] = self._pos(node)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        identity = id(node)
        if identity in self.active:
            raise self._fail(node, "yaml-recursive", "an alias refers to the value that contains it")
        self.active.add(identity)
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.tag != _TAG + "seq":
                    self._error(node, "yaml-tag", f"unsupported YAML tag {node.tag!r}")
                return [self.build(item, path + (index,), depth + 1) for index, item in enumerate(node.value)]
            if node.tag != _TAG + "map":
                self._error(node, "yaml-tag", f"unsupported YAML tag {node.tag!r}")
            return self._mapping(node, path, depth)
        finally:
            self.active.discard(identity)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_seen: dict[Any, int] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                merged.update(self._merge(value_node, path, depth))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._error(key_node, "yaml-key", "a key must be a plain word or text, not a list or mapping")
                continue
            key = self._scalar(key_node)
            if isinstance(key, (_dt.date, _dt.datetime)):
                key = key_node.value
            try:
                hash(key)
            except TypeError:
                key = key_node.value
            if key in first_seen:
                self._error(key_node, "duplicate-key",
                            f"duplicate key {key!r} (first at line {first_seen[key]}); the later value would "
                            f"silently win")
                continue
            first_seen[key] = key_node.start_mark.line + 1
            child = path + (key,)
            self.source.key_positions[child] = self._pos(key_node)
            result[key] = self.build(value_node, child, depth + 1)
        for key, value in merged.items():
            result.setdefault(key, value)
        return result

    def _merge(self, value_node: yaml.Node, path: KeyPath, depth: int) -> dict[Any, Any]:
        """YAML's ``<<: *defaults``; explicit keys of the mapping win over merged ones."""
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        merged: dict[Any, Any] = {}
        for item in sources:
            if not isinstance(item, yaml.MappingNode):
                raise self._fail(item, "yaml-merge", "'<<' must merge a mapping or a list of mappings")
            for key, value in self._mapping(item, path, depth + 1).items():
                merged.setdefault(key, value)
        return merged

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            if tag == "!" or tag == _TAG + "str":
                return node.value
            self._error(node, "yaml-tag", f"unsupported YAML tag {tag!r}")
            return node.value
        if tag == _TAG + "str":
            return node.value
        try:
            value = SafeConstructor.yaml_constructors[tag](_constructor, node)
        except (ValueError, ConstructorError, OverflowError):
            # "2026-02-30" looks like a date but is none: keep the text, and the schema, which knows
            # whether this field wants a date, says so with the field's name.
            return node.value
        if isinstance(value, _dt.datetime):
            return value.isoformat()
        if isinstance(value, _dt.date):
            return value.isoformat()
        return value


def walk_yaml_files(root: Path) -> Iterator[Path]:
    """Every ``*.yaml``/``*.yml`` below ``root``, sorted, skipping hidden files and folders."""
    found: list[Path] = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            if name.endswith((".yaml", ".yml")):
                found.append(Path(folder, name))
    found.sort()
    return iter(found)
