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
    # 6ZB's 4 youth are suppressed, and with them 6ZA's youth (else statewide minus 6ZA gives
    # them); the resource parents' answers show for both agencies.
    assert {(v.group, v.suppressed) for v in visits_a.surveys} == {("youth", True), ("resource", False)}
    assert all(v.percent is not None for v in visits_a.surveys if v.group == "resource")
    report_b = quarterly_report(personas.supervisor_b, q3, resolve_scope(personas.supervisor_b, "6ZB"))
    visits_b = next(s for s in report_b.sections if s.measure.code == "worker_child_visits")
    assert [v.suppressed for v in visits_b.surveys if v.group == "youth"] == [True, True]
    assert all(not v.suppressed for v in visits_b.surveys if v.group == "resource")
    state = quarterly_report(personas.state_supervisor, q3, resolve_scope(personas.state_supervisor, None))
    visits_state = next(s for s in state.sections if s.measure.code == "worker_child_visits")
    assert all(not v.suppressed and v.percent is not None for v in visits_state.surveys)
