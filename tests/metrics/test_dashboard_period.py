"""The dashboard and a metric page open on the latest period with every metric (issue 13).

Computing September yields the month (2023-09), the quarter (2023-Q3) and, for rolling metrics
only, the federal fiscal year (FFY2023). The dashboard used to open on FFY2023, which holds the
rolling metrics alone; it opens on the month, which holds them all.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from metrics import pages
from tests.metrics.bundle import load
from tests.metrics.helpers import assignment, run

pytestmark = pytest.mark.django_db

METRICS = ["worker_child_visits", "victimization_in_care", "placement_stability"]


@pytest.fixture
def september(tmp_path):
    episodes = [{"episode_id": "EA", "child_id": "CA", "removal_date": "2023-01-01"}]
    visits = [
        {
            "visit_id": "V1",
            "child_id": "CA",
            "worker_id": "W-6ZA",
            "visit_date": "2023-09-05",
            "contact_mode": "IN_PERSON",
            "location": "CHILD_RESIDENCE",
            "status": "COMPLETED",
        }
    ]
    load(
        tmp_path,
        removal_episodes=episodes,
        worker_assignments=[assignment("CA", "EA", "6ZA", "2023-01-01")],
        worker_child_visits=visits,
    )
    return run("2023-09", metrics=METRICS)


def state_metrics(run_, period: str) -> set[str]:
    return set(run_.results.filter(dimension="STATE", period=period).values_list("metric", flat=True))


def test_the_fiscal_year_holds_fewer_metrics_than_the_month(september):
    assert state_metrics(september, "2023-09") == set(METRICS)
    assert state_metrics(september, "FFY2023") < set(METRICS)
    assert pages.default_period(september.results.all()) == "2023-09"


def test_the_dashboard_opens_on_the_month_with_every_metric(client_for, personas, september):
    response = client_for(personas.state_supervisor).get(reverse("metrics:dashboard"))
    assert response.context["period"] == "2023-09"
    assert [row["metric"].code for row in response.context["rows"]] == METRICS
    # another period is still one choice away
    chosen = client_for(personas.state_supervisor).get(reverse("metrics:dashboard"), {"period": "FFY2023"})
    assert chosen.context["period"] == "FFY2023"


def test_a_rolling_metric_page_opens_on_the_month_too(client_for, personas, september):
    response = client_for(personas.state_supervisor).get(reverse("metrics:metric", args=["victimization_in_care"]))
    assert response.context["period"] == "2023-09"
    # its value is counted per 100,000 days in care: the page says so in words, not as a code
    body = response.content.decode()
    assert "per 100,000 days in care" in body and "PER_100K_DAYS" not in body
    # the trend is monthly: the fiscal year is no point on it
    assert response.context["months"] == ["2023-09"]
