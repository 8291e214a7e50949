"""Supervisors' summaries: exact counts on a fixture of reviews, scoping, exports, drill-down."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import County
from reviews import periods, summaries
from reviews.models import Participant, Review
from reviews.scoring import record_answers, set_override
from tests.reviews.factories import COMPLETE_FC, make_case, make_review
from tests.reviews_ui.helpers import complete_review

S = Review.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def fixture_reviews(personas):
    """Five foster care reviews; four count by default (approved or later), one in 6ZB.

    R1 6ZA approved: COMPLETE_FC (item 14 ANI because 14B = NO).
    R2 6ZA finalized: 14B = YES (item 14 Strength); two fathers, 8D f1 YES / f2 NO.
    R3 6ZA in progress: not counted unless statuses=all.
    R4 6ZB finalized, county 29113: COMPLETE_FC.
    R5 6ZA second-level QA: COMPLETE_FC with item 14 overridden to Strength.
    """
    r1 = complete_review(personas.reviewer_a, "SUM-1", "6ZA", S.APPROVED)
    r2 = complete_review(personas.reviewer_a, "SUM-2", "6ZA")
    Participant.objects.create(review=r2, key="f1", role="FATHER")
    Participant.objects.create(review=r2, key="f2", role="FATHER")
    record_answers(
        r2,
        {
            "14B": "YES",
            "8B1": {"f1": "WEEKLY", "f2": "WEEKLY"},
            "8B": {"f1": "YES", "f2": "YES"},
            "8D": {"f1": "YES", "f2": "NO"},
        },
    )
    Review.objects.filter(pk=r2.pk).update(status=S.FINALIZED)
    r3 = complete_review(personas.reviewer_a, "SUM-3", "6ZA", S.IN_PROGRESS)
    r4 = complete_review(personas.reviewer_b, "SUM-4", "6ZB", S.FINALIZED)
    r4.case.county_id = "29113"
    r4.case.save()
    r5 = complete_review(personas.reviewer_a, "SUM-5", "6ZA", S.SECOND_LEVEL_QA)
    set_override(r5, "14", "STRENGTH", "Seen alone at school.", personas.qa_a)
    # Periods start on 2023-04-01 (2023Q2); the submitted ones ended on 2023-07-18 (2023Q3).
    Review.objects.filter(pk__in=[r1.pk, r2.pk, r4.pk, r5.pk]).update(pur_end=dt.date(2023, 7, 18))
    return r1, r2, r3, r4, r5


def rows_by_key(rows):
    return {(r.group, r.key): (r.applicable, r.achieved, r.percent) for r in rows}


def test_item_and_outcome_performance_count_applicable_cases(personas, fixture_reviews):
    reviews = summaries.reviews_for_summary(personas.viewer_a, summaries.Filters())
    assert sorted(r.case.case_id for r in reviews) == ["SUM-1", "SUM-2", "SUM-5"]
    items = rows_by_key(summaries.item_performance(reviews))
    assert items[("All", "14")] == (3, 2, 66.7)  # R1 ANI, R2 Strength, R5 overridden to Strength
    assert items[("All", "3")] == (3, 3, 100.0)
    assert items[("All", "1")] == (0, 0, None)  # 1APP = NO everywhere: never applicable
    assert items[("All", "8")] == (3, 0, 0.0)
    outcomes = rows_by_key(summaries.outcome_performance(reviews))
    assert outcomes[("All", "S2")] == (3, 3, 100.0)
    assert outcomes[("All", "WB1")] == (3, 0, 0.0)
    assert outcomes[("All", "S1")] == (0, 0, None)


def test_statuses_all_adds_reviews_still_in_progress(personas, fixture_reviews):
    reviews = summaries.reviews_for_summary(personas.viewer_a, summaries.Filters(statuses="all"))
    assert rows_by_key(summaries.item_performance(reviews))[("All", "14")] == (4, 2, 50.0)


def test_grouped_by_agency_and_circuit_for_state_staff(personas, fixture_reviews):
    reviews = summaries.reviews_for_summary(personas.state_supervisor, summaries.Filters())
    by_agency = rows_by_key(summaries.item_performance(reviews, "agency"))
    assert by_agency[("6ZA", "14")] == (3, 2, 66.7)
    assert by_agency[("6ZB", "14")] == (1, 0, 0.0)
    circuit_a = County.objects.get(pk="29095").circuit_id
    circuit_b = County.objects.get(pk="29113").circuit_id
    by_circuit = rows_by_key(summaries.item_performance(reviews, "circuit"))
    assert by_circuit[(f"Circuit {circuit_a}", "14")] == (3, 2, 66.7)
    assert by_circuit[(f"Circuit {circuit_b}", "14")] == (1, 0, 0.0)
    by_type = rows_by_key(summaries.outcome_performance(reviews, "case_type"))
    assert by_type[("Foster care", "WB1")] == (4, 0, 0.0)


def test_filters_by_agency_period_and_case_type(personas, fixture_reviews):
    state = personas.state_supervisor
    assert summaries.reviews_for_summary(state, summaries.Filters(agency="6ZB")).count() == 1
    assert summaries.reviews_for_summary(state, summaries.Filters(case_type="IN_HOME")).count() == 0
    # The period filters on the day the period under review ended (2023-07-18 here).
    assert summaries.reviews_for_summary(state, summaries.Filters(start=dt.date(2023, 7, 19))).count() == 0
    assert summaries.reviews_for_summary(state, summaries.Filters(end=dt.date(2023, 7, 18))).count() == 4
    assert summaries.reviews_for_summary(state, summaries.Filters(end=dt.date(2023, 7, 17))).count() == 0


def test_parent_breakdown_counts_each_case_once(personas, fixture_reviews):
    reviews = summaries.reviews_for_summary(personas.viewer_a, summaries.Filters())
    rows = {r.key: (r.applicable, r.achieved) for r in summaries.parent_breakdown(reviews)}
    assert rows["8A"] == (3, 3)  # mother frequency YES in all three
    assert rows["8B"] == (3, 1)  # father frequency: NO in R1 and R5, both fathers YES in R2
    assert rows["8D"] == (1, 0)  # father quality: NA (never visited) in R1/R5; R2 has f2 = NO
    assert rows["8E"] == (0, 0)  # no siblings in care
    assert rows["14A"] == (3, 3)
    assert rows["14B"] == (3, 1)  # only R2 answered 14B = YES
    assert rows["15B1"] == (3, 3)
    assert rows["15B2"] == (3, 0)
    assert rows["15C2"] == (0, 0)  # 15A2 = NEVER: father quality not applicable


def test_ani_reasons_count_the_deciding_answers(personas, fixture_reviews):
    reviews = summaries.reviews_for_summary(personas.state_supervisor, summaries.Filters())
    groups = {g.item: (g.total, g.reasons) for g in summaries.ani_reasons(reviews)}
    # R1 and R4 are ANI on 14 because 14B = NO; R5's ANI was overridden, R2 is a Strength.
    assert groups["14"] == (2, [("14B = NO", 2)])
    # Item 8: R1, R4, R5 on 8B = NO; R2 on 8D = NO (f2), its per-person detail folded away.
    assert groups["8"] == (4, [("8B = NO", 3), ("8D = NO", 1)])


def test_summary_page_shows_only_the_viewers_agency(personas, client_for, fixture_reviews):
    body_a = client_for(personas.viewer_a).get(reverse("reviews:summary")).content.decode()
    assert '<strong id="review-count">3</strong>' in body_a
    body_b = client_for(personas.viewer_b).get(reverse("reviews:summary")).content.decode()
    assert '<strong id="review-count">1</strong>' in body_b
    # viewer_b cannot widen the scope by asking for 6ZA.
    body = client_for(personas.viewer_b).get(reverse("reviews:summary") + "?agency=6ZA").content.decode()
    assert '<strong id="review-count">0</strong>' in body


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_matches_the_table_and_the_scope(personas, client_for, fixture_reviews):
    url = reverse("reviews:summary_export", args=["items", "csv"])
    rows = read_csv(client_for(personas.viewer_a).get(url))
    assert rows[0] == ["Group", "Item", "Title", "Applicable n", "Strength", "% Strength"]
    assert ["All", "14", "Caseworker Visits With Child", "3", "2", "66.7"] in rows
    rows_b = read_csv(client_for(personas.viewer_b).get(url))
    assert ["All", "14", "Caseworker Visits With Child", "1", "0", "0.0"] in rows_b
    ani = read_csv(client_for(personas.viewer_b).get(reverse("reviews:summary_export", args=["ani", "csv"])))
    assert ["14", "Caseworker Visits With Child", "1", "14B = NO", "1"] in ani


def test_xlsx_export_of_every_table(personas, client_for, fixture_reviews):
    client = client_for(personas.supervisor_a)
    for table in ("items", "outcomes", "parents", "ani"):
        response = client.get(reverse("reviews:summary_export", args=[table, "xlsx"]))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.title == table
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        if table == "outcomes":
            assert [
                "All",
                "WB1",
                "Families have enhanced capacity to provide for their children's needs.",
                3,
                0,
                0,
            ] in values
        if table == "parents":
            assert ["Item 8", "8B", "Father: visit frequency", 3, 1, 33.3] in values
    assert client.get(reverse("reviews:summary_export", args=["nope", "csv"])).status_code == 404
    assert (
        client_for(personas.reviewer_a).get(reverse("reviews:summary_export", args=["items", "csv"])).status_code == 403
    )


def test_drill_down_lists_the_reviews_behind_a_number_in_scope(personas, client_for, fixture_reviews):
    url = reverse("reviews:summary_drill")
    body = client_for(personas.viewer_a).get(url, {"item": "14", "measure": "achieved"}).content.decode()
    assert "SUM-2" in body and "SUM-5" in body and "SUM-1" not in body and "SUM-4" not in body
    body = (
        client_for(personas.viewer_a).get(url, {"item": "14", "measure": "ani", "reason": "14B = NO"}).content.decode()
    )
    assert "SUM-1" in body and "SUM-4" not in body  # SUM-4 is 6ZB: out of scope
    body = (
        client_for(personas.state_supervisor)
        .get(url, {"item": "14", "measure": "ani", "reason": "14B = NO"})
        .content.decode()
    )
    assert "SUM-1" in body and "SUM-4" in body
    body = client_for(personas.viewer_a).get(url, {"question": "8B", "measure": "sufficient"}).content.decode()
    assert "SUM-2" in body and "SUM-1" not in body
    body = (
        client_for(personas.state_supervisor)
        .get(url, {"outcome": "S2", "measure": "applicable", "group_by": "agency", "group": "6ZB"})
        .content.decode()
    )
    assert "SUM-4" in body and "SUM-1" not in body
    assert (
        client_for(personas.viewer_b)
        .get(url, {"item": "14", "measure": "applicable"})
        .content.decode()
        .count('data-review="')
        == 1
    )


def test_bad_filters_are_named(personas, client_for, fixture_reviews):
    body = client_for(personas.viewer_a).get(reverse("reviews:summary"), {"start": "2023-13-01", "circuit": "x"})
    text = body.content.decode()
    assert "start: &#x27;2023-13-01&#x27; is not a date (YYYY-MM-DD)" in text
    assert "circuit: &#x27;x&#x27; is not a circuit number" in text


def test_child_visits_count_a_never_visited_child_as_frequency_not_sufficient(personas, client_for):
    never = {**COMPLETE_FC, "14A1": "NEVER", "14B": "NA"}
    del never["14A"]  # derived: 14A1 = NEVER makes 14A = NO
    review = make_review(make_case("SUM-NEVER", agency="6ZA"))
    record_answers(review, never)
    Review.objects.filter(pk=review.pk).update(status=S.FINALIZED)
    complete_review(personas.reviewer_a, "SUM-SEEN", "6ZA", S.FINALIZED)  # 14A YES, 14B NO
    reviews = summaries.reviews_for_summary(personas.viewer_a, summaries.Filters())
    rows = {r.key: (r.applicable, r.achieved) for r in summaries.parent_breakdown(reviews)}
    assert rows["14A"] == (2, 1)
    assert rows["14B"] == (1, 0)  # not applicable when the child was never visited
    body = client_for(personas.viewer_a).get(
        reverse("reviews:summary_drill"), {"question": "14A", "measure": "applicable"}
    )
    assert "SUM-NEVER" in body.content.decode() and "SUM-SEEN" in body.content.decode()
    body = client_for(personas.viewer_a).get(
        reverse("reviews:summary_drill"), {"question": "14A", "measure": "sufficient"}
    )
    assert "SUM-NEVER" not in body.content.decode() and "SUM-SEEN" in body.content.decode()


def test_the_summary_page_runs_a_fixed_number_of_queries(personas, client_for, fixture_reviews):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(personas.state_supervisor)
    url = reverse("reviews:summary") + "?group_by=agency"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(3):
        complete_review(personas.reviewer_b, f"SUM-MORE-{number}", "6ZB", S.FINALIZED)
    with CaptureQueriesContext(connection) as more:
        response = client.get(url)
    assert response.context["review_count"] == 7
    assert len(more) == len(few)


@pytest.mark.parametrize(
    "quarter,bounds",
    [
        ("2023Q1", ("2023-01-01", "2023-03-31")),
        ("2023Q2", ("2023-04-01", "2023-06-30")),
        ("2024q3", ("2024-07-01", "2024-09-30")),
        ("2023Q4", ("2023-10-01", "2023-12-31")),
    ],
)
def test_a_quarter_sets_the_period(quarter, bounds):
    filters, errors = summaries.parse_filters({"quarter": quarter})
    assert errors == []
    assert (filters.start.isoformat(), filters.end.isoformat()) == bounds


@pytest.mark.parametrize("quarter", ["2023Q5", "23Q1", "2023", "Q1"])
def test_a_bad_quarter_is_named(quarter):
    filters, errors = summaries.parse_filters({"quarter": quarter})
    assert errors == [f"quarter: {quarter.upper()!r} is not a quarter like 2023Q3"]
    assert filters.start is None


def test_the_quarter_filter_counts_reviews_whose_period_ended_in_it(personas, fixture_reviews):
    # The defect: "2023Q3" filtered on the period start, so these reviews (started in Q2) counted in Q2.
    q2, _ = summaries.parse_filters({"quarter": "2023Q2"})
    q3, _ = summaries.parse_filters({"quarter": "2023Q3"})
    assert summaries.reviews_for_summary(personas.state_supervisor, q2).count() == 0
    assert summaries.reviews_for_summary(personas.state_supervisor, q3).count() == 4


def test_the_summaries_and_the_quarterly_report_count_the_same_reviews(personas, fixture_reviews):
    from reports.quarterly import Quarter, Scope, reviews_in_quarter

    state = personas.state_supervisor
    for text in ("2023Q2", "2023Q3"):
        filters, _ = summaries.parse_filters({"quarter": text})
        summary = set(summaries.reviews_for_summary(state, filters).values_list("pk", flat=True))
        report = set(reviews_in_quarter(state, Quarter.parse(text), Scope(None)).values_list("pk", flat=True))
        assert summary == report, text
    assert {periods.review_quarter(r) for r in Review.objects.all()} == {"2023Q3", None}


def test_both_pages_state_the_definition(personas, client_for, fixture_reviews):
    summary = client_for(personas.supervisor_a).get(reverse("reviews:summary")).content.decode()
    report = client_for(personas.supervisor_a).get(reverse("reports:quarterly"), {"quarter": "2023Q3"}).content.decode()
    for body in (summary, report):
        assert "A review counts in the quarter in which its period under review ended (Face Sheet E" in body
