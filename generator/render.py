"""Knowledge base → Markdown pages, in memory: page views computed here, layout in Jinja templates.

Text from YAML is data, never markup. The Jinja environment escapes every value it prints for
Markdown (``{{ 7*7 }}`` and ``<script>`` in a title come out literally) unless the value is a
``Safe`` fragment built here: links, and the Markdown fields (summary, step details, FAQ answers)
after ``safe_markdown`` has taken raw HTML, dangerous link schemes and attribute lists out of them.

Templates come from the knowledge base's own templates folder first, then from the defaults
shipped in the package (``generator.templates``), so overriding ``procedure.md.j2`` is one file.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

import jinja2
import markupsafe

from .i18n import Language, language as language_for
from .model import KnowledgeBase, Procedure

# --- escaping -----------------------------------------------------------------------------------


class Safe(str):
    """Markdown that is already safe to print as is (escaped data, or links built here)."""


_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]{}|])")
_NEEDS_ESCAPING = re.compile(r"[\\`*_\[\]{}|&<>\t\n\r\f\v]| {2}|^[\s#+\-0-9]|\s$")
_BLOCK_START = re.compile(r"^(#|[-+]\s|\d+(?=[.)]\s))")


def escape(value: Any) -> str:
    """Plain text → Markdown that shows exactly that text, on one line."""
    if value is None:
        return ""
    if isinstance(value, Safe):
        return value
    text = str(value)
    if not _NEEDS_ESCAPING.search(text):  # most values: a name, a date, a label
        return text
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_SPECIALS.sub(r"\\\1", text)
    # A value that opens a list item or a heading ("- x", "# x", "1. x") would start one inside a list.
    match = _BLOCK_START.match(text)
    if match:
        end = match.end()
        text = f"{text[:end]}\\{text[end:]}" if text[0].isdigit() else f"\\{text}"
    return text


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.S)
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>", re.I)
_LINK_DESTINATION = re.compile(r"(\]\(\s*<?)([^)>\n]*)")
_REFERENCE_DEFINITION = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*<?)(\S*)", re.M)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _safe_destination(match: re.Match[str]) -> str:
    url = _CONTROL.sub("", match.group(2)).lower()
    scheme = _SCHEME.match(url)
    if scheme and scheme.group(1) not in _ALLOWED_SCHEMES:
        return match.group(1) + "#"
    return match.group(0)


def _safe_prose(text: str) -> str:
    """Markdown outside code: no raw HTML, no entity tricks, no attribute lists, no script links."""
    autolinks: list[str] = []

    def keep_autolink(match: re.Match[str]) -> str:
        autolinks.append(match.group(0))
        return f"\x00{len(autolinks) - 1}\x00"

    text = _AUTOLINK.sub(keep_autolink, text)
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    # attr_list would turn "{: onclick=...}" into attributes; an escaped brace is just a brace.
    text = text.replace("{", "\\{").replace("}", "\\}")
    text = _LINK_DESTINATION.sub(_safe_destination, text)
    text = _REFERENCE_DEFINITION.sub(_safe_destination, text)
    return re.sub("\x00([0-9]+)\x00", lambda m: autolinks[int(m.group(1))], text)


def safe_markdown(value: str | None) -> Safe:
    """A Markdown field from YAML (lists, bold, tables, links render) with every way to inject markup removed.

    Raw HTML is escaped (``<script>`` shows as text), links keep only http(s)/mailto/tel or relative
    targets, and code spans and fenced blocks are left exactly as written.
    """
    if not value:
        return Safe("")
    out: list[str] = []
    prose: list[str] = []
    fence: str | None = None

    def flush() -> None:
        if prose:
            block = "".join(prose)
            pieces, last = [], 0
            for span in _CODE_SPAN.finditer(block):
                pieces.append(_safe_prose(block[last:span.start()]))
                pieces.append(span.group(0))
                last = span.end()
            pieces.append(_safe_prose(block[last:]))
            out.append("".join(pieces))
            prose.clear()

    for line in value.splitlines(keepends=True):
        marker = _FENCE.match(line)
        if fence is None and marker:
            flush()
            fence = marker.group(1)[0] * len(marker.group(1))
            out.append(line)
        elif fence is not None:
            out.append(line)
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                fence = None
        else:
            prose.append(line)
    flush()
    return Safe("".join(out).rstrip("\n"))


def mermaid_label(value: Any) -> str:
    """Text for inside a quoted Mermaid label: no quotes, tags or backticks that Mermaid would read."""
    text = " ".join(str(value).split())
    for char, code in (("#", "#35;"), ("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"),
                       ("`", "#96;"), ("|", "#124;"), ("[", "#91;"), ("]", "#93;"),
                       ("{", "#123;"), ("}", "#125;")):
        text = text.replace(char, code)
    return text


def link(text: Any, href: str) -> Safe:
    return Safe(f"[{escape(text)}]({href})")


# --- paths --------------------------------------------------------------------------------------

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


LIST_ON_DEPARTMENT_PAGE = 200
"""A department page lists all its procedures up to this many; above, its categories' pages do."""

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


