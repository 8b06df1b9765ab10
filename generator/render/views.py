"""Page views: what each page shows, computed in Python so that templates only lay it out.

Every value is either plain text (the template escapes it) or ``Safe`` Markdown built here: links
to other pages, sanitised Markdown fields, the approval flow.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import markupsafe

from .. import media
from ..address import SiteAddress
from ..i18n import Language
from ..model import Attachment, Image, KnowledgeBase, Kpi, Procedure
from .charts import Series, line_chart
from .escaping import Safe, escape, link, link_procedure_ids, safe_markdown
from .urls import (
    category_folder,
    department_folder,
    link_target,
    media_link,
    person_path,
    procedure_path,
    relative,
    tool_path,
)

_EMAIL = re.compile(r"^[^@\s<>()\[\]\\,;:\"]+@[^@\s<>()\[\]\\,;:\"]+$")
_WEB_URL = re.compile(r"^https?://[^\s<>()]+$", re.IGNORECASE)
"""A link the page may print as a Markdown link target as it is (no space or bracket to end it early)."""


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
class FlowNode:
    """One box of the approval flow: ``kind`` is ``end`` (request, done), ``approval`` or ``conditional``."""

    kind: str
    text: str
    notes: list[str] = field(default_factory=list)


@dataclass
class ImageView:
    """A screenshot as the page links it: ``src`` relative to the page's Markdown file."""

    src: str
    alt: str
    caption: str | None
    width: int | None
    height: int | None


@dataclass
class StepView:
    number: int
    title: str
    meta: Safe
    details: Safe
    images: list[ImageView] = field(default_factory=list)
    video: Safe | None = None


@dataclass
class ProcedureView:
    id: str
    title: str
    summary: Safe
    status: str
    notes: list[Note]
    card: list[Row]
    steps: list[StepView]
    approval_flow: list[FlowNode]
    approvals: list[list[Any]]
    kpis: list[list[Any]]
    kpis_measured: bool
    """Whether any KPI has measurements: only then does the table show the latest value and status."""
    kpi_charts: list[Safe]
    """One inline SVG chart per KPI with at least two measurements, against its goal."""
    faq: list[tuple[str, Safe]]
    related: list[Safe]
    referenced_by: list[Safe]
    history: list[list[Any]]
    tags: list[str]
    front_matter: Safe
    attachments: list[Safe] = field(default_factory=list)
    print_facts: list[tuple[str, str]] = field(default_factory=list)
    """What the printed copy's header lists: id, version, last review, owner."""
    print_date: str = ""
    """Empty on the site (the page's script fills in the day it is printed); the day a PDF is made."""
    qr: markupsafe.Markup | None = None
    """An inline SVG QR code of the page's address; None without ``site_url``."""
    feedback: str | None = None
    """A new issue on ``repo_url`` filled in with the procedure, or an e-mail to its owner."""


class Index:
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


