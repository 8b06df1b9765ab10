"""Screenshots and attachments that procedures name with ``file:``: checked by validate, copied into the site.

A ``file:`` is relative to the YAML file that names it and must stay inside the knowledge base folder
(after symlinks), since the knowledge base arrives in pull requests and the site is published: a path
such as ``../../.ssh/id_rsa`` must never be copied into it. Files that a browser would run as part of
the site (HTML, SVG with script, JavaScript) are refused, because the site serves them from its own
origin.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from . import files
from .i18n import _
from .load import Source, display_path
from .problems import Problem, Severity

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg")
REFUSED_ATTACHMENT_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".svg", ".js", ".mjs", ".md", ".markdown")
"""Attachments the site would serve as its own pages or scripts (a ``.md`` would even become a page)."""
MAX_BYTES = 100 * 1024 * 1024
"""The largest screenshot or attachment accepted at all: GitHub refuses a file over 100 MB."""
DEFAULT_MAX_MB = 2.0
"""Above this size a media file gets a warning: staff open pages on phones, and Git keeps every version."""

_SVG_ACTIVE = re.compile(rb"<\s*script|<\s*foreignObject|\son[a-z]+\s*=|javascript:|<\s*iframe|<\s*embed|<\s*object",
                         re.IGNORECASE)


@dataclass(frozen=True)
class MediaReference:
    """One ``file:`` of a procedure: where it is named and what it points to."""

    source: Source
    path: tuple[str | int, ...]
    """Where in the YAML: ``("steps", 0, "images", 1, "file")``."""
    file: str
    kind: str
    """``image`` or ``attachment``."""


def references(source: Source) -> Iterator[MediaReference]:
    data = source.data
    if not isinstance(data, dict):
        return
    steps = data.get("steps")
    for step_index, step in enumerate(steps if isinstance(steps, list) else []):
        images = step.get("images") if isinstance(step, dict) else None
        for image_index, image in enumerate(images if isinstance(images, list) else []):
            if isinstance(image, dict) and isinstance(image.get("file"), str):
                yield MediaReference(source, ("steps", step_index, "images", image_index, "file"),
                                     image["file"], "image")
    attachments = data.get("attachments")
    for index, attachment in enumerate(attachments if isinstance(attachments, list) else []):
        if isinstance(attachment, dict) and isinstance(attachment.get("file"), str):
            yield MediaReference(source, ("attachments", index, "file"), attachment["file"], "attachment")


def resolve(yaml_path: str | Path, file: str) -> Path:
    """The file a ``file:`` names, relative to the YAML file (``yaml_path`` as shown: ``sop/総務部/GA-001.yaml``)."""
    return Path(yaml_path).parent / file


def inside(path: Path, sop_dir: Path) -> bool:
    """Whether ``path``, with every symlink followed, lies inside ``sop_dir``."""
    try:
        path.resolve().relative_to(sop_dir.resolve())
    except ValueError:
        return False
    return True


def check(references: Iterable[MediaReference], sop_dir: Path, max_mb: float = DEFAULT_MAX_MB) -> list[Problem]:
    """Missing files and paths leaving ``sop_dir`` (errors), files over ``max_mb`` (warnings), wrong types."""
    problems: list[Problem] = []
    for reference in references:
        source = reference.source
        procedure = source.data.get("id") if isinstance(source.data.get("id"), str) else None
        for code, message, severity in _findings(reference, sop_dir, max_mb):
            problems.append(source.problem(code, message, *reference.path, severity=severity, procedure=procedure))
    return problems


def _findings(reference: MediaReference, sop_dir: Path, max_mb: float) -> Iterator[tuple[str, str, Severity]]:
    error, file = Severity.ERROR, reference.file
    target = resolve(reference.source.path, file)
    suffix = PurePosixPath(file).suffix.lower()
    if not inside(target, sop_dir):
        folder = display_path(sop_dir)
        yield ("media-outside", _("media.outside", file=file, folder=folder), error)
        return
    if reference.kind == "image" and suffix not in IMAGE_SUFFIXES:
        yield ("invalid-value", _("media.not-an-image", file=file,
                                  suffixes=", ".join(s.lstrip(".") for s in IMAGE_SUFFIXES)), error)
        return
    if reference.kind == "attachment" and suffix in REFUSED_ATTACHMENT_SUFFIXES:
        yield ("invalid-value", _("media.refused-attachment", file=file, suffix=suffix), error)
        return
    # Through the one reader's checks: a named pipe would hang the copy into the site, a link to
    # /dev/zero would never end, a file of gigabytes would be published.
    try:
        size = files.size_of(target, root=sop_dir, limit=MAX_BYTES, what=f"'{file}'")
    except files.Refused as refused:
        if target.is_dir() or not target.exists():
            hint = _("media.is-folder") if target.is_dir() else ""
            yield ("missing-file", _("media.missing", file=file, target=target, hint=hint), error)
        else:
            yield (refused.code, refused.reason, error)
        return
    if size > max_mb * 1024 * 1024:
        yield ("large-file", _("media.large", file=file, size=f"{size / 1024 / 1024:.1f}", limit=f"{max_mb:g}"),
               Severity.WARNING)
    if suffix == ".svg":
        try:
            svg = files.read_bytes(target, root=sop_dir, limit=MAX_BYTES, what=f"'{file}'")
        except files.Refused as refused:
            yield (refused.code, refused.reason, error)
            return
        if _SVG_ACTIVE.search(svg):
            yield ("unsafe-svg", _("media.unsafe-svg", file=file), error)


def site_name(yaml_path: str | Path, file: str, sop_dir: Path) -> str:
    """Where a media file goes under its page's folder: its path from the YAML file's folder
    (``media/scan-panel.png``), or from the knowledge base folder when it lies above (``_sop/共通/a.png``)."""
    target = resolve(yaml_path, file)
    normal = PurePosixPath(os.path.normpath(file).replace(os.sep, "/"))
    if not normal.parts or normal.parts[0] == "..":
        relative = os.path.relpath(os.path.normpath(target), os.path.normpath(sop_dir)).replace(os.sep, "/")
        return f"_sop/{relative}"
    return normal.as_posix()


def image_size(path: Path, sop_dir: Path) -> tuple[int, int] | None:
    """(width, height) in CSS pixels, for ``<img width height>`` so the page does not jump as images load."""
    from PIL import Image

    try:
        with files.open_binary(path, root=sop_dir, limit=MAX_BYTES) as handle:
            if path.suffix.lower() == ".svg":
                return _svg_size(handle.read(64 * 1024))
            with Image.open(handle) as image:  # reads the header only
                return image.size
    except (files.Refused, OSError, ValueError, Image.DecompressionBombError):
        return None


_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(rb"""\b(width|height|viewBox)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(px)?\s*$")


def _svg_size(head: bytes) -> tuple[int, int] | None:
    tag = _SVG_TAG.search(head)
    if tag is None:
        return None
    attributes: dict[str, Any] = {name.decode().lower(): value.decode("utf-8", "replace")
                                  for name, value in _ATTRIBUTE.findall(tag.group(0))}
    width, height = (_LENGTH.match(attributes.get(name, "")) for name in ("width", "height"))
    try:
        if width and height:
            return round(float(width.group(1))), round(float(height.group(1)))
        box = attributes.get("viewbox", "").replace(",", " ").split()
        if len(box) == 4:
            return round(float(box[2])), round(float(box[3]))
    except ValueError:
        return None
    return None
