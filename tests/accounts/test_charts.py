"""The one chart specification every chart is drawn from (accounts/charts.py, static/js/charts.js)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from accounts.charts import Series, chart, shorten, table

ROOT = Path(settings.BASE_DIR)


def test_values_are_formatted_once_and_a_bar_without_cases_says_so():
    spec = chart(
        title="Percent Strength by item",
        labels=["Item 1", "Item 7", "Item 8"],
        series=[Series("% Strength", [100, None, Decimal("0")], n=[3, 0, 2])],
        unit="%",
    )
    (series,) = spec["series"]
    assert series["texts"] == ["100.0%", "no cases", "0.0%"]
    assert series["values"] == [100.0, None, 0.0]  # 0 % is a bar of 0; no cases is no bar
    assert (spec["min"], spec["max"], spec["axis_title"]) == (0, 100, "%")


def test_a_value_over_no_cases_is_no_bar_and_a_missing_value_can_say_why():
    spec = chart(
        title="Favourable",
        labels=["q1", "q2", "q3"],
        series=[Series("%", [50, 0, None], n=[4, 0, None], missing=["", "", "suppressed"])],
        unit="%",
    )
    assert spec["series"][0]["values"] == [50.0, None, None]
    assert spec["series"][0]["texts"] == ["50.0%", "no cases", "suppressed"]


def test_one_goal_for_all_bars_is_one_line_and_differing_goals_are_one_per_bar():
    same = chart(title="t", labels=["6ZA", "6ZB"], series=[Series("v", [1, 2])], goal=[95, 95], goal_label="Benchmark")
    assert (same["goal"], same["goal_text"], same["goal_texts"]) == (95.0, "95.0", None)
    regional = chart(title="t", labels=["6ZA", "6ZB"], series=[Series("v", [1, 2])], goal=[40, 60], unit="%")
    assert regional["goal"] == [40.0, 60.0] and regional["goal_texts"] == ["40.0%", "60.0%"]
    assert chart(title="t", labels=["a"], series=[Series("v", [1])], goal=[None])["goal"] is None


def test_an_axis_that_does_not_start_at_zero_says_so():
    spec = chart(title="t", labels=["a"], series=[Series("v", [60])], unit="%", start=50)
    assert spec["axis_title"] == "% (axis starts at 50.0%, not 0)"


def test_long_labels_are_shortened_on_the_axis_and_whole_in_the_table():
    question = "How often does your case manager visit you at home, at school or somewhere else you choose?"
    spec = chart(title="Favourable", labels=[question], series=[Series("% favourable", [75], n=[16])], unit="%")
    assert spec["short_labels"] == [shorten(question)] and len(spec["short_labels"][0]) <= 48
    assert spec["short_labels"][0].endswith("…")
    assert table(spec)["rows"] == [[question, "75.0% (n = 16)"]]


def test_the_table_of_a_line_chart_has_a_row_per_series():
    spec = chart(
        title="Trend",
        kind="line",
        labels=["2023-07", "2023-08"],
        series=[Series("MO", [80, 85.5], emphasis=True), Series("6ZA", [None, 90])],
        unit="%",
        goal=95,
        goal_label="Benchmark",
    )
    assert table(spec) == {
        "caption": "Trend (Benchmark: 95.0%)",
        "head": ["", "2023-07", "2023-08"],
        "rows": [["MO", "80.0%", "85.5%"], ["6ZA", "no cases", "90.0%"]],
    }


def test_bad_specifications_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="has 1 values for 2 labels"):
        chart(title="t", labels=["a", "b"], series=[Series("v", [1])])
    with pytest.raises(ValueError, match="one goal per label"):
        chart(title="t", labels=["a", "b"], series=[Series("v", [1, 2])], goal=[1, 2, 3])
    with pytest.raises(ValueError, match="not bar or line"):
        chart(title="t", labels=["a"], series=[Series("v", [1])], kind="pie")


def _sources() -> dict[Path, str]:
    folders = [ROOT / "templates", ROOT / "static" / "js", *ROOT.glob("*/static"), *ROOT.glob("*/templates")]
    files = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix in (".html", ".js") and "vendor" not in path.parts:
                files[path] = path.read_text()
    return files


def test_every_chart_is_drawn_by_the_shared_helper():
    """Only static/js/charts.js constructs a Chart; a page with Chart.js also loads the helper."""
    sources = _sources()
    constructs = sorted(str(p.relative_to(ROOT)) for p, text in sources.items() if "new Chart(" in text)
    assert constructs == ["static/js/charts.js"]
    for path, text in sources.items():
        if "chart.umd.min.js" in text:
            assert "js/charts.js" in text, f"{path.relative_to(ROOT)} loads Chart.js without static/js/charts.js"
