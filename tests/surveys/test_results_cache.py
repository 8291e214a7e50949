"""The suppression pattern cached between requests (issue 14): keyed by the results version, a token
that database triggers replace on every change to submitted responses, their answers and the
questions, whatever makes the change. A stale pattern could show a cell that has become small, so
every way of changing the counted data is tried here, and a planted pattern is never served after it.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from surveys import answering, results
from surveys.models import Answer, Invitation, Question, Response, ResultsVersion

from .helpers import add_question, make_survey, make_wave, submitted_response


def token() -> str:
    return ResultsVersion.objects.get(pk=1).token


@pytest.fixture
def five(agency):
    """Five submitted youth responses in one cell of 6ZA (shown: the minimum is 5), one in progress."""
    survey = make_survey("youth")
    question = add_question(survey, "overall_satisfaction")
    wave = make_wave(survey, name="W1", opens_on=date(2026, 1, 5))
    for value in ("agree", "agree", "disagree", "strongly_agree", "agree"):
        submitted_response(wave, survey, agency("6ZA"), {question: value})
    Response.objects.filter(wave=wave).update(submitted_on=date(2026, 2, 1))
    pending = Response.objects.create(survey=survey, wave=wave, agency=agency("6ZA"), group="youth")
    return survey, question, wave, pending


def count_now(**cells) -> int | None:
    responses = Response.objects.filter(status=Response.Status.SUBMITTED, **cells)
    return results.response_count(responses, results.disclosure())


def satisfaction() -> results.QuestionResult:
    (result,) = results.question_results(Response.objects.all(), shown_by=results.disclosure())
    return result


@pytest.mark.django_db
def test_the_pattern_is_computed_once_per_version_then_read_with_one_query(five, django_assert_num_queries):
    first = results.disclosure()
    with django_assert_num_queries(1):  # the token
        assert results.disclosure() is first
    results._memo = None  # another worker: the shared cache has it
    with django_assert_num_queries(1):
        again = results.disclosure()
    assert again.respondents.masses == first.respondents.masses and again.answered == first.answered


@pytest.mark.django_db
def test_submitting_a_response_shows_what_was_hidden(five, agency):
    survey, question, wave, pending = five
    Response.objects.filter(status="submitted").first().delete()
    assert count_now() is None  # four respondents: hidden
    assert satisfaction().suppressed
    invitation = Invitation.objects.create(wave=wave, survey=survey, agency=agency("6ZA"), group="youth")
    Answer.objects.create(response=pending, question=question, choice=question.choices.get(value="agree"))
    before = token()
    answering.submit(invitation, pending)
    assert token() != before
    Response.objects.filter(pk=pending.pk).update(submitted_on=date(2026, 2, 1))  # the same quarter as the rest
    assert count_now() == 5
    result = satisfaction()
    assert not result.suppressed and result.answered == 5


@pytest.mark.django_db
def test_deleting_a_submitted_response_hides_the_cell_again(five):
    assert count_now() == 5
    Response.objects.filter(status="submitted").first().delete()  # model delete (answers cascade)
    assert count_now() is None
    assert satisfaction().suppressed


@pytest.mark.django_db
def test_a_bulk_delete_and_a_raw_delete_change_the_version(five):
    before = token()
    assert count_now() == 5
    victim = Response.objects.filter(status="submitted").first()
    with connection.cursor() as cursor:  # below the ORM: no signal, only the trigger knows
        cursor.execute("DELETE FROM surveys_answer WHERE response_id = %s", [victim.pk])
        cursor.execute("DELETE FROM surveys_response WHERE id = %s", [victim.pk])
    assert token() != before
    assert count_now() is None


@pytest.mark.django_db
def test_editing_a_submitted_response_or_its_answer_changes_the_version_and_the_figures(five, agency):
    assert count_now() == 5
    before = token()
    moved = Response.objects.filter(status="submitted").first()
    Response.objects.filter(pk=moved.pk).update(agency=agency("6ZB"))  # another cell: 4 and 1
    assert token() != before
    assert count_now(agency=agency("6ZA")) is None
    Response.objects.filter(pk=moved.pk).update(agency=agency("6ZA"))
    assert count_now(agency=agency("6ZA")) == 5
    before = token()
    agree = satisfaction().choices[[c.value for c in satisfaction().choices].index("agree")].count
    answer = Answer.objects.filter(response__status="submitted", choice__value="agree").first()
    answer.choice = answer.question.choices.get(value="disagree")
    answer.save()
    assert token() != before
    result = satisfaction()
    assert {c.value: c.count for c in result.choices}["agree"] == agree - 1


@pytest.mark.django_db
def test_bulk_created_answers_and_responses_change_the_version(five, agency):
    survey, question, wave, _pending = five
    before = token()
    created = Response.objects.bulk_create(
        [Response(survey=survey, wave=wave, agency=agency("6ZB"), group="youth", status="submitted",
                  submitted_on=date(2026, 2, 1)) for _ in range(5)]
    )  # fmt: skip
    assert token() != before
    assert results.disclosure().respondents.masses[(wave.pk, "2026Q1", agency("6ZB").pk, "youth")] == 5
    before = token()
    Answer.objects.bulk_create(
        [Answer(response=r, question=question, choice=question.choices.get(value="agree")) for r in created]
    )
    assert token() != before
    assert results.disclosure().answered["overall_satisfaction"][(wave.pk, "2026Q1", agency("6ZB").pk, "youth")] == 5


@pytest.mark.django_db
def test_answers_saved_while_answering_leave_the_version(five):
    """A respondent saving pages does not invalidate the pattern (in-progress answers are not counted)."""
    _survey, question, _wave, pending = five
    before = token()
    answer = Answer.objects.create(response=pending, question=question, choice=question.choices.get(value="agree"))
    answer.choice = question.choices.get(value="disagree")
    answer.save()
    answer.delete()
    Response.objects.filter(pk=pending.pk).update(last_page=2)
    assert token() == before


@pytest.mark.django_db
def test_changing_a_question_changes_the_version(five):
    _survey, question, _wave, _pending = five
    before = token()
    Question.objects.filter(pk=question.pk).update(code="renamed")
    assert token() != before
    assert "renamed" in results.disclosure().answered


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    ["submit", "delete", "edit_response", "edit_answer", "bulk_answers", "unsubmit", "question"],
)
def test_a_cached_pattern_is_never_used_after_a_change(five, agency, change):
    """A pattern planted in both caches under the current version is served until the data changes,
    then never again, whatever the change."""
    survey, question, wave, pending = five
    results.disclosure()
    planted = results.Disclosure(threshold=results.min_cell(), respondents=results.disclosure().respondents,
                                 answered={"planted": {}})  # fmt: skip
    key = results._version_key()
    results._memo = (key, planted)
    results.cache.set(results.CACHE_KEY, (key, planted))
    assert results.disclosure() is planted
    submitted = Response.objects.filter(status="submitted").first()
    if change == "submit":
        invitation = Invitation.objects.create(wave=wave, survey=survey, agency=agency("6ZA"), group="youth")
        answering.submit(invitation, pending)
    elif change == "delete":
        submitted.delete()
    elif change == "edit_response":
        submitted.group = "resource"
        submitted.save()
    elif change == "edit_answer":
        Answer.objects.filter(response=submitted).update(choice=question.choices.get(value="neither"))
    elif change == "bulk_answers":
        Answer.objects.filter(response=submitted).delete()
    elif change == "unsubmit":
        Response.objects.filter(pk=submitted.pk).update(status=Response.Status.IN_PROGRESS)
    elif change == "question":
        Question.objects.filter(pk=question.pk).update(text_en="Edited")  # the admin refuses: answered
    found = results.disclosure()
    assert found is not planted
    assert "planted" not in found.answered
    results._memo = None
    assert "planted" not in results.disclosure().answered  # nor from the shared cache


@pytest.mark.django_db
def test_a_pattern_computed_inside_a_rolled_back_change_is_not_served_afterwards(five, agency):
    survey, question, wave, _pending = five
    before_token = token()
    before = results.disclosure()
    with pytest.raises(IntegrityError), transaction.atomic():
        for _ in range(3):
            submitted_response(wave, survey, agency("6ZB"), {question: "agree"})
        inside = results.disclosure()  # cached under the transaction's own token
        assert len(inside.respondents.masses) == 2
        raise IntegrityError("rolled back")
    assert token() == before_token
    after = results.disclosure()
    assert after is not inside
    assert after.respondents.masses == before.respondents.masses


@pytest.mark.django_db
def test_without_the_version_row_nothing_is_cached(five, django_assert_num_queries):
    ResultsVersion.objects.all().delete()
    assert count_now() == 5
    for _ in range(2):
        # the token (missing), the answers per cell, their questions and choices, the respondents per cell
        with django_assert_num_queries(5):
            results.disclosure()
    Response.objects.filter(status="submitted").first().delete()  # the trigger puts a row back
    assert ResultsVersion.objects.filter(pk=1).exists()
    assert count_now() is None


@pytest.mark.django_db
def test_the_results_page_follows_a_deleted_response(five, client_for, personas):
    client = client_for(personas.supervisor_a)
    page = client.get(reverse("surveys:results"))
    assert page.context["responses_count"] == 5
    Response.objects.filter(status="submitted").first().delete()
    page = client.get(reverse("surveys:results"))
    assert page.context["responses_count"] is None
    assert all(r.suppressed for r in page.context["results"])
