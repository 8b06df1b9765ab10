"""Where each page lives: the URL layout of the generated site, and relative links between pages."""
from __future__ import annotations

import re

from ..model import Procedure

_UNSAFE_IN_PATH = re.compile(r"[\s/\\?#%\"'<>|*:()\[\]{}]+")


def segment(name: str) -> str:
    """A folder name for a department or category: readable (Japanese stays), safe in a URL and a link."""
    cleaned = _UNSAFE_IN_PATH.sub("-", name.strip()).strip("-.")
    return cleaned or "-"


def procedure_path(procedure: Procedure) -> str:
    """``procedures/総務部/契約/GA-001.md``: grouped as the navigation is, named by the stable id."""
    name = procedure.id if procedure.id.lower() != "index" else f"{procedure.id}-procedure"
    return f"{category_folder(procedure.department, procedure.category)}/{name}.md"


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
