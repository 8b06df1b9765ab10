"""Write a synthetic, valid knowledge base of N procedures (with registries) for benchmarks and scale tests.

    python benchmarks/synthetic.py OUT_DIR N

Procedures are about 60 lines each, mixed Japanese and English, spread over departments and
categories, with the fields a real procedure uses (steps with actors and tools, approvals, KPIs, FAQ,
related links, history), so parsing and rendering costs are those of real files.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

DEPARTMENTS = {
    "総務部": ("GA", ["契約", "備品", "庶務", "施設", "文書管理"]),
    "人事部": ("HR", ["入退社", "勤怠", "給与", "研修", "福利厚生"]),
    "経理部": ("ACC", ["経費", "支払", "請求", "決算", "税務"]),
    "情報システム部": ("IT", ["アカウント", "端末", "ネットワーク", "セキュリティ", "ヘルプデスク"]),
}
TOOLS = {
    "kintone": "kintone", "smarthr": "SmartHR", "freee": "freee会計", "cloudsign": "CloudSign",
    "slack": "Slack", "excel": "Excel", "gmail": "Gmail", "kot": "KING OF TIME",
}
VERBS = ["確認する", "登録する", "申請する", "承認を得る", "送付する", "保管する", "集計する", "通知する"]
OBJECTS = ["申請書", "請求書 (invoice)", "契約書", "経費精算データ", "勤怠データ", "押印申請", "入社書類", "備品リスト"]


def mkdocs_yml(site_name: str, search: str | None = None, tags: bool = True, extra: str = "") -> str:
    """The mkdocs.yml of a synthetic knowledge base: Material in Japanese with grouped, pruned navigation,
    as a large site would use it; ``search`` is the sopbook plugin's option (default: auto)."""
    lines = [f"site_name: {site_name}", "theme:", "  name: material", "  language: ja",
             "  features: [navigation.sections, navigation.indexes, navigation.prune]", "plugins:",
             "  - search:", "      lang: ja"]
    if tags:
        lines.append("  - tags")
    lines += ["  - sopbook:", "      sop_dir: sop", "      language: ja", '      today: "2026-11-25"']
    if search is not None:
        lines.append(f"      search: {search}")
    return "\n".join(lines) + "\n" + extra


def write_registries(sop: Path, people: int = 60) -> list[str]:
    person_ids = [f"user{index:03d}" for index in range(people)]
    lines = []
    for index, person in enumerate(person_ids):
        lines += [f"{person}:", f"  name: 社員 {index:03d}", f"  email: {person}@example.co.jp",
                  f"  department: {list(DEPARTMENTS)[index % len(DEPARTMENTS)]}",
                  f"  github: gh-{person}"]
        if index % 17 == 16:
            lines.append("  active: false")
    (sop / "people.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    roles = []
    for index, department in enumerate(DEPARTMENTS):
        members = ", ".join(person_ids[index * 3:index * 3 + 2])
        roles += [f"manager-{index}:", f"  name: {department}課長", f"  members: [{members}]"]
    (sop / "roles.yaml").write_text("\n".join(roles) + "\n", encoding="utf-8")
    tools = []
    for tool_id, name in TOOLS.items():
        tools += [f"{tool_id}:", f"  name: {name}", f"  url: https://{tool_id}.example.com/",
                  f"  owner: {person_ids[0]}"]
    (sop / "tools.yaml").write_text("\n".join(tools) + "\n", encoding="utf-8")
    return person_ids


def procedure_text(number: int, department: str, prefix: str, category: str, people: list[str],
                   count: int, rng: random.Random) -> str:
    owner = rng.choice(people)
    backups = rng.sample(people, rng.randint(0, 2))
    tool_ids = rng.sample(list(TOOLS), 2)
    english = number % 5 == 0
    title = (f"Procedure {number} for {category} invoice handling" if english
             else f"{category}の{rng.choice(OBJECTS)}を{rng.choice(VERBS)}手順 {number}")
    related = [f"P{rng.randrange(count):05d}" for _ in range(2)]
    lines = [
        f"id: P{number:05d}",
        f"title: {title}",
        f"summary: {department}が{category}業務で行う手順。kintone と {TOOLS[tool_ids[1]]} を使う。",
        f"department: {department}",
        f"category: {category}",
        "status: active",
        'version: "1.0"',
        f"owner: {owner}",
        f"backups: [{', '.join(b for b in backups if b != owner)}]",
        f"tools: [{', '.join(tool_ids)}]",
        "frequency: 毎月",
        "trigger: 月初の営業日",
        "review:",
        f"  last_reviewed: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "  interval_months: 12",
        "steps:",
    ]
    for step in range(rng.randint(3, 5)):
        lines += [
            f"  - title: {rng.choice(OBJECTS)}を{rng.choice(VERBS)}",
            f"    actor: {rng.choice([owner, 'manager-' + str(step % 4)])}",
            f"    tool: {tool_ids[step % 2]}",
            f"    duration: {rng.choice(['15m', '30m', '1h', '2h', '1d'])}",
            "    details: |",
            f"      {TOOLS[tool_ids[step % 2]]} で{rng.choice(OBJECTS)}を開き、内容を確認する。",
            "      - 金額と日付を照合する",
            "      - 不備があれば申請者に差し戻す",
        ]
    lines += [
        "approvals:",
        f"  - approver: manager-{number % 4}",
        "    when: 金額10万円以上",
        "    sla: 2d",
        "kpis:",
        "  - name: 処理リードタイム",
        "    target: 5日以内",
        "faq:",
        "  - q: 期限に間に合わない場合は？",
        "    a: 課長に連絡し、**理由**を記録する。",
        f"related: [{', '.join(sorted({r for r in related if r != f'P{number:05d}'}))}]",
        f"tags: [{category}, 月次]",
        "history:",
        '  - version: "1.0"',
        "    date: 2026-01-15",
        f"    author: {owner}",
        "    change: 初版",
    ]
    return "\n".join(lines) + "\n"


def write_knowledge_base(root: Path, count: int, seed: int = 7) -> Path:
    """Write ``root/sop`` with ``count`` procedures; returns the sop folder."""
    rng = random.Random(seed)
    sop = root / "sop"
    sop.mkdir(parents=True, exist_ok=True)
    people = write_registries(sop)
    active = [person for index, person in enumerate(people) if index % 17 != 16]
    inventory = []
    for number in range(count):
        department = list(DEPARTMENTS)[number % len(DEPARTMENTS)]
        prefix, categories = DEPARTMENTS[department]
        category = categories[(number // len(DEPARTMENTS)) % len(categories)]
        folder = sop / department / category
        folder.mkdir(parents=True, exist_ok=True)
        text = procedure_text(number, department, prefix, category, active, count, rng)
        (folder / f"P{number:05d}.yaml").write_text(text, encoding="utf-8")
        if number % 10 == 0:
            inventory += [f"P{number:05d}:", f"  title: 業務 {number}", f"  department: {department}",
                          f"  hours_per_month: {rng.randint(1, 40)}"]
    for extra in range(max(1, count // 100)):
        inventory += [f"T{extra:05d}:", f"  title: 未文書化の業務 {extra}", "  department: 総務部",
                      f"  performers: [{active[extra % len(active)]}]", "  hours_per_month: 3"]
    (sop / "inventory.yaml").write_text("\n".join(inventory) + "\n", encoding="utf-8")
    return sop


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(write_knowledge_base(Path(sys.argv[1]), int(sys.argv[2])))
