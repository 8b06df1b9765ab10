"""Helpers the tests share: the repository's paths, a small knowledge base's files, and a factory writing one.

Imported as ``from tests.support import ...``; the fixtures that use them are in conftest.py.
"""
from __future__ import annotations

import os
import re
import shutil
import textwrap
from pathlib import Path

from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
DEMO_SOP = ROOT / "sop"

PEOPLE = """\
tanaka:
  name: 田中 花子
  github: hanako-tanaka
suzuki:
  name: 鈴木 一郎
sato:
  name: 佐藤 健一
  github: kenichi-sato
yamada:
  name: 山田 太郎
  active: false
"""
ROLES = """\
ga-manager:
  name: 総務課長
  members: [sato]
legal:
  name: 法務担当
  members: [tanaka, suzuki]
"""
TOOLS = """\
kintone:
  name: kintone
  url: https://example.cybozu.com/
  owner: tanaka
cloudsign:
  name: CloudSign
"""
INVENTORY = """\
GA-001:
  title: 電子契約の締結
  department: 総務部
  performers: [tanaka]
  hours_per_month: 6
GA-099:
  title: 社有車の管理
  department: 総務部
  performers: [suzuki]
  hours_per_month: 4
"""
PROCEDURE = """\
id: GA-001
title: 電子契約の締結
summary: 取引先との契約を電子契約サービスで締結する
department: 総務部
category: 契約
status: active
version: "1.2"
owner: tanaka
backups: [suzuki]
tools: [cloudsign, kintone]
review:
  last_reviewed: 2026-04-01
  interval_months: 12
steps:
  - title: 契約書ドラフトの確認
    actor: legal
    tool: kintone
    duration: 15m
    details: |
      依頼者から受け取った契約書を kintone に登録する。
approvals:
  - approver: ga-manager
    when: 契約金額100万円以上
    sla: 2d
"""


class KnowledgeBaseFactory:
    """Writes a knowledge base under a temporary folder: registries plus the procedures you give."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sop = root / "sop"

    def __call__(self, procedures: dict[str, str] | None = None, *, people: str = PEOPLE, roles: str = ROLES,
                 tools: str = TOOLS, inventory: str = INVENTORY) -> Path:
        self.sop.mkdir(parents=True, exist_ok=True)
        for name, text in (("people", people), ("roles", roles), ("tools", tools), ("inventory", inventory)):
            if text is not None:
                (self.sop / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        if procedures is None:
            procedures = {"総務部/GA-001.yaml": PROCEDURE}
        for relative, text in procedures.items():
            self.write(relative, text)
        return self.sop

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.sop / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path


def has_executable(name: str) -> bool:
    return shutil.which(name) is not None or os.path.exists(name)


DEMO_SEARCHES = [
    ("経費精算", "ACC-001 経費精算"),
    ("押印", "GA-002 社用印の押印申請"),
    ("入社", "HR-001 入社手続き"),
    ("invoice", "ACC-003 Invoice issuance"),
    ("onboarding", "HR-006 Onboarding IT account setup"),
    ("kintone", "GA-001 電子契約の締結"),
    ("SmartHR", "HR-001 入社手続き"),
]
"""Queries staff type into the demo site's search, and a procedure each must find (with both engines)."""


def sopbook_in(cwd: Path, arguments: list[str]) -> Result:
    """``sopbook ARGUMENTS`` run in ``cwd`` without the cache, asserted to succeed (exit 0)."""
    from generator.cli import cli

    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, arguments, catch_exceptions=False, env={"SOPBOOK_NO_CACHE": "1"})
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    return result


def long_procedure(steps: int = 24) -> str:
    """PROCEDURE with ``steps`` steps of uneven length, so that printed, its step headings fall at many
    places on the A4 pages; each step's text starts with ``本文{n}``, to find it in the printed text."""
    lines = [PROCEDURE.split("steps:\n")[0] + "steps:"]
    for number in range(1, steps + 1):
        sentence = f"この段落は手順{number}の説明で、書類を確認して記録し、次の担当者に渡すまでを述べる。"
        first = f"本文{number}。" + sentence * (number * 7 % 11 + 1)
        lines += [f"  - title: 見出し{number}", "    actor: legal", "    details: |",
                  f"      {first}", "", f"      {sentence * (number * 5 % 7 + 1)}"]
    return "\n".join(lines) + "\n"


def steps_split_from_their_text(pages: list[str], steps: int = 24) -> list[int]:
    """The steps of ``long_procedure`` whose heading is printed on another page than the start of its text
    (``pages``: the text of each page, e.g. pdftotext's output split at form feeds)."""
    def page_of(pattern: str) -> int:
        return next(index for index, text in enumerate(pages) if re.search(pattern, text))

    return [number for number in range(1, steps + 1)
            if page_of(rf"{number}\. 見出し{number}\b") != page_of(rf"本文{number}。")]
