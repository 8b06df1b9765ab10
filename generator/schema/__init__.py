"""The JSON Schemas shipped with sopbook: the single source of truth for the structure of every file.

``check(kind, source)`` validates a loaded file. A compiled validator (fastjsonschema, about 20 µs a
file) answers the common question "is it valid?"; only when it is not does jsonschema walk the file
again to list every error, which it does thoroughly but ten times slower.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from typing import Any

from ..i18n import Language, _
from ..load import Source
from ..problems import MAX_PER_FILE, Problem, did_you_mean, omitted

KINDS = ("procedure", "people", "roles", "tools", "inventory", "training")


@cache
def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema for ``kind`` (one of ``KINDS``), as shipped in the package."""
    text = resources.files(__package__).joinpath(f"{kind}.schema.json").read_text(encoding="utf-8")
    return _whole_values(json.loads(text))


_BARE_END = re.compile(r"(?<!\\)\$\Z")


def _whole_values(node: Any) -> Any:
    """Every ``pattern`` ending in a bare ``$`` made to end ``$(?!\\n)``, so that a pattern added to a
    schema file later cannot bring back the trailing-newline hole (see ``id_pattern``)."""
    if isinstance(node, dict):
        return {key: (_BARE_END.sub(r"$(?!\\n)", value) if key == "pattern" and isinstance(value, str)
                      else _whole_values(value)) for key, value in node.items()}
    if isinstance(node, list):
        return [_whole_values(value) for value in node]
    return node


def for_editors(kind: str, language: Language) -> dict[str, Any]:
    """The JSON Schema of ``kind`` with its descriptions in ``language``, for the hints an editor shows.

    English is the source language: the descriptions of the ``.json`` files. Other languages translate
    each as ``schema-description: <English text>`` in their catalogue (a changed English text then
    needs its translation again, which tests/test_i18n.py asks for).
    """

    def translated(node: Any) -> Any:
        if isinstance(node, dict):
            result = {key: translated(value) for key, value in node.items()}
            text = node.get("description")
            if isinstance(text, str) and language.has(f"schema-description: {text}"):
                result["description"] = language.label(f"schema-description: {text}")
            return result
        if isinstance(node, list):
            return [translated(item) for item in node]
        return node

    return translated(schema(kind))


@cache
def _fast_validator(kind: str) -> Callable[[Any], Any]:
    import fastjsonschema

    # use_default=False: by default fastjsonschema writes schema defaults into the data it checks,
    # which would change what the file says (and the key order that positions are unpacked by).
    return fastjsonschema.compile(_inline_refs(schema(kind)), formats={"date": _is_date}, use_default=False)


def _inline_refs(node: Any, definitions: dict[str, Any] | None = None) -> Any:
    """The schema with every local ``$ref`` replaced by its definition (ours are not recursive).

    fastjsonschema turns each ``$ref`` into a function call that formats the item's name on every
    call, valid or not; inlined, a valid procedure is checked in 0.033 ms instead of 0.077 ms.
    """
    if definitions is None:
        definitions = node.get("definitions", {})
    if isinstance(node, dict):
        if "$ref" in node:
            target = _inline_refs(definitions[node["$ref"].rsplit("/", 1)[-1]], definitions)
            return {**target, **{key: value for key, value in node.items() if key != "$ref"}}
        return {key: _inline_refs(value, definitions) for key, value in node.items() if key != "definitions"}
    if isinstance(node, list):
        return [_inline_refs(value, definitions) for value in node]
    return node


@cache
def _full_validator(kind: str) -> Any:
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date")(_is_date)
    return jsonschema.Draft7Validator(schema(kind), format_checker=checker)


@cache
def id_pattern() -> re.Pattern[str]:
    """The pattern of an id, as the schemas publish it (one definition for the code and for editors).

    Every pattern in the schemas ends ``$(?!\\n)``: in JavaScript (yaml-language-server) and in
    check-jsonschema's ECMA mode ``$`` is the end of the value, but in Python's ``re`` (the jsonschema
    library) it also matches before a final newline, and ``"GA-104\\n"`` would pass.
    """
    return _compiled(schema("procedure")["definitions"]["id"]["pattern"])


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def prepare(kind: str) -> None:
    """Compile the fast validator for ``kind`` now (before forking workers that would each compile it)."""
    _fast_validator(kind)


def _is_date(value: object) -> bool:
    import datetime

    if not isinstance(value, str):
        return True
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def check(kind: str, source: Source) -> list[Problem]:
    """Schema problems of one loaded file, each at the line of the offending key or value."""
    try:
        _fast_validator(kind)(source.data)
    except Exception:  # noqa: BLE001, S110 - fastjsonschema's exception; the full validator explains it
        pass
    else:
        return []
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    uncounted = 0
    for error in _full_validator(kind).iter_errors(source.data):
        if len(problems) >= MAX_PER_FILE:
            # Only MAX_PER_FILE are shown; wording the rest (a did-you-mean each) took 4 s for 100,000
            # unknown keys, counting them takes milliseconds.
            uncounted += _count(kind, error)
            continue
        for made, problem in enumerate(_describe(kind, source, error)):
            if len(problems) >= MAX_PER_FILE:
                uncounted += max(1, _count(kind, error) - made)
                break
            identity = (problem.line, problem.column, problem.message)
            if identity not in seen:
                seen.add(identity)
                problems.append(problem)
    if uncounted:
        problems.append(omitted(source.path, max(problem.line for problem in problems) + 1, uncounted))
    if not problems:
        # The two validators disagree (each reads patterns its own way): never let such a file pass.
        problems.append(source.problem("schema", _("schema.unexplained", kind=kind)))
    return problems


