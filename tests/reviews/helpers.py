"""Scoring helpers shared by the instrument tests (no database)."""

from __future__ import annotations

from typing import Any

from reviews.instrument import ROUND4, Override, Participant, Scoring

FC = "FOSTER_CARE"
IH = "IN_HOME"

IN_HOME_GATES = ("1APP", "2APP", "13APP", "15APP", "16APP", "18APP")
ALL_GATES = ("1APP", "2APP", "5APP", "7APP", "8APP", "9APP", "10APP", "11APP", "13APP", "15APP", "16APP", "18APP")


def score(
    answers: dict[str, Any],
    case_type: str = FC,
    participants: list[Participant] | None = None,
    overrides: dict[str, Override] | None = None,
    narratives: dict[str, str] | None = None,
    gates_yes: bool = True,
) -> Scoring:
    """Score with the worked-example convention: unless stated, every gate is YES."""
    full = dict(answers)
    if gates_yes:
        gates = ALL_GATES if case_type == FC else (*IN_HOME_GATES, "17APP")
        for gate in gates:
            full.setdefault(gate, "YES")
    return ROUND4.score(case_type, full, participants or [], narratives or {}, overrides or {})


def rate(item: str, answers: dict[str, Any], case_type: str = FC, **kwargs: Any) -> str:
    result = score(answers, case_type, **kwargs)
    return result.calculated[item].value


def problem_rules(result: Scoring) -> set[tuple[str, str]]:
    return {(p.code, p.rule) for p in result.problems}
