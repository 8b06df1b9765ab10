"""A step done on paper: printing, stamping, faxing or posting; a candidate for digitisation.

## What it does
Looks in the title and details of each step of an active procedure for words of paper work: print
out, printout, photocopy, hard copy, paper form, fax, by post, by mail, registered or certified
mail, recorded delivery, envelope, wet signature, rubber stamp, company seal, hanko. Each such step
is reported once, at the first word. Latin words match whole words and their inflections
(`printed out`, `faxes`); the list can be replaced. A Japanese knowledge base gets the Japanese
words as well.

Words with an ordinary office or factory meaning are not in the list: "print" alone (labels and
drawings are printed on every shop floor), "printer" (a machine), "stamp" (a time stamp, a stamping
press), "paper" (paper towels, sandpaper), "post" (post it on Slack), "mail" (e-mail).

## Why is this bad?
It is not wrong, and so only `info`: paper steps are where time, postage and errors go, and they
cannot be done from home. The `dx` report lists them so that the department can choose which to
digitise first (e-signature, e-invoicing, online filing).

## Example
Reported:
```yaml
steps:
  - title: Send the purchase order
    details: |
      Print the purchase order and fax it to the supplier.
```
Not reported:
```yaml
steps:
  - title: Send the purchase order
    tool: netsuite
    details: |
      Send it to the supplier by e-mail from the purchase order screen.
```

## Options
- `words` (default: the list above): words that mark paper work; replaces the default list.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import _
from ..model import KnowledgeBase, Procedure, Step
from ..problems import Problem, Severity
from .base import Context, Words, text_position, word_pattern

ID = "paper-step"
DEFAULT_SEVERITY = Severity.INFO
JAPANESE = ["印刷", "押印", "捺印", "ハンコ", "はんこ", "判子", "印鑑", "FAX", "ファックス", "ファクス", "郵送", "書留",
            "原本"]
ENGLISH = [
    # Printing, but not "print" alone: labels and drawings are printed in every factory.
    "print out", "print off", "printout", "print a copy", "printed copy", "print the form", "print and sign",
    "print it", "print them", "photocopy", "hard copy", "hard copies", "paper form", "paper copy", "paper copies",
    "paper file",
    # Faxing and posting (UK and US), but not "post" alone (post on Slack) nor "mail" (e-mail).
    "fax", "by post", "by mail", "registered mail", "certified mail", "recorded delivery", "first class post",
    "snail mail", "envelope", "postage",
    # Signing and stamping by hand, but not "stamp" alone (a time stamp, a stamping press).
    "wet signature", "wet-ink signature", "ink signature", "rubber stamp", "company seal", "hanko",
]
OPTIONS: dict[str, Any] = {"words": [*JAPANESE, *ENGLISH]}
LANGUAGE_OPTIONS: dict[str, dict[str, Any]] = {"en": {"words": ENGLISH}}


def prepare(options: dict[str, Any]) -> dict[str, Any]:
    return {**options, "pattern": word_pattern(options["words"], inflections=True)}


def paper_words(words: Words, step: Step) -> list[str]:
    """The paper words of a step's title and details, each once, as written (the rule's message and the dx report)."""
    return list(dict.fromkeys(match.group(0) for match in words.finditer(f"{step.title}\n{step.details or ''}")))


def check(kb: KnowledgeBase, procedure: Procedure, options: dict[str, Any], context: Context) -> Iterator[Problem]:
    pattern = options["pattern"]
    if not pattern.possible(context.text(procedure)[1]):
        return
    for index, step in enumerate(procedure.steps):
        for name, text in (("title", step.title), ("details", step.details or "")):
            match = pattern.search(text)
            if match is None:
                continue
            words = paper_words(pattern, step)
            line, column = text_position(procedure, ("steps", index, name), text, match.start())
            yield Problem(procedure.path, line, column, ID, DEFAULT_SEVERITY,
                          _("lint.paper-step", n=step.number, title=step.title, words=", ".join(words)),
                          procedure.id)
            break
