"""The knowledge base as clean text for assistants: per-procedure Markdown, ``llms.txt``, ``llms-full.txt``, JSONL.

An internal assistant answers from the procedures, so it needs them as text with their metadata, not
as scraped HTML. Each procedure becomes one clean Markdown document made of passages (an overview,
one per step, one for the approvals, one per FAQ entry), each tied to an anchor of the procedure's
page (``#step-2``, ``#approvals``, ``#faq-1``; ``templates/procedure.md.j2`` gives its headings those
ids; the overview is the page's top), so a retrieval index can cite the exact place. The document is the
passages joined, so the ``text`` of a JSONL record and its ``chunks`` can never disagree.

Layout lives in templates a knowledge base can override: ``procedure-text.md.j2`` (one macro per kind
of passage), ``llms.txt.j2`` and ``llms-full.txt.j2``.
"""
from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin

from . import anchors
from .i18n import Language
from .model import KnowledgeBase, Procedure
from .options import Options
from .render import Safe, environment, escape, procedure_path

LLMS_TXT = "llms.txt"
LLMS_FULL_TXT = "llms-full.txt"
PROCEDURE_TEMPLATE = "procedure-text.md.j2"

@dataclass(frozen=True)
class SiteAddress:
    """Where pages are published: ``site_url`` and ``use_directory_urls`` of mkdocs.yml."""

    site_url: str | None = None
    directory_urls: bool = True

    @classmethod
    def from_mkdocs(cls, mkdocs_config: Mapping[str, Any]) -> SiteAddress:
        site_url = mkdocs_config.get("site_url")
        return cls(str(site_url) if site_url else None, mkdocs_config.get("use_directory_urls", True) is not False)

    def page_url(self, page_path: str) -> str:
        """The page's URL relative to the site root, percent-encoded: ``procedures/%E7%B7%8F.../GA-001/``."""
        stem = posixpath.splitext(page_path)[0]
        if stem == "index" or stem.endswith("/index"):
            url = stem[:-len("index")]
        else:
            url = f"{stem}/" if self.directory_urls else f"{stem}.html"
        return quote(url)

    def markdown_url(self, page_path: str) -> str:
        """The procedure's Markdown beside its page: ``procedures/.../GA-001.md`` (as the llms.txt proposal
        suggests: the page's address with ``.md``)."""
        return quote(page_path)

    def absolute(self, url: str) -> str:
        """``url`` under ``site_url``; relative to the site root when mkdocs.yml sets no ``site_url``."""
        if not self.site_url:
            return url
        return urljoin(self.site_url.rstrip("/") + "/", url)


def markdown_path(procedure: Procedure) -> str:
    """Where a procedure's clean Markdown is published in the site: beside its page, same name."""
    return procedure_path(procedure)


@dataclass(frozen=True)
class Passage:
    """One part of a procedure's text, tied to an anchor of its page."""

    kind: str
    """``overview``, ``step``, ``approvals`` or ``faq``."""
    anchor: str
    """``step-2``; for the overview, ``overview``, which names the top of the page and is no id on it."""
    heading: str
    markdown: str

    def url(self, page_url: str) -> str:
        return page_url if self.kind == "overview" else f"{page_url}#{self.anchor}"


@dataclass(frozen=True)
class ProcedureText:
    """A procedure as clean Markdown, made of passages."""

    procedure: Procedure
    page_path: str
    passages: list[Passage]

    @property
    def markdown(self) -> str:
        return "\n\n".join(passage.markdown for passage in self.passages) + "\n"


@dataclass
class FactView:
    label: str
    value: Safe


