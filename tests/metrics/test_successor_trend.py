"""Decision D26: the metric page's trend can show 6ZT's months under its successor 6ZV; results keep the
recorded code; who may see the joined history.

worker_child_visits, March to June 2023. Child X: 6ZT until 2023-04-30 (6ZT's contract end), then
6ZV. Child Y: 6ZV throughout. Child Z: 6ZA throughout.
Seen: X in March, May, June; Y in April and May; Z every month.

| month | 6ZT | 6ZV | 6ZV + 6ZT | 6ZA | MO |
|---|---|---|---|---|---|
| 2023-03 | 1/1 100.0 | 0/1 0.0 | 1/2 50.0 | 1/1 | 2/3 66.7 |
| 2023-04 | 0/1 0.0 | 1/1 100.0 | 1/2 50.0 | 1/1 | 2/3 66.7 |
| 2023-05 | (no row) | 2/2 100.0 | 2/2 100.0 | 1/1 | 3/3 100.0 |
| 2023-06 | (no row) | 1/2 50.0 | 1/2 50.0 | 1/1 | 2/3 66.7 |
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from metrics.models import MetricResult
from tests.metrics.bundle import load
from tests.metrics.helpers import assignment, run

pytestmark = pytest.mark.django_db

METRIC = "worker_child_visits"
JOINED = "6ZV (incl. 6ZT before 2023-05)"
MONTHS = ["2023-03", "2023-04", "2023-05", "2023-06"]


def visit(n: int, child: str, day: str) -> dict:
    return {
        "visit_id": f"V{n}",
        "child_id": child,
        "worker_id": "W1",
        "visit_date": day,
        "contact_mode": "IN_PERSON",
        "location": "CHILD_RESIDENCE",
        "status": "COMPLETED",
    }


@pytest.fixture
def computed(tmp_path):
    episodes = [{"episode_id": f"E{c}", "child_id": c, "removal_date": "2023-01-01"} for c in "XYZ"]
    assignments = [
        assignment("X", "EX", "6ZT", "2023-01-01", "2023-04-30"),
        assignment("X", "EX", "6ZV", "2023-05-01"),
        assignment("Y", "EY", "6ZV", "2023-01-01"),
        assignment("Z", "EZ", "6ZA", "2023-01-01"),
    ]
    seen = [("X", "03"), ("X", "05"), ("X", "06"), ("Y", "04"), ("Y", "05")] + [("Z", m[5:]) for m in MONTHS]
    visits = [visit(n, child, f"2023-{month}-10") for n, (child, month) in enumerate(seen)]
    load(tmp_path, removal_episodes=episodes, worker_assignments=assignments, worker_child_visits=visits)
    return run("2023-03", "2023-06", metrics=[METRIC])


@pytest.fixture
def viewers(make_user, personas):
    return {
        "state": personas.state_supervisor,
        "6ZA": personas.viewer_a,
        "6ZV": make_user("viewer_v", ("agency_viewer", "6ZV")),
        "6ZT": make_user("viewer_t", ("agency_viewer", "6ZT")),
    }


def page(client, join: bool):
    params = {"period": "2023-06", **({"join": "1"} if join else {})}
    response = client.get(reverse("metrics:metric", args=[METRIC]), params)
    assert response.status_code == 200
    assert response.context["chart"]["months"] == MONTHS
    return response


def trend_rows(client, join: bool) -> list[dict]:
    params = {"period": "2023-06", "format": "trend_csv", **({"join": "1"} if join else {})}
    response = client.get(reverse("metrics:metric", args=[METRIC]), params)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def figures(rows: list[dict], key: str) -> list[tuple]:
    return [(r["period"], r["numerator"], r["denominator"], r["value_rounded"]) for r in rows if r["key"] == key]


def test_state_staff_see_6zt_under_6zv_when_asked_and_results_keep_the_recorded_code(client_for, viewers, computed):
    client = client_for(viewers["state"])
    plain = page(client, join=False)
    assert plain.context["chart"]["trend"] == {
        "MO": [66.7, 66.7, 100.0, 66.7],
        "6ZA": [100.0, 100.0, 100.0, 100.0],
        "6ZT": [100.0, 0.0, None, None],
        "6ZV": [0.0, 100.0, 100.0, 50.0],
    }
    assert "Join successor agencies" in plain.content.decode()
    joined = page(client, join=True)
    assert joined.context["chart"]["trend"] == {
        "MO": [66.7, 66.7, 100.0, 66.7],
        "6ZA": [100.0, 100.0, 100.0, 100.0],
        JOINED: [50.0, 50.0, 100.0, 50.0],
    }
    assert f"{JOINED}: 6ZT's months are shown under 6ZV, its successor" in joined.content.decode()
    # the stored results are untouched: 6ZT keeps its own rows
    stored = MetricResult.objects.filter(run=computed, metric=METRIC, dimension="AGENCY", period_type="MONTH")
    assert sorted(stored.filter(key="6ZT").values_list("period", "value_rounded")) == [("2023-03", 100), ("2023-04", 0)]
    assert [v for _, v in sorted(stored.filter(key="6ZV").values_list("period", "value_rounded"))] == [0, 100, 100, 50]


def test_the_trend_csv_follows_the_choice(client_for, viewers, computed):
    client = client_for(viewers["state"])
    plain = trend_rows(client, join=False)
    assert figures(plain, "6ZT") == [("2023-03", "1", "1", "100.0"), ("2023-04", "0", "1", "0.0")]
    assert figures(plain, "6ZV") == [
        ("2023-03", "0", "1", "0.0"),
        ("2023-04", "1", "1", "100.0"),
        ("2023-05", "2", "2", "100.0"),
        ("2023-06", "1", "2", "50.0"),
    ]
    joined = trend_rows(client, join=True)
    assert figures(joined, "6ZT") == []
    assert figures(joined, "6ZV") == [
        ("2023-03", "1", "2", "50.0"),
        ("2023-04", "1", "2", "50.0"),
        ("2023-05", "2", "2", "100.0"),
        ("2023-06", "1", "2", "50.0"),
    ]
    assert {(r["label"], r["joined_from"]) for r in joined if r["key"] == "6ZV"} == {(JOINED, "6ZT")}
    assert (
        figures(joined, "MO")
        == figures(plain, "MO")
        == [
            ("2023-03", "2", "3", "66.7"),
            ("2023-04", "2", "3", "66.7"),
            ("2023-05", "3", "3", "100.0"),
            ("2023-06", "2", "3", "66.7"),
        ]
    )


def test_a_6zv_user_may_see_6zt_history_joined_but_not_its_children(client_for, viewers, computed):
    """Decision: 6ZV took over 6ZT's cases, so its staff see 6ZT's months inside the joined series;
    6ZT's own series and its drill-down stay out of their scope."""
    client = client_for(viewers["6ZV"])
    assert page(client, join=False).context["chart"]["trend"] == {
        "MO": [66.7, 66.7, 100.0, 66.7],
        "6ZV": [0.0, 100.0, 100.0, 50.0],
    }
    assert page(client, join=True).context["chart"]["trend"] == {
        "MO": [66.7, 66.7, 100.0, 66.7],
        JOINED: [50.0, 50.0, 100.0, 50.0],
    }
    assert {r["key"] for r in trend_rows(client, join=True)} == {"MO", "6ZV"}
    url = reverse("metrics:units", args=[METRIC, "2023-04", "6ZT"])
    assert client.get(url).status_code == 404


def test_a_6za_user_asking_for_the_join_sees_no_6zt_or_6zv_figures(client_for, viewers, computed):
    client = client_for(viewers["6ZA"])
    response = page(client, join=True)
    assert response.context["chart"]["trend"] == {"MO": [66.7, 66.7, 100.0, 66.7], "6ZA": [100.0, 100.0, 100.0, 100.0]}
    text = response.content.decode()
    assert "6ZT" not in text and "6ZV" not in text
    assert {r["key"] for r in trend_rows(client, join=True)} == {"MO", "6ZA"}
    for code in ("6ZT", "6ZV"):
        assert client.get(reverse("metrics:units", args=[METRIC, "2023-04", code])).status_code == 404


def test_a_6zt_user_keeps_6zt_unjoined_and_never_sees_6zv(client_for, viewers, computed):
    client = client_for(viewers["6ZT"])
    assert page(client, join=True).context["chart"]["trend"] == {
        "MO": [66.7, 66.7, 100.0, 66.7],
        "6ZT": [100.0, 0.0, None, None],
    }
    assert {r["key"] for r in trend_rows(client, join=True)} == {"MO", "6ZT"}
