"""The demo: a synthetic extract, the linked demo review with flagged disagreements, and a QA lead's
draw from the demo extract."""

from __future__ import annotations

import io

import pytest

from metrics.extract.load import load_bundle
from metrics.synthetic import generate
from reports.case_check import compare_review
from reports.demo import LINKED_CASE, seed_linked_review
from reports.extract_sampling import draw_from_extract
from reports.models import CaseExtractLink
from reviews.models import Review
from reviews.sampling import reproduces

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_extract(tmp_path):
    generate(tmp_path, children=300, seed=2023, as_of="2023-11-30")
    assert load_bundle(tmp_path).ok


def test_the_linked_demo_review_disagrees_with_the_extract(demo_extract, personas, client_for):
    out = io.StringIO()
    seed_linked_review(out)
    link = CaseExtractLink.objects.get(case__case_id=LINKED_CASE)
    review = Review.objects.get(case=link.case)
    assert (review.status, link.source) == (Review.Status.SUBMITTED, "demo")
    comparison = compare_review(review, link)
    assert "4-count" in {c.key for c in comparison.flags}
    # the QA lead of 6ZA sees the flags in the queue and the panel on the review
    queue = client_for(personas.qa_a).get("/reviews/qa/").content.decode()
    assert LINKED_CASE in queue and f'data-flags="{len(comparison.flags)}"' in queue
    page = client_for(personas.qa_a).get(f"/reviews/{review.pk}/").content.decode()
    assert f'data-flag-count="{len(comparison.flags)}"' in page and "4A1 lists" in page
    seed_linked_review(out)
    assert "already linked" in out.getvalue() and CaseExtractLink.objects.count() == 1


def test_a_sample_is_drawn_from_the_demo_extract(demo_extract, agency, personas):
    sample = draw_from_extract(
        "2023Q3",
        [agency("6ZA"), agency("6ZB")],
        site_circuits=[],
        site_size=0,
        statewide_size=3,
        seed=5,
        user=personas.admin_a,
    )
    assert sample.cases.count() == 3 and reproduces(sample)
    assert CaseExtractLink.objects.filter(case__in=sample.cases.values("case")).count() == 3
