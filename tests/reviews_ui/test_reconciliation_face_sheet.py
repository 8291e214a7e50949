"""Reconciliation of the Face Sheet and the participants of a blind dual review (issue 15 follow-up)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from reviews import reconciliation, workflow
from reviews.models import Review
from tests.reviews_ui.test_reconciliation import make_dual

pytestmark = pytest.mark.django_db

# The answer differences of make_dual (11B, 14B, 16A), all taken from A.
ANSWERS_A = {"11B": {"take": "A"}, "14B": {"take": "A"}, "16A": {"take": "A"}}

SHEET = {
    "A": "Missouri / Greene",
    "H": "NO",
    "I": "2022-05-01",
    "K": "2022-06-01",
    "L": "NOT_YET_DISCHARGED",
    "M": "NOT_CLOSED_BY_REVIEW",
    "N1": ["NEGLECT", "PHYSICAL_ABUSE"],
    "N2": "NEGLECT",
}


@pytest.fixture
def reviewer_a2(make_user):
    return make_user("reviewer_a2", ("reviewer", "6ZA"))


def with_sheets(dual, a: dict, b: dict):
    for review, changes in ((dual.first, a), (dual.second, b)):
        Review.objects.filter(pk=review.pk).update(face_sheet={**review.face_sheet, **SHEET, **changes})
    dual.refresh_from_db()
    dual.first.refresh_from_db()
    dual.second.refresh_from_db()
    return dual


@pytest.fixture
def dual(personas, reviewer_a2):
    return make_dual(personas, reviewer_a2)


@pytest.mark.parametrize(
    "code, a, b",
    [
        ("A", "Missouri / Greene", "Missouri / Christian"),
        ("H", "NO", "YES"),
        ("I", "2022-05-01", "2022-04-01"),
        ("M", "NOT_CLOSED_BY_REVIEW", "2023-06-30"),
        ("N1", ["NEGLECT", "PHYSICAL_ABUSE"], ["NEGLECT"]),
    ],
)
def test_a_face_sheet_field_that_differs_is_listed_with_its_label(dual, code, a, b):
    with_sheets(dual, {code: a}, {code: b})
    faces = reconciliation.face_differences(dual)
    chosen = [(f.key, f.a, f.b) for f in faces if not f.decided]
    assert chosen == [(f"face:{code}", a, b)]
    face = next(f for f in faces if f.code == code)
    assert face.label == next(
        f.label for f in reconciliation.get_instrument(dual.first.instrument_version).face_sheet if f.code == code
    )
    assert reconciliation.open_keys(dual) == ["11B", "14B", "16A", f"face:{code}"]


def test_the_reviewers_and_the_period_end_are_information_not_choices(dual, personas):
    with_sheets(dual, {"D": "Reviewer A", "E": "2023-07-18"}, {"D": "Reviewer A2", "E": "2023-07-25"})
    faces = reconciliation.face_differences(dual)
    assert [(f.code, bool(f.decided)) for f in faces] == [("D", True), ("E", True)]
    assert reconciliation.face_choices(dual) == {}
    # A choice for a decided field is refused.
    problems = reconciliation.save_choices(dual, personas.qa_a, {"face:E": {"take": "B"}})
    assert problems == {"face:E": "is not an answer or Face Sheet field that differs between the two reviews"}


def test_take_b_gives_the_consensus_b_s_value(dual, personas):
    with_sheets(dual, {"H": "NO", "A": "Missouri / Greene"}, {"H": "YES", "A": "Missouri / Christian"})
    posted = {
        **ANSWERS_A,
        "face:H": {"take": "B"},
        "face:A": {"take": "new", "value": "Missouri / Taney", "note": "File"},
    }
    assert reconciliation.save_choices(dual, personas.qa_a, posted) == {}
    dual.refresh_from_db()
    assert dual.choices["face:H"] == {"take": "B", "note": ""}
    assert dual.choices["face:A"] == {"take": "new", "value": "Missouri / Taney", "note": "File"}
    consensus = reconciliation.create_consensus(dual, personas.qa_a)
    assert consensus.face_sheet["H"] == "YES"
    assert consensus.face_sheet["A"] == "Missouri / Taney"
    assert consensus.face_sheet["N1"] == ["NEGLECT", "PHYSICAL_ABUSE"]  # both agree: carried over
    assert consensus.face_sheet["E"] == "2023-07-25"  # the later submission
    audit = AuditEntry.objects.filter(action="reviews.calibration.choice").order_by("id")
    assert {e.data["key"]: e.data["take"] for e in audit if e.data["key"].startswith("face:")} == {
        "face:H": "B",
        "face:A": "new",
    }
    created = AuditEntry.objects.get(action="reviews.calibration.reconciled")
    assert created.data["choices"]["face:H"] == {"take": "B", "note": ""}


@pytest.mark.parametrize(
    "code, a, b, value, note, rule",
    [
        ("H", "NO", "YES", "MAYBE", "why", "face_sheet.H: the new value must be one of YES, NO [rule: allowed-values]"),
        ("I", "2022-05-01", "2022-04-01", "2022-13-01", "why", "face_sheet.I: the new value must be a date"),
        ("I", "2022-05-01", "2022-04-01", "", "why", "face_sheet.I: give the new value [rule: required]"),
        ("M", "NOT_CLOSED_BY_REVIEW", "2023-06-30", "2021-01-01", "why", "[rule: I-before-M]"),
        ("K", "2022-06-01", "2022-07-01", "NA", "why", "[rule: K-na-iff-in-home]"),
        ("N2", "NEGLECT", "PHYSICAL_ABUSE", "SEXUAL_ABUSE", "why", "[rule: N2-in-N1]"),
        ("N2", "NEGLECT", "PHYSICAL_ABUSE", "NOT_A_REASON", "why", "face_sheet.N2: the new value must be one of"),
        ("H", "NO", "YES", "YES", "", "a new answer needs a note saying why"),
    ],
)
def test_an_invalid_new_value_is_refused_naming_the_field_and_the_rule(dual, personas, code, a, b, value, note, rule):
    with_sheets(dual, {code: a}, {code: b})
    before = AuditEntry.objects.count()
    posted = {**ANSWERS_A, f"face:{code}": {"take": "new", "value": value, "note": note}}
    problems = reconciliation.save_choices(dual, personas.qa_a, posted)
    assert list(problems) == [f"face:{code}"]
    assert rule in problems[f"face:{code}"]
    dual.refresh_from_db()
    assert dual.choices == {}  # all or nothing: not even the answers
    assert AuditEntry.objects.count() == before


def test_taking_a_and_b_that_break_a_cross_field_rule_is_refused(dual, personas):
    # B's discharge (L) is before A's removal (K): taking A's K and B's L breaks K-before-L.
    with_sheets(dual, {"K": "2022-06-01", "L": "NOT_YET_DISCHARGED"}, {"K": "2021-01-01", "L": "2022-01-01"})
    posted = {**ANSWERS_A, "face:K": {"take": "A"}, "face:L": {"take": "B"}}
    problems = reconciliation.save_choices(dual, personas.qa_a, posted)
    assert set(problems) == {"face:K", "face:L"}
    assert "[rule: K-before-L]" in problems["face:L"]


def test_the_consensus_is_refused_while_a_face_sheet_difference_is_open(dual, personas):
    with_sheets(dual, {"H": "NO"}, {"H": "YES"})
    assert reconciliation.save_choices(dual, personas.qa_a, ANSWERS_A) == {}
    with pytest.raises(workflow.Refused, match=r"1 still open: face:H"):
        reconciliation.create_consensus(dual, personas.qa_a)
    dual.refresh_from_db()
    assert dual.consensus_id is None
    assert not AuditEntry.objects.filter(action="reviews.calibration.reconciled").exists()


def test_participant_differences_and_what_the_consensus_holds(dual, personas):
    dual.first.participants.create(key="x1", role="FATHER", label="legal father")
    dual.second.participants.create(key="x1", role="FATHER", label="birth father")
    dual.second.participants.create(key="x2", role="OTHER")
    diffs = reconciliation.participant_differences(dual)
    assert [(p.key, p.kept) for p in diffs] == [("x1", "A"), ("x2", "B")]
    assert reconciliation.participant_label(diffs[0].b) == "(no name) (FATHER, birth father)"
    assert reconciliation.participant_label(diffs[1].a) == "(not listed)"
    reconciliation.save_choices(dual, personas.qa_a, ANSWERS_A)
    consensus = reconciliation.create_consensus(dual, personas.qa_a)
    held = {p.key: (p.role, p.label) for p in consensus.participants.all()}
    assert held["x1"] == ("FATHER", "legal father") and held["x2"] == ("OTHER", "")


def test_the_page_lists_face_sheet_and_participant_differences(dual, personas, client_for):
    with_sheets(dual, {"H": "NO", "E": "2023-07-18"}, {"H": "YES", "E": "2023-07-25"})
    dual.second.participants.create(key="x2", role="OTHER")
    url = reverse("reviews:calibration_reconcile", args=[dual.pk])
    client = client_for(personas.qa_a)
    page = client.get(url).content.decode()
    assert "Face Sheet H" in page and "Opened for reasons other than abuse or neglect?" in page
    assert 'name="take-face:H"' in page and 'name="take-face:E"' not in page
    assert "the later of the two submissions" in page  # E is information
    assert "x2" in page and "<td>B's: (no name) (OTHER)</td>" in page
    # An invalid new value: refused, named, input kept, nothing saved.
    response = client.post(
        url,
        {"take-11B": "A", "take-face:H": "new", "value-face:H": "MAYBE", "note-face:H": "my note", "action": "save"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "face_sheet.H" in text and "allowed-values" in text
    assert 'value="MAYBE"' in text and 'value="my note"' in text
    dual.refresh_from_db()
    assert dual.choices == {}
    # Saved, resumed.
    response = client.post(url, {"take-face:H": "B", "action": "save"})
    assert response.status_code == 302
    dual.refresh_from_db()
    assert dual.choices == {"face:H": {"take": "B", "note": ""}}
    assert 'name="take-face:H" value="B" checked' in client.get(url).content.decode()
