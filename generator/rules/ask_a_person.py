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
from collections.abc import Iterator, Sequence
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
# The English phrases are one pattern that starts with the set of their first letters, each branch checking
# after that letter (look-behinds) which word it starts: Python's re then skips ahead to those letters, and
# the text is searched once, not once per phrase. As nine patterns (one per phrase below) the rule took
# 0.3 s of CPU at 10,000 procedures, as one 0.05 s; tests/test_rules_english.py holds the nine and checks
# that this one finds what they find, where they find it.
_TO_A_PERSON = r"(?<=[Aa])sk|(?<=[Cc])(?:heck|onfirm)\s+with|(?<=[Ss])peak\s+(?:to|with)|(?<=[Tt])alk\s+to"
ENGLISH = [
    r"[AaCcSsTtOo](?:(?<![A-Za-z].)(?:"  # the first letter of a word
    rf"(?:{_TO_A_PERSON})\s+{_NAME}{_THEN}"  # ask Emma, check with Chris, speak to Dr. Lee, talk to Tanaka-san
    r"|(?<=[Cc])ontact\s+(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][a-z]+"  # contact Ms Jones
    r"|(?<=[Aa])sk\s+(?:someone|somebody|anyone|anybody|whoever|the person in charge|the previous owner|"
    r"the person who (?:knows|did it))\b"  # ask someone, ask the person in charge
    r"|(?<=[Oo])nly\s+[A-Z][a-z]+\s+knows\b)"  # only Emma knows
    r"|(?:(?<=[Ss])ome(?:one|body)|(?<=[Tt])he person|(?<=[Aa]) colleague) who knows\b)",  # someone who knows
]
OPTIONS: dict[str, Any] = {"patterns": [*JAPANESE, *ENGLISH]}
LANGUAGE_OPTIONS: dict[str, dict[str, Any]] = {"en": {"patterns": ENGLISH}}


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    """Compile the patterns once; an invalid one raises ``re.error`` (the config reports it)."""
    return {**options, "compiled": tuple(re.compile(pattern) for pattern in options["patterns"])}


def first_match(patterns: Sequence[re.Pattern[str]], text: str) -> re.Match[str] | None:
    """The match that starts first in ``text``, of the pattern listed first where two start at one place.

    What an alternation of the patterns would find, without joining them into one: a pattern's inline
    flags (``(?i)``), group names and back-references stay its own. Each text is searched on its own, so
    ``^``, ``$`` and look-arounds see the start and end of that text, not its neighbours'.
    """
    found = None
    for pattern in patterns:
        match = pattern.search(text)
        if match is not None and (found is None or match.start() < found.start()):
            found = match
    return found


def check(kb: KnowledgeBase, procedure: Procedure, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    patterns = options["compiled"]
    if not patterns:
        return
    for path, text in procedure_texts(procedure):
        match = first_match(patterns, text)
        if match is None:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        excerpt = quote(text[max(line_start, match.start() - 12):min(line_end, match.end() + 4)])
        line, column = text_position(procedure, path, text, match.start())
        yield Problem(procedure.path, line, column, ID, DEFAULT_SEVERITY,
                      _("lint.ask-a-person", field=field_label(path), excerpt=excerpt), procedure.id)