# --- pages and options ---------------------------------------------------------------------------


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
    """``home``, ``procedure``, ``department``, ``category``, ``person``, ``tool``, ``index``, ``tags``."""


@dataclass(frozen=True)
class RenderOptions:
    """The plugin options that shape pages (the same mapping ``mkdocs.yml`` gives the plugin)."""

    language: Language
    templates_dir: Path | None = None
    material_tags: bool = False
    """Leave the tag index to Material's tags plugin (its ``<!-- material/tags -->`` listing)."""

    @classmethod
    def from_options(cls, options: Mapping[str, Any] | RenderOptions) -> RenderOptions:
        if isinstance(options, RenderOptions):
            return options
        folder = options.get("templates_dir")
        return cls(language_for(options.get("language")), Path(folder) if folder else None,
                   bool(options.get("material_tags", False)))


def _finalize(value: Any) -> markupsafe.Markup:
    if isinstance(value, markupsafe.Markup):
        return value
    return markupsafe.Markup(escape(value))


def environment(templates_dir: Path | None = None) -> jinja2.Environment:
    """Templates from ``templates_dir`` first, then sopbook's defaults; every printed value escaped for Markdown."""
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None and templates_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(templates_dir)))
    loaders.append(jinja2.FileSystemLoader(str(resources.files("generator.templates"))))
    # autoescape makes macros return Markup; finalize turns every other printed value into escaped Markdown.
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), finalize=_finalize, autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["escape_md"] = escape
    return env


# --- views -------------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    value: Safe


@dataclass
class Note:
    """An admonition: ``kind`` is Material's type (warning, danger, info)."""

    kind: str
    title: str
    text: str


@dataclass
class StepView:
    number: int
    title: str
    meta: Safe
    details: Safe


@dataclass
class ProcedureView:
    id: str
    title: str
    summary: Safe
    status: str
    notes: list[Note]
    card: list[Row]
    steps: list[StepView]
    approval_diagram: str
    approvals: list[list[Any]]
    kpis: list[list[Any]]
    faq: list[tuple[str, Safe]]
    related: list[Safe]
    referenced_by: list[Safe]
    history: list[list[Any]]
    tags: list[str]
    front_matter: Safe