class TextRenderer:
    """Clean Markdown of procedures and the llms.txt files, through the knowledge base's templates."""

    def __init__(self, kb: KnowledgeBase, options: Options, address: SiteAddress) -> None:
        self.kb = kb
        self.lang: Language = options.language
        self.address = address
        self.env = environment(options.templates_dir)
        self.env.globals.update(t=self.lang.label, language=self.lang.code)
        # The template's macros, one per kind of passage (Any: Jinja types a module's macros only at run time).
        self.macros: Any = self.env.get_template(PROCEDURE_TEMPLATE).module

    def names(self, actors: Iterable[str]) -> Safe:
        return Safe(self.lang.label("list_sep").join(escape(self.kb.name_of(actor)) for actor in actors))

    def facts(self, procedure: Procedure, page_url: str) -> list[FactView]:
        label, lang = self.lang.label, self.lang
        place = procedure.department + (f" / {procedure.category}" if procedure.category else "")
        next_review = procedure.review.next_review
        facts = [
            FactView(label("owner"), self.names([procedure.owner])),
            FactView(label("backups"), self.names(procedure.backups)),
            FactView(label("department"), Safe(escape(place))),
            FactView(label("status"), Safe(escape(label(f"status.{procedure.status}")))),
            FactView(label("version"), Safe(escape(procedure.version or ""))),
            FactView(label("last_reviewed"), Safe(escape(lang.date(procedure.review.last_reviewed)
                                                         or label("never_reviewed")))),
            FactView(label("next_review"), Safe(escape(lang.date(next_review)))),
            FactView(label("tools"), Safe(label("list_sep").join(
                escape(self.kb.tools[tool].name if tool in self.kb.tools else tool)
                for tool in procedure.all_tools()))),
            FactView(label("frequency"), Safe(escape(procedure.frequency or ""))),
            FactView(label("trigger"), Safe(escape(procedure.trigger or ""))),
            FactView(label("kpis"), Safe(label("list_sep").join(
                escape(f"{kpi.name}: {kpi.target}") for kpi in procedure.kpis))),
            FactView(label("related"), Safe(label("list_sep").join(
                escape(f"{other} {self.kb.procedures[other].title}" if other in self.kb.procedures else other)
                for other in dict.fromkeys(procedure.related)))),
            FactView(label("tags"), Safe(label("list_sep").join(escape(tag) for tag in dict.fromkeys(procedure.tags)))),
            # Only a full address helps a reader of the text alone; a path relative to an unknown site does not.
            FactView(label("url"), Safe(f"<{page_url}>") if "://" in page_url else Safe("")),
        ]
        return [fact for fact in facts if fact.value]

    def procedure_text(self, procedure: Procedure) -> ProcedureText:
        page = procedure_path(procedure)
        page_url = self.address.absolute(self.address.page_url(page))
        label, macros = self.lang.label, self.macros
        passages = [Passage("overview", anchors.OVERVIEW, f"{procedure.id} {procedure.title}", _block(
            macros.overview(procedure=procedure, summary=markdown_text(procedure.summary),
                            facts=self.facts(procedure, page_url))))]
        for step in procedure.steps:
            tool = self.kb.tools[step.tool].name if step.tool and step.tool in self.kb.tools else step.tool
            passages.append(Passage("step", anchors.step(step.number), f"{step.number}. {step.title}", _block(
                macros.step(step=step, actor=self.names([step.actor]), tool=tool or "",
                            duration=self.lang.duration(step.duration), details=markdown_text(step.details)))))
        if procedure.approvals:
            approvals = [(approval.number, self.names([approval.approver]), approval.when or label("always"),
                          self.lang.duration(approval.sla)) for approval in procedure.approvals]
            passages.append(Passage("approvals", anchors.APPROVALS, label("approval_flow"),
                                    _block(macros.approvals(approvals=approvals))))
        for number, entry in enumerate(procedure.faq, 1):
            passages.append(Passage("faq", anchors.faq(number), entry.q, _block(
                macros.faq(question=entry.q, answer=markdown_text(entry.a)))))
        return ProcedureText(procedure, page, passages)

    def texts(self, procedures: Iterable[Procedure]) -> list[ProcedureText]:
        return [self.procedure_text(procedure) for procedure in sorted(procedures, key=lambda p: p.id)]

    def llms_txt(self, texts: list[ProcedureText], site_name: str, description: str | None) -> str:
        """``/llms.txt`` as the llms.txt proposal lays it out: H1, blockquote, an H2 per department."""
        departments: dict[str, list[tuple[ProcedureText, str]]] = {}
        for text in sorted(texts, key=lambda text: (text.procedure.department, text.procedure.id)):
            link = self.address.absolute(self.address.markdown_url(markdown_path(text.procedure)))
            departments.setdefault(text.procedure.department, []).append((text, link))
        sections = [(department, [(link, f"{text.procedure.id} {text.procedure.title}",
                                   _one_line(text.procedure.summary)) for text, link in entries])
                    for department, entries in departments.items()]
        full = self.address.absolute(LLMS_FULL_TXT)
        return self.env.get_template("llms.txt.j2").render(
            site_name=site_name, description=description, count=len(texts), sections=sections, full_url=full)

    def llms_full_txt(self, texts: list[ProcedureText], site_name: str, description: str | None) -> str:
        return self.env.get_template("llms-full.txt.j2").render(
            site_name=site_name, description=description, documents=[Safe(text.markdown) for text in texts])


