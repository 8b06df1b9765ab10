"""Page assembly: every generated page of a knowledge base, rendered through its Jinja template, in memory."""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from .. import anchors
from ..model import KnowledgeBase, Procedure, days_after
from ..options import Options
from .environment import environment, template_errors
from .escaping import Safe, autolink, escape, link, safe_markdown
from .urls import (
    FAQ_INDEX,
    HOME,
    PEOPLE_INDEX,
    PROCEDURES_INDEX,
    TAGS_INDEX,
    TOOLS_INDEX,
    category_folder,
    department_folder,
    person_path,
    relative,
    tool_path,
)
from .views import Views

LIST_ON_DEPARTMENT_PAGE = 200
"""A department page lists all its procedures up to this many; above, its categories' pages do."""


@dataclass(frozen=True)
class Page:
    """One generated page of the site."""

    path: str
    """Relative to the docs folder, ``/``-separated: ``procedures/総務部/契約/GA-001.md``."""
    markdown: str
    source: str | None = None
    """The YAML file the page was made from, as shown to the user (``sop/総務部/GA-001.yaml``)."""
    title: str = ""
    kind: str = ""
    """``home``, ``procedure``, ``department``, ``category``, ``person``, ``tool``, ``index``, ``tags``, ``report``,
    ``rule``."""


def _last_updated(procedure: Procedure) -> dt.date | None:
    dates = [entry.date for entry in procedure.history if entry.date]
    if procedure.review.last_reviewed:
        dates.append(procedure.review.last_reviewed)
    return max(dates) if dates else None


class Renderer(Views):
    """Renders every page of one knowledge base; views are computed in ``Views``, templates only lay them out."""

    def __init__(self, kb: KnowledgeBase, options: Options, today: dt.date,
                 dashboard: str | None = None) -> None:
        super().__init__(kb, options.language, today, options.site)
        self.options = options
        self.dashboard = Safe(dashboard or "")
        self.env = environment(options.templates_dir, options.language)
        self.env.globals.update(anchors.TEMPLATE_GLOBALS)

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    def pages(self) -> list[Page]:
        kb, label = self.kb, self.lang.label
        pages: list[Page] = []
        template = self.env.get_template("procedure.md.j2")
        departments: dict[str, dict[str | None, list[Procedure]]] = defaultdict(lambda: defaultdict(list))
        for procedure in kb.procedures.values():
            departments[procedure.department][procedure.category].append(procedure)
            pages.append(Page(self.paths[procedure.id], template.render(view=self.procedure_view(procedure)),
                              procedure.path, procedure.title, "procedure"))

        department_rows: list[list[Any]] = []
        for department in sorted(departments):
            folder = department_folder(department)
            here = f"{folder}/index.md"
            categories = departments[department]
            category_rows = []
            for category in sorted(categories, key=lambda name: (name is None, name or "")):
                members = categories[category]
                if category is None:
                    continue
                category_page = f"{category_folder(department, category)}/index.md"
                category_rows.append([link(category, relative(here, category_page)), len(members)])
                pages.append(Page(category_page, self.render(
                    "category.md.j2", department=department, category=category,
                    department_link=link(department, relative(category_page, here)),
                    procedures=self.procedure_rows(members, category_page)), None, category, "category"))
            everything = [procedure for members in categories.values() for procedure in members]
            pages.append(Page(here, self.render(
                "department.md.j2", department=department, categories=category_rows,
                procedures=self.procedure_rows(categories.get(None, []), here),
                all_procedures=self.procedure_rows(everything, here) if len(everything) <= LIST_ON_DEPARTMENT_PAGE
                else []), None, department, "department"))
            counts = Counter(procedure.status for members in categories.values() for procedure in members)
            department_rows.append([department, folder, counts])

        pages.append(Page(PROCEDURES_INDEX, self.render(
            "procedures.md.j2", departments=[
                [link(name, relative(PROCEDURES_INDEX, f"{folder}/index.md")), sum(counts.values())]
                for name, folder, counts in department_rows]), None, label("procedures"), "index"))
        pages.extend(self.people_pages())
        pages.extend(self.tool_pages())
        pages.append(self.tags_page())
        pages.append(self.faq_page())
        pages.append(self.home_page(department_rows))
        return pages

    def people_pages(self) -> list[Page]:
        kb, index = self.kb, self.index
        pages, rows = [], []
        for person in sorted(kb.people.values(), key=lambda p: p.id):
            here = person_path(person.id)
            performs = [[self.procedure_link(procedure.id, here), ", ".join(map(str, numbers))]
                        for procedure, numbers in sorted(index.performs[person.id], key=lambda pair: pair[0].id)]
            roles = self.lang.label("list_sep").join(kb.roles[role].name for role in index.roles_of[person.id]
                                                     if role in kb.roles)
            pages.append(Page(here, self.render(
                "person.md.j2", person=person, roles=roles,
                owns=self.procedure_rows(index.owns[person.id], here),
                backs_up=self.procedure_rows(index.backs_up[person.id], here),
                performs=performs,
                approves=self.procedure_rows(index.approves[person.id], here)),
                kb.sources["people"].path if "people" in kb.sources else None, person.name, "person"))
            name = link(person.name, relative(PEOPLE_INDEX, here))
            if not person.active:
                name = Safe(f"{name} {escape(self.lang.label('departed_mark'))}")
            rows.append([name, person.title or "", person.department or "",
                         len(index.owns[person.id]), len(index.backs_up[person.id])])
        pages.append(Page(PEOPLE_INDEX, self.render("people.md.j2", people=rows), None,
                          self.lang.label("people"), "index"))
        return pages

    def tool_pages(self) -> list[Page]:
        kb = self.kb
        pages, rows = [], []
        for tool in sorted(kb.tools.values(), key=lambda t: t.id):
            here = tool_path(tool.id)
            uses = sorted(self.index.tool_steps[tool.id], key=lambda pair: pair[0].id)
            used_by = [[self.procedure_link(procedure.id, here), procedure.department,
                        self.joined(escape(f"{number}. {procedure.steps[number - 1].title}") for number in numbers)]
                       for procedure, numbers in uses]
            owner = self.actor(tool.owner, here) if tool.owner else ""
            url = autolink(tool.url) if tool.url else ""
            pages.append(Page(here, self.render("tool.md.j2", tool=tool, owner=owner, url=url, used_by=used_by),
                              kb.sources["tools"].path if "tools" in kb.sources else None, tool.name, "tool"))
            rows.append([link(tool.name, relative(TOOLS_INDEX, here)), len(uses)])
        pages.append(Page(TOOLS_INDEX, self.render("tools.md.j2", tools=rows), None, self.lang.label("tools"), "index"))
        return pages

    def faq_page(self) -> Page:
        """Every FAQ entry of every procedure, by department: questions staff can search without a person."""
        by_department: dict[str, list[tuple[str, Safe, Safe]]] = defaultdict(list)
        for procedure in sorted(self.kb.procedures.values(), key=lambda p: p.id):
            if procedure.status == "retired":
                continue
            for entry in procedure.faq:
                by_department[procedure.department].append(
                    (entry.q, self.linked(safe_markdown(entry.a), FAQ_INDEX),
                     self.procedure_link(procedure.id, FAQ_INDEX)))
        departments = sorted(by_department.items())
        return Page(FAQ_INDEX, self.render("faq.md.j2", departments=departments), None, self.lang.label("faq"), "faq")

    def tags_page(self) -> Page:
        tags = [(tag, [self.procedure_link(procedure.id, TAGS_INDEX) for procedure in
                       sorted(self.index.tags[tag], key=lambda p: p.id)])
                for tag in sorted(self.index.tags)]
        return Page(TAGS_INDEX, self.render("tags.md.j2", tags=tags, material_tags=self.options.material_tags,
                                            tag_anchors=anchors.tags(sorted(self.index.tags))),
                    None, self.lang.label("tags"), "tags")

    def home_page(self, department_rows: list[list[Any]]) -> Page:
        kb, lang = self.kb, self.lang
        counts = Counter(procedure.status for procedure in kb.procedures.values())
        departments = [[link(name, relative(HOME, f"{folder}/index.md")), by_status["active"],
                        by_status["draft"], by_status["retired"], sum(by_status.values())]
                       for name, folder, by_status in department_rows]
        dated = [(day, procedure) for procedure in kb.procedures.values() if (day := _last_updated(procedure))]
        recent = [[self.procedure_link(procedure.id, HOME), lang.date(day)]
                  for day, procedure in sorted(dated, key=lambda pair: (pair[0], pair[1].id), reverse=True)[:10]]
        due_soon = days_after(self.today, 60)
        due = []
        for procedure in kb.procedures.values():
            if procedure.status == "retired":
                continue
            next_review = procedure.review.next_review
            if next_review is None or next_review <= due_soon:
                due.append((next_review, procedure))
        due.sort(key=lambda pair: (pair[0] or dt.date.min, pair[1].id))
        reviews = [[self.procedure_link(procedure.id, HOME), self.actor(procedure.owner, HOME),
                    Safe(f"**{escape(lang.date(day) if day else lang.label('never_reviewed'))}**")
                    if day is None or day < self.today else lang.date(day)]
                   for day, procedure in due[:20]]
        return Page(HOME, self.render(
            "home.md.j2", departments=departments, counts=counts, total=len(kb.procedures),
            people=len(kb.people), tools=len(kb.tools), recent=recent, reviews=reviews,
            more_reviews=max(0, len(due) - 20), dashboard=self.dashboard), None, lang.label("home"), "home")


