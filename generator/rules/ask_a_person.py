"""Text that sends the reader to a person instead of writing the knowledge down.

## What it does
Looks in every text of an active procedure for phrases such as "ask Emma", "check with Chris",
"speak to Sam", "contact Ms Jones", "ask the person in charge" or "ask someone who knows", and the
Japanese equivalents, and reports the first one in each text at its line. The phrases are regular
expressions and can be replaced.

"Contact the IT helpdesk" or "email the supplier" is not reported: sending a request to a team or a
company is a step of the work; sending the reader to one person for the answer is not.

## Why is this bad?
"Ask Emma" is the signature of tacit knowledge: the procedure looks complete, but the answer exists
only in one person's head. When that person is away, the reader is stuck; when they leave, the
answer is gone. Write down what they would say.

## Example
Fails:
```yaml
details: |
  Ask Emma which items to collect.
```
Passes:
```yaml
details: |
  Collect: laptop, ID badge, building pass, company phone, corporate card.
```

## Options
- `patterns` (default: the phrases above in English and Japanese): Python regular expressions;
  replaces the default list.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..i18n import _
from ..model import KnowledgeBase, Procedure
from ..problems import Problem, Severity
from .base import Context, field_label, procedure_texts, quote, text_position

ID = "ask-a-person"
DEFAULT_SEVERITY = Severity.WARNING
JAPANESE = [
    r"(?:さん|様|氏|担当者|前任者|詳しい人|分かる人|わかる人|知っている人)(?:に|へ|まで)"
    r"(?:聞|訊|尋|確認|相談|問い合わせ|問合せ)",
]
# A person's name: "Emma", "Emma Jones", "Ms Jones", "Dr. Lee", "Tanaka-san". It must end the phrase or
# be followed by what a sentence about asking goes on with, so that "check with Vernier callipers"
# or "confirm with QA" (a tool, a team) is not taken for a person.
_NAME = r"(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?[A-Z][a-z]+(?:-san)?(?:\s+[A-Z][a-z]+)?"
_THEN = (r"(?=\s*(?:$|[.,;:!?)])|\s+(?:before|first|about|if|whether|when|how|what|which|where|who|for|"
         r"to|and|or|on|in)\b)")
# Each pattern starts with a literal letter (or a set of them), the look-behind after it, so the search skips
# ahead (5x faster); "who knows" starting with a group of words made the whole search 40% slower.
ENGLISH = [
    rf"[Aa](?<![A-Za-z].)sk\s+{_NAME}{_THEN}",
    rf"[Cc](?<![A-Za-z].)(?:heck|onfirm)\s+with\s+{_NAME}{_THEN}",
    rf"[Ss](?<![A-Za-z].)peak\s+(?:to|with)\s+{_NAME}{_THEN}",
    rf"[Tt](?<![A-Za-z].)alk\s+to\s+{_NAME}{_THEN}",
    r"[Cc](?<![A-Za-z].)ontact\s+(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][a-z]+",
    r"[Aa](?<![A-Za-z].)sk\s+(?:someone|somebody|anyone|anybody|whoever|the person in charge|the previous owner|"
    r"the person who (?:knows|did it))\b",
    r"[SsTtAa](?:(?<=[Ss])ome(?:one|body)|(?<=[Tt])he person|(?<=[Aa]) colleague) who knows\b",
    r"[Oo](?<![A-Za-z].)nly\s+[A-Z][a-z]+\s+knows\b",
]
OPTIONS: dict[str, Any] = {"patterns": [*JAPANESE, *ENGLISH]}
LANGUAGE_OPTIONS: dict[str, dict[str, Any]] = {"en": {"patterns": ENGLISH}}


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    """Compile the patterns once; an invalid one raises ``re.error`` (the config reports it)."""
    patterns = [re.compile(pattern) for pattern in options["patterns"]]
    combined = re.compile("|".join(f"(?:{p.pattern})" for p in patterns)) if patterns else None
    return {**options, "pattern": combined}


def check(kb: KnowledgeBase, procedure: Procedure, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    pattern = options["pattern"]
    if pattern is None or not pattern.search(context.text(procedure)[0]):
        return
    for path, text in procedure_texts(procedure):
        match = pattern.search(text)
        if match is None:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        excerpt = quote(text[max(line_start, match.start() - 12):min(line_end, match.end() + 4)])
        line, column = text_position(procedure, path, text, match.start())
        yield Problem(procedure.path, line, column, ID, DEFAULT_SEVERITY,
                      _("lint.ask-a-person", field=field_label(path), excerpt=excerpt), procedure.id)