def _block(markup: Any) -> str:
    """A macro's output as one passage: no blank lines around it."""
    return str(markup).strip("\n")


def _one_line(text: str | None, limit: int = 160) -> str:
    """The first line of a summary, for a link's description in llms.txt."""
    if not text:
        return ""
    line = " ".join(text.strip().split("\n", 1)[0].split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def published(kb: KnowledgeBase, include_all: bool = False) -> list[Procedure]:
    """The procedures an assistant should answer from: active ones (every one with ``include_all``)."""
    return [procedure for procedure in kb.procedures.values() if include_all or procedure.is_active]


def site_files(kb: KnowledgeBase, options: Options, address: SiteAddress, site_name: str,
               description: str | None) -> dict[str, str]:
    """Files the site publishes for assistants, by path in the site: ``llms.txt``, ``llms-full.txt`` and
    each active procedure's Markdown beside its page."""
    renderer = TextRenderer(kb, options, address)
    texts = renderer.texts(published(kb))
    files = {markdown_path(text.procedure): text.markdown for text in texts}
    files[LLMS_TXT] = renderer.llms_txt(texts, site_name, description)
    files[LLMS_FULL_TXT] = renderer.llms_full_txt(texts, site_name, description)
    return files


# --- Markdown fields as text ------------------------------------------------------------------

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


def markdown_text(value: str | None) -> Safe:
    """A Markdown field from YAML kept as Markdown, with every way to inject markup removed.

    The pages render these fields to sanitised HTML (``render.safe_markdown``, nh3); an assistant reads
    Markdown, so here the text stays Markdown: raw HTML is escaped (``<script>`` shows as text), links
    keep only http(s)/mailto/tel or relative targets, attribute lists are escaped, and code spans and
    fenced blocks are left exactly as written. (What the pages did before they moved to nh3.)
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


# --- JSONL ---------------------------------------------------------------------------------------


def _person(kb: KnowledgeBase, actor: str) -> dict[str, str]:
    return {"id": actor, "name": kb.name_of(actor)}


def records(kb: KnowledgeBase, options: Options, address: SiteAddress, *,
            include_all: bool = False) -> Iterator[dict[str, Any]]:
    """One record per procedure (``kind: procedure``) followed by one per FAQ entry of it (``kind: faq``)."""
    renderer = TextRenderer(kb, options, address)
    for text in renderer.texts(published(kb, include_all)):
        procedure = text.procedure
        page_url = address.absolute(address.page_url(text.page_path))
        common = {
            "id": procedure.id,
            "title": procedure.title,
            "department": procedure.department,
            "category": procedure.category,
            "status": procedure.status,
            "owner": _person(kb, procedure.owner),
            "backups": [_person(kb, backup) for backup in procedure.backups],
            "version": procedure.version,
            "last_reviewed": _iso(procedure.review.last_reviewed),
            "url": page_url,
            "tags": list(dict.fromkeys(procedure.tags)),
        }
        yield {"kind": "procedure", **common,
               "markdown_url": address.absolute(address.markdown_url(markdown_path(procedure))),
               "source": procedure.path, "text": text.markdown,
               "chunks": [{"id": f"{procedure.id}#{passage.anchor}", "kind": passage.kind,
                           "heading": passage.heading, "url": passage.url(page_url),
                           "text": passage.markdown} for passage in text.passages]}
        faq = [passage for passage in text.passages if passage.kind == "faq"]
        for entry, passage in zip(procedure.faq, faq, strict=True):
            yield {"kind": "faq", **common, "id": f"{procedure.id}#{passage.anchor}", "procedure": procedure.id,
                   "question": entry.q, "answer": entry.a, "url": passage.url(page_url),
                   "text": passage.markdown}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def jsonl(records: Iterable[Mapping[str, Any]]) -> str:
    """One JSON object a line, UTF-8 text as is (Japanese stays readable)."""
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
