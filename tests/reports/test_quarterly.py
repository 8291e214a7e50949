"""The merged quarterly report: exact figures from each source, scope rules, set-based queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from reports.quarterly import BadQuarter, Quarter, default_quarter, quarterly_report, resolve_scope
from tests.reports import helpers as h

Q3 = Quarter(2023, 3)
D = Decimal


def section(report, code):
    return next(s for s in report.sections if s.measure.code == code)


def months(line):
    return [(c.value, c.meets, c.band) if c else None for _, c in line.months]


@pytest.mark.parametrize(
    "text, expected",
    [("2023Q3", Quarter(2023, 3)), ("2023-q1", Quarter(2023, 1)), (" 2024Q4 ", Quarter(2024, 4))],
)
def test_quarters_parse_in_both_spellings(text, expected):
    assert Quarter.parse(text) == expected


@pytest.mark.parametrize("text", ["2023Q5", "2023", "Q3-2023", "", "2023Q3; drop"])
def test_a_bad_quarter_is_refused_with_the_expected_form(text):
    with pytest.raises(BadQuarter, match="2023Q3"):
        Quarter.parse(text)


def test_a_quarter_knows_its_months_dates_and_metrics_label():
    assert [str(m) for m in Q3.months] == ["2023-07", "2023-08", "2023-09"]
    assert (Q3.start.isoformat(), Q3.end.isoformat()) == ("2023-07-01", "2023-09-30")
    assert Q3.metrics_period == "2023-Q3"
    assert Q3.label == "July–September 2023"
    assert str(Quarter(2023, 1).shift(-1)) == "2022Q4"


def test_agency_report_merges_metric_review_and_survey_figures(q3, personas):
    user = personas.supervisor_a
    report = quarterly_report(user, Q3, resolve_scope(user, "6ZA"))
    visits = section(report, "worker_child_visits")
    line = visits.headline
    # the latest finished run of the current extract; older, running and stale runs are ignored
    assert months(line) == [(D("95.0"), True, "E"), (D("90.0"), False, "C"), (D("85.0"), False, "C")]
    assert (line.quarter.numerator, line.quarter.denominator, line.quarter.value) == (D(54), D(60), D("90.0"))
    assert (line.quarter.band, line.benchmark, line.months_meeting) == ("C", D("95.0"), 1)
    assert (line.previous.period, line.previous.value, line.previous.band) == ("2023-Q2", D("75.0"), "B")
    assert [(i.key, i.achieved, i.applicable, i.percent) for i in visits.items] == [("14", 2, 3, D("66.7"))]
    assert [(o.key, o.achieved, o.applicable, o.percent) for o in visits.outcomes] == [("WB1", 1, 3, D("33.3"))]
    # 6ZA's 6 youth responses of the quarter are suppressed (complementary): with them, the
    # statewide figure would give 6ZB's 3 and the surveys page's wave total 6ZA's 3 June answers.
    assert [(s.code, s.group, s.favourable, s.n, s.percent, s.suppressed) for s in visits.surveys] == [
        ("cm_visits", "youth", 0, 0, None, True)
    ]
    assert visits.by_agency == []  # only the statewide view breaks down by agency
    assert report.reviews_counted == 3
    assert not hasattr(report, "responses_counted")  # 8 responses minus youth's 6 would give resource's 2


def test_item_and_outcome_shares_leave_not_applicable_cases_out(q3, personas):
    report = quarterly_report(personas.viewer_a, Q3, resolve_scope(personas.viewer_a, "6ZA"))
    family = section(report, "parent_child_visits")
    assert [(i.key, i.achieved, i.applicable, i.percent) for i in family.items] == [("8", 1, 2, D("50.0"))]
    assert [(o.key, o.achieved, o.applicable, o.percent) for o in family.outcomes] == [("P2", 1, 2, D("50.0"))]


def test_small_survey_cells_stay_suppressed(q3, personas):
    report = quarterly_report(personas.supervisor_a, Q3, resolve_scope(personas.supervisor_a, "6ZA"))
    family = section(report, "parent_child_visits")
    assert [(s.group, s.favourable, s.n, s.percent, s.suppressed) for s in family.surveys] == [
        ("resource", 0, 0, None, True)
    ]
    report_b = quarterly_report(personas.supervisor_b, Q3, resolve_scope(personas.supervisor_b, "6ZB"))
    assert [(s.n, s.percent, s.suppressed) for s in section(report_b, "worker_child_visits").surveys] == [
        (0, None, True)
    ]


def test_a_month_without_denominator_and_a_missing_month_are_distinct(q3, personas):
    report = quarterly_report(personas.supervisor_a, Q3, resolve_scope(personas.supervisor_a, "6ZA"))
    hcy = section(report, "hcy_exam_30_days").headline
    july, august = hcy.months[0][1], hcy.months[1][1]
    assert (july.status, july.value, july.meets, july.denominator) == ("NO_DENOMINATOR", None, None, D(0))
    assert august is None and hcy.quarter is None
    assert hcy.has_data  # a NO_DENOMINATOR row is data: "no entries", not a gap


def test_statewide_report_pools_every_agency_and_breaks_the_headline_down(q3, personas):
    user = personas.state_supervisor
    report = quarterly_report(user, Q3, resolve_scope(user, None))
    assert report.scope.is_statewide
    visits = section(report, "worker_child_visits")
    assert months(visits.headline) == [(D("96.7"), True, "E"), (D("90.0"), False, "C"), (D("85.0"), False, "C")]
    assert (visits.headline.quarter.value, visits.headline.quarter.band) == (D("91.4"), "D")
    assert visits.headline.previous is None  # no statewide row stored for 2023-Q2
    assert [(i.achieved, i.applicable, i.percent) for i in visits.items] == [(2, 4, D("50.0"))]
    assert [(o.achieved, o.applicable, o.percent) for o in visits.outcomes] == [(1, 4, D("25.0"))]
    # 6ZB's youth cell (3 responses) is suppressed, and 6ZA's too (complementary: the surveys page's
    # total over the wave minus it would give 6ZA's 3 June answers), so no agency cell is published
    # and statewide shows nothing; pooling all 8 answers would let anyone subtract 6ZA's 4 of 5.
    assert [(s.favourable, s.n, s.percent, s.suppressed) for s in visits.surveys] == [(0, 0, None, True)]
    assert [(r.code, [c.value if c else None for _, c in r.months], r.quarter.value) for r in visits.by_agency] == [
        ("6ZA", [D("95.0"), D("90.0"), D("85.0")], D("90.0")),
        ("6ZB", [D("100.0"), None, None], D("100.0")),
    ]
    assert report.reviews_counted == 4
    assert not hasattr(report, "responses_counted")


def test_planned_metrics_are_marked_not_computed(q3, personas, monkeypatch):
    hide_education_metrics(monkeypatch)
    report = quarterly_report(personas.supervisor_a, Q3, resolve_scope(personas.supervisor_a, "6ZA"))
    education = section(report, "education")
    assert [(m.code, m.computed, m.has_data) for m in education.metrics] == [
        ("education_enrollment", False, False),
        ("education_progress", False, False),
    ]
    assert section(report, "worker_child_visits").headline.computed


def hide_education_metrics(monkeypatch):
    """A measure may name a metric the metrics app does not compute (yet): pretend these are such."""
    import reports.quarterly
    from metrics.registry import all_metrics

    computed = [m for m in all_metrics() if not m.code.startswith("education_")]
    monkeypatch.setattr(reports.quarterly, "all_metrics", lambda: computed)


def test_the_chart_carries_the_three_months_and_the_benchmark(q3, personas):
    report = quarterly_report(personas.supervisor_a, Q3, resolve_scope(personas.supervisor_a, "6ZA"))
    assert section(report, "worker_child_visits").chart() == {
        "title": "Worker/child visits",
        "labels": ["Jul 2023", "Aug 2023", "Sep 2023"],
        "values": [95.0, 90.0, 85.0],
        "benchmark": 95.0,
        "unit": "PERCENT",
    }


# --- who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, asked, expected",
    [
        ("supervisor_a", None, "6ZA"),
        ("supervisor_a", "6za", "6ZA"),
        ("viewer_b", None, "6ZB"),
        ("admin_a", "6ZA", "6ZA"),
        ("state_supervisor", None, "all"),
        ("state_supervisor", "all", "all"),
        ("state_supervisor", "6ZB", "6ZB"),
        ("state_admin", "CD", "CD"),
    ],
)
def test_scope_follows_the_users_agencies(personas, persona, asked, expected):
    assert resolve_scope(getattr(personas, persona), asked).parameter == expected


@pytest.mark.parametrize(
    "persona, asked, refusal",
    [
        ("reviewer_a", None, PermissionDenied),  # no report.view anywhere
        ("qa_a", "6ZA", PermissionDenied),
        ("supervisor_a", "6ZB", Http404),  # another agency: not disclosed
        ("viewer_b", "6ZA", Http404),
        ("supervisor_a", "all", PermissionDenied),  # statewide is for state staff
        ("supervisor_a", "ZZZ", Http404),
        ("state_supervisor", "ZZZ", Http404),
    ],
)
def test_scope_refusals(personas, persona, asked, refusal):
    with pytest.raises(refusal):
        resolve_scope(getattr(personas, persona), asked)


def test_the_statewide_report_is_refused_to_agency_staff_even_without_resolve_scope(q3, personas):
    from reports.quarterly import Scope

    with pytest.raises(PermissionDenied):
        quarterly_report(personas.supervisor_a, Q3, Scope(None))


def test_a_role_without_report_view_in_that_agency_is_refused(personas, make_user):
    mixed = make_user("mixed", ("supervisor", "6ZA"), ("reviewer", "6ZB"))
    assert resolve_scope(mixed, None).parameter == "6ZA"
    with pytest.raises(PermissionDenied):
        resolve_scope(mixed, "6ZB")


def test_other_agencies_rows_never_reach_an_agency_report(q3, personas):
    report = quarterly_report(personas.supervisor_b, Q3, resolve_scope(personas.supervisor_b, "6ZB"))
    visits = section(report, "worker_child_visits")
    assert months(visits.headline) == [(D("100.0"), True, "E"), None, None]
    assert [(i.achieved, i.applicable) for i in visits.items] == [(0, 1)]
    assert report.reviews_counted == 1


# --- set-based ----------------------------------------------------------------------------


def test_query_count_does_not_grow_with_reviews_or_responses(q3, personas):
    user = personas.state_supervisor
    scope = resolve_scope(user, None)
    with CaptureQueriesContext(connection) as before:
        quarterly_report(user, Q3, scope)
    for n in range(5):
        h.rated_review("6ZA", "finalized", "2023-08-15", {"14": "STRENGTH", "8": "ANI", "15": "STRENGTH"})
        h.answers(q3.wave, q3.youth, q3.visits, "6ZB", "2023-08-15", "agree")
    with CaptureQueriesContext(connection) as after:
        report = quarterly_report(user, Q3, scope)
    assert len(after) == len(before)
    assert [(i.achieved, i.applicable) for i in section(report, "worker_child_visits").items] == [(7, 9)]


# --- default quarter ----------------------------------------------------------------------


def test_default_quarter_is_the_latest_with_quarterly_results(q3):
    import datetime as dt

    assert default_quarter(dt.date(2026, 11, 26)) == Q3


def test_default_quarter_without_results_is_the_last_complete_quarter(db):
    import datetime as dt

    assert default_quarter(dt.date(2026, 11, 26)) == Quarter(2026, 3)


def test_reviews_count_from_first_level_approval_on():
    from reports.quarterly import REPORTABLE_REVIEW_STATUSES

    assert set(REPORTABLE_REVIEW_STATUSES) == {"approved", "second_level_qa", "finalized"}
