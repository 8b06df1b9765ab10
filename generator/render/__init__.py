"""Knowledge base → Markdown pages, in memory: page views computed in Python, layout in Jinja templates.

One module per concern, in the order the data flows:

- ``escaping``: text from YAML → Markdown that shows exactly that text (``escape``, ``safe_markdown``);
- ``urls``: where each page lives and the relative links between pages;
- ``environment``: the Jinja environment, the knowledge base's templates before sopbook's;
- ``views``: what each page shows (``Views``, ``ProcedureView``), computed once per knowledge base;
- ``pages``: every page rendered through its template (``render_pages``, ``Page``).
"""
from __future__ import annotations

from .environment import environment
from .escaping import Safe, autolink, escape, link, safe_markdown
from .pages import LIST_ON_DEPARTMENT_PAGE, Page, Renderer, render_pages
from .urls import (
                   FAQ_INDEX,
                   HOME,
                   PEOPLE_INDEX,
                   PROCEDURES_INDEX,
                   TAGS_INDEX,
                   TOOLS_INDEX,
                   category_folder,
                   department_folder,
                   media_files,
                   person_path,
                   procedure_path,
                   relative,
                   segment,
                   tool_path,
)
from .views import Index, Note, ProcedureView, Row, StepView, Views

__all__ = [
    "FAQ_INDEX", "HOME", "LIST_ON_DEPARTMENT_PAGE", "PEOPLE_INDEX", "PROCEDURES_INDEX", "TAGS_INDEX", "TOOLS_INDEX",
    "Index", "Note", "Page", "ProcedureView", "Renderer", "Row", "Safe", "StepView", "Views",
    "autolink", "category_folder", "department_folder", "environment", "escape", "link", "media_files",
    "person_path", "procedure_path", "relative", "render_pages", "safe_markdown", "segment", "tool_path",
]
