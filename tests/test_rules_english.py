"""The word lists of ask-a-person, paper-step, placeholder and approval-wait on English text, UK and US:
what a process owner writes is found, ordinary office and factory words are not."""
from __future__ import annotations

import datetime as dt

import pytest

from generator import i18n
from generator.model import load_knowledge_base
from generator.rules import RULES, parse_lint_config, run

TODAY = dt.date(2026, 11, 25)

PROCEDURE = """\
id: GA-001
title: Order office supplies
department: Facilities
owner: tanaka
backups: [suzuki]
review:
  last_reviewed: 2026-04-01
steps:
  - title: Collect the requests
    tool: kintone
    details: |
      {text}
"""


def _findings(make_kb, rule_id: str, text: str) -> list[str]:
    sop = make_kb({"Facilities/GA-001.yaml": PROCEDURE.format(text=text)})
    kb, validation = load_knowledge_base(sop)
    assert validation.problems == [], validation.problems
    return [problem.message for problem in run(kb, None, TODAY).problems if problem.code == rule_id]


@pytest.mark.parametrize("text", [
    "Ask Emma which items to collect.",
    "Check with Chris before ordering anything over budget.",
    "Confirm with Ms Jones.",
    "If in doubt, speak to Dr. Lee about it.",
    "Talk to Tanaka-san first.",
    "Contact Mr Smith for the supplier list.",
    "Ask someone who knows the supplier portal.",
    "Only Emma knows where the spare keys are.",
    "Ask the person in charge.",
])
def test_ask_a_person_finds_english_phrasing(make_kb, text: str) -> None:
    assert _findings(make_kb, "ask-a-person", text), text


@pytest.mark.parametrize("text", [
    "Check with Vernier callipers that the part is within tolerance.",
    "Confirm with QA that the batch passed inspection.",
    "Contact the IT helpdesk if the login fails.",
    "Ask the supplier for a quote by email.",
    "Check with a torque wrench set to 25 Nm.",
    "Ask for a receipt.",
])
def test_ask_a_person_leaves_ordinary_instructions_alone(make_kb, text: str) -> None:
    assert _findings(make_kb, "ask-a-person", text) == [], text


@pytest.mark.parametrize("text", [
    "Print out the order form and sign it.",
    "Fax the order to the supplier.",
    "Send the signed copy by post.",  # UK
    "Send the contract by certified mail.",  # US
    "Keep a hard copy in the red binder.",
    "It needs a wet signature from the director.",
    "Put the company seal on the invoice.",
    "Photocopy the delivery note.",
])
def test_paper_step_finds_english_paper_work(make_kb, text: str) -> None:
    assert _findings(make_kb, "paper-step", text), text


@pytest.mark.parametrize("text", [
    "Load the label printer with a new roll.",
    "Record the time stamp of each batch from the stamping press.",
    "Refill the paper towels in the kitchen.",
    "Post the update in the #facilities Slack channel.",
    "Email the supplier; copy the mail thread into Jira.",
    "Print the part drawing from the CAD system.",
    "Check the sandpaper grit before sanding.",
])
def test_paper_step_leaves_office_and_factory_words_alone(make_kb, text: str) -> None:
    assert _findings(make_kb, "paper-step", text) == [], text


@pytest.mark.parametrize("text", ["TODO: say where the spare toner is.", "Supplier TBC.", "Budget to be confirmed.",
                                  "Fill in later.", "Lorem ipsum dolor sit amet."])
def test_placeholder_finds_english_placeholders(make_kb, text: str) -> None:
    assert _findings(make_kb, "placeholder", text), text


@pytest.mark.parametrize("text", ["Count the WIP on the line at the end of each shift.",
                                  "Order size XXL overalls for the new starters.",
                                  "Write N/A when a field does not apply.",
                                  "Todd orders the toner."])
def test_placeholder_leaves_ordinary_words_alone(make_kb, text: str) -> None:
    assert _findings(make_kb, "placeholder", text) == [], text


APPROVALS = """\
id: GA-001
title: Order office supplies
department: Facilities
owner: tanaka
backups: [suzuki]
review:
  last_reviewed: 2026-04-01
steps:
  - title: Collect the requests
    tool: kintone
approvals:
  - approver: legal
    sla: 2d
  - approver: ga-manager
    sla: 2d
kpis:
  - name: {name}
    target: {target}
"""


@pytest.mark.parametrize(("name", "target", "reported"), [
    ("Lead time", "within 3 days", True),
    ("Turnaround", "3 working days", True),  # UK
    ("Cycle time", "3 business days", True),  # US
    ("Processing time", "48 hours", True),
    ("Time to complete", "1 week", False),  # five business days: the approvals fit
    ("Lead time", "2 weeks", False),
    ("Customer satisfaction", "4.5 out of 5 within 3 days", False),  # not a lead-time KPI
])
def test_approval_wait_reads_english_lead_time_targets(make_kb, name: str, target: str, reported: bool) -> None:
    sop = make_kb({"Facilities/GA-001.yaml": APPROVALS.format(name=name, target=target)})
    kb, validation = load_knowledge_base(sop)
    assert validation.problems == []
    found = [problem for problem in run(kb, None, TODAY).problems if problem.code == "approval-wait"]
    assert bool(found) is reported, (name, target, found)


def test_english_knowledge_bases_get_english_word_lists_and_japanese_ones_both() -> None:
    english = parse_lint_config({})
    assert "print out" in english.option("paper-step", "words")
    assert not any(i18n.language("ja").label("home") in word for word in english.option("paper-step", "words"))
    for rule_id in ("paper-step", "placeholder", "ask-a-person", "approval-wait"):
        name = next(iter(RULES[rule_id].OPTIONS))
        words = " ".join(english.option(rule_id, name))
        assert not any("\u3040" <= char <= "\u9fff" for char in words), rule_id
    i18n.activate("ja")
    japanese = parse_lint_config({})
    assert {"印刷", "print out"} <= set(japanese.option("paper-step", "words"))
    # Configured lists replace the defaults in any language.
    assert parse_lint_config({"rules": {"paper-step": {"words": ["telex"]}}}).option("paper-step", "words") == ["telex"]
