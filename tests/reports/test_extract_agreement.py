"""Agreement between reviews and the extract, in aggregate: exact figures, scoping, the quarterly report
page, the report snapshot (new ones only; an old snapshot still renders) and the admin's case page."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest

from reports import document, rendering
from reports.extract_agreement import agreement, for_report
from reports.models import CaseExtractLink
from reports.quarterly import Quarter, Scope, reviews_in_quarter
from reviews.models import Review
from reviews.scoring import record_answers
from tests.metrics.bundle import load
from tests.metrics.helpers import assignment
from tests.reviews.factories import make_case, make_review

pytestmark = pytest.mark.django_db
Q2 = Quarter.parse("2023Q2")


def visits(child: str, days: tuple[str, ...]) -> list[dict]:
    return [
        {
            "visit_id": f"V-{child}-{d}",
            "child_id": child,
            "worker_id": "W1",
            "visit_date": d,
            "contact_mode": "IN_PERSON",
            "status": "COMPLETED",
        }
        for d in days
    ]


@pytest.fixture
def reviews(tmp_path, agency):
    """6ZA: CASE-1 (C1: no visit in May) and CASE-2 (C2: visited monthly) say monthly; CASE-4 is not
    linked. 6ZB: CASE-3 (C3: visited monthly) says never. CASE-5 (6ZA, linked) is still in progress."""
    every = ("2023-04-12", "2023-05-12", "2023-06-12")
    load(
        tmp_path,
        removal_episodes=[
            {"episode_id": f"E{n}", "child_id": f"C{n}", "removal_date": "2022-11-03"} for n in (1, 2, 3, 5)
        ],
        worker_assignments=[
            assignment("C1", "E1", "6ZA", "2022-11-03"),
            assignment("C2", "E2", "6ZA", "2022-11-03"),
            assignment("C3", "E3", "6ZB", "2022-11-03"),
            assignment("C5", "E5", "6ZA", "2022-11-03"),
        ],
        worker_child_visits=visits("C1", ("2023-04-12", "2023-06-12")) + visits("C2", every) + visits("C3", every),
    )
    made = {}
    for n, code, pattern, child, status in (
        (1, "6ZA", "MONTHLY_PLUS", "C1", Review.Status.APPROVED),
        (2, "6ZA", "MONTHLY_PLUS", "C2", Review.Status.FINALIZED),
        (3, "6ZB", "NEVER", "C3", Review.Status.APPROVED),
        (4, "6ZA", "MONTHLY_PLUS", None, Review.Status.APPROVED),
        (5, "6ZA", "NEVER", "C5", Review.Status.IN_PROGRESS),
    ):
        review = make_review(make_case(f"CASE-{n}", agency=code), pur_start=dt.date(2023, 4, 1))
        Review.objects.filter(pk=review.pk).update(pur_end=dt.date(2023, 6, 30), status=status)
        review.refresh_from_db()
        record_answers(review, {"14A1": pattern}, {})
        if child:
            CaseExtractLink.objects.create(case=review.case, child_id=child, episode_id=f"E{child[1]}")
        made[n] = review
    return made


def test_the_figures_per_item_and_agency_are_exact(reviews, personas):
    rows, linked = agreement(reviews_in_quarter(personas.state_supervisor, Q2, Scope(None)))
    assert linked == 3  # CASE-4 is not linked, CASE-5 is not counted (in progress)
    assert [(r.item, r.agency, r.compared, r.agree, r.share) for r in rows] == [
        ("14", "6ZA", 2, 1, Decimal("50.0")),
        ("14", "6ZB", 1, 0, Decimal("0.0")),
    ]
    assert [(d.case_id, d.check) for d in rows[0].disagreements] == [("CASE-1", "14-visits")]
    assert rows[1].disagreements[0].reason == (
        "Rated as never visited, but the extract records 3 worker/child visit(s) in the period."
    )


def test_the_figures_are_scoped(reviews, personas, agency):
    for user in (personas.supervisor_a, personas.supervisor_a_reviewer_b):
        data = for_report(user, Q2, Scope(agency("6ZA")))
        assert [(r["item"], r["agency"], r["share"]) for r in data["rows"]] == [("14", "6ZA", "50.0")]
        assert "CASE-3" not in str(data)
    assert for_report(personas.supervisor_b, Q2, Scope(agency("6ZB")))["rows"][0]["disagreements"] == [
        {
            "case_id": "CASE-3",
            "check": "14-visits",
            "reason": "Rated as never visited, but the extract records 3 worker/child visit(s) in the period.",
        }
    ]
    assert for_report(personas.supervisor_a, Quarter.parse("2023Q3"), Scope(agency("6ZA"))) is None


def test_the_quarterly_page_shows_the_section(reviews, personas, client_for):
    page = (
        client_for(personas.supervisor_a)
        .get("/reports/quarterly/", {"quarter": "2023Q2", "agency": "6ZA"})
        .content.decode()
    )
    assert "Case reviews against the extract" in page
    assert 'data-agreement="14-6ZA"' in page and "50.0%" in page
    assert "CASE-1 (14-visits): Rated as visited at least once a month" in page
    assert "CASE-3" not in page and 'data-agreement="14-6ZB"' not in page
    # a 6ZB supervisor asking for 6ZA's report is refused before anything is read
    assert client_for(personas.supervisor_b).get(
        "/reports/quarterly/", {"quarter": "2023Q2", "agency": "6ZA"}
    ).status_code in (403, 404)


def test_new_snapshots_carry_it_and_old_ones_still_render(reviews, personas, agency):
    snapshot = document.build(personas.supervisor_a, Q2, Scope(agency("6ZA")))
    assert snapshot["context"]["extract_agreement"]["linked_reviews"] == 2
    html = rendering.to_html(snapshot)
    assert "Case reviews against the extract" in html and "CASE-1 (14-visits)" in html
    old = copy.deepcopy(snapshot)
    del old["context"]["extract_agreement"]  # a snapshot frozen before issue 16
    html = rendering.to_html(old)
    assert "Case reviews against the extract" not in html and "Response and Evaluation Report" in html


def test_the_admin_case_page_shows_the_link_and_the_agreement(reviews, personas, client_for, make_user):
    admin_user = make_user("root", is_staff=True, is_superuser=True)
    page = client_for(admin_user).get(f"/admin/reviews/case/{reviews[1].case.pk}/change/").content.decode()
    assert "data-admin-agreement" in page and "14-visits: Rated as visited at least once a month" in page
    assert "0 of 1" in page and f"/reports/extract/cases/{reviews[1].case.pk}/link/" in page
    # staff without a role in the case's agency see the case, not its reviews against the extract
    staff = make_user("staff_b", ("reviewer", "6ZB"), is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_case", "change_case"]))
    response = client_for(staff).get(f"/admin/reviews/case/{reviews[1].case.pk}/change/")
    assert response.status_code == 200 and "data-admin-agreement" not in response.content.decode()