class _Index:
    """Who and what each procedure touches, computed once for all pages (not once per page)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.referenced_by: dict[str, list[Procedure]] = defaultdict(list)
        self.owns: dict[str, list[Procedure]] = defaultdict(list)
        self.backs_up: dict[str, list[Procedure]] = defaultdict(list)
        self.performs: dict[str, list[tuple[Procedure, list[int]]]] = defaultdict(list)
        self.approves: dict[str, list[Procedure]] = defaultdict(list)
        self.tool_steps: dict[str, list[tuple[Procedure, list[int]]]] = defaultdict(list)
        self.tags: dict[str, list[Procedure]] = defaultdict(list)
        self.roles_of: dict[str, list[str]] = defaultdict(list)
        for role in kb.roles.values():
            for member in role.members:
                self.roles_of[member].append(role.id)
        for procedure in kb.procedures.values():
            for target in dict.fromkeys(procedure.related):
                self.referenced_by[target].append(procedure)
            self.owns[procedure.owner].append(procedure)
            for backup in dict.fromkeys(procedure.backups):
                self.backs_up[backup].append(procedure)
            steps_by_person: dict[str, list[int]] = defaultdict(list)
            steps_by_tool: dict[str, list[int]] = {tool: [] for tool in procedure.tools}
            for step in procedure.steps:
                for person in kb.people_of(step.actor):
                    steps_by_person[person].append(step.number)
                if step.tool:
                    steps_by_tool.setdefault(step.tool, []).append(step.number)
            for person, numbers in steps_by_person.items():
                self.performs[person].append((procedure, numbers))
            for tool, numbers in steps_by_tool.items():
                self.tool_steps[tool].append((procedure, numbers))
            approvers = {person for approval in procedure.approvals for person in kb.people_of(approval.approver)}
            for person in sorted(approvers):
                self.approves[person].append(procedure)
            for tag in dict.fromkeys(procedure.tags):
                self.tags[tag].append(procedure)


def _last_updated(procedure: Procedure) -> dt.date | None:
    dates = [entry.date for entry in procedure.history if entry.date]
    if procedure.review.last_reviewed:
        dates.append(procedure.review.last_reviewed)
    return max(dates) if dates else None


class Renderer:
    """Renders every page of one knowledge base; views are computed here, templates only lay them out."""

    def __init__(self, kb: KnowledgeBase, options: RenderOptions, today: dt.date,
                 dashboard: str | None = None) -> None:
        self.kb = kb
        self.options = options
        self.lang = options.language
        self.today = today
        self.dashboard = Safe(dashboard or "")
        self.env = environment(options.templates_dir)
        self.env.globals.update(t=self.lang.label, language=self.lang.code)
        self.index = _Index(kb)
        self.paths = {procedure.id: procedure_path(procedure) for procedure in kb.procedures.values()}

    # links --------------------------------------------------------------------------------------

    def actor(self, actor_id: str, here: str) -> Safe:
        """A person as a link to their page; a role as its name with its members linked."""
        kb = self.kb
        if actor_id in kb.people:
            return link(kb.people[actor_id].name, relative(here, person_path(actor_id)))
        if actor_id in kb.roles:
            role = kb.roles[actor_id]
            members = self.lang.label("list_sep").join(self.actor(member, here) for member in role.members)
            return Safe(f"{escape(role.name)}（{members}）" if members else escape(role.name))
        return Safe(escape(actor_id))

    def tool(self, tool_id: str, here: str) -> Safe:
        if tool_id in self.kb.tools:
            return link(self.kb.tools[tool_id].name, relative(here, tool_path(tool_id)))
        return Safe(escape(tool_id))

    def procedure_link(self, procedure_id: str, here: str, with_id: bool = True) -> Safe:
        procedure = self.kb.procedures.get(procedure_id)
        if procedure is None:
            return Safe(escape(procedure_id))
        text = f"{procedure.id} {procedure.title}" if with_id else procedure.title
        return link(text, relative(here, self.paths[procedure.id]))

    def joined(self, parts: Iterable[str]) -> Safe:
        parts = list(parts)
        return Safe(self.lang.label("list_sep").join(parts) if parts else escape(self.lang.label("none")))

    # procedure ------------------------------------------------------------------------------------

    def procedure_view(self, procedure: Procedure) -> ProcedureView:
        here, label = self.paths[procedure.id], self.lang.label
        notes: list[Note] = []
        if procedure.status == "draft":
            notes.append(Note("warning", label("status.draft"), label("draft_note")))
        elif procedure.status == "retired":
            notes.append(Note("danger", label("status.retired"), label("retired_note")))
        next_review = procedure.review.next_review
        overdue = procedure.status != "retired" and procedure.review.overdue(self.today)
        if overdue:
            text = (label("overdue_note", date=self.lang.date(next_review)) if next_review
                    else label("never_reviewed_note"))
            notes.append(Note("warning", label("review_overdue"), text))

        next_text = self.lang.date(next_review) if next_review else label("never_reviewed")
        if overdue:
            next_text = f"**{escape(label('overdue_mark', date=next_text))}**"
        else:
            next_text = escape(next_text)
        department = link(procedure.department, relative(here, f"{department_folder(procedure.department)}/index.md"))
        place = department
        if procedure.category:
            place = Safe(f"{department} / " + link(procedure.category, relative(
                here, f"{category_folder(procedure.department, procedure.category)}/index.md")))
        card = [
            Row(label("owner"), self.actor(procedure.owner, here)),
            Row(label("backups"), self.joined(self.actor(backup, here) for backup in procedure.backups)),
            Row(label("department"), place),
            Row(label("status"), Safe(escape(label(f"status.{procedure.status}")))),
            Row(label("version"), Safe(escape(procedure.version or ""))),
            Row(label("last_reviewed"), Safe(escape(self.lang.date(procedure.review.last_reviewed))
                                             or escape(label("never_reviewed")))),
            Row(label("next_review"), Safe(next_text)),
            Row(label("tools"), self.joined(self.tool(tool, here) for tool in procedure.all_tools())),
            Row(label("frequency"), Safe(escape(procedure.frequency or ""))),
            Row(label("trigger"), Safe(escape(procedure.trigger or ""))),
            Row(label("source"), Safe(f"`{procedure.path}`")),
        ]
        card = [row for row in card if row.value]

        steps = []
        for step in procedure.steps:
            meta = [f"**{escape(label('actor'))}**: {self.actor(step.actor, here)}"]
            if step.tool:
                meta.append(f"**{escape(label('tool'))}**: {self.tool(step.tool, here)}")
            if step.duration:
                meta.append(f"**{escape(label('duration'))}**: {escape(self.lang.duration(step.duration))}")
            steps.append(StepView(step.number, step.title, Safe(" · ".join(meta)), safe_markdown(step.details)))

        approvals = [
            [approval.number, self.actor(approval.approver, here),
             Safe(escape(approval.when or label("always"))), Safe(escape(self.lang.duration(approval.sla)))]
            for approval in procedure.approvals
        ]
        return ProcedureView(
            id=procedure.id,
            title=procedure.title,
            summary=safe_markdown(procedure.summary),
            status=procedure.status,
            notes=notes,
            card=card,
            steps=steps,
            approval_diagram=self.approval_diagram(procedure),
            approvals=approvals,
            kpis=[[kpi.name, kpi.target] for kpi in procedure.kpis],
            faq=[(entry.q, safe_markdown(entry.a)) for entry in procedure.faq],
            related=[self.procedure_link(other, here) for other in dict.fromkeys(procedure.related)],
            referenced_by=[self.procedure_link(other.id, here) for other in self.index.referenced_by[procedure.id]
                           if other.id not in procedure.related],
            history=[[self.lang.date(entry.date), entry.version or "",
                      self.actor(entry.author, here) if entry.author else "", entry.change]
                     for entry in procedure.history],
            tags=list(dict.fromkeys(procedure.tags)),
            front_matter=self.front_matter(procedure),
        )

    def approval_diagram(self, procedure: Procedure) -> Safe:
        """A Mermaid flowchart: request → each approver (with its condition and SLA) → done."""
        if not procedure.approvals:
            return Safe("")
        label = self.lang.label
        lines = ["flowchart LR", f'  request(["{mermaid_label(label("request"))}"])']
        previous = "request"
        for approval in procedure.approvals:
            node = f"a{approval.number}"
            parts = [mermaid_label(self.kb.name_of(approval.approver))]
            if approval.when:
                parts.append(mermaid_label(f"{label('condition')}: {approval.when}"))
            if approval.sla:
                parts.append(mermaid_label(f"{label('sla')}: {self.lang.duration(approval.sla)}"))
            lines.append(f'  {node}["{"<br/>".join(parts)}"]')
            arrow = "-.->" if approval.when else "-->"
            lines.append(f"  {previous} {arrow} {node}")
            previous = node
        lines.append(f'  done(["{mermaid_label(label("done"))}"])')
        lines.append(f"  {previous} --> done")
        return Safe("\n".join(lines))

    def front_matter(self, procedure: Procedure) -> Safe:
        """YAML front matter (as JSON, which YAML reads) for Material's tags."""
        matter: dict[str, Any] = {}
        if procedure.tags:
            # Material's tags plugin prints tag names into the page as HTML, unescaped.
            matter["tags"] = [html.escape(tag, quote=False) for tag in dict.fromkeys(procedure.tags)]
        return Safe("\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in matter.items()))

    # other pages ----------------------------------------------------------------------------------

    def procedure_rows(self, procedures: Iterable[Procedure], here: str) -> list[list[Any]]:
        rows = []
        for procedure in sorted(procedures, key=lambda p: p.id):
            next_review = procedure.review.next_review
            due = self.lang.date(next_review) if next_review else self.lang.label("never_reviewed")
            overdue = procedure.status != "retired" and procedure.review.overdue(self.today)
            rows.append([self.procedure_link(procedure.id, here), self.actor(procedure.owner, here),
                         self.lang.label(f"status.{procedure.status}"),
                         Safe(f"**{escape(due)}**") if overdue else due])
        return rows

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

        department_rows = []
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
        pages.append(self.home_page(department_rows))
        return pages

    def people_pages(self) -> list[Page]:
        kb, index = self.kb, self.index
        pages, rows = [], []
        for person in sorted(kb.people.values(), key=lambda p: p.id):
            here = person_path(person.id)
            performs = [[self.procedure_link(procedure.id, here), ", ".join(map(str, numbers))]
                        for procedure, numbers in sorted(index.performs[person.id], key=lambda pair: pair[0].id)]
            roles = self.lang.label("list_sep").join(kb.roles[role].name for role in index.roles_of[person.id] if role in kb.roles)
            pages.append(Page(here, self.render(
                "person.md.j2", person=person, roles=roles,
                owns=self.procedure_rows(index.owns[person.id], here),
                backs_up=self.procedure_rows(index.backs_up[person.id], here),
                performs=performs,
                approves=self.procedure_rows(index.approves[person.id], here)),
                kb.sources["people"].path if "people" in kb.sources else None, person.name, "person"))
            rows.append([link(person.name, relative(PEOPLE_INDEX, here)), person.department or "",
                         len(index.owns[person.id]), len(index.backs_up[person.id]), person.active])
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
            url = Safe(f"<{tool.url}>") if tool.url and _AUTOLINK.fullmatch(f"<{tool.url}>") else tool.url or ""
            pages.append(Page(here, self.render("tool.md.j2", tool=tool, owner=owner, url=url, used_by=used_by),
                              kb.sources["tools"].path if "tools" in kb.sources else None, tool.name, "tool"))
            rows.append([link(tool.name, relative(TOOLS_INDEX, here)), len(uses)])
        pages.append(Page(TOOLS_INDEX, self.render("tools.md.j2", tools=rows), None, self.lang.label("tools"), "index"))
        return pages

    def tags_page(self) -> Page:
        tags = [(tag, [self.procedure_link(procedure.id, TAGS_INDEX) for procedure in
                       sorted(self.index.tags[tag], key=lambda p: p.id)])
                for tag in sorted(self.index.tags)]
        return Page(TAGS_INDEX, self.render("tags.md.j2", tags=tags, material_tags=self.options.material_tags),
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
        due_soon = self.today + dt.timedelta(days=60)
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


def render_pages(kb: KnowledgeBase, options: Mapping[str, Any] | RenderOptions, *, today: dt.date | None = None,
                 dashboard: str | None = None) -> list[Page]:
    """Every generated page of the site, in memory.

    ``options`` is the ``sopbook`` plugin's options (``language``, ``templates_dir``, ...); a relative
    ``templates_dir`` is taken from the working directory. ``dashboard`` is Markdown for the home page.
    """
    renderer = Renderer(kb, RenderOptions.from_options(options), today or dt.date.today(), dashboard)
    return renderer.pages()
