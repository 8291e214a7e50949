"""What every chart of the project draws: one specification, read by static/js/charts.js.

Every chart reads the same way (issue 13):
- the value axis starts at zero (a chart that must start elsewhere says so in its axis title);
- a goal or benchmark is a dashed line named in the legend, one per bar when bars differ;
- each bar carries its value, and its n where the page knows it; a bar with no cases says
  "no cases" (or why it is missing) instead of looking like a 0;
- long labels are shortened on the chart; the data table gives them in full.

The same specification renders the chart's data table ({% chart %} in
accounts/templatetags/charts.py, templates/includes/chart.html), so a screen reader, a printout
and the chart show the same numbers. Values are formatted here, once, for the bars and the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Number = int | float | Decimal | None

# Long labels are cut to this many characters on the chart (the table keeps them whole).
SHORT_LABEL = 48


@dataclass
class Series:
    label: str
    values: Sequence[Number]
    # How many cases each value is made of (shown with the value); None when the page does not know.
    n: Sequence[int | None] | None = None
    # Why a value is missing, per point ("suppressed"); the chart's `empty` text otherwise.
    missing: Sequence[str] | None = None
    # One colour per bar (bands); the project's palette otherwise.
    colours: Sequence[str] | None = None
    # Drawn thicker (the statewide line among agencies).
    emphasis: bool = False


def shorten(text: str, limit: int = SHORT_LABEL) -> str:
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(",;:.") + "…"


def format_value(value: Number, decimals: int, unit: str) -> str:
    if value is None:
        return ""
    text = f"{float(value):,.{decimals}f}"
    return f"{text}%" if unit == "%" else text


def chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    short: Sequence[str] | None = None,
    kind: str = "bar",
    horizontal: bool = False,
    unit: str = "",
    axis_title: str = "",
    maximum: float | None = None,
    start: float = 0,
    decimals: int = 1,
    goal: Number | Sequence[Number] = None,
    goal_label: str = "Goal",
    goal_text: str = "",
    label_title: str = "",
    empty: str = "no cases",
) -> dict[str, Any]:
    """A chart specification (JSON-ready).

    `labels` are given whole in the table and tooltips; `short` (e.g. item numbers) or, without
    it, the labels cut to SHORT_LABEL characters are what the axis shows. `goal` is one value
    for all, or one per label (None: no goal there).
    """
    if kind not in ("bar", "line"):
        raise ValueError(f"chart kind {kind!r} is not bar or line")
    if isinstance(goal, Sequence) and not isinstance(goal, str):
        goals = [None if g is None else float(g) for g in goal]
        if len(goals) != len(labels):
            raise ValueError("one goal per label, or one goal for all")
        if len(set(goals)) == 1:
            goals = goals[0]  # the same everywhere: one line across the chart
    else:
        goals = None if goal is None else float(goal)
    if unit == "%" and maximum is None:
        maximum = 100
    axis = axis_title or unit
    if start != 0:
        axis = f"{axis} (axis starts at {format_value(start, decimals, unit)}, not 0)".strip()
    spec_series = []
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError(f"series {s.label!r} has {len(s.values)} values for {len(labels)} labels")
        values = [None if v is None else float(v) for v in s.values]
        n = list(s.n) if s.n is not None else None
        texts = []
        for i, value in enumerate(values):
            if value is None or (n is not None and n[i] == 0):
                texts.append((s.missing[i] if s.missing and s.missing[i] else "") or empty)
            else:
                texts.append(format_value(value, decimals, unit))
        spec_series.append(
            {
                "label": s.label,
                "values": [None if n is not None and n[i] == 0 else v for i, v in enumerate(values)],
                "n": n,
                "texts": texts,
                "colours": list(s.colours) if s.colours else None,
                "emphasis": s.emphasis,
            }
        )
    return {
        "kind": kind,
        "horizontal": horizontal,
        "title": title,
        "labels": [str(label) for label in labels],
        "short_labels": [str(s) for s in short] if short is not None else [shorten(label) for label in labels],
        "label_title": label_title,
        "series": spec_series,
        "unit": unit,
        "axis_title": axis,
        "min": start,
        "max": maximum,
        "goal": goals,
        "goal_label": goal_label,
        "goal_text": goal_text or (format_value(goals, decimals, unit) if isinstance(goals, float) else ""),
        "goal_texts": [format_value(g, decimals, unit) for g in goals] if isinstance(goals, list) else None,
        "empty": empty,
    }


def table(spec: dict[str, Any]) -> dict[str, Any]:
    """The chart's numbers as a table: one row per label (bars) or per series (lines)."""
    series = spec["series"]
    if spec["kind"] == "line":
        head = ["", *spec["labels"]]
        rows = [[s["label"], *(_cell(s, i) for i in range(len(spec["labels"])))] for s in series]
    else:
        head = [spec["label_title"] or "", *(s["label"] for s in series)]
        rows = [[label, *(_cell(s, i) for s in series)] for i, label in enumerate(spec["labels"])]
        if spec["goal_texts"]:
            head.append(spec["goal_label"])
            for row, text in zip(rows, spec["goal_texts"], strict=True):
                row.append(text or "–")
    caption = spec["title"]
    if spec["goal_text"]:
        caption += f" ({spec['goal_label']}: {spec['goal_text']})"
    return {"caption": caption, "head": head, "rows": rows}


def _cell(series: dict[str, Any], i: int) -> str:
    text = series["texts"][i]
    n = series["n"][i] if series["n"] is not None else None
    if n and series["values"][i] is not None:
        return f"{text} (n = {n})"
    return text
