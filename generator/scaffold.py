"""``sopbook init`` (a new knowledge base that builds at once) and ``sopbook new`` (a procedure skeleton).

The files of a new knowledge base ship in ``generator/data/scaffold``. Names starting ``dot-`` become
dotfiles (``dot-github`` → ``.github``), because packaging tools skip real dotfiles; ``@@NAME@@``
tokens are filled in (not Jinja: the GitHub workflow is full of ``${{ }}``).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from . import __version__
from .errors import UsageError
from .schema import KINDS, schema
from .validate import REGISTRIES, registry_path

SOPBOOK_REPO = "https://github.com/example-co/sopbook"
"""Where teams install sopbook and its pre-commit hooks from; the one place to change it."""

SCHEMA_DIR = "schema"
"""Where ``init`` writes the JSON Schemas, relative to the knowledge base root (for editors)."""

_ID = re.compile(r"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


def _scaffold_files() -> Traversable:
    return resources.files("generator") / "data" / "scaffold"


def _target_name(name: str) -> str:
    return "." + name[len("dot-"):] if name.startswith("dot-") else name


def init_knowledge_base(root: Path, site_name: str, today: dt.date | None = None) -> list[Path]:
    """Write a new knowledge base into ``root`` (missing or empty, a ``.git`` aside); returns the files."""
    if root.exists() and not root.is_dir():
        raise UsageError(f"'{root}' is a file; pass a folder for the new knowledge base")
    if root.exists() and any(entry.name != ".git" for entry in root.iterdir()):
        raise UsageError(f"'{root}' is not empty; sopbook init only writes into a new or empty folder")
    tokens = {"@@SITE_NAME@@": site_name, "@@TODAY@@": (today or dt.date.today()).isoformat(),
              "@@SOPBOOK_REPO@@": SOPBOOK_REPO, "@@VERSION@@": __version__}
    written: list[Path] = []

    def copy(folder: Traversable, target: Path) -> None:
        target.mkdir(parents=True, exist_ok=True)
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name == "__pycache__":
                continue
            destination = target / _target_name(entry.name)
            if entry.is_dir():
                copy(entry, destination)
                continue
            text = entry.read_text(encoding="utf-8")
            for token, value in tokens.items():
                text = text.replace(token, value)
            destination.write_text(text, encoding="utf-8")
            written.append(destination)

    copy(_scaffold_files(), root)
    written += write_schemas(root)
    written.append(_write_vscode_settings(root))
    return written


def write_schemas(root: Path) -> list[Path]:
    """The JSON Schemas as ``sopbook schema`` prints them, for editors that read a file."""
    folder = root / SCHEMA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in KINDS:
        path = folder / f"{kind}.schema.json"
        path.write_text(json.dumps(schema(kind), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _write_vscode_settings(root: Path) -> Path:
    """VS Code's YAML extension: which schema checks which file, so owners see mistakes as they type."""
    schemas: dict[str, object] = {f"./{SCHEMA_DIR}/procedure.schema.json": ["sop/*/**/*.yaml", "sop/*/**/*.yml"]}
    for kind in REGISTRIES:
        schemas[f"./{SCHEMA_DIR}/{kind}.schema.json"] = [f"sop/{kind}.yaml", f"sop/{kind}.yml"]
    settings = {
        "yaml.schemas": schemas,
        "yaml.validate": True,
        "yaml.completion": True,
        "files.encoding": "utf8",
        "files.insertFinalNewline": True,
        "[yaml]": {"editor.tabSize": 2, "editor.insertSpaces": True, "editor.detectIndentation": False},
    }
    path = root / ".vscode" / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


# --- new --------------------------------------------------------------------------------------------

