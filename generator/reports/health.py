"""The knowledge base's health in a few numbers: what the dashboard shows and the trend follows over time."""
from __future__ import annotations

from ..rules import LintResult
from ..rules.review_overdue import review_state
from ..rules.single_owner import too_few_people
from ..rules.undocumented_task import undocumented


def health(result: LintResult) -> dict[str, int]:
    """The dashboard's numbers, decided by the rules' own helpers."""
    kb = result.kb
    active = [procedure for procedure in kb.procedures.values() if procedure.is_active]
    needed = result.config.option("single-owner", "min_people")
    return {
        "tasks": len(kb.tasks),
        "documented": len(kb.tasks) - sum(1 for _ in undocumented(kb)),
        "active": len(active),
        "single_owner": sum(1 for procedure in active if too_few_people(kb, procedure, needed) is not None),
        "overdue": sum(1 for procedure in active if review_state(procedure, result.today) in ("never", "overdue")),
    }
