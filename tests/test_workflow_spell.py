"""``sopbook spell``: aspell over the English of the procedure pages, errors at the YAML line."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.spell import english_only
from tests.support import PROCEDURE

runner = CliRunner()
needs_aspell = pytest.mark.skipif(shutil.which("aspell") is None,
                                  reason="aspell is not installed (Debian: apt-get install aspell aspell-en)")

ENGLISH = PROCEDURE.replace("GA-001", "GA-050").replace("電子契約の締結", "Contract signing").replace(
    "      依頼者から受け取った契約書を kintone に登録する。\n",
    "      Register the contract in kintone and send it for signature.\n"
    "      Then notify the requester that the contract has been recieved.\n"
    "      Run `sudo frobnicate --xyzzy` if the upload hangs.\n")


def test_japanese_front_matter_and_ids_are_blanked_but_lines_are_kept() -> None:
    page = '---\ntags: ["契約"]\n---\n# GA-001 電子契約の締結\n\nSend it with CloudSignで送信。\n'
    text = english_only(page)
    assert text.count("\n") == page.count("\n")
    assert "契約" not in text and "GA-001" not in text and "tags" not in text
    assert "Send it with CloudSign" in text


@needs_aspell
def test_a_planted_misspelling_is_reported_at_its_yaml_line(make_kb) -> None:
    make_kb({"総務部/GA-050.yaml": ENGLISH})
    Path("sop/wordlist.txt").write_text("# tools\nkintone\n", encoding="utf-8")
    result = runner.invoke(cli, ["spell"], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if "error spelling" in line]
    # Not kintone (word list), not the command in backticks (code), not the Japanese text; a tool's
    # name is found in tools.yaml, where it must be corrected.
    assert lines == [
        "sop/tools.yaml:6:9: error spelling: unknown word 'CloudSign': correct it, or add it to sop/wordlist.txt "
        "if it is a name or a term",
        "sop/総務部/GA-050.yaml:21:60: error spelling: unknown word 'recieved': correct it, or add it "
        "to sop/wordlist.txt if it is a name or a term",
    ]
    Path("sop/総務部/GA-050.yaml").write_text(ENGLISH.replace("recieved", "received"), encoding="utf-8")
    Path("sop/wordlist.txt").write_text("# tools\nkintone\nCloudSign\n", encoding="utf-8")
    result = runner.invoke(cli, ["spell"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


@needs_aspell
def test_the_demo_knowledge_base_passes(demo_copy) -> None:
    result = runner.invoke(cli, ["spell"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_a_missing_aspell_is_a_clear_usage_error(make_kb, monkeypatch) -> None:
    make_kb()
    monkeypatch.setenv("PATH", str(Path(make_kb.root, "no-bin")))
    result = runner.invoke(cli, ["spell"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "needs aspell" in result.output and "apt-get install aspell aspell-en" in result.output


@needs_aspell
def test_sopbook_labels_and_placeholders_are_not_spelling_mistakes(tmp_path: Path, monkeypatch) -> None:
    """An English knowledge base from init: clean; a page with an approval ("Approver") and a TODO: still clean
    for spell (the placeholder rule reports the TODO)."""
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["init", "kb", "--language", "en"], catch_exceptions=False).exit_code == 0
    monkeypatch.chdir(tmp_path / "kb")
    result = runner.invoke(cli, ["spell"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    procedure = next(Path("sop/Facilities").glob("FAC-001-*.yaml"))
    text = procedure.read_text(encoding="utf-8")
    assert "approver: facilities-manager" in text
    procedure.write_text(text.replace("Order from the supplier's online shop",
                                      "TODO TBD: order from the supplier's online shop"), encoding="utf-8")
    result = runner.invoke(cli, ["spell"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lint = runner.invoke(cli, ["lint"], catch_exceptions=False)
    assert "placeholder" in lint.stdout and "'TODO'" in lint.stdout
    # A real mistake is still one.
    procedure.write_text(text.replace("Order from", "Ordre from"), encoding="utf-8")
    result = runner.invoke(cli, ["spell"], catch_exceptions=False)
    assert result.exit_code == 1 and "unknown word 'Ordre'" in result.stdout
