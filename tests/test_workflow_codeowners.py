"""``sopbook codeowners``: owners and backups review their procedure; people without a handle are reported."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli
from tests.support import PROCEDURE

runner = CliRunner()


def test_owner_and_backups_with_handles_people_without_reported(make_kb) -> None:
    make_kb({
        "総務部/GA-001.yaml": PROCEDURE,  # owner tanaka (handle), backup suzuki (no handle)
        "総務部/GA 002 押印.yaml": PROCEDURE.replace("GA-001", "GA-002").replace("owner: tanaka", "owner: sato")
                                          .replace("backups: [suzuki]", "backups: [tanaka, yamada]"),
        "経理部/ACC-001.yaml": PROCEDURE.replace("GA-001", "ACC-001").replace("owner: tanaka", "owner: suzuki")
                                        .replace("backups: [suzuki]", "backups: []"),
    })
    Path(".git").mkdir()  # the repository root: CODEOWNERS paths start here
    result = runner.invoke(cli, ["codeowners"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = Path(".github/CODEOWNERS").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("# ")]
    assert lines == [  # sorted by path; yamada has left (active: false), so is not asked to review
        r"/sop/総務部/GA\ 002\ 押印.yaml @kenichi-sato @hanako-tanaka",
        "/sop/総務部/GA-001.yaml @hanako-tanaka",
    ]
    assert "# /sop/経理部/ACC-001.yaml: nobody with a GitHub handle among suzuki\n" in text
    assert "warning codeowners-no-maintainers" in result.output
    assert ("sop/people.yaml:4:1: warning codeowners-no-handle: suzuki (鈴木 一郎) has no 'github:' handle, "
            "so CODEOWNERS cannot ask them to review ACC-001, GA-001") in result.output
    assert "sop/経理部/ACC-001.yaml:8:8: warning codeowners-no-reviewer" in result.output

    assert runner.invoke(cli, ["codeowners", "--check"], catch_exceptions=False).exit_code == 0
    Path("sop/people.yaml").write_text(Path("sop/people.yaml").read_text(encoding="utf-8").replace(
        "鈴木 一郎\n", "鈴木 一郎\n  github: ichiro-suzuki\n"), encoding="utf-8")
    check = runner.invoke(cli, ["codeowners", "--check"], catch_exceptions=False)
    assert check.exit_code == 1 and "out of date" in check.output
    printed = runner.invoke(cli, ["codeowners", "--output", "-"], catch_exceptions=False)
    assert "/sop/経理部/ACC-001.yaml @ichiro-suzuki\n" in printed.stdout


def test_refuses_an_invalid_knowledge_base(make_kb) -> None:
    make_kb({"総務部/GA-001.yaml": PROCEDURE.replace("owner: tanaka", "owner: tanka")})
    result = runner.invoke(cli, ["codeowners"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "sop/総務部/GA-001.yaml:8:8: error" in result.output and "fix the errors above first" in result.output
    assert not Path(".github/CODEOWNERS").exists()
