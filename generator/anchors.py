"""The ids of a procedure page's sections, shared by the page template and the assistant export.

Explicit ids (``{#step-2}`` through Markdown's attr_list) rather than the ones the toc extension
derives from headings: those depend on the site's slugify setting and drop Japanese text entirely
(every Japanese heading becomes ``_1``, ``_2``, ...), so a chunk of the JSONL export could not say
where on the page it is, and a link to a step would move whenever a step above it changed.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import markupsafe

OVERVIEW = "overview"
"""The name of the passage before the first step. It has no id on the page: it is the page's top, and an id
on the title made Pagefind rank the page below others that merely link to it (2,000 procedures, a
search for the title: the page dropped out of the first ten results)."""
APPROVALS = "approvals"


def step(number: int) -> str:
    return f"step-{number}"


def faq(number: int) -> str:
    return f"faq-{number}"


def heading_id(anchor: str) -> markupsafe.Markup:
    """``{#step-2}`` after a heading: attr_list gives the heading that id."""
    return markupsafe.Markup(f"{{#{markupsafe.escape(anchor)}}}")  # noqa: S704 - ids made here, escaped


TEMPLATE_GLOBALS = {"heading_id": heading_id, "step_anchor": step, "faq_anchor": faq,
                    "approvals_anchor": APPROVALS}
"""What page templates get to write the ids: ``{{ heading_id(step_anchor(step.number)) }}``."""


def tags(names: Iterable[str]) -> dict[str, str]:
    """Each tag's id on the tags page (``tag-月次``, ``tag-month-end``): the tag in lower case with every run of
    characters other than letters, digits and ``-`` made one ``-``; a second tag that comes out the same gets
    ``-2``. Explicit for the same reason as the step ids: toc's own would drop a Japanese tag entirely."""
    found: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        base = "tag-" + (re.sub(r"[^\w-]+", "-", name.lower()).strip("-_") or "_")
        anchor, number = base, 1
        while anchor in taken:
            number += 1
            anchor = f"{base}-{number}"
        taken.add(anchor)
        found[name] = anchor
    return found
