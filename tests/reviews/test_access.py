"""Reviews and cases are scoped to the user's agencies; state staff see all."""

from __future__ import annotations

import pytest
from django.http import Http404

from reviews.access import cases_for_user, get_case_for_user_or_404, get_review_for_user_or_404, reviews_for_user

from .factories import make_case, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_reviews():
    review_a = make_review(make_case("A-1", "6ZA"))
    review_b = make_review(make_case("B-1", "6ZB", county="29113"))
    return review_a, review_b


def test_agency_users_see_only_their_agencys_reviews(personas, two_reviews):
    review_a, review_b = two_reviews
    for user in (personas.reviewer_a, personas.qa_a, personas.viewer_a, personas.supervisor_a):
        assert list(reviews_for_user(user, "review.view")) == [review_a]
        assert list(cases_for_user(user, "review.view").values_list("case_id", flat=True)) == ["A-1"]
    assert list(reviews_for_user(personas.reviewer_b, "review.view")) == [review_b]


def test_state_staff_see_every_agency(personas, two_reviews):
    for user in (personas.state_admin, personas.state_supervisor):
        assert reviews_for_user(user, "review.view").count() == 2
        assert cases_for_user(user, "review.view").count() == 2


def test_another_agencys_review_is_a_404(personas, two_reviews):
    review_a, review_b = two_reviews
    assert get_review_for_user_or_404(personas.reviewer_a, review_a.pk, "review.view") == review_a
    with pytest.raises(Http404):
        get_review_for_user_or_404(personas.reviewer_a, review_b.pk, "review.view")
    with pytest.raises(Http404):
        get_case_for_user_or_404(personas.viewer_b, review_a.case.pk, "review.view")


def test_anonymous_users_see_nothing(two_reviews):
    from django.contrib.auth.models import AnonymousUser

    assert reviews_for_user(AnonymousUser(), "review.view").count() == 0
