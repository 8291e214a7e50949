"""A review case linked to the extract: the panel on its pages, notes on flags, the link form, the QA
queue's flags, and who is refused what (single- and multi-agency personas)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEntry
from reports.models import CaseExtractLink, ExtractCheckNote
from reviews.models import Review
from reviews.scoring import record_answers
from tests.metrics.bundle import load
from tests.metrics.helpers import assignment
from tests.reviews.factories import make_case, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(tmp_path):
    """C1 (6ZA) visited in April and June 2023 only; C2 is 6ZB's child. CASE-A's review (Q2) says monthly."""
    load(
        tmp_path,
        removal_episodes=[
            {"episode_id": "E1", "child_id": "C1", "removal_date": "2022-11-03"},
            {"episode_id": "E2", "child_id": "C2", "removal_date": "2022-11-03"},
        ],
        worker_assignments=[assignment("C1", "E1", "6ZA", "2022-11-03"), assignment("C2", "E2", "6ZB", "2022-11-03")],
        worker_child_visits=[
            {
                "visit_id": f"V{n}",
                "child_id": "C1",
                "worker_id": "W1",
                "visit_date": day,
                "contact_mode": "IN_PERSON",
                "status": "COMPLETED",
            }
            for n, day in enumerate(("2023-04-12", "2023-06-12"))
        ],
    )
    review = make_review(make_case("CASE-A"), pur_start=dt.date(2023, 4, 1))
    Review.objects.filter(pk=review.pk).update(pur_end=dt.date(2023, 6, 30), status=Review.Status.SUBMITTED)
    review.refresh_from_db()
    record_answers(review, {"14A1": "MONTHLY_PLUS", "9APP": "NO"}, {})
    CaseExtractLink.objects.create(case=review.case, child_id="C1", episode_id="E1", source="sample")
    return review


def test_the_review_page_shows_the_panel_with_the_flag(linked, personas, client_for):
    page = client_for(personas.reviewer_a).get(f"/reviews/{linked.pk}/").content.decode()
    assert "What the extract says" in page
    assert 'data-flag-count="1"' in page
    assert "no worker/child visit in 2023-05" in page
    assert 'data-check="14-visits" class="table-warning" data-flagged' in page
    # on item 14's page, only item 14's checks; item 9 has none, so no panel
    item14 = client_for(personas.reviewer_a).get(f"/reviews/{linked.pk}/items/14/").content.decode()
    assert "What the extract says about item 14" in item14 and 'data-check="4-count"' not in item14
    assert (
        "What the extract says"
        not in client_for(personas.reviewer_a).get(f"/reviews/{linked.pk}/items/9/").content.decode()
    )


def test_other_agencies_never_see_the_review_its_panel_or_its_link(linked, personas, client_for):
    for user in (personas.reviewer_b, personas.qa_b, personas.supervisor_b):
        client = client_for(user)
        assert client.get(f"/reviews/{linked.pk}/").status_code == 404
        assert client.get(f"/reports/extract/cases/{linked.case.pk}/link/").status_code == 404
        assert (
            client.post(
                f"/reports/extract/reviews/{linked.pk}/notes/", {"check_key": "14-visits", "text": "x"}
            ).status_code
            == 404
        )
    assert not ExtractCheckNote.objects.exists()


def test_the_qa_queue_counts_the_flags(linked, personas, client_for):
    page = client_for(personas.qa_a).get("/reviews/qa/").content.decode()
    assert "Data flags" in page and 'data-flags="1"' in page
    # a 6ZB QA reviewer's queue does not hold the review
    assert "CASE-A" not in client_for(personas.qa_b).get("/reviews/qa/").content.decode()


def test_a_note_on_a_flag_is_saved_audited_and_removed(linked, personas, client_for):
    client = client_for(personas.reviewer_a)
    url = f"/reports/extract/reviews/{linked.pk}/notes/"
    response = client.post(
        url, {"check_key": "14-visits", "text": "May's visit is on paper only.", "next": f"/reviews/{linked.pk}/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/reviews/{linked.pk}/"
    note = ExtractCheckNote.objects.get()
    assert (note.check_key, note.text, note.author) == (
        "14-visits",
        "May's visit is on paper only.",
        personas.reviewer_a,
    )
    assert "May&#x27;s visit is on paper only." in client.get(f"/reviews/{linked.pk}/").content.decode()
    entry = AuditEntry.objects.get(action="reports.extract.note_saved")
    assert entry.data == {"check": "14-visits", "text": "May's visit is on paper only."} and entry.agency.code == "6ZA"
    # an unknown comparison is refused; an outside redirect target is ignored
    client.post(url, {"check_key": "99-nothing", "text": "x", "next": "https://evil.example/"})
    assert ExtractCheckNote.objects.count() == 1
    client.post(url, {"check_key": "14-visits", "text": ""})
    assert not ExtractCheckNote.objects.exists()
    assert AuditEntry.objects.filter(action="reports.extract.note_removed").count() == 1


def test_who_may_write_a_note(linked, personas, client_for):
    url = f"/reports/extract/reviews/{linked.pk}/notes/"
    data = {"check_key": "14-visits", "text": "why"}
    # review.view in 6ZA but neither review.edit nor review.qa there: 403
    for user in (personas.viewer_a, personas.supervisor_a, personas.supervisor_a_reviewer_b):
        assert client_for(user).post(url, data).status_code == 403
    assert client_for(personas.qa_a).post(url, data).status_code == 302
    assert client_for(personas.qa_a_viewer_b).post(url, data).status_code == 302
    assert ExtractCheckNote.objects.get().author == personas.qa_a_viewer_b


def test_linking_by_hand_is_scoped_checked_and_audited(linked, personas, client_for):
    case = make_case("CASE-A2")
    url = f"/reports/extract/cases/{case.pk}/link/"
    client = client_for(personas.qa_a)
    # 6ZB's child is not among 6ZA's children: refused with a message, nothing saved
    page = client.post(url, {"action": "set", "child_id": "C2"}).content.decode()
    assert "No child C2 among 6ZA&#x27;s children in the current extract." in page
    page = client.post(url, {"action": "set", "child_id": "C1", "episode_id": "E2"}).content.decode()
    assert "Child C1 has no removal episode E2" in page
    assert not CaseExtractLink.objects.filter(case=case).exists()
    assert client.post(url, {"action": "set", "child_id": "C1", "episode_id": "E1"}).status_code == 302
    link = CaseExtractLink.objects.get(case=case)
    assert (link.child_id, link.episode_id, link.linked_by, link.source) == ("C1", "E1", personas.qa_a, "hand")
    assert AuditEntry.objects.get(action="reports.extract.linked").data == {"child_id": "C1", "episode_id": "E1"}
    assert client.post(url, {"action": "clear"}).status_code == 302
    assert not CaseExtractLink.objects.filter(case=case).exists()
    assert AuditEntry.objects.get(action="reports.extract.unlinked").data == {"child_id": "C1", "episode_id": "E1"}


def test_who_may_open_the_link_form(linked, personas, client_for):
    url = f"/reports/extract/cases/{linked.case.pk}/link/"
    for user in (personas.qa_a, personas.supervisor_a, personas.admin_a, personas.state_admin, personas.qa_a_viewer_b):
        assert client_for(user).get(url).status_code == 200, user
    # review.view in 6ZA without a linking capability there
    for user in (personas.reviewer_a, personas.viewer_a, personas.reviewer_a_viewer_b, personas.state_reviewer):
        assert client_for(user).get(url).status_code == 403, user
    # a reviewer in 6ZB who supervises in 6ZA may link 6ZA's case, not 6ZB's
    case_b = make_case("CASE-B", agency="6ZB")
    assert client_for(personas.supervisor_a_reviewer_b).get(url).status_code == 200
    assert (
        client_for(personas.supervisor_a_reviewer_b).get(f"/reports/extract/cases/{case_b.pk}/link/").status_code == 403
    )
    assert client_for(personas.qa_a).get(f"/reports/extract/cases/{case_b.pk}/link/").status_code == 404


def test_a_multi_agency_user_notes_only_where_they_do_qa(linked, personas, client_for):
    """qa_a_viewer_b: QA in 6ZA, agency viewer in 6ZB. 6ZB's linked review shows its panel, read-only."""
    review_b = make_review(make_case("CASE-B", agency="6ZB"), pur_start=dt.date(2023, 4, 1))
    record_answers(review_b, {"14A1": "NEVER"}, {})
    CaseExtractLink.objects.create(case=review_b.case, child_id="C2", episode_id="E2")
    client = client_for(personas.qa_a_viewer_b)
    page = client.get(f"/reviews/{review_b.pk}/").content.decode()
    assert "What the extract says" in page and "Save note" not in page and "Change the link" not in page
    assert (
        client.post(
            f"/reports/extract/reviews/{review_b.pk}/notes/", {"check_key": "14-visits", "text": "x"}
        ).status_code
        == 403
    )
    assert client.get(f"/reports/extract/cases/{review_b.case.pk}/link/").status_code == 403
    page = client.get(f"/reviews/{linked.pk}/").content.decode()
    assert "Save note" in page and "Change the link" in page
    assert not ExtractCheckNote.objects.exists()


