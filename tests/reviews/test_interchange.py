"""JSON interchange: score_review, import_reviews, export_reviews (spec osri.md §9)."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.management import call_command

from reviews.interchange import ImportRejected, export_document, import_document
from reviews.models import Answer, Case, ItemRating, Review
from reviews.scoring import set_override

from .factories import COMPLETE_FC, COMPLETE_FC_ITEMS, COMPLETE_FC_OUTCOMES
from .test_validation import DOCUMENT


def full_document(case_id: str = "MO-2023-0153", **changes) -> dict:
    doc = copy.deepcopy(DOCUMENT)
    doc["case"]["case_id"] = case_id
    doc["answers"] = dict(COMPLETE_FC)
    doc["narratives"] = {"14B": "Worker did not see the child alone during the period.", "14": "Quality lacking."}
    doc.update(changes)
    return doc


def run_score(tmp_path, data) -> tuple[int, str, str]:
    path = tmp_path / "review.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("score_review", str(path), stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


# --- score_review (no database) -------------------------------------------------------------------


def test_score_review_prints_the_scoring_block(tmp_path):
    code, out, err = run_score(tmp_path, full_document())
    assert (code, err) == (0, "")
    block = json.loads(out)
    assert block["items"] == COMPLETE_FC_ITEMS
    assert block["outcomes"] == COMPLETE_FC_OUTCOMES
    assert block["reasons"]["14"] == ["14B = NO"]
    assert block["reasons"]["12"] == ["12B: 12B2 = NO"]


def test_score_review_uses_overrides(tmp_path):
    doc = full_document(overrides={"14": {"rating": "STRENGTH", "reason": "Seen alone at school.", "by": "qa.lead"}})
    code, out, _ = run_score(tmp_path, doc)
    block = json.loads(out)
    assert code == 0
    assert block["items"]["14"] == "STRENGTH"
    assert block["reasons"]["14"][0] == "overridden to STRENGTH by qa.lead: Seen alone at school. (calculated ANI)"


def test_score_review_rejects_a_bad_file_with_one_line_per_problem(tmp_path):
    doc = full_document()
    doc["answers"].update({"14A": "MAYBE", "99Z": "YES", "7A": "YES", "4C1": ["RUNAWAY"]})
    code, out, err = run_score(tmp_path, doc)
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "4C: must be NO because 4C1 has a box ticked (answered YES) [rule: 4C1-ticked-means-no]",
        "7A: is answered although 7APP = NO [rule: skipped-when-gate-no]",
        "14A: must be one of YES, NO [rule: allowed-values]",
        "99Z: is not a question of this instrument [rule: unknown-code]",
    ]


def test_score_review_rejects_invalid_json(tmp_path):
    code, out, err = run_score(tmp_path, '{"format": "osri-review",')
    assert code == 1
    assert err.startswith("document: not valid JSON at line 1")
    assert err.rstrip().endswith("[rule: json]")


def test_score_review_rejects_a_missing_file(tmp_path):
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("score_review", str(tmp_path / "nope.json"), stderr=err)
    assert exit_.value.code == 1
    assert "[rule: readable-file]" in err.getvalue()


# --- import / export (database) -------------------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_case_review_participants_answers_and_ratings():
    result = import_document(full_document())
    assert result.action == "created"
    review = result.review
    assert review.case.case_id == "MO-2023-0153"
    assert review.case.agency.code == "6ZA"
    assert review.case.county_id == "29095"
    assert str(review.pur_start) == "2023-04-01"
    assert str(review.pur_end) == "2023-07-18"
    assert review.participants.count() == 4
    assert dict(review.item_ratings.values_list("item", "effective")) == COMPLETE_FC_ITEMS
    assert Answer.objects.get(review=review, question_code="14B").narrative.startswith("Worker did not")


@pytest.mark.django_db
def test_import_is_idempotent_by_case_and_period():
    first = import_document(full_document())
    second = import_document(full_document())
    assert (first.action, second.action) == ("created", "unchanged")
    assert Review.objects.count() == 1
    assert Case.objects.count() == 1
    assert Answer.objects.count() == first.review.answers.count()

    changed = full_document()
    changed["answers"]["14B"] = "YES"
    third = import_document(changed)
    assert third.action == "updated"
    assert third.review.pk == first.review.pk
    assert ItemRating.objects.get(review=third.review, item="14").effective == "STRENGTH"

    other_period = full_document()
    other_period["face_sheet"] = {**other_period["face_sheet"], "C_start": "2023-10-01", "E": "2024-01-10"}
    # One open review per case, as on the page: the first is still in progress.
    with pytest.raises(ImportRejected) as caught:
        import_document(other_period)
    [problem] = caught.value.problems
    assert (problem.code, problem.rule) == ("review.pur_start", "one-open-review")
    assert "already has a review in progress (period from" in problem.message
    assert Review.objects.count() == 1
    # Once it is finalized, the next period's review imports; a finalized file may also sit beside an
    # open review (history brought in from another system).
    Review.objects.filter(pk=first.review.pk).update(status=Review.Status.FINALIZED)
    assert import_document(other_period).action == "created"
    assert Review.objects.count() == 2
    earlier = full_document()
    earlier["face_sheet"] = {**earlier["face_sheet"], "C_start": "2022-04-01", "E": "2022-10-01"}
    earlier["review"] = {"status": "finalized"}
    assert import_document(earlier).action == "created"
    assert Review.objects.count() == 3


@pytest.mark.django_db
def test_a_rejected_import_saves_nothing():
    doc = full_document()
    doc["case"]["agency"] = "XXX"
    doc["answers"]["4C"] = "MAYBE"
    with pytest.raises(ImportRejected) as caught:
        import_document(doc)
    assert {(p.code, p.rule) for p in caught.value.problems} == {
        ("case.agency", "known-agency"),
        ("4C", "allowed-values"),
    }
    assert Case.objects.count() == 0
    assert Review.objects.count() == 0


@pytest.mark.django_db
def test_import_needs_the_period_start():
    doc = full_document()
    del doc["face_sheet"]["C_start"]
    with pytest.raises(ImportRejected) as caught:
        import_document(doc)
    assert [(p.code, p.rule) for p in caught.value.problems] == [("face_sheet.C_start", "required")]


@pytest.mark.django_db
def test_export_then_import_round_trips_losslessly(tmp_path, personas):
    doc = full_document()
    doc["participants"][0].update(
        name="Sam Example", race=["WHITE", "ASIAN"], ethnicity="NON_HISPANIC", interviewed="YES"
    )
    doc["answers"]["15B2"] = {"f1": "YES", "f2": "NO"}
    doc["answers"]["15C2"] = {"f1": "YES", "f2": "NA"}
    doc["answers"].pop("15A2")
    doc["review"] = {"status": "first_level_qa", "reviewers": ["reviewer_a"]}
    review = import_document(doc).review
    set_override(review, "14", "STRENGTH", "Seen alone at school.", personas.qa_a)
    before = export_document(review)

    call_command("export_reviews", "--out", str(tmp_path), stdout=io.StringIO())
    files = sorted(tmp_path.glob("*.json"))
    assert [f.name for f in files] == ["MO-2023-0153_2023-04-01.json"]
    Review.objects.all().delete()
    Case.objects.all().delete()

    out = io.StringIO()
    call_command("import_reviews", str(tmp_path), stdout=out, stderr=io.StringIO())
    assert "created review MO-2023-0153 from 2023-04-01" in out.getvalue()
    after = export_document(Review.objects.get())
    assert after == before
    assert after["scoring"]["items"]["14"] == "STRENGTH"
    assert after["overrides"]["14"]["by"] == "qa_a"
    assert after["review"] == {"status": "first_level_qa", "reviewers": ["reviewer_a"], "pur_end": "2023-07-18"}
    assert after["answers"]["15B2"] == {"f1": "YES", "f2": "NO"}
    assert after["participants"][0] == {
        "key": "c1",
        "role": "CHILD",
        "target": True,
        "name": "Sam Example",
        "date_of_birth": "2015-06-02",
        "race": ["WHITE", "ASIAN"],
        "ethnicity": "NON_HISPANIC",
        "interviewed": "YES",
    }

    # Re-importing the export changes nothing.
    again = io.StringIO()
    call_command("import_reviews", str(files[0]), stdout=again)
    assert "unchanged review MO-2023-0153" in again.getvalue()


@pytest.mark.django_db
def test_import_reviews_reports_each_bad_file_and_keeps_the_good_ones(tmp_path):
    (tmp_path / "a_good.json").write_text(json.dumps(full_document("MO-A")))
    bad = full_document("MO-B")
    bad["answers"]["1B"] = "YES"
    bad["answers"]["1APP"] = "YES"
    bad["answers"]["1A"] = "YES"
    (tmp_path / "b_bad.json").write_text(json.dumps(bad))
    (tmp_path / "c_broken.json").write_text("{")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_reviews", str(tmp_path), stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert err.getvalue().splitlines() == [
        "b_bad.json: 1B: must be NA because 1A = YES (answered YES) [rule: 1B-na-iff-1A-yes]",
        "c_broken.json: document: not valid JSON at line 1: Expecting property name enclosed in double quotes [rule: json]",
    ]
    assert "1 of 3 file(s) imported" in out.getvalue()
    assert list(Case.objects.values_list("case_id", flat=True)) == ["MO-A"]


@pytest.mark.django_db
def test_imported_override_by_an_unknown_user_keeps_the_name():
    doc = full_document(overrides={"14": {"rating": "STRENGTH", "reason": "Seen alone.", "by": "qa.lead"}})
    review = import_document(doc).review
    row = ItemRating.objects.get(review=review, item="14")
    assert (row.override_by, row.override_by_name, row.effective) == (None, "qa.lead", "STRENGTH")
    assert export_document(review)["overrides"]["14"]["by"] == "qa.lead"
