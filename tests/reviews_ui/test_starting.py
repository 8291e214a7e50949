"""Duplicate and impossible reviews: one open review per case, no overlapping or future periods."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import workflow
from reviews.models import Review
from tests.reviews.factories import make_case
from tests.reviews_ui.helpers import complete_review

S = Review.Status
pytestmark = pytest.mark.django_db


def start(client, case, day):
    return client.post(reverse("reviews:review_create", args=[case.pk]), {"pur_start": str(day)})


def test_a_second_review_of_a_case_in_progress_is_refused(personas, client_for):
    case = make_case("DUP-1")
    client = client_for(personas.reviewer_a)
    assert start(client, case, "2023-04-01").status_code == 302
    # The defect: a period one day later started a second review of the same case.
    body = start(client, case, "2023-04-02").content.decode()
    assert "This case already has a review in progress (period from 2023-04-01, In progress)" in body
    with pytest.raises(workflow.Refused, match=r"Case DUP-1 already has a review in progress \(period from 2023-04-01"):
        workflow.start_review(case, personas.reviewer_a, dt.date(2023, 4, 2))
    assert Review.objects.filter(case=case).count() == 1


def test_a_period_in_the_future_is_refused(personas, client_for):
    case = make_case("FUT-1")
    body = start(client_for(personas.reviewer_a), case, "2031-01-01").content.decode()
    today = timezone.localdate()
    assert f"The period under review cannot start in the future: 2031-01-01 is after today ({today:%Y-%m-%d})." in body
    assert not Review.objects.filter(case=case).exists()


def test_a_new_period_starts_after_the_finalized_one(personas):
    review = complete_review(personas.reviewer_a, case_id="FIN-1", status=S.FINALIZED)
    Review.objects.filter(pk=review.pk).update(pur_end=dt.date(2023, 9, 30))
    with pytest.raises(
        workflow.Refused, match=r"overlap the finalized review of case FIN-1 \(2023-04-01 to 2023-09-30\)"
    ):
        workflow.start_review(review.case, personas.reviewer_a, dt.date(2023, 9, 30))
    later = workflow.start_review(review.case, personas.reviewer_a, dt.date(2023, 10, 1))
    assert later.status == S.IN_PROGRESS and later.pur_start == dt.date(2023, 10, 1)


def test_an_eliminated_review_does_not_hold_the_case(personas):
    review = complete_review(personas.reviewer_a, case_id="ELI-1", status=S.ELIMINATED)
    again = workflow.start_review(review.case, personas.reviewer_a, dt.date(2023, 5, 1))
    assert again.pk != review.pk


def test_start_a_review_is_offered_only_on_cases_without_an_open_review(personas, client_for):
    busy = complete_review(personas.reviewer_a, case_id="BUSY-1")
    free = make_case("FREE-1")
    client = client_for(personas.reviewer_a)
    rows = {case.case_id: can_start for case, _, can_start in client.get(reverse("reviews:case_list")).context["rows"]}
    assert rows == {"BUSY-1": False, "FREE-1": True}
    body = client.get(reverse("reviews:review_create", args=[busy.case.pk])).content.decode()
    assert "This case already has a review in progress" in body and 'name="pur_start"' not in body
    assert 'name="pur_start"' in client.get(reverse("reviews:review_create", args=[free.pk])).content.decode()


def test_only_reviewers_of_the_agency_start_reviews(personas, client_for):
    case = make_case("ROLE-1")
    for person, status in (("qa_a", 403), ("viewer_a", 403), ("reviewer_b", 404)):
        assert start(client_for(getattr(personas, person)), case, "2023-04-01").status_code == status, person
    with pytest.raises(workflow.NotAllowed):
        workflow.start_review(case, personas.qa_a, dt.date(2023, 4, 1))
    assert not Review.objects.filter(case=case).exists()


def test_the_period_start_cannot_move_into_the_future_or_onto_another_review(personas):
    review = complete_review(personas.reviewer_a)
    with pytest.raises(workflow.Refused, match="cannot start in the future"):
        workflow.save_face_sheet(review, personas.reviewer_a, {"C_start": "2031-01-01"}, review.version)
    review.refresh_from_db()
    assert review.pur_start == dt.date(2023, 4, 1) and review.face_sheet.get("C_start") != "2031-01-01"


def test_submission_checks_the_period_end_against_its_start(personas):
    review = complete_review(personas.reviewer_a)
    today = timezone.localdate()
    # Set by hand past today (an import, or an old row): the end (today) would come before the start.
    Review.objects.filter(pk=review.pk).update(pur_start=today + dt.timedelta(days=3))
    review.refresh_from_db()
    with pytest.raises(workflow.Refused, match="after today: it cannot end before it starts"):
        workflow.transition(review, "submit", personas.reviewer_a)
    # More than 12 months is allowed, with a warning on the page and after submitting.
    start_day = today - dt.timedelta(days=400)
    Review.objects.filter(pk=review.pk).update(pur_start=start_day)
    review.refresh_from_db()
    [warning] = workflow.period_warnings(review)
    assert warning.startswith(f"The period under review starts on {start_day:%Y-%m-%d} and would end today")
    assert "more than the usual 12" in warning
    workflow.transition(review, "submit", personas.reviewer_a)
    review.refresh_from_db()
    assert review.pur_end == today
    assert workflow.period_warnings(review)[0].startswith(
        f"The period under review starts on {start_day:%Y-%m-%d} and ends"
    )
    recent = complete_review(personas.reviewer_a, case_id="RECENT-1")
    Review.objects.filter(pk=recent.pk).update(pur_start=today - dt.timedelta(days=200))
    recent.refresh_from_db()
    assert workflow.period_warnings(recent) == []


def test_the_samples_page_links_an_open_review_instead_of_starting_another(personas, client_for, make_user):
    from reviews.models import Sample, SampleCase

    busy = complete_review(personas.reviewer_a, case_id="SMP-BUSY")
    free = make_case("SMP-FREE")
    sample = Sample.objects.create(quarter="2023Q2", seed=1, site_circuits=[16], site_size=2)
    SampleCase.objects.create(sample=sample, case=busy.case, stratum="circuit 16 / FOSTER_CARE", draw_order=1)
    SampleCase.objects.create(sample=sample, case=free, stratum="circuit 16 / FOSTER_CARE", draw_order=2)
    # The administrator who draws samples sees no "start" link (starting is a reviewer's job) ...
    body = client_for(personas.admin_a).get(reverse("reviews:sample_list")).content.decode()
    assert f'<a href="/reviews/{busy.pk}/">review in progress</a>' in body
    assert "start a review" not in body
    # ... one who is also a reviewer there does, for the free case only.
    both = make_user("admin_reviewer_a", ("administrator", "6ZA"), ("reviewer", "6ZA"))
    body = client_for(both).get(reverse("reviews:sample_list")).content.decode()
    assert f'<a href="/reviews/{busy.pk}/">review in progress</a>' in body
    assert f'<a href="/reviews/cases/{free.pk}/start/">start a review</a>' in body
    assert f"/reviews/cases/{busy.case.pk}/start/" not in body
