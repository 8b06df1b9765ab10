"""The ids of a procedure page's sections, shared by the page template and the assistant export.

Explicit ids (``{#step-2}`` through Markdown's attr_list) rather than the ones the toc extension
derives from headings: those depend on the site's slugify setting and drop Japanese text entirely
(every Japanese heading becomes ``_1``, ``_2``, ...), so a chunk of the JSONL export could not say
where on the page it is, and a link to a step would move whenever a step above it changed.
"""
from __future__ import annotations

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
