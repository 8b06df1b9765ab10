"""A second synthetic knowledge base, written like a real office's: the words staff search for most are
on nearly every page, and in only a few titles.

    python benchmarks/synthetic_office.py OUT_DIR N

benchmarks/synthetic.py draws every title and step from eight phrases, so its broad words sit in an
eighth of the titles. In a real office the name of a work (経費精算, invoice) is the title of the few
procedures about that work, while nearly every other procedure mentions it in passing — a step that
claims expenses, a FAQ about suppliers' invoices. This generator writes that: 経費精算 and invoice in
the body of about 88 % of procedures (so on at least 80 % of the site's pages), 経費精算 in about 2 % of
the titles and invoice in about 1 %, with a larger vocabulary (six departments, thirty works, forty
actions) and longer pages than synthetic.py. Files are named and placed as synthetic.py places them
(``sop/<department>/<category>/P00042.yaml``), so bench_scale.py plants its one-page query the same way.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

from synthetic import TOOLS, write_registries

BROAD_SHARE = 0.88
"""The share of procedures whose body holds each broad word."""

DEPARTMENTS = {
    "総務部": ["文書管理", "施設", "備品", "株主総会", "社用車"],
    "人事部": ["採用", "入退社", "勤怠", "評価", "研修"],
    "経理部": ["経費精算", "支払", "債権管理", "月次決算", "固定資産"],
    "法務部": ["契約審査", "登記", "コンプライアンス", "知的財産", "訴訟"],
    "情報システム部": ["アカウント", "端末", "ネットワーク", "情報セキュリティ", "ソフトウェア"],
    "営業管理部": ["受注", "見積", "与信", "顧客マスタ", "売上計上"],
}
# The work a procedure is about, by category; the title names it.
SUBJECTS = ["申請の受付", "台帳の更新", "月次の集計", "差し戻し対応", "権限の付与", "年次の見直し", "監査対応",
            "マスタ登録", "問い合わせ対応", "システム移行", "保管と廃棄", "期限の管理", "引き継ぎ", "外部委託先の管理"]
ACTIONS = ["内容を確認する", "システムに登録する", "上長の承認を得る", "関係部署に通知する", "書類を保管する",
           "差異を調査する", "台帳を更新する", "期限を設定する", "申請者に連絡する", "控えをスキャンする",
           "チェックリストで点検する", "ワークフローを起票する", "金額を照合する", "押印を依頼する",
           "電子署名を送信する", "議事録を作成する", "結果を報告する", "例外を記録する", "再発防止策をまとめる",
           "バックアップを取得する"]
OBJECTS = ["申請書", "稟議書", "台帳", "見積書", "発注書", "納品書", "契約書", "領収書", "議事録", "報告書",
           "チェックリスト", "アカウント一覧", "勤怠記録", "評価シート", "固定資産台帳", "与信枠", "顧客カード",
           "登記簿謄本", "秘密保持契約", "作業ログ"]
ENGLISH_SUBJECTS = ["vendor onboarding", "quarterly review", "access request", "month-end close", "travel booking",
                    "contract renewal", "asset disposal", "incident report"]
# The sentences that carry the broad words into bodies, as a real procedure mentions them in passing.
EXPENSE_LINES = ["立替えた交通費は経費精算で申請する。", "経費精算の締め日に間に合うよう領収書を揃える。",
                 "備品の購入費は経費精算ではなく購買申請で処理する。"]
INVOICE_LINES = ["取引先から届いた invoice は経理部に回付する。", "invoice の宛名と金額を発注書と照合する。",
                 "海外取引先の invoice は英語のまま保管する。"]


def title(number: int, department: str, category: str, rng: random.Random) -> str:
    if number % 50 == 7:
        return f"経費精算の{rng.choice(SUBJECTS)}"
    if number % 100 == 13:
        return f"Supplier invoice {rng.choice(ENGLISH_SUBJECTS)} ({department})"
    if number % 6 == 0:
        return f"{category} – {rng.choice(ENGLISH_SUBJECTS)} {number}"
    return f"{category}の{rng.choice(SUBJECTS)}（{rng.choice(OBJECTS)}） {number}"


def procedure_text(number: int, department: str, category: str, people: list[str], count: int,
                   rng: random.Random) -> str:
    owner = rng.choice(people)
    backups = [person for person in rng.sample(people, rng.randint(0, 2)) if person != owner]
    tool_ids = rng.sample(list(TOOLS), 3)
    mentions_expenses = rng.random() < BROAD_SHARE
    mentions_invoices = rng.random() < BROAD_SHARE
    summary = f"{department}{category}担当が{rng.choice(OBJECTS)}を扱う手順。"
    if mentions_expenses:
        summary += rng.choice(EXPENSE_LINES)
    lines = [
        f"id: P{number:05d}",
        f"title: {title(number, department, category, rng)}",
        f"summary: {summary}",
        f"department: {department}",
        f"category: {category}",
        "status: active",
        f'version: "{rng.randint(1, 4)}.{rng.randint(0, 9)}"',
        f"owner: {owner}",
        f"backups: [{', '.join(backups)}]",
        f"tools: [{', '.join(tool_ids)}]",
        f"frequency: {rng.choice(['毎日', '毎週', '毎月', '四半期ごと', '随時'])}",
        f"trigger: {rng.choice(OBJECTS)}を受け取ったとき",
        "review:",
        f"  last_reviewed: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "  interval_months: 12",
        "steps:",
    ]
    for step in range(rng.randint(4, 7)):
        details = [f"{TOOLS[tool_ids[step % 3]]} で{rng.choice(OBJECTS)}を開き、{rng.choice(ACTIONS)}。",
                   f"- {rng.choice(OBJECTS)}の{rng.choice(['日付', '金額', '宛先', '番号', '担当者'])}を確認する",
                   f"- {rng.choice(ACTIONS)}"]
        if step == 1 and mentions_invoices:
            details.append(f"- {rng.choice(INVOICE_LINES)}")
        lines += [
            f"  - title: {rng.choice(OBJECTS)}について{rng.choice(ACTIONS)}",
            f"    actor: {rng.choice([owner, 'manager-' + str(step % 4)])}",
            f"    tool: {tool_ids[step % 3]}",
            f"    duration: {rng.choice(['10m', '15m', '30m', '1h', '2h', '1d'])}",
            "    details: |",
            *(f"      {line}" for line in details),
        ]
    lines += [
        "approvals:",
        f"  - approver: manager-{number % 4}",
        f"    when: {rng.choice(['金額50万円以上', '新規取引先', '例外処理のとき', '常に'])}",
        f"    sla: {rng.choice(['1d', '2d', '3d'])}",
        "faq:",
        f"  - q: {rng.choice(OBJECTS)}が見つからない場合は？",
        f"    a: {rng.choice(ACTIONS)}。見つからなければ{department}に連絡する。",
    ]
    if mentions_invoices and rng.random() < 0.5:
        lines += ["  - q: invoice の原本はどこに保管する？", "    a: 経理部の書庫に7年間保管する。"]
    related = sorted({f"P{rng.randrange(count):05d}" for _ in range(2)} - {f"P{number:05d}"})
    lines += [
        f"related: [{', '.join(related)}]",
        f"tags: [{category}, {rng.choice(['月次', '年次', '随時', '法定'])}]",
        "history:",
        '  - version: "1.0"',
        f"    date: 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"    author: {owner}",
        "    change: 初版",
    ]
    return "\n".join(lines) + "\n"


def write_knowledge_base(root: Path, count: int, seed: int = 11) -> Path:
    """Write ``root/sop`` with ``count`` procedures; returns the sop folder."""
    rng = random.Random(seed)
    sop = root / "sop"
    sop.mkdir(parents=True, exist_ok=True)
    people = write_registries(sop)
    active = [person for index, person in enumerate(people) if index % 17 != 16]
    departments = list(DEPARTMENTS)
    inventory = []
    for number in range(count):
        department = departments[number % len(departments)]
        categories = DEPARTMENTS[department]
        category = categories[(number // len(departments)) % len(categories)]
        folder = sop / department / category
        folder.mkdir(parents=True, exist_ok=True)
        text = procedure_text(number, department, category, active, count, rng)
        (folder / f"P{number:05d}.yaml").write_text(text, encoding="utf-8")
        if number % 10 == 0:
            inventory += [f"P{number:05d}:", f"  title: 業務 {number}", f"  department: {department}",
                          f"  hours_per_month: {rng.randint(1, 40)}"]
    for extra in range(max(1, count // 100)):
        inventory += [f"T{extra:05d}:", f"  title: 未文書化の業務 {extra}", f"  department: {departments[extra % 6]}",
                      f"  performers: [{active[extra % len(active)]}]", "  hours_per_month: 3"]
    (sop / "inventory.yaml").write_text("\n".join(inventory) + "\n", encoding="utf-8")
    return sop


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(write_knowledge_base(Path(sys.argv[1]), int(sys.argv[2])))
