"""The word lists of ask-a-person, paper-step, placeholder and approval-wait on English text, UK and US:
what a process owner writes is found, ordinary office and factory words are not."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import i18n
from generator.model import load_knowledge_base
from generator.rules import RULES, ask_a_person, parse_lint_config, run

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


# The nine phrases as they were written before they became one pattern (ask_a_person.ENGLISH), each on its
# own: the one pattern must find what they find, where they find it.
_NAME = r"(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?[A-Z][a-z]+(?:-san)?(?:\s+[A-Z][a-z]+)?"
_THEN = (r"(?=\s*(?:$|[.,;:!?)])|\s+(?:before|first|about|if|whether|when|how|what|which|where|who|for|"
         r"to|and|or|on|in)\b)")
NINE_PHRASES = [
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
_WORDS = ["Ask", "ask", "asks", "Task", "mask", "Check", "check with", "confirm with", "Confirm", "with", "Speak to",
          "speak with", "Talk to", "talk", "to", "Contact", "contact", "Mr", "Ms.", "Dr.", "Miss", "Emma", "Jones",
          "Lee", "Tanaka-san", "QA", "Vernier", "someone", "Someone", "somebody", "handsome", "anyone", "whoever",
          "the", "The person", "the person in charge", "the previous owner", "person who", "who knows", "knows",
          "did it", "a colleague", "A", "Only", "only", "before", "about", "if", "for", "and", "first", "supplier",
          ".", ",", "!", ")", "\n", "  ", "確認", "田中さんに聞く"]
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from([" ", " ", " ", "", "\n"])), max_size=12))
def test_the_english_phrases_as_one_pattern_find_what_the_nine_find(words: list[tuple[str, str]]) -> None:
    text = "".join(word + gap for word, gap in words)
    one = ask_a_person.first_match([re.compile(pattern) for pattern in ask_a_person.ENGLISH], text)
    nine = ask_a_person.first_match([re.compile(pattern) for pattern in NINE_PHRASES], text)
    assert (one.span() if one else None) == (nine.span() if nine else None), text


@pytest.mark.parametrize("text", [
    "Ask Emma", "ask Ms Jones first.", "Confirm with Dr. Lee about it", "speak with Tanaka-san",
    "Talk to Emma Jones.", "contact Mrs Smith", "Ask the person who did it", "a colleague who knows",
    "Only Emma knows", "The person who knows", "Task Emma", "Check with QA", "mask someone",
])
def test_the_english_phrases_as_one_pattern_on_the_examples(text: str) -> None:
    one = ask_a_person.first_match([re.compile(pattern) for pattern in ask_a_person.ENGLISH], text)
    nine = ask_a_person.first_match([re.compile(pattern) for pattern in NINE_PHRASES], text)
    assert (one.span() if one else None) == (nine.span() if nine else None), text


@pytest.mark.parametrize("text", ["Ask Emma and ask Chris", "田中さんに聞く。Ask Emma", "Emma; ask Emma",
                                  "see Sam\nAsk", "Tanaka-san", "xxyy", "no one here", ""])
def test_first_match_is_what_an_alternation_of_the_patterns_finds(text: str) -> None:
    """Where the patterns can be joined into one alternation, ``first_match`` finds its match (the earliest
    start, the first listed pattern at a tie), anchors, word boundaries and groups included."""
    patterns = [r"^Ask", r"Emma$", r"\bsee (\w+)\b", r"(?P<who>Tanaka)-san", r"Ask Emma|ask (\w+)", r"(x)(y)?",
                r"さんに(?:聞|訊)"]
    joined = re.compile("|".join(f"(?:{pattern})" for pattern in patterns)).search(text)
    found = ask_a_person.first_match([re.compile(pattern) for pattern in patterns], text)
    assert (found.span() if found else None) == (joined.span() if joined else None)


def test_patterns_that_cannot_be_joined_keep_their_own_meaning() -> None:
    """Inline flags, back-references and a group name used twice: fine in separate patterns, broken or an
    error in one alternation; each configured pattern keeps its own meaning."""
    config = parse_lint_config({"rules": {"ask-a-person": {"patterns": [
        "(?i)ask emma", r"(?P<who>Sam) knows", r"(?P<who>Kim) knows", r"(\w)\1 knows"]}}})
    patterns = config.rules["ask-a-person"].prepared["compiled"]

    def found(text: str, group: str | int = 0) -> str | None:
        match = ask_a_person.first_match(patterns, text)
        return match.group(group) if match else None

    assert found("Then ASK EMMA.") == "ASK EMMA"
    assert found("only Kim knows", "who") == "Kim"
    assert found("Ann knows") == "nn knows"
    assert found("Ana knows") is None


def test_each_text_is_searched_on_its_own(make_kb) -> None:
    """A step titled "Ask Emma" is reported although the next text follows it: the phrase ends its own text
    (joined with the next, as an earlier version searched, "Ask Emma" was followed by other words)."""
    text = "Collect the requests.\n  - title: Ask Emma\n  - title: collect the keys"
    assert _findings(make_kb, "ask-a-person", text) == [
        "step 2 title sends the reader to a person ('Ask Emma'); write down what they would answer"]


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
