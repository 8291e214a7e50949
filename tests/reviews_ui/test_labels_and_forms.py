"""Option labels in words, the coded-date picker, and the participant form (F1/F2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.forms import FaceSheetForm, label
from reviews.instrument import ROUND4
from reviews.instrument.document import ETHNICITIES, RACES
from reviews.instrument.labels import COLUMN_LABELS, OPTION_LABELS, column_label
from reviews.instrument.questions import ROLES, VISIT_PATTERN_LABELS
from tests.reviews_ui.helpers import complete_review

pytestmark = pytest.mark.django_db


def every_option() -> set[str]:
    codes = set(ROLES) | set(RACES) | set(ETHNICITIES)
    for question in ROUND4.questions.questions:
        codes.update(question.options)
        for column in question.columns:
            codes.update(column.options)
    for spec in ROUND4.face_sheet:
        codes.update(spec.options)
    return codes - set(VISIT_PATTERN_LABELS)


def test_every_option_has_a_label_in_words():
    missing = sorted(every_option() - set(OPTION_LABELS))
    assert missing == []
    # The labels the defect named, generated from codes before.
    assert label("IN_HOME_DR_AR") == "In-home services (differential / alternative response)"
    assert label("FOSTER_NON_RELATIVE") == "Foster family home: non-relative"
    assert label("NOT_YET_DISCHARGED") == "Not yet discharged"
    every_column = {c.name for q in ROUND4.questions.questions for c in q.columns}
    assert sorted(every_column - set(COLUMN_LABELS)) == []
    assert column_label("perpetrator_relationship") == "Alleged perpetrator's relationship to the child"


def test_a_coded_date_is_a_date_picker_with_its_codes_beside_it():
    spec = next(s for s in ROUND4.face_sheet if "NOT_YET_DISCHARGED" in s.options)  # the discharge date
    p = f"fs{spec.code}-value"
    html = str(FaceSheetForm(spec, initial={"value": "NOT_YET_DISCHARGED"}))
    assert f'type="date" name="{p}_0"' in html
    assert '<option value="NOT_YET_DISCHARGED" selected>Not yet discharged</option>' in html
    picked = FaceSheetForm(spec, {f"{p}_0": "2023-05-02", f"{p}_1": ""})
    coded = FaceSheetForm(spec, {f"{p}_0": "", f"{p}_1": "NA"})
    bad = FaceSheetForm(spec, {f"{p}_0": "2023-02-30", f"{p}_1": ""})
    assert picked.is_valid() and picked.cleaned_data["value"] == "2023-05-02"
    assert coded.is_valid() and coded.cleaned_data["value"] == "NA"
    assert not bad.is_valid()


def test_a_participant_is_edited_by_the_assigned_reviewer_only(personas, client_for):
    review = complete_review(personas.reviewer_a)
    person = review.participants.create(key="m1", role="MOTHER")
    url = reverse("reviews:participant_edit", args=[review.pk, person.pk])
    data = {
        f"p{person.pk}-label": "birth mother",
        f"p{person.pk}-interviewed": "NO",
        f"p{person.pk}-race": ["WHITE", "ASIAN"],
    }
    assert client_for(personas.qa_a).post(url, data).status_code == 403
    assert client_for(personas.reviewer_b).post(url, data).status_code == 404
    person.refresh_from_db()
    assert (person.label, person.details) == ("", {})
    client_for(personas.reviewer_a).post(url, data)
    person.refresh_from_db()
    assert (person.label, person.details) == ("birth mother", {"interviewed": "NO", "race": ["WHITE", "ASIAN"]})
    bad = client_for(personas.reviewer_a).post(url, {f"p{person.pk}-race": ["MARTIAN"]}, follow=True)
    assert (
        "Not saved: race: Select a valid choice. MARTIAN is not one of the available choices." in bad.content.decode()
    )
