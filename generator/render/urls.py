"""Where each page lives: the URL layout of the generated site, and relative links between pages."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from .. import media
from ..assets import StaticFile
from ..model import KnowledgeBase, Procedure

_UNSAFE_IN_PATH = re.compile(r"[\s/\\?#%\"'<>|*:()\[\]{}]+")


def segment(name: str) -> str:
    """A folder name for a department or category: readable (Japanese stays), safe in a URL and a link."""
    cleaned = _UNSAFE_IN_PATH.sub("-", name.strip()).strip("-.")
    return cleaned or "-"


def procedure_path(procedure: Procedure) -> str:
    """``procedures/総務部/契約/GA-001.md``: grouped as the navigation is, named by the stable id."""
    name = procedure.id if procedure.id.lower() != "index" else f"{procedure.id}-procedure"
    return f"{category_folder(procedure.department, procedure.category)}/{name}.md"


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


def department_folder(department: str) -> str:
    return f"procedures/{segment(department)}"


def category_folder(department: str, category: str | None) -> str:
    folder = department_folder(department)
    return f"{folder}/{segment(category)}" if category else folder


def person_path(person_id: str) -> str:
    return f"people/{person_id}.md"


def tool_path(tool_id: str) -> str:
    return f"tools/{tool_id}.md"


HOME, PROCEDURES_INDEX, PEOPLE_INDEX, TOOLS_INDEX, TAGS_INDEX = (
    "index.md", "procedures/index.md", "people/index.md", "tools/index.md", "tags.md")


def relative(from_page: str, to_page: str) -> str:
    """The Markdown link from one page to another, both relative to the docs folder."""
    source = from_page.split("/")[:-1]
    target = to_page.split("/")
    common = 0
    while common < len(source) and common < len(target) - 1 and source[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(source) - common) + target[common:])