def _count(kind: str, error: Any) -> int:
    """How many problems ``_describe`` would make of ``error``, without making them."""
    instance = error.instance
    if (error.validator == "additionalProperties" and isinstance(instance, dict)
            and "propertyNames" not in error.schema_path):
        if kind != "procedure" and not error.absolute_path:
            return 0
        allowed = error.schema.get("properties", {})
        return sum(1 for key in instance if key not in allowed and not (isinstance(key, str) and key.startswith("x-")))
    if error.validator == "required" and isinstance(instance, dict):
        return sum(1 for name in error.validator_value if name not in instance)
    return 1


def _type_of(value: Any) -> str:
    if value is None:
        return _("actual.empty")
    if isinstance(value, bool):
        return _("actual.boolean")
    if isinstance(value, dict):
        return _("actual.mapping")
    if isinstance(value, list):
        return _("actual.list")
    if isinstance(value, (int, float)):
        return _("actual.number", value=value)
    return _("actual.text")


def _label(path: tuple[Any, ...]) -> str:
    """``steps[2].actor`` — how a reader names a place in the file."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"  # 1-based: "steps[1]" is the first step, as people count
        else:
            text += f".{part}" if text else str(part)
    return text or _("schema.the-file")


def _describe(kind: str, source: Source, error: Any) -> Iterable[Problem]:
    """Turn one jsonschema error into problems a process owner can act on."""
    path = tuple(error.absolute_path)
    where = _label(path)
    validator = error.validator
    instance = error.instance
    registry = kind != "procedure"

    if "propertyNames" in error.schema_path:
        # jsonschema checks each key as an instance of its own; the key is the instance here.
        yield source.problem("invalid-id", _id_message("id", instance), *path, instance, key=True)
        return
    if validator == "additionalProperties" and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {}))
        if registry and not path:
            return
        for key in instance:
            if key in allowed or (isinstance(key, str) and key.startswith("x-")):
                continue
            yield source.problem(
                "unknown-key",
                _("schema.unknown-key", key=key, where=where, hint=did_you_mean(str(key), allowed),
                  allowed=", ".join(allowed)),
                *path, key, key=True,
            )
        return
    if validator == "required":
        missing = [name for name in error.validator_value if name not in instance]
        for name in missing:
            if name == "steps":
                message = _("schema.steps-required")
            else:
                message = (_("schema.missing-key-in", key=name, where=where) if path
                           else _("schema.missing-key", key=name))
            yield source.problem("missing-key", message, *path, key=bool(path))
        return
    if validator == "minItems" and path and path[-1] == "steps":
        yield source.problem("missing-key",
                             _("schema.steps-empty"), *path)
        return
    if validator == "type":
        expected = error.validator_value
        expected_names = [expected] if isinstance(expected, str) else list(expected)
        wanted = _("schema.or").join(_(f"type.{name}") for name in expected_names)
        hint = ""
        if "string" in expected_names and isinstance(instance, (int, float)) and not isinstance(instance, bool):
            hint = _("schema.quote-hint", value=instance)
        if not path and kind != "procedure":
            message = _("schema.registry-type", kind=kind, actual=_type_of(instance))
        elif not path:
            message = _("schema.procedure-type", actual=_type_of(instance))
        else:
            message = _("schema.wrong-type", where=where, wanted=wanted, actual=_type_of(instance), hint=hint)
        yield source.problem("wrong-type", message, *path)
        return
    if validator == "enum":
        choices = [str(choice) for choice in error.validator_value]
        yield source.problem("invalid-value",
                             _("schema.enum", where=where, value=instance, choices=", ".join(choices),
                               hint=did_you_mean(str(instance), choices)), *path)
        return
    if validator == "pattern" or (validator == "format" and error.validator_value == "date"):
        yield source.problem("invalid-value", _pattern_message(where, path, instance, error), *path)
        return
    if validator == "uniqueItems":
        yield source.problem("duplicate-item", _("schema.duplicate-item", where=where), *path)
        return
    if validator == "minLength":
        yield source.problem("empty-value", _("schema.empty-value", where=where), *path)
        return
    if validator == "oneOf" and isinstance(instance, dict) and path and "attachments" in path:
        both = "file" in instance and "url" in instance
        yield source.problem("missing-key" if not both else "invalid-value",
                             _("schema.attachment-both", where=where) if both
                             else _("schema.attachment-none", where=where),
                             *path)
        return
    if validator in ("minimum", "maximum"):
        yield source.problem("invalid-value", _("schema.value-detail", where=where, value=instance,
                                                detail=error.message), *path)
        return
    yield source.problem("schema", _("schema.other", where=where, detail=error.message), *path)


def _id_message(what: str, value: Any) -> str:
    return _("schema.invalid-id", what=what, value=value)


def _pattern_message(where: str, path: tuple[Any, ...], instance: Any, error: Any) -> str:
    pattern = str(error.schema.get("pattern", ""))
    field = str(path[-1]) if path else ""
    if "[0-9]{4}" in pattern or error.validator == "format":
        return _("schema.date", where=where, value=instance)
    if "(m|h|d)" in pattern:
        return _("schema.duration", where=where, value=instance)
    if "A-Za-z0-9_." in pattern:
        return _id_message(where, instance)
    if field == "email":
        return _("schema.email", where=where, value=instance)
    if field == "github":
        return _("schema.github", where=where, value=instance)
    if field == "file":
        return _("schema.file", where=where, value=instance)
    if field in ("url", "video"):
        return _("schema.url", where=where, value=instance)
    return _("schema.value-detail", where=where, value=instance, detail=error.message)
