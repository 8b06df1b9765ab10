"""Where each generated page lives, from ids and names — and whether two of them land in one place.

Every page path of the site is made here (``procedure_path``, ``department_folder``, ``person_path``,
...), and ``collisions`` checks the whole set the way the file systems that will hold the site see it:
``GA-001`` and ``ga-001`` are one file on macOS and Windows, ``営業/東京`` and ``営業-東京`` are one
folder once the slash is made safe, a person called ``index`` would be the people listing, a category
named like a procedure of its department would be that procedure's page (``GA-001.md`` and
``GA-001/index.md`` are both ``GA-001/`` on the site), and a name over 255 bytes cannot be a file name
at all (86 Japanese characters). Validation reports each such case as an error naming both files, so
no page is lost without a word.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from .i18n import _

_UNSAFE_IN_PATH = re.compile(r"[\s/\\?#%\"'<>|*:()\[\]{}]+")

MAX_NAME_BYTES = 255
"""The longest file or folder name ext4, APFS and NTFS accept (bytes of UTF-8 on Linux)."""
LONGEST_SUFFIX = len(".html")
"""A page name gets ``.md`` in docs/ and ``.html`` (or a folder) in the site: room for the longer."""

HOME, PROCEDURES_INDEX, PEOPLE_INDEX, TOOLS_INDEX, TAGS_INDEX, FAQ_INDEX = (
    "index.md", "procedures/index.md", "people/index.md", "tools/index.md", "tags.md", "faq.md")
FIXED_PAGES = {HOME: "home", PROCEDURES_INDEX: "procedures", PEOPLE_INDEX: "people", TOOLS_INDEX: "tools",
               TAGS_INDEX: "tags", FAQ_INDEX: "faq"}
"""sopbook's own pages → the catalogue word (``paths.page.<word>``) for them in messages."""


def segment(name: str) -> str:
    """A folder name for a department or category: readable (Japanese stays), safe in a URL and a link."""
    cleaned = _UNSAFE_IN_PATH.sub("-", name.strip()).strip("-.")
    return cleaned or "-"


def page_name(procedure_id: str) -> str:
    """The file name of a procedure's page; ``index`` would be its folder's own page, so it is renamed."""
    return procedure_id if procedure_id.lower() != "index" else f"{procedure_id}-procedure"


def department_folder(department: str) -> str:
    return f"procedures/{segment(department)}"


def category_folder(department: str, category: str | None) -> str:
    folder = department_folder(department)
    return f"{folder}/{segment(category)}" if category else folder


def procedure_path(procedure_id: str, department: str, category: str | None) -> str:
    """``procedures/総務部/契約/GA-001.md``: grouped as the navigation is, named by the stable id."""
    return procedure_path_in(category_folder(department, category), procedure_id)


def procedure_path_in(folder: str, procedure_id: str) -> str:
    """``procedure_path`` in its ``category_folder``, for a caller that made the folder once for many procedures."""
    return f"{folder}/{page_name(procedure_id)}.md"


def person_path(person_id: str) -> str:
    return f"people/{person_id}.md"


def tool_path(tool_id: str) -> str:
    return f"tools/{tool_id}.md"


def site_key(page: str) -> str:
    """The place a page takes in the built site, as a case-insensitive file system compares it.

    ``x.md`` and ``x/index.md`` are both ``x/`` with MkDocs' directory URLs; NFC and casefold make
    ``GA-001``/``ga-001`` and composed/decomposed kana one name, as APFS and NTFS do.
    """
    key = page.removesuffix(".md")
    key = key.removesuffix("/index") if key != "index" else ""
    return unicodedata.normalize("NFC", key).casefold()


@dataclass(frozen=True)
class Claim:
    """One page a file asks for: what for (``kind``, a word of the catalogue's ``paths.what.<kind>``, with
    its ``values``: "department '総務部'") and the file that asks (``path``, ``place`` its line and column).

    Put into words and located only when it collides: 10,000 procedures make 30,000 claims, and wording
    and locating every one took a tenth of a second of each validation.
    """

    page: str
    kind: str
    values: tuple[tuple[str, str], ...]
    path: str
    place: Callable[[], tuple[int, int]]

    @property
    def what(self) -> str:
        return _(f"paths.what.{self.kind}", **dict(self.values))

    def where(self) -> str:
        """``sop/a.yaml:3:5``."""
        line, column = self.place()
        return f"{self.path}:{line}:{column}"


@dataclass(frozen=True)
class Collision:
    claim: Claim
    other: Claim | None
    """The claim that was there first; None for a fixed page of sopbook's own, or a name too long."""
    message: str


def too_long(page: str) -> str | None:
    """The first component of ``page`` that cannot be a file name (over 255 bytes with its suffix)."""
    if len(page) * 4 + LONGEST_SUFFIX <= MAX_NAME_BYTES:  # no character takes more than 4 bytes in UTF-8
        return None
    for part in page.removesuffix(".md").split("/"):
        if len(part.encode("utf-8")) + LONGEST_SUFFIX > MAX_NAME_BYTES:
            return part
    return None


def collisions(claims: list[Claim]) -> list[Collision]:
    """Claims that cannot all have their page: two on one place, one on a fixed page, or a name too long.

    A claim repeated for the same thing (two procedures of one department both claim its page) is
    one claim, not a collision.
    """
    found: list[Collision] = []
    taken: dict[str, Claim] = {}
    seen: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()
    long_names: set[str] = set()
    fixed_pages = {site_key(page): label for page, label in FIXED_PAGES.items()}
    for claim in claims:
        identity = (claim.page, claim.kind, claim.values)
        if identity in seen:
            continue
        seen.add(identity)
        part = too_long(claim.page)
        if part is not None:
            if part in long_names:  # the department's name, again in each of its pages' paths
                continue
            long_names.add(part)
            size = len(part.encode("utf-8"))
            found.append(Collision(claim, None, _("paths.too-long", what=claim.what, size=size, start=part[:20],
                                                  limit=MAX_NAME_BYTES - LONGEST_SUFFIX)))
            continue
        key = site_key(claim.page)
        label = fixed_pages.get(key)
        if label is not None:
            found.append(Collision(claim, None, _("paths.fixed-page", what=claim.what, page=claim.page,
                                                  label=_(f"paths.page.{label}"))))
        else:
            other = taken.get(key)
            if other is None:
                taken[key] = claim
            elif (other.kind, other.values) != (claim.kind, claim.values):
                found.append(Collision(claim, other, _("paths.same-page", what=claim.what, other=other.what,
                                                       where=other.where(), page=claim.page)))
    return found
