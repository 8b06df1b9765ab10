"""Text left unfinished: TODO, TBD, TBC, FIXME, xxx and their Japanese equivalents.

## What it does
Looks for placeholder words in every text of an active procedure (title, summary, frequency,
trigger, step titles and details, approval conditions, KPIs, FAQ; not the history) and reports the
first one in each text at its line. Latin words match as whole words in any case (`TODO:` and
`todo` match; `xxxl` and `Todoroki` do not); Japanese words match anywhere.

## Why is this bad?
A placeholder is an admission that the procedure is incomplete. Readers following it reach the
gap at the worst moment; publishing it hides that the knowledge is still missing.

## Example
Fails:
```yaml
steps:
  - title: Send the artwork to the printer
    details: |
      TODO: say where the artwork template is kept.
```
Passes:
```yaml
steps:
  - title: Send the artwork to the printer
    details: |
      The artwork template is in the shared drive, folder "Facilities/Business cards".
```

## Options
- `words` (default: TODO, TBD, TBC, FIXME, XXX, "to be confirmed", "to be decided", "fill in later" and
  the Japanese equivalents): the placeholder words to look for; replaces the default list.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import _
from ..model import KnowledgeBase, Procedure
from ..problems import Problem, Severity
from .base import Context, field_label, procedure_texts, text_position, word_pattern

ID = "placeholder"
DEFAULT_SEVERITY = Severity.WARNING
JAPANESE = ["要確認", "未定", "後で書く", "あとで書く", "記入中"]
# Not "WIP" (work in progress is stock on a factory floor) nor "N/A" (a real answer).
ENGLISH = ["TODO", "TBD", "TBC", "TBA", "FIXME", "xxx", "to be confirmed", "to be decided", "to be determined",
           "to be added", "fill in later", "fill this in", "details to follow", "lorem ipsum"]
OPTIONS: dict[str, Any] = {"words": [*ENGLISH, *JAPANESE]}
LANGUAGE_OPTIONS: dict[str, dict[str, Any]] = {"en": {"words": ENGLISH}}


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    return {**options, "pattern": word_pattern(options["words"])}


def check(kb: KnowledgeBase, procedure: Procedure, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    pattern = options["pattern"]
    if not pattern.possible(context.text(procedure)[1]):
        return
    for path, text in procedure_texts(procedure):
        match = pattern.search(text)
        if match is None:
            continue
        line, column = text_position(procedure, path, text, match.start())
        yield Problem(procedure.path, line, column, ID, DEFAULT_SEVERITY,
                      _("lint.placeholder", word=match.group(0), field=field_label(path)), procedure.id)
