"""Admin: reviews editable, computed rating rows and answers read-only."""

from __future__ import annotations

import pytest

from reviews.models import ItemRating
from reviews.scoring import record_answers

from .factories import COMPLETE_FC, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789"))
    return client


@pytest.fixture
def review():
    review = make_review(people=(("c1", "CHILD"), ("m1", "MOTHER"), ("f1", "FATHER")))
    record_answers(review, COMPLETE_FC)
    return review


def test_review_change_page_shows_the_ratings(admin_client, review):
    response = admin_client.get(f"/admin/reviews/review/{review.pk}/change/")
    assert response.status_code == 200
    assert "SUBSTANTIALLY_ACHIEVED" in response.content.decode()


def test_rating_rows_cannot_be_edited_in_the_admin(admin_client, review):
    row = ItemRating.objects.get(review=review, item="14")
    response = admin_client.post(f"/admin/reviews/itemrating/{row.pk}/change/", {"effective": "STRENGTH"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.effective == "ANI"
    assert admin_client.get("/admin/reviews/itemrating/add/").status_code == 403
    assert admin_client.get("/admin/reviews/answer/add/").status_code == 403


def test_changing_the_case_type_in_the_admin_rescores_its_reviews(admin_client, review):
    case = review.case
    response = admin_client.post(
        f"/admin/reviews/case/{case.pk}/change/",
        {"case_id": case.case_id, "agency": case.agency_id, "county": case.county_id, "case_type": "IN_HOME"},
    )
    assert response.status_code == 302
    assert ItemRating.objects.get(review=review, item="4").effective == "NA"
