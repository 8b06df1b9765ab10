"""Text from YAML → Markdown that shows exactly that text: escaping for one line, sanitising for Markdown fields.

Text from YAML is data, never markup. ``escape`` makes a value print literally (``{{ 7*7 }}`` and
``<script>`` in a title come out as written); ``safe_markdown`` keeps a Markdown field's lists, bold,
tables and links but takes raw HTML, dangerous link schemes and attribute lists out of it. Both
return or respect ``Safe``: Markdown built here that the templates print as is.
"""
from __future__ import annotations

import re
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


def link(text: Any, href: str) -> Safe:
    return Safe(f"[{escape(text)}]({href})")


def autolink(url: str) -> str:
    """``<https://...>`` for a URL that Markdown links by itself; anything else stays text (escaped when printed)."""
    return Safe(f"<{url}>") if _AUTOLINK.fullmatch(f"<{url}>") else url
