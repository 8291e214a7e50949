"""Stored ratings: recomputed in one transaction from answers, overrides kept, edits audited."""

from __future__ import annotations

import pytest

from reviews.models import Answer, ItemRating, OutcomeRating, ParticipantRating, Review
from reviews.scoring import InvalidAnswers, StaleReview, clear_override, record_answers, rescore, set_override

from .factories import COMPLETE_FC, COMPLETE_FC_ITEMS, COMPLETE_FC_OUTCOMES, make_case, make_review

pytestmark = pytest.mark.django_db

PEOPLE = (("c1", "CHILD"), ("m1", "MOTHER"), ("f1", "FATHER"), ("f2", "FATHER"))


def item_values(review: Review) -> dict[str, str]:
    return dict(review.item_ratings.values_list("item", "effective"))


def outcome_values(review: Review) -> dict[str, str]:
    return dict(review.outcome_ratings.values_list("outcome", "effective"))


def test_it_stores_every_item_and_outcome_rating_from_the_answers():
    review = make_review(people=PEOPLE)
    record_answers(review, COMPLETE_FC)
    assert item_values(review) == COMPLETE_FC_ITEMS
    assert outcome_values(review) == COMPLETE_FC_OUTCOMES
    assert ItemRating.objects.get(review=review, item="14").reasons == ["14B = NO"]


def test_an_empty_review_is_incomplete_everywhere_but_rated_rows_exist():
    review = make_review()
    rescore(review)
    assert review.item_ratings.count() == 21
    assert set(outcome_values(review).values()) == {"INCOMPLETE"}


def test_changing_an_answer_recomputes_items_and_outcomes():
    review = make_review(people=PEOPLE)
    record_answers(review, COMPLETE_FC)
    record_answers(review, {"14B": "YES", "17A2": "YES"}, narratives={"14B": "Seen alone monthly."})
    assert item_values(review)["14"] == "STRENGTH"
    assert item_values(review)["17"] == "STRENGTH"
    assert outcome_values(review)["WB1"] == "PARTIALLY_ACHIEVED"  # 12, 13, 15 are still ANI
    assert outcome_values(review)["WB3"] == "SUBSTANTIALLY_ACHIEVED"
    assert Answer.objects.get(review=review, question_code="14B", participant=None).narrative == "Seen alone monthly."


def test_invalid_answers_save_nothing():
    review = make_review(people=PEOPLE)
    record_answers(review, COMPLETE_FC)
    with pytest.raises(InvalidAnswers) as caught:
        record_answers(review, {"14B": "YES", "4C": "MAYBE"})
    assert [(p.code, p.rule) for p in caught.value.problems] == [("4C", "allowed-values")]
    assert Answer.objects.get(review=review, question_code="14B").value == "NO"
    assert ItemRating.objects.get(review=review, item="14").calculated == "ANI"


def test_contradictory_answers_are_refused():
    review = make_review()
    with pytest.raises(InvalidAnswers) as caught:
        record_answers(review, {"7APP": "YES", "7A": "YES", "7B": "NO"})
    assert str(caught.value) == "7B: must be NA because 7A = YES (answered NO) [rule: 7B-na-iff-7A-yes]"
    assert review.answers.count() == 0


def test_per_person_answers_are_stored_per_participant_and_counted_per_person():
    review = make_review(people=PEOPLE)
    answers = {**COMPLETE_FC, "15B2": {"f1": "YES", "f2": "NO"}, "15C2": {"f1": "YES", "f2": "NA"}}
    answers.pop("15A2")
    record_answers(review, answers)
    assert review.answers.filter(question_code="15B2").exclude(participant=None).count() == 2
    rows = ParticipantRating.objects.filter(review=review, item="15", slot="FATHER").order_by(
        "question_code", "participant__key"
    )
    assert [(r.participant.key, r.question_code, r.aspect, r.answer, r.applicable, r.sufficient) for r in rows] == [
        ("f1", "15B2", "FREQUENCY", "YES", True, True),
        ("f2", "15B2", "FREQUENCY", "NO", True, False),
        ("f1", "15C2", "QUALITY", "YES", True, True),
        ("f2", "15C2", "QUALITY", "NA", False, False),
    ]
    assert ItemRating.objects.get(review=review, item="15").reasons == ["15B2 = NO (f1 = YES, f2 = NO)"]


def test_father_frequency_is_counted_per_case_for_reports():
    # Two reviews: one father visited sufficiently, one not at all. "father frequency sufficient in 1 of 2".
    first = make_review(people=(("c1", "CHILD"), ("f1", "FATHER")))
    second = make_review(case=make_case("TEST-0002"), people=(("c1", "CHILD"), ("f1", "FATHER")))
    record_answers(first, {"8APP": "YES", "8B1": "WEEKLY", "8B": "YES", "8D": "YES"})
    record_answers(second, {"8APP": "YES", "8B1": "NEVER", "8B": "NO"})
    rows = ParticipantRating.objects.filter(item="8", slot="FATHER", aspect="FREQUENCY", applicable=True)
    assert rows.count() == 2
    assert rows.filter(sufficient=True).count() == 1
    quality = ParticipantRating.objects.filter(item="8", slot="FATHER", aspect="QUALITY")
    assert quality.filter(applicable=True).count() == 1


