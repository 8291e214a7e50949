"""The QA lead's calibration page: draw or mark cases, start a pair, see progress only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from reviews.models import CalibrationRound, DualReview, Review, Sample, SampleCase
from tests.reviews.factories import make_case

pytestmark = pytest.mark.django_db
PAGE = "/reviews/calibration/"


@pytest.fixture
def sample():
    sample = Sample.objects.create(quarter="2023Q3", seed=7, site_circuits=[16], site_size=4)
    for order, case_id in enumerate(("CAL-1", "CAL-2", "CAL-3", "CAL-4"), start=1):
        SampleCase.objects.create(sample=sample, case=make_case(case_id), stratum="circuit 16", draw_order=order)
    return sample


def test_the_page_is_for_qa_reviewers(personas, client_for, sample):
    assert reverse("reviews:calibration") == PAGE
    for persona in ("reviewer_a", "supervisor_a", "viewer_a"):
        assert client_for(getattr(personas, persona)).get(PAGE).status_code == 403, persona
    page = client_for(personas.qa_a).get(PAGE).content.decode()
    assert "No calibration cases yet in your agencies." in page
    assert "2023Q3 · CAL-1 (6ZA)" in page  # markable
    assert client_for(personas.qa_b).get(PAGE).content.decode().count("CAL-") == 0  # 6ZA's cases


def test_a_qa_lead_draws_a_share_with_a_recorded_seed(personas, client_for, sample):
    client = client_for(personas.qa_a)
    response = client.post(reverse("reviews:calibration_draw"), {"sample": sample.pk, "share": "50", "seed": "11"})
    assert response.status_code == 302
    round_ = CalibrationRound.objects.get()
    assert (round_.seed, round_.share, round_.count) == (11, 0.5, None)
    assert DualReview.objects.filter(round=round_).count() == 2  # 50 % of 4
    page = client.get(PAGE).content.decode()
    assert "Drew 2 calibration case(s) from the 2023Q3 sample (seed 11)." in page
    assert page.count("Start both reviews") == 2
    assert AuditEntry.objects.filter(action="reviews.calibration.drawn").count() == 1
    # nonsense is refused with a message, nothing drawn
    client.post(reverse("reviews:calibration_draw"), {"sample": sample.pk, "share": "abc"})
    client.post(reverse("reviews:calibration_draw"), {"sample": sample.pk, "count": "9"})
    page = client.get(PAGE).content.decode()
    assert "Give the share as a percentage" in page or "cannot draw 9 calibration cases from 2 available" in page
    assert CalibrationRound.objects.count() == 1


def test_a_draw_needs_qa_in_every_agency_of_the_sample(personas, client_for, sample):
    SampleCase.objects.create(sample=sample, case=make_case("CAL-B", agency="6ZB"), stratum="circuit 16", draw_order=5)
    response = client_for(personas.qa_a).post(reverse("reviews:calibration_draw"), {"sample": sample.pk, "count": "1"})
    assert response.status_code == 403
    assert not DualReview.objects.exists()


def test_marking_is_scoped_to_the_agency(personas, client_for, sample):
    entry = sample.cases.get(case__case_id="CAL-3")
    assert client_for(personas.qa_b).post(reverse("reviews:calibration_mark"), {"entry": entry.pk}).status_code == 404
    assert client_for(personas.qa_a).post(reverse("reviews:calibration_mark"), {"entry": entry.pk}).status_code == 302
    assert DualReview.objects.get().case.case_id == "CAL-3"


def test_starting_a_pair_then_progress_only(personas, client_for, make_user, sample):
    second = make_user("reviewer_a2", ("reviewer", "6ZA"), first_name="Ray", last_name="Second")
    client = client_for(personas.qa_a)
    client.post(reverse("reviews:calibration_mark"), {"entry": sample.cases.get(case__case_id="CAL-1").pk})
    dual = DualReview.objects.get()
    start = reverse("reviews:calibration_start", args=[dual.pk])
    page = client.get(PAGE).content.decode()
    assert f'<option value="{second.pk}">Ray Second</option>' in page
    assert "Quinn Qa</option>" not in page  # only reviewers are offered
    # the same person twice is refused; nothing starts
    client.post(start, {"first": second.pk, "second": second.pk, "pur_start": "2023-04-01"})
    assert "a dual review needs two different reviewers" in client.get(PAGE).content.decode()
    assert not Review.objects.exists()
    client.post(start, {"first": personas.reviewer_a.pk, "second": second.pk, "pur_start": "2023-04-01"})
    dual.refresh_from_db()
    assert {r.reviewers.get() for r in (dual.first, dual.second)} == {personas.reviewer_a, second}
    page = client.get(PAGE).content.decode()
    assert "Rita Reviewer: In progress" in page and "Ray Second: In progress" in page
    assert f"/reviews/{dual.first_id}/" not in page  # progress only
    Review.objects.filter(pk__in=[dual.first_id, dual.second_id]).update(status="submitted")
    page = client.get(PAGE).content.decode()
    assert f'href="/reviews/{dual.first_id}/"' in page and f'href="/reviews/{dual.second_id}/"' in page
