"""The reports demo wave: responses dated in 2023Q3, idempotent, visible in the 2023Q3 report."""

from __future__ import annotations

import io

from reports.demo import DEMO_WAVE, seed
from reports.quarterly import Quarter, quarterly_report, resolve_scope
from surveys.models import Invitation, Response


def test_seed_creates_a_2023q3_wave_once(personas):
    out = io.StringIO()
    seed(out)
    responses = Response.objects.filter(wave__name=DEMO_WAVE)
    assert responses.filter(status="submitted").count() == 7 + 6 + 6 + 4 + 5 + 5
    assert Invitation.objects.filter(wave__name=DEMO_WAVE).count() == 2 * 3 * 8
    dates = sorted(responses.values_list("submitted_on", flat=True))
    assert dates[0].isoformat() >= "2023-07-01" and dates[-1].isoformat() <= "2023-09-30"
    seed(out)
    assert Response.objects.filter(wave__name=DEMO_WAVE).count() == 33
    assert "already there" in out.getvalue()


def test_the_demo_quarter_shows_survey_results_and_a_suppressed_cell(personas):
    seed(io.StringIO())
    q3 = Quarter(2023, 3)
    report_a = quarterly_report(personas.supervisor_a, q3, resolve_scope(personas.supervisor_a, "6ZA"))
    visits_a = next(s for s in report_a.sections if s.measure.code == "worker_child_visits")
    youth_a = [v for v in visits_a.surveys if v.group == "youth"]
    assert youth_a and all(not v.suppressed and v.percent is not None for v in youth_a)
    report_b = quarterly_report(personas.supervisor_b, q3, resolve_scope(personas.supervisor_b, "6ZB"))
    visits_b = next(s for s in report_b.sections if s.measure.code == "worker_child_visits")
    assert [v.suppressed for v in visits_b.surveys if v.group == "youth"] == [True, True]
