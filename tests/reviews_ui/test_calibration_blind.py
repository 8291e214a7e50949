"""Blind dual review: neither side, nor anyone else, sees a calibration review until both are submitted.

Every read path goes through reviews/access.py, which asks reviews.calibration's one rule; these
tests knock on each page, download and list.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from reviews import calibration, summaries
from reviews.models import DualReview, Review, Sample, SampleCase
from reviews.scoring import record_answers
from tests.reviews.factories import COMPLETE_FC, COMPLETE_FC_ROWS, make_case
from tests.reviews_ui.helpers import complete_review, narratives_for

S = Review.Status
pytestmark = pytest.mark.django_db

SECRET = "Narrative written only on side {side}."


@pytest.fixture
def pair(personas, make_user):
    """A started dual review of BLIND-1 (6ZA): side 1 by reviewer_a, side 2 by reviewer_a2, both answered."""
    reviewer_a2 = make_user("reviewer_a2", ("reviewer", "6ZA"))
    sample = Sample.objects.create(quarter="2023Q3", seed=7, site_circuits=[16], site_size=1)
    entry = SampleCase.objects.create(
        sample=sample, case=make_case("BLIND-1"), stratum="circuit 16 / FOSTER_CARE", draw_order=1
    )
    dual = calibration.mark(entry, personas.qa_a)
    first, second = calibration.start_dual_review(
        dual, personas.reviewer_a, reviewer_a2, dt.date(2023, 4, 1), personas.qa_a
    )
    answers = {**COMPLETE_FC, **COMPLETE_FC_ROWS}
    for side, review in ((1, first), (2, second)):
        narratives = narratives_for(answers)
        narratives["14B"] = SECRET.format(side=side)
        record_answers(review, answers, narratives)
    return first, second, reviewer_a2


def submit(*reviews, status=S.SUBMITTED):
    Review.objects.filter(pk__in=[r.pk for r in reviews]).update(status=status, pur_end=dt.date(2023, 7, 18))


def urls(review):
    return {
        "detail": reverse("reviews:review_detail", args=[review.pk]),
        "item": reverse("reviews:item", args=[review.pk, "14"]),
        "face sheet": reverse("reviews:face_sheet", args=[review.pk]),
        "print": reverse("reviews:review_print", args=[review.pk]),
        "pdf": reverse("reviews:review_pdf", args=[review.pk]),
        "json": reverse("reviews:review_json", args=[review.pk]),
    }


def codes(client, review):
    return {name: client.get(url).status_code for name, url in urls(review).items()}


def all_(code):
    return dict.fromkeys(urls(Review(pk=1)), code)


def test_each_side_sees_only_its_own_review_until_both_are_submitted(personas, client_for, pair):
    first, second, reviewer_a2 = pair
    one, two = client_for(personas.reviewer_a), client_for(reviewer_a2)
    assert codes(one, first) == all_(200)
    assert codes(two, second) == all_(200)
    assert codes(one, second) == all_(404)
    assert codes(two, first) == all_(404)
    assert SECRET.format(side=1) in one.get(urls(first)["print"]).content.decode()

    # One side submitted: still blind, both ways.
    submit(first)
    assert codes(one, second) == all_(404)
    assert codes(two, first) == all_(404)

    # Both submitted: each side may read the other.
    submit(second)
    assert codes(one, second) == all_(200)
    assert codes(two, first) == all_(200)
    assert SECRET.format(side=2) in one.get(urls(second)["print"]).content.decode()
    assert calibration.may_see(second, personas.reviewer_a) and calibration.may_see(first, reviewer_a2)


def test_a_returned_side_makes_the_pair_blind_again(personas, client_for, pair):
    first, second, reviewer_a2 = pair
    submit(first, second)
    submit(second, status=S.RETURNED)
    assert codes(client_for(personas.reviewer_a), second) == all_(404)
    assert codes(client_for(reviewer_a2), first) == all_(404)
    assert not calibration.may_see(first, reviewer_a2)


def test_the_qa_lead_and_supervisors_see_progress_only(personas, client_for, pair):
    first, second, _ = pair
    submit(first)
    for user in (personas.qa_a, personas.supervisor_a, personas.state_supervisor, personas.state_admin):
        assert codes(client_for(user), first) == all_(404), user.username
        assert not calibration.may_see(first, user)
    progress = calibration.progress(DualReview.objects.get(first=first))
    assert [(p["side"], p["submitted"]) for p in progress] == [("first", True), ("second", False)]
    # The QA queue does not list the submitted side while the other is being entered.
    assert f"/reviews/{first.pk}/" not in client_for(personas.qa_a).get(reverse("reviews:qa_queue")).content.decode()
    submit(second)
    assert codes(client_for(personas.qa_a), first) == all_(200)
    # Readable now, but still not QA work: a calibration review gets no QA (the consensus does).
    assert f"/reviews/{first.pk}/" not in client_for(personas.qa_a).get(reverse("reviews:qa_queue")).content.decode()


def test_lists_leave_the_other_side_out(personas, client_for, pair):
    first, second, reviewer_a2 = pair
    body = client_for(personas.reviewer_a).get(reverse("reviews:case_list")).content.decode()
    assert f"/reviews/{first.pk}/" in body and f"/reviews/{second.pk}/" not in body
    body = client_for(personas.reviewer_a).get(reverse("reviews:review_list")).content.decode()
    assert f"/reviews/{first.pk}/" in body and f"/reviews/{second.pk}/" not in body
    # The other side's answers cannot be written either: the review is not found.
    response = client_for(reviewer_a2).post(
        reverse("reviews:answer", args=[first.pk]), {"code": "14B", "value": "YES", "version": first.version}
    )
    assert response.status_code == 404


def read_csv(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_summaries_exports_and_the_quarterly_report_never_count_calibration_reviews(personas, client_for, pair):
    from reports.quarterly import Quarter, Scope, reviews_in_quarter

    first, second, _ = pair
    ordinary = complete_review(personas.reviewer_a, "ORD-1", "6ZA", S.APPROVED)
    Review.objects.filter(pk=ordinary.pk).update(pur_end=dt.date(2023, 7, 18))
    submit(first, second, status=S.APPROVED)  # visible now, but still not counted

    rows = read_csv(client_for(personas.supervisor_a).get(reverse("reviews:summary_export", args=["items", "csv"])))
    assert ["All", "14", "Caseworker Visits With Child", "1", "0", "0.0"] in rows  # ORD-1 alone
    filters, _ = summaries.parse_filters({"statuses": "all"})
    assert set(summaries.reviews_for_summary(personas.state_supervisor, filters)) == {ordinary}
    body = (
        client_for(personas.supervisor_a)
        .get(reverse("reviews:summary_drill"), {"item": "14", "measure": "applicable"})
        .content.decode()
    )
    assert "ORD-1" in body and "BLIND-1" not in body
    report = reviews_in_quarter(personas.state_supervisor, Quarter.parse("2023Q3"), Scope(None))
    assert set(report) == {ordinary}


def test_submitted_calibration_reviews_get_no_qa_and_stay_out_of_the_queue(personas, client_for, pair):
    from accounts.attention import attention_for
    from reviews import workflow

    first, second, _ = pair
    submit(first, second)
    ordinary = complete_review(personas.reviewer_a, "QA-ORD-1", "6ZA", S.SUBMITTED)
    first.refresh_from_db()
    # QA may read both sides now, but not start QA, note, override, return or approve them.
    assert [a.name for a in workflow.available_actions(first, personas.qa_a)] == ["eliminate"]
    assert workflow.withheld_actions(first, personas.qa_a) == [workflow.CALIBRATION_KEPT]
    assert not workflow.may_qa(first, personas.qa_a)
    with pytest.raises(workflow.Refused, match="blind reviews of a calibration case"):
        workflow.transition(first, "start_qa", personas.qa_a)
    assert Review.objects.get(pk=first.pk).status == S.SUBMITTED
    # The queue and the QA lead's home page count the ordinary review only.
    queue = client_for(personas.qa_a).get(reverse("reviews:qa_queue")).content.decode()
    assert f"/reviews/{ordinary.pk}/" in queue
    assert f"/reviews/{first.pk}/" not in queue and f"/reviews/{second.pk}/" not in queue
    assert [a.text for a in attention_for(personas.qa_a) if a.url_name == "reviews:qa_queue"] == [
        "1 review submitted and waiting for QA"
    ]
