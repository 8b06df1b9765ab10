"""Where each page lives: the URL layout of the generated site, and relative links between pages.

The page paths themselves are made in ``generator.paths``, which validation also uses to check them for
collisions and length before anything is rendered.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from .. import media, paths
from ..assets import StaticFile
from ..model import KnowledgeBase, Procedure
from ..paths import (
    FAQ_INDEX,
    HOME,
    PEOPLE_INDEX,
    PROCEDURES_INDEX,
    TAGS_INDEX,
    TOOLS_INDEX,
    category_folder,
    department_folder,
    person_path,
    segment,
    tool_path,
)

__all__ = ["FAQ_INDEX", "HOME", "PEOPLE_INDEX", "PROCEDURES_INDEX", "TAGS_INDEX", "TOOLS_INDEX", "category_folder",
           "department_folder", "link_target", "media_files", "media_link", "person_path", "procedure_path",
           "relative", "segment", "tool_path"]


def procedure_path(procedure: Procedure) -> str:
    """``procedures/総務部/契約/GA-001.md``: grouped as the navigation is, named by the stable id."""
    return paths.procedure_path(procedure.id, procedure.department, procedure.category)


def media_link(procedure: Procedure, file: str, sop_dir: Path) -> str:
    """A screenshot's or attachment's path from its procedure's page: in a folder named like the page,
    so in the built site it sits next to the page (``GA-001/media/scan.png`` beside ``GA-001/``)."""
    return f"{procedure_path(procedure).rsplit('/', 1)[-1][:-3]}/{media.site_name(procedure.path, file, sop_dir)}"


def media_files(kb: KnowledgeBase) -> list[StaticFile]:
    """Every screenshot and attachment file, where the pages link them (relative to the docs folder)."""
    found: dict[str, StaticFile] = {}
    for procedure in kb.procedures.values():
        folder = procedure_path(procedure).rsplit("/", 1)[0]
        files = [image.file for step in procedure.steps for image in step.images]
        files += [attachment.file for attachment in procedure.attachments if attachment.file]
        for file in files:
            path = f"{folder}/{media_link(procedure, file, kb.sop_dir)}"
            found.setdefault(path, StaticFile(path, media.resolve(procedure.path, file)))
    return list(found.values())


def link_target(path: str) -> str:
    """A relative path as a Markdown link target: spaces and brackets would end the link."""
    return quote(path, safe="/")


def relative(from_page: str, to_page: str) -> str:
    """The Markdown link from one page to another, both relative to the docs folder."""
    source = from_page.split("/")[:-1]
    target = to_page.split("/")
    common = 0
    while common < len(source) and common < len(target) - 1 and source[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(source) - common) + target[common:])
