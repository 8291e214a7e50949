"""The home page's "Needs your attention" (accounts.attention and each app's provider): counts in the
agencies where the user holds the capability that opens the linked page, nothing from elsewhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.attention import attention_for
from accounts.models import Agency
from reports import publishing
from reports.quarterly import Quarter, resolve_scope
from reviews.models import Review
from surveys.models import FollowUpRequest
from tests.reviews_ui.helpers import complete_review

pytestmark = pytest.mark.django_db
Q3 = Quarter(2023, 3)


def lines(user) -> list[tuple[bool, str, str]]:
    return [(a.urgent, a.text, a.url) for a in attention_for(user)]


def test_a_reviewer_sees_their_own_reviews_in_the_agencies_where_they_review(personas):
    user = personas.reviewer_a_viewer_b  # reviewer in 6ZA, viewer in 6ZB
    complete_review(user, "ATT-1", "6ZA", Review.Status.RETURNED)
    complete_review(user, "ATT-2", "6ZA")
    complete_review(user, "ATT-3", "6ZA")
    complete_review(user, "ATT-4", "6ZB", Review.Status.RETURNED)  # assigned, but no reviewer role in 6ZB
    complete_review(personas.reviewer_a, "ATT-5", "6ZA", Review.Status.RETURNED)  # someone else's
    assert lines(user) == [
        (True, "1 review returned to you with QA notes to answer", "/reviews/mine/"),
        (False, "2 reviews of yours in progress", "/reviews/mine/"),
    ]


def test_a_qa_lead_sees_the_queue_of_their_agency_only(personas):
    complete_review(personas.reviewer_a, "ATT-Q1", "6ZA", Review.Status.SUBMITTED)
    complete_review(personas.reviewer_a, "ATT-Q2", "6ZA", Review.Status.APPROVED)
    complete_review(personas.reviewer_b, "ATT-Q3", "6ZB", Review.Status.SUBMITTED)
    expected = [
        (True, "1 review submitted and waiting for QA", "/reviews/qa/"),
        (False, "1 approved review waiting for second-level QA", "/reviews/qa/"),
    ]
    assert lines(personas.qa_a) == expected
    assert lines(personas.qa_a_viewer_b) == expected  # 6ZB's submitted review is not theirs to check
    assert lines(personas.viewer_a) == []


def test_open_follow_up_requests_are_counted_for_the_qa_lead_of_their_agency(q3, personas):
    for code, status in (("6ZA", "open"), ("6ZA", "open"), ("6ZA", "closed"), ("6ZB", "open")):
        FollowUpRequest.objects.create(
            wave=q3.wave, agency=Agency.objects.get(code=code), group="youth", name="Synthetic", status=status
        )
    follow_ups = reverse("surveys:follow_up_list")
    assert (True, "2 respondents asked to be contacted about their answers", follow_ups) in lines(personas.qa_a)
    assert (True, "2 respondents asked to be contacted about their answers", follow_ups) in lines(
        personas.qa_a_viewer_b
    )
    assert not [t for t in lines(personas.supervisor_a) if "contacted" in t[1]]


def test_metrics_say_how_many_goals_were_met_in_the_dashboards_opening_month(q3, personas):
    # The dashboard opens on July 2023 in q3 (the latest month with the most metrics statewide):
    # worker/child visits 95.0 % for 6ZA and 96.7 % statewide, goal 95 %; HCY exams (no denominator)
    # has no verdict and is not counted.
    dashboard = "/metrics/?period=2023-07"
    assert lines(personas.supervisor_a) == [(False, "6ZA met the goal on 1 of 1 metric in July 2023", dashboard)]
    assert lines(personas.state_supervisor)[-1] == (
        False,
        "Statewide, the goal was met on 1 of 1 metric in July 2023",
        dashboard,
    )
    # each agency's line goes to those who may see its metrics
    assert lines(personas.supervisor_b) == [(False, "6ZB met the goal on 1 of 1 metric in July 2023", dashboard)]
    # reviewer in 6ZA (no metrics there), viewer in 6ZB: 6ZB's line only
    assert lines(personas.reviewer_a_viewer_b) == lines(personas.supervisor_b)
    assert lines(personas.supervisor_a_reviewer_b) == lines(personas.supervisor_a)


def test_a_report_in_review_waits_for_a_second_person(personas, make_user):
    state, analyst = personas.state_supervisor, make_user("state_analyst", ("supervisor", "CD"))
    report = publishing.start(state, Q3, resolve_scope(state, "all"))
    assert (False, "1 written report in draft", "/reports/written/") in lines(state)
    publishing.edit(report, state, {"introduction": "Edited."})
    publishing.submit(report, state)
    waiting = (True, "1 written report in review, waiting for you to publish", "/reports/written/")
    assert waiting in lines(analyst)
    assert not [t for t in lines(state) if "written report" in t[1]]  # the last editor may not publish
    # an agency's draft is its own supervisors' business
    publishing.start(personas.supervisor_a, Q3, resolve_scope(personas.supervisor_a, "6ZA"))
    assert (False, "1 written report in draft", "/reports/written/") in lines(personas.supervisor_a)
    assert not [t for t in lines(personas.supervisor_b) if "written report" in t[1]]


def test_the_home_page_lists_them_first_and_says_when_nothing_waits(personas, client_for):
    complete_review(personas.reviewer_a, "ATT-H1", "6ZA", Review.Status.RETURNED)
    page = client_for(personas.reviewer_a).get("/").content.decode()
    assert page.index("Needs your attention") < page.index("Your roles")
    assert '<a href="/reviews/mine/">1 review returned to you with QA notes to answer</a>' in page
    assert "Nothing is waiting for you." in client_for(personas.viewer_b).get("/").content.decode()
