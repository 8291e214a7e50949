"""What changed between two versions of a published report: figures, sentences and texts.

Each snapshot is flattened into figures keyed by (measure, indicator, whose, period), so the
comparison lists exactly the figures whose value, counts or goal status differ, and those present
in only one version. Suppressed survey cells compare as "suppressed": no count is shown here
either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reports import wording as w


@dataclass(frozen=True)
class FigureChange:
    measure: str
    indicator: str
    whose: str
    period: str
    old: str
    new: str


@dataclass(frozen=True)
class TextChange:
    section: str
    old: str
    new: str


@dataclass
class Comparison:
    figures: list[FigureChange]
    sentences_removed: list[tuple[str, str]]
    sentences_added: list[tuple[str, str]]
    texts: list[TextChange]

    @property
    def unchanged(self) -> bool:
        return not (self.figures or self.sentences_removed or self.sentences_added or self.texts)


def _cell_text(cell: dict | None, unit: str) -> str:
    if cell is None:
        return "no result"
    if cell.get("value") in (None, ""):
        return "no entries"
    counts = ""
    if cell.get("numerator") is not None and cell.get("denominator") is not None:
        counts = f" ({w.count(cell['numerator'])} / {w.count(cell['denominator'])})"
    goal = {True: ", meets the goal", False: ", goal not met"}.get(cell.get("meets"), "")
    return f"{w.value_text(cell['value'], unit)}{counts}{goal}"


def _period(period: str) -> str:
    return "quarter" if period == "quarter" else w.month_label(period)


def figures(snapshot: dict[str, Any]) -> dict[tuple[str, str, str, str], str]:
    """Every figure of a snapshot as readable text, keyed by (measure, indicator, whose, period)."""
    report = snapshot["report"]
    scope = "Statewide" if report["scope"] == "all" else w.agency_name(report["scope"])
    out: dict[tuple[str, str, str, str], str] = {}
    for measure in report["measures"]:
        title = measure["title"]
        for metric in measure["metrics"]:
            unit = metric["unit"]
            out[(title, metric["title"], "goal", "")] = (
                w.goal_text(metric.get("comparator", ""), metric.get("goal"), unit) or "none"
            )
            for period, cell in metric["months"].items():
                out[(title, metric["title"], scope, _period(period))] = _cell_text(cell, unit)
            out[(title, metric["title"], scope, "quarter")] = _cell_text(metric.get("quarter"), unit)
            for code, row in (metric.get("agencies") or {}).items():
                for period, cell in row["months"].items():
                    out[(title, metric["title"], w.agency_name(code), _period(period))] = _cell_text(cell, unit)
                out[(title, metric["title"], w.agency_name(code), "quarter")] = _cell_text(row.get("quarter"), unit)
            for period, n in (metric.get("circuits_meeting") or {}).items():
                out[(title, metric["title"], "circuits meeting the goal", _period(period))] = str(n)
        for item in measure["reviews"]["items"]:
            out[(title, f"Item {item['item']}", scope, "quarter")] = (
                f"{item['strength']} of {item['applicable']} rated Strength"
                if item["applicable"]
                else "no applicable case"
            )
        for outcome in measure["reviews"]["outcomes"]:
            out[(title, f"Outcome {outcome['outcome']}", scope, "quarter")] = (
                f"{outcome['substantially_achieved']} of {outcome['applicable']} substantially achieved"
                if outcome["applicable"]
                else "not rated"
            )
        for result in measure["surveys"]["results"]:
            key = (title, result["text"], result["group_label"], "quarter")
            if result["suppressed"]:
                out[key] = "suppressed"
            elif result.get("n"):
                out[key] = f"{result['favourable']} of {result['n']} favourable"
            else:
                out[key] = "no answers"
    return out


def compare(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    before, after = figures(old), figures(new)
    changes = []
    for key in list(before) + [k for k in after if k not in before]:
        a, b = before.get(key, "not in this version"), after.get(key, "not in this version")
        if a != b:
            changes.append(FigureChange(*key, old=a, new=b))
    removed, added = [], []
    old_sentences = _sentences(old)
    new_sentences = _sentences(new)
    removed = [s for s in old_sentences if s not in set(new_sentences)]
    added = [s for s in new_sentences if s not in set(old_sentences)]
    texts = []
    old_texts, new_texts = old.get("texts", {}), new.get("texts", {})
    titles = {m["code"]: m["title"] for m in new["report"]["measures"]}
    for key in sorted(set(old_texts) | set(new_texts)):
        if key == "commentary":
            a, b = old_texts.get(key) or {}, new_texts.get(key) or {}
            for code in sorted(set(a) | set(b)):
                if a.get(code, "") != b.get(code, ""):
                    texts.append(TextChange(f"Commentary: {titles.get(code, code)}", a.get(code, ""), b.get(code, "")))
        elif old_texts.get(key) != new_texts.get(key):
            a, b = old_texts.get(key), new_texts.get(key)
            texts.append(TextChange(key.replace("_", " ").capitalize(), _text(a), _text(b)))
    return Comparison(changes, removed, added, texts)


def _sentences(snapshot: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m["title"], s["text"]) for m in snapshot["report"]["measures"] for s in m["analysis"]]


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(f"• {line}" for line in value)
    return "" if value is None else str(value)
