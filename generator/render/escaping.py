"""Text from YAML → Markdown that shows exactly that text: escaping for one line, sanitising for Markdown fields.

Text from YAML is data, never markup. ``escape`` makes a value print literally (``{{ 7*7 }}`` and
``<script>`` in a title come out as written); ``safe_markdown`` renders a Markdown field's lists, bold,
tables and links to HTML and sanitises that HTML with nh3. Both return or respect ``Safe``: Markdown
(or HTML) built here that the templates print as is.
"""
from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from typing import Any


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


_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>", re.I)

# --- Markdown fields: rendered, then sanitised -------------------------------------------------------
#
# A Markdown field (summary, step details, FAQ answers) is rendered to HTML here, by a Markdown parser
# that treats raw HTML as text, and that HTML is then cleaned by nh3 (the Rust ammonia sanitiser) against
# an allow-list of tags, attributes and URL schemes. Regular expressions before rendering cannot know
# what Markdown will make of the text (an escaped backtick, a code span across paragraphs, a reference
# definition in a blockquote all slipped through them); the sanitiser sees what the browser will see.
# The page gets the clean HTML as a raw block, so whichever engine renders the page (MkDocs, Zensical,
# `sopbook generate`) and whichever extensions its mkdocs.yml enables, it cannot read the text again.

FIELD_EXTENSIONS = ("tables", "fenced_code", "sane_lists", "admonition")
"""Markdown a field may use besides the basics: tables, ``` code blocks, lists, ``!!! note`` boxes."""

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a", "img", "div",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"},
    "th": {"style"}, "td": {"style"},  # text-align only (filter_style_properties)
    "code": {"class"}, "div": {"class"}, "p": {"class"},  # checked by _allowed_class
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+-]{1,40}\Z")
_ADMONITION_CLASS = re.compile(r"admonition(?: [a-z][a-z-]{0,30}){1,3}\Z")


def _allowed_class(element: str, attribute: str, value: str) -> str | None:
    """Keep only the classes Markdown itself writes: a code block's language and an admonition's type."""
    if attribute != "class":
        return value
    if element == "code" and _LANGUAGE_CLASS.match(value):
        return value
    if element == "div" and _ADMONITION_CLASS.match(value):
        return value
    if element == "p" and value == "admonition-title":
        return value
    return None


class _FieldRenderer(threading.local):
    """One Markdown parser and one sanitiser per thread (``mkdocs serve`` renders from several)."""

    def __init__(self) -> None:
        import markdown
        import nh3

        self.markdown = markdown.Markdown(extensions=list(FIELD_EXTENSIONS))
        # Raw HTML is text in a field: without these two, "<b>" would reach the page as a tag.
        self.markdown.preprocessors.deregister("html_block")
        self.markdown.inlinePatterns.deregister("html")
        self.cleaner = nh3.Cleaner(
            tags=set(ALLOWED_TAGS), attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
            url_schemes=set(ALLOWED_URL_SCHEMES), attribute_filter=_allowed_class,
            filter_style_properties={"text-align"}, strip_comments=True, link_rel="noopener noreferrer")


_renderer = _FieldRenderer()


_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]{}()<>#|~&!:=+\-.\t\r]|  \n|  \Z|^[ \d]|\n[ \d]")
"""Anything Markdown might read as syntax: without it, a field is paragraphs of plain text."""


def sanitised_html(value: str) -> str:
    """A Markdown field as HTML that can only format text and link to http(s), mailto, tel or relative URLs."""
    if _MARKDOWN_SYNTAX.search(value) is None:
        # Plain sentences (half the fields of a Japanese knowledge base): the paragraphs Markdown would
        # make, without it. Rendering and cleaning cost 0.3 ms a field, a fifth of a 10,000-procedure build.
        paragraphs = (part.strip("\n") for part in value.split("\n\n"))
        return "\n".join(f"<p>{html.escape(part, quote=False)}</p>" for part in paragraphs if part.strip())
    clean = _renderer.cleaner.clean(_renderer.markdown.reset().convert(value))
    # Braces as entities: a macros plugin reads "{{ }}" and "{% %}" in a page as Jinja, even in raw HTML.
    return clean.replace("{", "&#123;").replace("}", "&#125;")


def safe_markdown(value: str | None) -> Safe:
    """A Markdown field from YAML (lists, bold, tables, code, links render) as sanitised HTML for the page.

    Raw HTML shows as text (``<script>`` stays visible), links keep only http(s)/mailto/tel or relative
    targets, and nothing in the field can add attributes, scripts or styles.
    """
    if not value or not value.strip():
        return Safe("")
    return Safe(f'<div class="sopbook-text">\n{sanitised_html(value)}\n</div>')


# Left as they are: links (their text may name an id already), code, tags, and URLs written as text.
_HTML_PROTECTED = r"<a\b.*?</a>|<code\b.*?</code>|<pre\b.*?</pre>|<[^>]*>|https?://[^\s<]+"
# An id as the schema allows it, not glued to other ASCII word characters (Japanese around it is fine:
# "HR-005参照"), and not ending in the full stop of a sentence.
_ID_PATTERN = r"(?<![A-Za-z0-9_./#&;-])(?P<id>[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)(?![A-Za-z0-9_-])"
_TOKENS = re.compile(f"(?P<protected>{_HTML_PROTECTED})|{_ID_PATTERN}", re.DOTALL)
_DIGIT = re.compile(r"[0-9]")


def link_procedure_ids(field_html: str, target: Callable[[str], str | None]) -> Safe:
    """A sanitised Markdown field (HTML) with each procedure id in its text (``HR-005 参照``) made a link;
    ``target(id)`` gives the link's URL (or None: not a procedure, or this page itself). Links, code and
    URLs are left alone; ids without a digit are not linked, since they read as words ("onboarding")."""
    if not field_html:
        return Safe(field_html)

    def replace(match: re.Match[str]) -> str:
        token = match.group("id")
        if token is None:
            return match.group(0)
        href = target(token) if _DIGIT.search(token) else None
        return f'<a href="{html.escape(href)}">{token}</a>' if href else token

    return Safe(_TOKENS.sub(replace, field_html))


def link(text: Any, href: str) -> Safe:
    return Safe(f"[{escape(text)}]({href})")


def autolink(url: str) -> str:
    """``<https://...>`` for a URL that Markdown links by itself; anything else stays text (escaped when printed)."""
    return Safe(f"<{url}>") if _AUTOLINK.fullmatch(f"<{url}>") else url
