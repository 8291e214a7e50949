"""The sample list offers "start a review" only to someone who may start one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.models import Sample, SampleCase
from tests.reviews.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(personas):
    sample = Sample.objects.create(quarter="2023Q3", seed=7, site_size=1)
    SampleCase.objects.create(sample=sample, case=make_case("S-0001", agency="6ZA"), stratum="statewide", draw_order=1)
    return sample


def test_an_administrator_sees_the_sample_without_start_links(personas, client_for, sample):
    body = client_for(personas.admin_a).get(reverse("reviews:sample_list")).content.decode()
    assert "S-0001" in body
    assert "start a review" not in body


def test_someone_who_enters_reviews_is_offered_to_start_one(personas, client_for, sample):
    from accounts.models import Membership

    Membership.objects.create(
        user=personas.admin_a, agency=personas.reviewer_a.memberships.get().agency, role="reviewer"
    )
    body = client_for(personas.admin_a).get(reverse("reviews:sample_list")).content.decode()
    assert "start a review" in body
