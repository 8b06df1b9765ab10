"""Labels and date formats of the site in Japanese and English, picked by the plugin's ``language`` option.

Every word the templates print comes from here, so a page never mixes languages and a new
language is one more table.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .errors import ConfigError

_EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]

LABELS: dict[str, dict[str, str]] = {
    "ja": {
        "home": "ホーム",
        "procedures": "手順",
        "people": "担当者",
        "tools": "ツール",
        "tags": "タグ",
        "departments": "部門",
        "department": "部門",
        "category": "分類",
        "no_category": "その他",
        "owner": "担当者（主）",
        "backups": "バックアップ",
        "status": "ステータス",
        "status.active": "運用中",
        "status.draft": "下書き",
        "status.retired": "廃止",
        "version": "版",
        "last_reviewed": "最終レビュー",
        "next_review": "次回レビュー",
        "never_reviewed": "未レビュー",
        "overdue": "期限切れ",
        "overdue_mark": "{date}（期限切れ）",
        "review_overdue": "レビュー期限切れ",
        "frequency": "頻度",
        "trigger": "開始のきっかけ",
        "steps": "手順",
        "step_numbers": "ステップ",
        "actor": "担当",
        "tool": "ツール",
        "duration": "所要時間",
        "approvals": "承認",
        "approval_flow": "承認フロー",
        "approver": "承認者",
        "condition": "条件",
        "always": "常に",
        "sla": "期限",
        "request": "申請",
        "done": "完了",
        "kpis": "KPI",
        "kpi": "指標",
        "target": "目標",
        "faq": "よくある質問",
        "related": "関連する手順",
        "referenced_by": "この手順を参照している手順",
        "history": "改訂履歴",
        "date": "日付",
        "change": "変更内容",
        "author": "改訂者",
        "edit": "YAML を編集",
        "source": "元ファイル",
        "draft_note": "この手順は下書きです。内容が確定するまで業務には使わないでください。",
        "retired_note": "この手順は廃止されました。記録として残しています。",
        "overdue_note": "レビュー期限（{date}）を過ぎています。内容が今も正しいか、担当者が確認してください。",
        "never_reviewed_note": "この手順は一度もレビューされていません。",
        "procedure": "手順",
        "procedure_count": "手順数",
        "summary": "概要",
        "owns": "主担当の手順",
        "backs_up": "バックアップの手順",
        "performs": "実施するステップ",
        "approves": "承認する手順",
        "none": "なし",
        "inactive_person": "この人は現在、在籍していないか担当を外れています。",
        "members_of": "所属ロール",
        "email": "メール",
        "url": "URL",
        "tool_owner": "管理者",
        "used_by": "このツールを使う手順",
        "steps_using": "使うステップ",
        "kb_holds": "このナレッジベースの内容",
        "by_department": "部門別の手順数",
        "recently_updated": "最近更新された手順",
        "reviews_due": "レビューが必要な手順",
        "no_reviews_due": "レビュー期限が近い手順はありません。",
        "updated": "更新日",
        "due": "期限",
        "active_count": "運用中",
        "draft_count": "下書き",
        "retired_count": "廃止",
        "total": "合計",
        "more": "ほか {count} 件",
        "all_tags": "すべてのタグ",
        "minutes": "{n}分",
        "hours": "{n}時間",
        "days": "{n}営業日",
        "list_sep": "、",
        "role": "ロール",
        "reports": "レポート",
        "rules": "ルール",
        "video": "動画マニュアルを見る",
        "attachments": "書式・添付ファイル",
    },
    "en": {
        "home": "Home",
        "procedures": "Procedures",
        "people": "People",
        "tools": "Tools",
        "tags": "Tags",
        "departments": "Departments",
        "department": "Department",
        "category": "Category",
        "no_category": "Other",
        "owner": "Owner",
        "backups": "Backups",
        "status": "Status",
        "status.active": "Active",
        "status.draft": "Draft",
        "status.retired": "Retired",
        "version": "Version",
        "last_reviewed": "Last reviewed",
        "next_review": "Next review",
        "never_reviewed": "Never reviewed",
        "overdue": "overdue",
        "overdue_mark": "{date} (overdue)",
        "review_overdue": "Review overdue",
        "frequency": "Frequency",
        "trigger": "Trigger",
        "steps": "Steps",
        "step_numbers": "Steps",
        "actor": "Actor",
        "tool": "Tool",
        "duration": "Duration",
        "approvals": "Approvals",
        "approval_flow": "Approval flow",
        "approver": "Approver",
        "condition": "Condition",
        "always": "Always",
        "sla": "SLA",
        "request": "Request",
        "done": "Done",
        "kpis": "KPIs",
        "kpi": "Indicator",
        "target": "Target",
        "faq": "FAQ",
        "related": "Related procedures",
        "referenced_by": "Procedures that refer to this one",
        "history": "History",
        "date": "Date",
        "change": "Change",
        "author": "Author",
        "edit": "Edit the YAML",
        "source": "Source file",
        "draft_note": "This procedure is a draft. Do not use it for real work until it is approved.",
        "retired_note": "This procedure is retired and kept for the record.",
        "overdue_note": "The review was due on {date}. The owner should check that it is still correct.",
        "never_reviewed_note": "This procedure has never been reviewed.",
        "procedure": "Procedure",
        "procedure_count": "Procedures",
        "summary": "Summary",
        "owns": "Owns",
        "backs_up": "Backs up",
        "performs": "Performs steps",
        "approves": "Approves",
        "none": "None",
        "inactive_person": "This person is no longer active.",
        "members_of": "Roles",
        "email": "Email",
        "url": "URL",
        "tool_owner": "Administrator",
        "used_by": "Procedures using this tool",
        "steps_using": "Steps using it",
        "kb_holds": "What this knowledge base holds",
        "by_department": "Procedures by department",
        "recently_updated": "Recently updated",
        "reviews_due": "Reviews due",
        "no_reviews_due": "No reviews are due soon.",
        "updated": "Updated",
        "due": "Due",
        "active_count": "Active",
        "draft_count": "Draft",
        "retired_count": "Retired",
        "total": "Total",
        "more": "and {count} more",
        "all_tags": "All tags",
        "minutes": "{n} min",
        "hours": "{n} h",
        "days": "{n} business days",
        "list_sep": ", ",
        "role": "Role",
        "reports": "Reports",
        "rules": "Rules",
        "video": "Watch the video manual",
        "attachments": "Forms and attachments",
    },
}
# Words of the features that look at the knowledge base over time: provenance, trend, recent
# changes and feeds, KPI measurements, training records.
LABELS["ja"].update({
    "provenance": "出典",
    "provenance.generated_at": "作成日時",
    "provenance.commit": "コミット",
    "provenance.dirty": "未コミットの変更あり",
    "provenance.no_git": "git 管理外（作業ツリーのファイル）",
    "provenance.version": "作成ツール",
    "provenance.today": "判定日",
})
LABELS["en"].update({
    "provenance": "Provenance",
    "provenance.generated_at": "Generated at",
    "provenance.commit": "Commit",
    "provenance.dirty": "with uncommitted changes",
    "provenance.no_git": "not in git (files of the working tree)",
    "provenance.version": "Made by",
    "provenance.today": "Dates judged as of",
})
LANGUAGES = tuple(LABELS)


def _ja_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _en_date(day: dt.date) -> str:
    return f"{_EN_MONTHS[day.month - 1]} {day.day}, {day.year}"


_DATE_FORMATS: dict[str, Callable[[dt.date], str]] = {"ja": _ja_date, "en": _en_date}


@dataclass(frozen=True)
class Language:
    """The words and date style of one language; ``language.label("owner")``, ``language.date(day)``."""

    code: str

    def label(self, key: str, **values: object) -> str:
        text = LABELS[self.code][key]
        return text.format(**values) if values else text

    def date(self, day: dt.date | None) -> str:
        """``2026年4月1日`` in Japanese, ``April 1, 2026`` in English; empty for no date."""
        return _DATE_FORMATS[self.code](day) if day else ""

    def duration(self, text: str | None) -> str:
        """``15m`` → ``15分`` / ``15 min``; text in another form is shown as written."""
        if not text or text[-1:] not in ("m", "h", "d"):
            return text or ""
        number = text[:-1]
        try:
            float(number)
        except ValueError:
            return text
        key = {"m": "minutes", "h": "hours", "d": "days"}[text[-1]]
        return self.label(key, n=number)


def language(code: str | None) -> Language:
    """The language for a ``language`` option value (``ja`` when unset)."""
    code = (code or "ja").lower()
    if code not in LABELS:
        raise ConfigError(f"language '{code}' is not supported; use one of: {', '.join(LANGUAGES)}")
    return Language(code)
