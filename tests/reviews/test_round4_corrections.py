"""Round 4 corrections (issue 12) where they reach the database: stored reviews, imports, exports, overrides."""

from __future__ import annotations

import copy
import csv
import io

import pytest
from django.urls import reverse

from reviews import workflow
from reviews.interchange import export_document, import_document
from reviews.models import Answer, ItemRating, ParticipantRating, Review
from reviews.scoring import InvalidAnswers, record_answers, rescore, set_override

from .factories import COMPLETE_FC, COMPLETE_FC_ROWS, make_case, make_review
from .test_validation import DOCUMENT

pytestmark = pytest.mark.django_db

PEOPLE = (("c1", "CHILD"), ("m1", "MOTHER"), ("f1", "FATHER"))

# COMPLETE_FC with a short sibling separation: siblings apart 8 days for lack of a home (item 7 ANI),
# both parents not applicable to item 8, sibling visits not needed for so short a separation.
SHORT_SEPARATION = {
    **COMPLETE_FC,
    **COMPLETE_FC_ROWS,  # the tables completeness asks for (4A1 for 4A = 1, 5B1 for 5A1's goal)
    "7APP": "YES",
    "7A": "NO",
    "7B": "NO",
    "8APP": "YES",
    "8A": "NA",
    "8B": "NA",
    "8E": "NA",
    "8F": "NA",
}
for _code in ("8A1", "8B1", "8C"):
    SHORT_SEPARATION.pop(_code)


def narratives_for(review: Review) -> dict[str, str]:
    """A "No" narrative for every concern answer and a rationale for every rated item."""
    from reviews.instrument import get_instrument
    from reviews.instrument.round4 import missing_rationales
    from reviews.scoring import raw_answers, score_review

    scoring = score_review(review)
    _, narratives = raw_answers(review)
    instrument = get_instrument(review.instrument_version)
    codes = instrument.missing_narratives(scoring.answers, narratives) + missing_rationales(scoring, narratives)
    return dict.fromkeys(codes, "Synthetic narrative.")


def test_a_review_with_a_short_sibling_separation_can_be_submitted(personas):
    review = make_review(make_case(agency="6ZA"), people=PEOPLE)
    review.reviewers.add(personas.reviewer_a)
    record_answers(review, SHORT_SEPARATION)
    record_answers(review, {}, narratives_for(review))
    assert ItemRating.objects.get(review=review, item="8").effective == "NA"
    assert ItemRating.objects.get(review=review, item="7").effective == "ANI"
    assert review.outcome_ratings.get(outcome="P2").effective == "PARTIALLY_ACHIEVED"  # 7 and 11 ANI
    assert workflow.submission_problems(review) == []
    workflow.transition(review, "submit", personas.reviewer_a)
    review.refresh_from_db()
    assert review.status == Review.Status.SUBMITTED


def test_rescore_stores_why_each_parent_is_not_applicable():
    review = make_review(people=(*PEOPLE, ("f2", "FATHER")))
    record_answers(
        review,
        {
            **COMPLETE_FC,
            "13C": {"f1": "NO", "f2": "NA"},
            "13CNA": {"f2": "PARENTAL_RIGHTS_TERMINATED"},
            "12B2": "NA",
            "12B4": None,
            "12B2NA": "DECEASED",
        },
    )
    rows = {
        (r.question_code, r.participant.key if r.participant else ""): (r.answer, r.na_reason)
        for r in ParticipantRating.objects.filter(review=review, item__in=["12B", "13"])
    }
    assert rows[("13C", "f2")] == ("NA", "PARENTAL_RIGHTS_TERMINATED")
    assert rows[("13C", "f1")] == ("NO", "")
    assert rows[("12B2", "")] == ("NA", "DECEASED")  # one answer for the role, two fathers listed
    assert rows[("12B4", "")] == ("NA", "")
    assert rows[("13B", "m1")] == ("YES", "")


def test_a_reason_for_an_applicable_parent_is_refused_and_nothing_is_saved():
    review = make_review(people=PEOPLE)
    record_answers(review, COMPLETE_FC)
    with pytest.raises(InvalidAnswers) as caught:
        record_answers(review, {"15B1NA": "DECEASED"})
    assert [(p.code, p.rule) for p in caught.value.problems] == [("15B1NA", "15B1NA-only-when-15B1-na")]
    assert not Answer.objects.filter(review=review, question_code="15B1NA").exists()


@pytest.mark.parametrize(("key", "case_type"), [("3", "FOSTER_CARE"), ("14", "IN_HOME"), ("4", "FOSTER_CARE")])
def test_qa_cannot_override_an_item_that_is_never_na_to_na(personas, key, case_type):
    review = make_review(make_case(case_type=case_type), people=PEOPLE)
    with pytest.raises(InvalidAnswers) as caught:
        set_override(review, key, "NA", "Does not apply here.", personas.qa_a)
    assert [(p.code, p.rule) for p in caught.value.problems] == [(f"overrides.{key}", "override-never-na")]
    assert not ItemRating.objects.filter(review=review).exclude(override="").exists()


def test_qa_may_still_override_item_4_to_na_in_an_in_home_case(personas):
    review = make_review(make_case(case_type="IN_HOME"))
    set_override(review, "4", "NA", "Permanency is not rated in in-home cases.", personas.qa_a)
    assert ItemRating.objects.get(review=review, item="4").override == "NA"


def round4_document() -> dict:
    doc = copy.deepcopy(DOCUMENT)
    doc["answers"] = {**COMPLETE_FC, "15B2": "NA", "15B2NA": "OTHER", "15A2": None}
    del doc["answers"]["15A2"]
    doc["narratives"] = {"15B2NA": "The father asked the agency not to contact him."}
    return doc