_NOT_YAML_TEXT = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters JSON writes as they are but YAML does not read inside a line: DEL, the C1 controls (with NEL,
a line break to YAML), and the line and paragraph separators U+2028 and U+2029."""


def _yaml_safe_json(value: Any) -> str:
    """JSON that YAML reads back as the same value: a tag with a DEL or a C1 character would otherwise end
    the front matter early (tags lost, the rest shown as a heading)."""
    return _NOT_YAML_TEXT.sub(lambda match: f"\\u{ord(match.group(0)):04x}", json.dumps(value, ensure_ascii=False))


class Views:
    """Links and views for the pages of one knowledge base, with the index they need computed once."""

    def __init__(self, kb: KnowledgeBase, language: Language, today: dt.date,
                 site: SiteAddress | None = None) -> None:
        self.kb = kb
        self.lang = language
        self.today = today
        self.site = site or SiteAddress()
        self.index = Index(kb)
        self.paths = {procedure.id: procedure_path(procedure) for procedure in kb.procedures.values()}

    # links --------------------------------------------------------------------------------------

    def actor(self, actor_id: str, here: str) -> Safe:
        """A person as a link to their page, marked when they have left; a role as its name with its
        members linked and marked."""
        kb = self.kb
        if actor_id in kb.people:
            person = kb.people[actor_id]
            linked = link(person.name, relative(here, person_path(actor_id)))
            if person.active:
                return linked
            return Safe(f"{linked} {escape(self.lang.label('departed_mark'))}")
        if actor_id in kb.roles:
            role = kb.roles[actor_id]
            members = self.lang.join(self.actor(member, here) for member in role.members)
            if not members:
                return Safe(escape(role.name))
            return Safe(self.lang.label("role_members", role=escape(role.name), members=members))
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
        page_url = self.site.page_url(here)
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
        next_text = f"**{escape(label('overdue_mark', date=next_text))}**" if overdue else escape(next_text)
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
            images = [self.image(procedure, image) for image in step.images]
            video = link(label("video"), step.video) if step.video and _WEB_URL.match(step.video) else None
            steps.append(StepView(step.number, step.title, Safe(" · ".join(meta)),
                                  self.linked(safe_markdown(step.details), here),
                                  images, video))

        approvals = [
            [approval.number, self.actor(approval.approver, here),
             Safe(escape(approval.when or label("always"))), Safe(escape(self.lang.duration(approval.sla)))]
            for approval in procedure.approvals
        ]
        measured = any(kpi.measurements for kpi in procedure.kpis)
        return ProcedureView(
            id=procedure.id,
            title=procedure.title,
            summary=self.linked(safe_markdown(procedure.summary), here),
            status=procedure.status,
            notes=notes,
            card=card,
            steps=steps,
            approval_flow=self.approval_flow(procedure),
            approvals=approvals,
            kpis=[self.kpi_row(kpi) if measured else [kpi.name, kpi.target] for kpi in procedure.kpis],
            kpis_measured=measured,
            kpi_charts=[chart for kpi in procedure.kpis if (chart := self.kpi_chart(kpi))],
            faq=[(entry.q, self.linked(safe_markdown(entry.a), here)) for entry in procedure.faq],
            related=[self.procedure_link(other, here) for other in dict.fromkeys(procedure.related)],
            referenced_by=[self.procedure_link(other.id, here) for other in self.index.referenced_by[procedure.id]
                           if other.id not in procedure.related],
            history=[[self.lang.date(entry.date), entry.version or "",
                      self.actor(entry.author, here) if entry.author else "", entry.change]
                     for entry in procedure.history],
            tags=list(dict.fromkeys(procedure.tags)),
            front_matter=self.front_matter(procedure),
            attachments=[self.attachment(procedure, attachment) for attachment in procedure.attachments],
            print_facts=[(label("procedure_id"), procedure.id), (label("version"), procedure.version or ""),
                         (label("last_reviewed"), self.lang.date(procedure.review.last_reviewed)
                          or label("never_reviewed")),
                         (label("owner"), self.kb.name_of(procedure.owner))],
            qr=self.qr_code(page_url),
            feedback=self.feedback(procedure, unquote(page_url) if page_url else here),
        )

    def linked(self, field_html: Safe, here: str) -> Safe:
        """Procedure ids named in a field's text (「HR-005 参照」) as links to their pages, except to ``here``.

        The field is sanitised HTML, which MkDocs does not rewrite, so the link is the page's final URL.
        """
        def target(procedure_id: str) -> str | None:
            path = self.paths.get(procedure_id)
            return self.site.relative_url(here, path) if path and path != here else None

        return link_procedure_ids(field_html, target)

    def qr_code(self, url: str | None) -> markupsafe.Markup | None:
        """The page's address as a QR code, inline SVG (about 3 KB): no image request, crisp in print."""
        if url is None:
            return None
        import segno

        svg = segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True, svgclass="sopbook-qr__code",
                                                   lineclass=None)
        label = html.escape(self.lang.label("qr_label", url=url))
        return markupsafe.Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S704

    def feedback(self, procedure: Procedure, address: str) -> str | None:
        """Where "ask a question / report a problem" goes: a new issue on the repository with the procedure's
        id, version and page filled in, or else an e-mail to its owner (none without either)."""
        label = self.lang.label
        title = label("feedback_title", id=procedure.id, title=procedure.title)
        body = label("feedback_body", id=procedure.id, title=procedure.title, version=procedure.version or "-",
                     url=address)
        issue = self.site.new_issue_url(title, body)
        if issue:
            return issue
        owner = self.kb.people.get(procedure.owner)
        if owner is not None and owner.email and _EMAIL.match(owner.email):
            return f"mailto:{quote(owner.email, safe='@')}?subject={quote(title)}&body={quote(body)}"
        return None

    def image(self, procedure: Procedure, image: Image) -> ImageView:
        size = media.image_size(media.resolve(procedure.path, image.file), self.kb.sop_dir)
        width, height = size or (None, None)
        return ImageView(link_target(media_link(procedure, image.file, self.kb.sop_dir)), image.alt, image.caption,
                         width, height)

    def attachment(self, procedure: Procedure, attachment: Attachment) -> Safe:
        if attachment.file:
            return link(attachment.title, link_target(media_link(procedure, attachment.file, self.kb.sop_dir)))
        if attachment.url and _WEB_URL.match(attachment.url):
            return link(attachment.title, attachment.url)
        return Safe(escape(attachment.title))

    def approval_flow(self, procedure: Procedure) -> list[FlowNode]:
        """The approval flow as boxes in order: request → each approver (condition, SLA) → done.

        Drawn by the template as HTML and CSS at build time, not by a diagram script in the browser: it
        shows with JavaScript off, in print and offline, and its words are text search and screen
        readers get (Mermaid cost 3.5 MB of script and Lighthouse performance 75: see docs/site.md).
        """
        if not procedure.approvals:
            return []
        label = self.lang.label
        nodes = [FlowNode("end", label("request"))]
        for approval in procedure.approvals:
            notes = []
            if approval.when:
                notes.append(f"{label('condition')}: {approval.when}")
            if approval.sla:
                notes.append(f"{label('sla')}: {self.lang.duration(approval.sla)}")
            name = self.kb.name_of(approval.approver)
            person = self.kb.people.get(approval.approver)
            if person is not None and not person.active:
                name = f"{name} {label('departed_mark')}"
            nodes.append(FlowNode("conditional" if approval.when else "approval", name, notes))
        nodes.append(FlowNode("end", label("done")))
        return nodes

    def kpi_row(self, kpi: Kpi) -> list[Any]:
        """Name, target, the latest value with its date, and whether it meets the goal and which way it moves."""
        label, latest = self.lang.label, kpi.latest
        value = ""
        if latest is not None:
            day = self.lang.date(latest.date)
            shown = kpi.shown(latest.value)
            value = label("kpi.value-on", value=shown, day=day)
        status = []
        met = kpi.met(latest.value) if latest else None
        if met is not None:
            status.append(label("kpi.met" if met else "kpi.not_met"))
        change = kpi.change()
        if change:
            status.append(label(f"kpi.{change}"))
        return [kpi.name, kpi.target, value, label("list_sep").join(status)]

    def kpi_chart(self, kpi: Kpi) -> Safe:
        """The KPI's measurements as a line against its goal; nothing for fewer than two values."""
        if len(kpi.measurements) < 2:
            return Safe("")
        goal = kpi.shown(kpi.goal) if kpi.goal is not None else ""
        title = (self.lang.label("kpi.chart", name=kpi.name, goal=goal) if goal
                 else self.lang.label("kpi.chart_no_goal", name=kpi.name))
        points = [(measurement.date, measurement.value) for measurement in kpi.measurements]
        return line_chart([Series(kpi.name, points)], label=title, goal=kpi.goal,
                          goal_label=f"{self.lang.label('kpi.goal')}: {goal}")

    def front_matter(self, procedure: Procedure) -> Safe:
        """YAML front matter (as JSON, which YAML reads) for Material's tags."""
        matter: dict[str, Any] = {}
        if procedure.tags:
            # Material's tags plugin prints tag names into the page as HTML, unescaped.
            matter["tags"] = [html.escape(tag) for tag in dict.fromkeys(procedure.tags)]
        return Safe("\n".join(f"{key}: {_yaml_safe_json(value)}" for key, value in matter.items()))

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