SKELETON = """\
{modeline}# 新しい手順書のひな形。TODO をすべて書き換えると `sopbook lint` の警告が消える。
# 書き方: 各キーの意味は VS Code で補完される。詳しくは sopbook の docs/format.md。
id: {id}
title: {title}
summary: TODO この手順で何をするかを1〜2文で書く
department: {department}
{category}status: active                 # draft（作成中・公開しない）| active | retired（廃止）
version: "0.1"
owner: {owner}                  # 責任者（sop/people.yaml の id）
{backups}# tools: [kintone]              # 使うツール（sop/tools.yaml の id）
frequency: TODO いつ行うか（例 毎月25日、随時・月10件程度）
trigger: TODO 何をきっかけに始めるか（例 kintone に依頼が届いたとき）
review:
  last_reviewed: {today}    # 内容を確認した日。interval_months ごとに見直す
  interval_months: 12
steps:
  - title: TODO 最初の作業
    # actor: ga-manager         # 実施する人または役割。省略すると責任者
    # tool: kintone
    duration: 15m               # 目安の時間: 15m, 2h, 1d（営業日）
    details: |
      TODO 何を、どのシステムで、どの順番で行うかを書く。Markdown が使える。
  - title: TODO 次の作業
    duration: 15m
    details: |
      TODO
# approvals:                    # 承認が必要な場合
#   - approver: ga-manager
#     when: 金額が10万円以上の場合
#     sla: 1d
# kpis:
#   - name: 依頼から完了までの日数
#     target: 3営業日以内
# faq:
#   - q: よくある質問
#     a: 答え
# related: [GA-001]             # 関連する手順書の id
# tags: [タグ]
history:
  - version: "0.1"
    date: {today}
    author: {owner}
    change: 初版
"""


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar on one line: plain when that reads back the same, else double-quoted."""
    import yaml

    text = " ".join(text.split())
    try:
        if text and yaml.safe_load(text) == text and not text.startswith(("#", "'", '"')) and ": " not in text:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)


def file_name(procedure_id: str, title: str) -> str:
    """``GA-010-備品の棚卸し.yaml``, as the demo names its files; unsafe characters become '-'."""
    safe_title = _UNSAFE_IN_NAME.sub("-", title).strip("-.")[:40]
    return f"{procedure_id}-{safe_title}.yaml" if safe_title else f"{procedure_id}.yaml"


def existing_ids(sop_dir: Path) -> dict[str, str]:
    """Procedure id → the file it is in, for every procedure that parses."""
    from .validate import read_sources

    sources = read_sources(sop_dir, jobs=1)
    ids: dict[str, str] = {}
    for source in sources.procedures:
        if isinstance(source.data, dict) and isinstance(source.data.get("id"), str):
            ids.setdefault(source.data["id"], source.path)
    return ids


def new_procedure(sop_dir: Path, procedure_id: str, title: str, department: str, owner: str,
                  category: str | None = None, today: dt.date | None = None,
                  backups: list[str] | None = None) -> Path:
    """Write a commented skeleton to ``sop_dir/<department>/<id>-<title>.yaml``; refuse to overwrite or reuse."""
    if not _ID.match(procedure_id):
        raise UsageError(f"'{procedure_id}' is not a valid id: start with a letter or digit, then letters, digits, "
                         f"'_', '.', '-' (e.g. GA-010)")
    if not title.strip() or not department.strip():
        raise UsageError("--title and --department must not be empty")
    folder_name = _UNSAFE_IN_NAME.sub("-", department.strip()).strip("-.")
    if not folder_name:
        raise UsageError(f"--department {department!r} cannot be used as a folder name")
    backups = [backup for backup in dict.fromkeys(backups or []) if backup != owner]
    for person in [owner, *backups]:
        _check_person(sop_dir, person, "--owner" if person == owner else "--backup")
    taken = existing_ids(sop_dir)
    if procedure_id in taken:
        raise UsageError(f"id {procedure_id} is already used by {taken[procedure_id]}; choose another id")
    path = sop_dir / folder_name / file_name(procedure_id, title)
    if path.exists():
        raise UsageError(f"{path} already exists; sopbook new never overwrites a file")
    schema_file = sop_dir.parent / SCHEMA_DIR / "procedure.schema.json"
    modeline = ""
    if schema_file.is_file():
        relative = Path(os.path.relpath(schema_file, path.parent)).as_posix()
        modeline = f"# yaml-language-server: $schema={relative}\n"
    day = (today or dt.date.today()).isoformat()
    text = SKELETON.format(
        modeline=modeline, id=procedure_id, title=_scalar(title), department=_scalar(department.strip()),
        category=f"category: {_scalar(category)}\n" if category else "", owner=owner, today=day,
        backups=(f"{'backups: [' + ', '.join(backups) + ']':<30} # 代わりに実施できる人\n" if backups else
                 "# backups: [suzuki]             # 代わりに実施できる人。1人だけの業務は属人化として警告される\n"),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
    return path


def _check_person(sop_dir: Path, owner: str, option: str) -> None:
    """The owner (or a backup) must be an active person of people.yaml, or the skeleton would not validate."""
    from .load import MAX_REGISTRY_BYTES, load_file
    from .problems import did_you_mean

    people_file = registry_path(sop_dir, "people")
    if people_file is None:
        raise UsageError(f"no people.yaml in {sop_dir}; add the owner there first")
    people = load_file(people_file, root=sop_dir, limit=MAX_REGISTRY_BYTES, what="registry file").data
    if not isinstance(people, dict):
        raise UsageError(f"{people_file} cannot be read; run 'sopbook validate' to see why")
    if owner not in people:
        hint = did_you_mean(owner, people) or f"; add '{owner}:' with a name: to {people_file} first"
        raise UsageError(f"{option} '{owner}' is not a person in {people_file}{hint}")
    entry = people[owner]
    if isinstance(entry, dict) and entry.get("active") is False:
        raise UsageError(f"{option} '{owner}' has left (active: false in {people_file}); choose an active person")