def test_export_writes_format_version_2_round4_letters_na_reasons_and_the_federal_codes():
    review = import_document(round4_document()).review
    exported = export_document(review)
    assert exported["format_version"] == 2
    assert exported["face_sheet"] == {
        "C_start": "2023-04-01",
        "E": "2023-07-18",
        "G": "FOSTER_CARE",
        "H": "NO",
        "I": "2022-11-02",
        "K": "2022-11-03",
        "L": "NOT_YET_DISCHARGED",
        "M": "NOT_CLOSED_BY_REVIEW",
        "N1": ["NEGLECT", "SUBSTANCE_ABUSE_PARENT"],
        "N2": "NEGLECT",
    }
    assert exported["answers"]["15B2NA"] == "OTHER"
    assert exported["narratives"]["15B2NA"] == "The father asked the agency not to contact him."
    federal = exported["federal_codes"]
    assert federal["1A"].startswith("federal 1A and 1B")
    assert federal["1B"].startswith("federal 1C")
    assert federal["10B1"].startswith("none: this tool's own code")
    assert federal["face_sheet.K"].startswith("Round 4 K")
    # The export reads back as the same review.
    assert import_document(exported).action == "unchanged"


def test_a_format_version_1_file_is_read_with_the_draft_letters_and_old_na_answers():
    doc = copy.deepcopy(DOCUMENT)  # format_version 1: J = entry, K = discharge, L = closure, M1/M2 = reasons
    doc["answers"] = {**COMPLETE_FC, "8B1": "NA", "8B": "NA", "8D": "NA", "14A1": "NA", "3E": "NA"}
    review = import_document(doc).review
    assert review.face_sheet["K"] == "2022-11-03"
    assert review.face_sheet["L"] == "NOT_YET_DISCHARGED"
    assert review.face_sheet["N2"] == "NEGLECT"
    assert "J" not in review.face_sheet and "M1" not in review.face_sheet
    stored = dict(review.answers.filter(participant=None).values_list("question_code", "value"))
    assert "8B1" not in stored and "14A1" not in stored
    assert (stored["3E"], stored["3E1"]) == ("NO", ["NO_CONCERNS"])
    assert ItemRating.objects.get(review=review, item="3").effective == "STRENGTH"


def test_the_summary_exports_why_parents_were_not_applicable(personas, client_for):
    for number, reason in enumerate(("DECEASED", "DECEASED", "WHEREABOUTS_UNKNOWN"), start=1):
        review = make_review(make_case(f"NA-{number}"), people=PEOPLE)
        record_answers(review, {**COMPLETE_FC, "15B2": "NA", "15B2NA": reason})
        Review.objects.filter(pk=review.pk).update(status=Review.Status.FINALIZED)
    response = client_for(personas.supervisor_a).get(reverse("reviews:summary_export", args=["parents_na", "csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Item", "Question", "Parent", "Why not applicable", "People", "Cases"]
    assert rows[1:] == [
        ["15", "15B2", "Father", "DECEASED", "2", "2"],
        ["15", "15B2", "Father", "WHEREABOUTS_UNKNOWN", "1", "1"],
    ]


def test_rescoring_a_stored_review_rates_a_short_separation_na():
    review = make_review(people=PEOPLE)
    for code, value in SHORT_SEPARATION.items():
        Answer.objects.create(review=review, question_code=code, value=value)
    rescore(review)
    assert ItemRating.objects.get(review=review, item="8").calculated == "NA"


def test_rescore_reviews_recomputes_ratings_and_lists_answers_a_corrected_rule_refuses():
    from django.core.management import call_command

    in_home = make_review(make_case("IH-1", case_type="IN_HOME"))
    Answer.objects.create(review=in_home, question_code="13APP", value="NO")  # accepted before issue 12
    foster_care = make_review(make_case("FC-1"), people=PEOPLE)
    for code, value in SHORT_SEPARATION.items():
        Answer.objects.create(review=foster_care, question_code=code, value=value)
    out = io.StringIO()
    call_command("rescore_reviews", stdout=out)
    assert out.getvalue().splitlines() == [
        "IH-1 2023-04-01 (in_progress): 13APP: must be YES: item 13 is applicable in every in-home case "
        "[rule: 13APP-yes-in-in-home]",
        "2 review(s) rescored; 1 with answers a rule refuses",
    ]
    assert ItemRating.objects.get(review=in_home, item="13").calculated == "INCOMPLETE"
    assert ItemRating.objects.get(review=foster_care, item="8").calculated == "NA"


def test_the_why_na_question_is_locked_on_the_item_page_until_the_parent_is_na():
    from reviews import entry

    review = make_review(people=PEOPLE)
    record_answers(review, {"13APP": "YES", "13B": "YES", "13C": "NA"})
    page = entry.item_page(review, "13", editable=True)
    locks = {block.question.code: block.locked for block in page.blocks}
    assert locks["13BNA"] == "Asked only when 13B is NA (the mother is not applicable)."
    assert locks["13CNA"] == ""


def test_the_demo_reviews_say_why_each_parent_is_not_applicable():
    import io as _io

    from reviews import demo
    from reviews.instrument import get_instrument
    from reviews.scoring import score_review

    demo.seed(_io.StringIO())
    for review in Review.objects.exclude(status="in_progress"):
        scoring = score_review(review)
        assert scoring.problems == []
        missing = get_instrument(review.instrument_version).missing_questions(scoring.answers)
        assert [code for code in missing if code.endswith("NA")] == [], review.case.case_id
