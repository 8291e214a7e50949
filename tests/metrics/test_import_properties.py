"""Valid extracts import: edge cases the rules allow (issue 10, finding 14), and a property test that
any bundle passing validation imports without an exception."""

from __future__ import annotations

import pytest

from metrics.extract.load import load_bundle
from metrics.models import MetricUnit, SubstantiatedReport
from tests.metrics.bundle import build
from tests.metrics.helpers import run

pytestmark = pytest.mark.django_db


def test_a_substantiated_report_outside_every_episode_is_imported_and_counts_for_none(tmp_path):
    episodes = [
        {
            "episode_id": "E1",
            "child_id": "C1",
            "removal_date": "2022-01-10",
            "discharge_date": "2023-03-01",
            "discharge_reason": "REU",
        }
    ]
    reports = [
        # after the discharge: the child is in no episode on the report day
        {
            "report_id": "R1",
            "child_id": "C1",
            "allegation_seq": "1",
            "report_date": "2023-05-01",
            "disposition_date": "2023-05-20",
            "finding": "POE",
        },
        # inside the episode, for comparison
        {
            "report_id": "R2",
            "child_id": "C1",
            "allegation_seq": "1",
            "report_date": "2022-09-01",
            "disposition_date": "2022-09-20",
            "finding": "POE",
        },
    ]
    result = load_bundle(build(tmp_path, removal_episodes=episodes, maltreatment_reports=reports))
    assert result.status == "LOADED", [str(p) for p in result.report.errors]
    outside = SubstantiatedReport.objects.get(report_id="R1")
    assert (outside.episode_id, outside.removal_day, outside.under18_at_removal) == ("", None, None)
    inside = SubstantiatedReport.objects.get(report_id="R2")
    assert (inside.episode_id, inside.under18_at_removal) == ("E1", True)
    # The report counts for no episode: victimization sees only R2.
    run_ = run("2023-07", metrics=["victimization_in_care"])
    reports_seen = MetricUnit.objects.filter(run=run_, metric="victimization_in_care", unit_type="REPORT")
    assert sorted(reports_seen.values_list("event_id", "in_numerator")) == [("R2", True)]