def test_the_queue_compares_every_linked_review_in_a_constant_number_of_queries(linked, personas):
    """The QA queue's flag column reads the extract once per table, not once per linked review."""
    from reviews import panels

    def counted(reviews):
        with CaptureQueriesContext(connection) as queries:
            counts = panels.flag_counts(personas.qa_a, reviews)
        return counts, len(queries)

    one, queries_for_one = counted([linked])
    assert one == {linked.pk: 1}
    more = [linked]
    for n in range(4):
        review = make_review(make_case(f"CASE-Q{n}"), pur_start=dt.date(2023, 4, 1))
        Review.objects.filter(pk=review.pk).update(pur_end=dt.date(2023, 6, 30), status=Review.Status.SUBMITTED)
        review.refresh_from_db()
        record_answers(review, {"14A1": "MONTHLY_PLUS" if n % 2 else "LESS_THAN_MONTHLY"}, {})
        CaseExtractLink.objects.create(case=review.case, child_id="C1", episode_id="E1", source="sample")
        more.append(Review.objects.select_related("case").get(pk=review.pk))
    counts, queries_for_five = counted(more)
    assert queries_for_five == queries_for_one
    # Monthly visits claimed against a month without one: flagged; "less than monthly": agrees.
    assert [counts[r.pk] for r in more] == [1, 0, 1, 0, 1]