def test_override_changes_the_effective_rating_and_flows_into_the_outcome(personas):
    review = make_review(people=PEOPLE)
    record_answers(review, {**COMPLETE_FC, "12B2": "YES", "11B": "YES", "13C": "YES", "15B2": "NA"})
    assert item_values(review)["14"] == "ANI"
    assert outcome_values(review)["WB1"] == "PARTIALLY_ACHIEVED"

    set_override(review, "14", "STRENGTH", "Seen alone at school; note missing from the file.", personas.qa_a)
    row = ItemRating.objects.get(review=review, item="14")
    assert (row.calculated, row.override, row.effective, row.override_by) == (
        "ANI",
        "STRENGTH",
        "STRENGTH",
        personas.qa_a,
    )
    assert row.override_at is not None
    assert outcome_values(review)["WB1"] == "SUBSTANTIALLY_ACHIEVED"
    assert OutcomeRating.objects.get(review=review, outcome="WB1").calculated == "SUBSTANTIALLY_ACHIEVED"

    # The override survives later answer changes; undoing it restores the calculated rating.
    record_answers(review, {"16B": "YES"})
    assert item_values(review)["14"] == "STRENGTH"
    clear_override(review, "14")
    assert item_values(review)["14"] == "ANI"
    assert outcome_values(review)["WB1"] == "PARTIALLY_ACHIEVED"


def test_overriding_a_sub_item_flows_into_item_12(personas):
    review = make_review(people=PEOPLE)
    record_answers(review, COMPLETE_FC)
    assert item_values(review)["12"] == "ANI"
    set_override(review, "12B", "STRENGTH", "Father's needs were assessed by the court's evaluator.", personas.qa_a)
    assert item_values(review)["12"] == "STRENGTH"


@pytest.mark.parametrize(
    ("key", "rating", "reason", "rule"),
    [
        ("14", "GREAT", "x", "override-value"),
        ("14", "INCOMPLETE", "x", "override-value"),
        ("14", "STRENGTH", "  ", "override-reason-required"),
        ("99", "STRENGTH", "x", "override-key"),
    ],
)
def test_bad_overrides_are_refused(personas, key, rating, reason, rule):
    review = make_review()
    with pytest.raises(InvalidAnswers) as caught:
        set_override(review, key, rating, reason, personas.qa_a)
    assert [p.rule for p in caught.value.problems] == [rule]
    assert not ItemRating.objects.filter(review=review).exclude(override="").exists()


def test_answer_edits_are_audited_with_history():
    review = make_review()
    record_answers(review, {"14A": "YES"})
    record_answers(review, {"14A": "NO"})
    answer = Answer.objects.get(review=review, question_code="14A")
    assert [h.value for h in answer.history.order_by("history_date")] == ["YES", "NO"]
    assert review.history.count() == 1  # the review row itself was created once


def test_optimistic_locking_refuses_a_stale_edit():
    review = make_review()
    assert review.version == 1
    record_answers(review, {"14A": "YES"}, expected_version=1)
    assert Review.objects.get(pk=review.pk).version == 2
    stale = Review.objects.get(pk=review.pk)
    record_answers(review, {"14A": "NO"}, expected_version=2)
    with pytest.raises(StaleReview):
        record_answers(stale, {"14A": "YES"}, expected_version=2)
    assert Answer.objects.get(review=review, question_code="14A").value == "NO"
    assert Review.objects.get(pk=review.pk).version == 3


def test_deleting_an_answer_reopens_the_item():
    review = make_review(people=PEOPLE)
    record_answers(review, COMPLETE_FC)
    record_answers(review, {"14B": None})
    row = ItemRating.objects.get(review=review, item="14")
    assert (row.calculated, row.reasons) == ("INCOMPLETE", ["14B unanswered"])
    assert outcome_values(review)["WB1"] == "INCOMPLETE"


def test_overrides_are_audited_and_unchanged_ratings_are_not_rewritten(personas):
    review = make_review(people=PEOPLE)
    record_answers(review, COMPLETE_FC)
    row = ItemRating.objects.get(review=review, item="14")
    assert row.history.count() == 1
    record_answers(review, {"16B": "YES"})  # item 14 does not change
    assert row.history.count() == 1
    set_override(review, "14", "STRENGTH", "Seen alone at school.", personas.qa_a)
    clear_override(review, "14")
    history = list(row.history.order_by("history_date").values_list("override", "effective"))
    assert history == [("", "ANI"), ("STRENGTH", "ANI"), ("STRENGTH", "STRENGTH"), ("", "STRENGTH"), ("", "ANI")]


def test_a_refused_edit_keeps_the_version_the_editor_read():
    review = make_review()
    with pytest.raises(InvalidAnswers):
        record_answers(review, {"14A": "MAYBE"}, expected_version=1)
    assert review.version == 1
    assert Review.objects.get(pk=review.pk).version == 1
