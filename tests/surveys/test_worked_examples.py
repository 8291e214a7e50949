"""The four worked examples of spec/surveys.md, exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from surveys import results, sampling
from surveys.models import Invitation, Response, SkippedContact

from .helpers import add_question, invite, make_survey, make_wave, submitted_response

pytestmark = pytest.mark.django_db


def test_example_1_response_rate_of_40_resource_parents_with_22_submitted_is_55_0(agency):
    survey = make_survey("resource")
    wave = make_wave(survey, agency=agency("6ZA"))
    invite(wave, survey, agency("6ZA"), 40, submitted=22)

    [total] = results.response_rates(Invitation.objects.filter(wave=wave))
    [by_group] = results.response_rates(Invitation.objects.filter(wave=wave), by="group")
    [by_agency] = results.response_rates(Invitation.objects.filter(wave=wave), by="agency")

    assert (total.invited, total.submitted, total.rate) == (40, 22, Decimal("55.0"))
    assert (by_group.label, by_group.rate) == ("Foster and resource parents", Decimal("55.0"))
    assert (by_agency.label, by_agency.rate) == ("6ZA", Decimal("55.0"))


def test_example_2_percent_favourable_excludes_does_not_apply_and_skipped(agency):
    survey = make_survey("resource")
    visits = add_question(survey, "visit_quality", tags=("worker_child_visits",))
    other = add_question(survey, "overall")
    wave = make_wave(survey, agency=agency("6ZA"))
    answers = (
        ["strongly_agree"] * 10 + ["agree"] * 6 + ["neither"] * 3 + ["disagree"] * 2 + ["does_not_apply"] + [None] * 3
    )
    for value in answers:
        # The three skipped respondents answered another question, so they are respondents too.
        submitted_response(wave, survey, agency("6ZA"), {visits: value, other: "agree"})

    result = next(r for r in results.question_results(Response.objects.all()) if r.code == "visit_quality")

    assert (result.favourable, result.n, result.percent_favourable) == (16, 21, Decimal("76.2"))
    assert result.answered == 22
    assert {c.value: c.count for c in result.choices} == {
        "strongly_disagree": 0,
        "disagree": 2,
        "neither": 3,
        "agree": 6,
        "strongly_agree": 10,
        "does_not_apply": 1,
    }
    assert {c.value: c.percent for c in result.choices}["strongly_agree"] == Decimal("45.5")  # 10 / 22


def test_example_2_through_the_measure_view(agency, personas):
    survey = make_survey("resource")
    visits = add_question(survey, "visit_quality", tags=("worker_child_visits", "item14"))
    wave = make_wave(survey, agency=agency("6ZA"))
    for value in ["strongly_agree"] * 10 + ["agree"] * 6 + ["neither"] * 3 + ["disagree"] * 2 + ["does_not_apply"]:
        submitted_response(wave, survey, agency("6ZA"), {visits: value})

    [measure] = results.results_for_measure("worker_child_visits", personas.supervisor_a)

    assert (measure.group, measure.result.n, measure.result.percent_favourable) == ("resource", 21, Decimal("76.2"))
    assert results.results_for_measure("worker_child_visits", personas.supervisor_b) == []


def test_example_3_four_judge_responses_in_6zk_are_suppressed_but_count_in_the_state_total(agency):
    survey = make_survey("judge")
    question = add_question(survey, "court_report_timely")
    wave = make_wave(survey)
    for _ in range(4):
        submitted_response(wave, survey, agency("6ZK"), {question: "agree"})
    for value in ["agree", "strongly_agree", "disagree", "agree", "neither", "agree"]:
        submitted_response(wave, survey, agency("6ZA"), {question: value})

    by_agency = {row.label: row for row in results.breakdown(Response.objects.all(), "court_report_timely", "agency")}
    [state] = [r for r in results.question_results(Response.objects.all()) if r.code == "court_report_timely"]
    only_6zk = results.question_results(Response.objects.filter(agency__code="6ZK"))
    by_group_6zk = results.question_results(Response.objects.filter(agency__code="6ZK"), by_group=True)

    assert by_agency["6ZK"].responses is None  # not even the count of a suppressed breakdown
    assert by_agency["6ZK"].suppressed is True
    assert by_agency["6ZK"].result.percent_favourable is None and by_agency["6ZK"].result.choices == []
    # 6ZA is suppressed as well (complementary): the state total minus 6ZA's 6 would give 6ZK's 4.
    assert by_agency["6ZA"].suppressed is True and by_agency["6ZA"].responses is None
    assert all(r.suppressed and r.choices == [] for r in only_6zk + by_group_6zk)
    assert (state.answered, state.favourable, state.n, state.percent_favourable) == (10, 8, 10, Decimal("80.0"))


def test_example_4_over_survey_guard_skips_a_foster_parent_invited_by_another_agency_45_days_earlier(agency, personas):
    survey = make_survey("resource")
    wave_a = make_wave(survey, agency=agency("6ZA"), guard_days=180, name="6ZA spring")
    wave_b = make_wave(survey, agency=agency("6ZB"), guard_days=180, name="6ZB spring")
    header = "group,agency,name,email,phone,external_id\n"

    first = sampling.upload_contacts(
        wave_a,
        header + "resource,6ZA,Pat Example,Pat.Example@Example.org,,\n",
        personas.state_admin,
        today=date(2026, 3, 1),
    )
    second = sampling.upload_contacts(
        wave_b,
        header + "resource,6ZB,Pat Example, pat.example@example.org ,,\nresource,6ZB,Lee Other,lee@example.org,,\n",
        personas.state_admin,
        today=date(2026, 4, 15),
    )

    assert first.ok and len(first.invitations) == 1
    assert second.ok
    assert Invitation.objects.filter(wave=wave_b).count() == 1  # only Lee
    [skipped] = SkippedContact.objects.filter(wave=wave_b)
    assert (skipped.row_number, skipped.name) == (2, "Pat Example")
    assert skipped.reason == "already invited on 2026-03-01 by a survey wave; not invited again within 180 days"
    assert (second.upload.invited, second.upload.skipped) == (1, 1)


@pytest.mark.parametrize(
    ("days_later", "invited_again"),
    [(1, False), (179, False), (180, True), (200, True)],
)
def test_guard_window_edges(agency, personas, days_later, invited_again):
    from datetime import timedelta

    survey = make_survey("resource")
    wave = make_wave(survey, guard_days=180)
    csv_text = "group,agency,name,email,phone,external_id\nresource,6ZA,Pat,,573-555-0100,\n"
    sampling.upload_contacts(wave, csv_text, personas.state_admin, today=date(2026, 3, 1))
    again = sampling.upload_contacts(
        wave, csv_text.replace("6ZA", "6ZB"), personas.state_admin, today=date(2026, 3, 1) + timedelta(days=days_later)
    )
    assert (len(again.invitations) == 1) is invited_again