def render_pages(kb: KnowledgeBase, options: Options, *, today: dt.date | None = None,
                 dashboard: str | None = None) -> list[Page]:
    """Every generated page of the site, in memory; ``today`` overrides the options' date.

    ``dashboard`` is Markdown for the home page.
    """
    with template_errors():
        renderer = Renderer(kb, options, today or options.day(), dashboard)
        return [with_title(page) for page in renderer.pages()]


_TITLE_KEY = re.compile(r"^title\s*:", re.M)


def with_title(page: Page) -> Page:
    """The page with its title in the front matter, as HTML text.

    MkDocs treats a page title as HTML, so sopbook hands it escaped text; but Material prints
    ``page.title | striptags`` into ``<title>``, and striptags turns ``&lt;`` back into ``<``: a title
    ``</title><img onerror=…>`` became markup. A ``title`` in the front matter is printed into
    ``<title>`` as it is, so escaped text stays text there.
    """
    if not page.title:
        return page
    # Braces as entities too: a macros plugin would read "{{ }}" in the front matter as Jinja.
    text = html.escape(page.title).replace("{", "&#123;").replace("}", "&#125;")
    line = f"title: {json.dumps(text, ensure_ascii=False)}\n"
    markdown = page.markdown
    if markdown.startswith("---\n") and (end := markdown.find("\n---\n", 3)) != -1:
        if _TITLE_KEY.search(markdown, 4, end):  # a template of the knowledge base chose its own
            return page
        markdown = f"---\n{line}{markdown[4:]}"
    else:
        markdown = f"---\n{line}---\n\n{markdown}"
    return dataclasses.replace(page, markdown=markdown)
