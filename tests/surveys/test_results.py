"""Results beyond the worked examples: common core pooled across groups, trends, multiple choice, numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from surveys import results
from surveys.models import Response

from .helpers import add_question, make_survey, make_wave, submitted_response

pytestmark = pytest.mark.django_db


def test_a_common_core_question_is_pooled_across_groups_or_split_by_group(agency):
    youth, judge = make_survey("youth"), make_survey("judge")
    q_youth, q_judge = add_question(youth, "overall_satisfaction"), add_question(judge, "overall_satisfaction")
    wave = make_wave(youth, judge)
    for value in ["agree"] * 5 + ["disagree"] * 1:
        submitted_response(wave, youth, agency("6ZA"), {q_youth: value})
    for value in ["strongly_agree"] * 2 + ["neither"] * 3:
        submitted_response(wave, judge, agency("6ZA"), {q_judge: value})

    [pooled] = results.question_results(Response.objects.all())
    split = {r.group: r for r in results.question_results(Response.objects.all(), by_group=True)}

    assert (pooled.favourable, pooled.n, pooled.percent_favourable) == (7, 11, Decimal("63.6"))
    assert (split["youth"].percent_favourable, split["youth"].n) == (Decimal("83.3"), 6)
    assert (split["judge"].percent_favourable, split["judge"].n) == (Decimal("40.0"), 5)


def test_the_trend_lists_waves_oldest_first_and_suppresses_small_waves(agency):
    survey = make_survey("resource")
    question = add_question(survey, "visits")
    plan = [
        ("Q3", date(2025, 7, 1), ["agree"] * 4 + ["disagree"]),
        ("Q1", date(2025, 1, 1), ["agree"] * 3 + ["disagree"] * 2),
    ]
    plan.append(("Q4", date(2025, 10, 1), ["agree"] * 3))
    for name, opens, answers in plan:
        wave = make_wave(survey, name=name, opens_on=opens)
        for value in answers:
            submitted_response(wave, survey, agency("6ZA"), {question: value})

    rows = results.trend(Response.objects.all(), "visits")

    # Q4 has 3 responses: suppressed. The total over all waves (13) is published, so one more wave
    # is suppressed too (complementary), else 13 - 5 - 5 would give Q4's 3; of the two waves of
    # 5 the first created (Q3) is taken. Suppressed rows show no count at all.
    assert [(r.label, r.responses, r.suppressed) for r in rows] == [
        ("Q1", 5, False),
        ("Q3", None, True),
        ("Q4", None, True),
    ]
    assert [r.result.percent_favourable for r in rows] == [Decimal("60.0"), None, None]
    [total] = results.question_results(Response.objects.all())
    assert (total.favourable, total.n) == (10, 13)


def test_multiple_choice_percentages_are_of_respondents_and_numbers_give_a_mean(agency):
    survey = make_survey("jo")
    concerns = add_question(
        survey, "concerns", "multiple", choices=[("timeliness", "T", "T"), ("quality", "Q", "C"), ("none", "N", "N")]
    )
    count = add_question(survey, "cm_count", "number")
    wave = make_wave(survey)
    for picked, number in [
        (["timeliness", "quality"], 1),
        (["timeliness"], 2),
        (["quality"], 2),
        (["timeliness", "quality"], 3),
        (["none"], None),
    ]:
        submitted_response(wave, survey, agency("6ZA"), {concerns: picked, count: number})

    by_code = {r.code: r for r in results.question_results(Response.objects.all())}

    assert {c.value: (c.count, c.percent) for c in by_code["concerns"].choices} == {
        "timeliness": (3, Decimal("60.0")),
        "quality": (3, Decimal("60.0")),
        "none": (1, Decimal("20.0")),
    }
    assert by_code["concerns"].percent_favourable is None
    assert by_code["cm_count"].suppressed is True  # answered by 4 of 5: below the minimum
    submitted_response(wave, survey, agency("6ZA"), {count: 4})
    by_code = {r.code: r for r in results.question_results(Response.objects.all())}
    assert (by_code["cm_count"].answered, by_code["cm_count"].number_mean) == (5, Decimal("2.4"))


def test_responses_in_progress_do_not_count(agency):
    survey = make_survey("resource")
    question = add_question(survey, "visits")
    wave = make_wave(survey)
    for _ in range(5):
        submitted_response(wave, survey, agency("6ZA"), {question: "agree"})
    Response.objects.filter(pk=Response.objects.first().pk).update(status="in_progress")
    [result] = results.question_results(Response.objects.all())
    assert result.suppressed is True
