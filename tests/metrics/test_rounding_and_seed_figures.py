"""W12 (bands and rounding) and W13 (the seed's statewide July-September 2023 figures)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from metrics import registry
from metrics.compute import evaluate
from tests.metrics.bundle import load
from tests.metrics.helpers import D, figures, result, run


@pytest.mark.parametrize(
    "metric, numerator, denominator, value, rounded, meets, band",
    [
        ("worker_child_visits", 18991, 20000, "94.955", "95.0", True, "E"),
        ("worker_child_visits", 9496, 10000, "94.96", "95.0", True, "E"),
        ("worker_child_visits", 9100, 10000, "91.00", "91.0", False, "D"),
        ("worker_child_visits", 9099, 10000, "90.99", "91.0", False, "D"),
        ("worker_child_visits", 9094, 10000, "90.94", "90.9", False, "C"),
        ("worker_child_visits", 7100, 10000, "71.00", "71.0", False, "B"),
        ("worker_child_visits", 7094, 10000, "70.94", "70.9", False, "A"),
        ("worker_child_visits", 5000, 10000, "50.00", "50.0", False, "A"),
        ("reentry_12_months", 56, 1000, "5.60", "5.6", True, "D"),
        ("reentry_12_months", 565, 10000, "5.65", "5.7", False, "C"),
        ("reentry_12_months", 100, 1000, "10.00", "10.0", False, "C"),
        ("reentry_12_months", 101, 1000, "10.10", "10.1", False, "B"),
        ("reentry_12_months", 150, 1000, "15.00", "15.0", False, "B"),
        ("reentry_12_months", 151, 1000, "15.10", "15.1", False, "A"),
        ("victimization_in_care", 9074, 100_000_000, "9.074", "9.07", True, ""),
        ("victimization_in_care", 9075, 100_000_000, "9.075", "9.08", False, ""),
    ],
)
def test_w12_bands_and_rounding(metric, numerator, denominator, value, rounded, meets, band):
    definition = registry.get(metric)
    got = evaluate(definition, numerator, denominator, definition.benchmark)
    assert got["value"] == D(value)
    assert got["value_rounded"] == D(rounded)
    assert (got["meets"], got["band"]) == (meets, band)


def test_no_denominator_leaves_value_meets_and_band_empty():
    got = evaluate(registry.get("worker_child_visits"), 0, 0, D("95.0"))
    assert got == {"value": None, "value_rounded": None, "meets": None, "band": ""}


# W13: (month, children in care the whole month, of them seen, entries, of them examined in 30 days)
W13 = [
    (date(2023, 7, 1), 12618, 11524, 427, 228),
    (date(2023, 8, 1), 12449, 11555, 453, 287),
    (date(2023, 9, 1), 12348, 11451, 450, 312),
]


def w13_bundle() -> dict[str, list[dict]]:
    """Children in care since 2023-01-01; some leave mid-August and mid-September so the full-month
    counts fall from 12,618 to 12,449 and 12,348. Entrants leave after ten days (kept by HCY)."""
    episodes, visits, exams, children = [], [], [], []
    total = W13[0][1]
    leave_aug = W13[0][1] - W13[1][1]
    leave_sep = W13[1][1] - W13[2][1]
    for n in range(total):
        discharge = ""
        if n >= total - leave_aug:
            discharge = "2023-08-15"
        elif n >= total - leave_aug - leave_sep:
            discharge = "2023-09-15"
        episodes.append(
            {
                "episode_id": f"E{n}",
                "child_id": f"C{n}",
                "removal_date": "2023-01-01",
                "discharge_date": discharge,
                "discharge_reason": "REU" if discharge else "",
            }
        )
        children.append({"child_id": f"C{n}", "date_of_birth": "2012-01-01"})
    for first, in_care, seen, _, _ in W13:
        # children still in care the whole month are the first `in_care` ids; the first `seen` are visited
        for n in range(seen):
            visits.append(
                {
                    "visit_id": f"V{first:%m}-{n}",
                    "child_id": f"C{n}",
                    "worker_id": "W1",
                    "visit_date": (first + timedelta(days=9)).isoformat(),
                    "contact_mode": "IN_PERSON",
                    "location": "CHILD_RESIDENCE",
                    "status": "COMPLETED",
                }
            )
        assert seen <= in_care
    for first, _, _, entries, timely in W13:
        for n in range(entries):
            child = f"N{first:%m}-{n}"
            removal = first + timedelta(days=n % 28)
            children.append({"child_id": child, "date_of_birth": "2015-06-01"})
            episodes.append(
                {
                    "episode_id": f"E{child}",
                    "child_id": child,
                    "removal_date": removal.isoformat(),
                    "discharge_date": (removal + timedelta(days=10)).isoformat(),
                    "discharge_reason": "REU",
                }
            )
            if n < timely:
                exams.append(
                    {
                        "exam_id": f"X{child}",
                        "child_id": child,
                        "exam_date": (removal + timedelta(days=20)).isoformat(),
                        "exam_type": "HCY_FULL",
                        "status": "COMPLETED",
                    }
                )
    return {"removal_episodes": episodes, "children": children, "worker_child_visits": visits, "hcy_exams": exams}


@pytest.mark.django_db
def test_w13_seed_statewide_figures(tmp_path):
    load(tmp_path, as_of="2023-11-30", **w13_bundle())
    r = run("2023-07", "2023-09", metrics=["worker_child_visits", "hcy_exam_30_days"])
    expected = {
        ("worker_child_visits", "2023-07"): (11524, 12618, D("91.3"), False, "D", "OK"),
        ("worker_child_visits", "2023-08"): (11555, 12449, D("92.8"), False, "D", "OK"),
        ("worker_child_visits", "2023-09"): (11451, 12348, D("92.7"), False, "D", "OK"),
        ("worker_child_visits", "2023-Q3"): (34530, 37415, D("92.3"), False, "D", "OK"),
        ("hcy_exam_30_days", "2023-07"): (228, 427, D("53.4"), False, None, "OK"),
        ("hcy_exam_30_days", "2023-08"): (287, 453, D("63.4"), False, None, "OK"),
        ("hcy_exam_30_days", "2023-09"): (312, 450, D("69.3"), False, None, "OK"),
        ("hcy_exam_30_days", "2023-Q3"): (827, 1330, D("62.2"), False, None, "OK"),
    }
    got = {key: figures(result(r, key[0], period=key[1])) for key in expected}
    assert got == expected


@pytest.mark.django_db
def test_quarter_pages_offer_the_mean_of_months_and_september_gives_a_fiscal_year(tmp_path, client_for, personas):
    from django.urls import reverse

    from metrics.models import MetricResult

    load(tmp_path, as_of="2023-11-30", **w13_bundle())
    r = run("2023-07", "2023-09", metrics=["hcy_exam_30_days", "victimization_in_care"])
    page = client_for(personas.state_supervisor).get(
        reverse("metrics:metric", args=["hcy_exam_30_days"]), {"period": "2023-Q3"}
    )
    # D10: the seed's "61%" is the mean of 53.4, 63.4 and 69.3 = 62.03; the stored quarter is pooled (62.2).
    assert "Mean of the three monthly values: 62.0" in page.content.decode()
    fiscal = MetricResult.objects.get(run=r, metric="victimization_in_care", period="FFY2023", dimension="STATE")
    september = result(r, "victimization_in_care", period="2023-09")
    assert (fiscal.period_type, fiscal.period_start, fiscal.numerator, fiscal.denominator) == (
        "FFY",
        september.period_start,
        september.numerator,
        september.denominator,
    )
