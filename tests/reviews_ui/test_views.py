"""Review entry and QA pages: scoping (404), capabilities (403), saving answers one at a time."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.models import QANote, Review
from tests.reviews.factories import make_case
from tests.reviews_ui.helpers import complete_review

S = Review.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def review_a(personas):
    return complete_review(personas.reviewer_a, case_id="UI-A-0001", agency="6ZA", drop=("14B",))


@pytest.fixture
def review_b(personas):
    return complete_review(personas.reviewer_b, case_id="UI-B-0001", agency="6ZB", status=S.FINALIZED)


def answer(client, review, code, value, version=None, person=None, **extra):
    data = {
        "code": code,
        f"q{code}-{person or 'case'}-value": value,
        "version": review.version if version is None else version,
    }
    if person:
        data["person"] = person
    data.update(extra)
    return client.post(reverse("reviews:answer", args=[review.pk]), data)


def test_pages_require_login(client, review_a):
    for url in (
        reverse("reviews:case_list"),
        reverse("reviews:review_detail", args=[review_a.pk]),
        reverse("reviews:summary"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_every_review_page_renders_for_the_assigned_reviewer(personas, client_for, review_a):
    client = client_for(personas.reviewer_a)
    urls = [
        reverse("reviews:case_list"),
        reverse("reviews:review_list"),
        reverse("reviews:review_detail", args=[review_a.pk]),
    ]
    urls += [reverse("reviews:face_sheet", args=[review_a.pk])]
    urls += [reverse("reviews:item", args=[review_a.pk, str(n)]) for n in range(1, 19)]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("reviews:item", args=[review_a.pk, "19"])).status_code == 404


@pytest.mark.parametrize("person", ["viewer_a", "reviewer_a", "qa_a", "supervisor_a"])
def test_other_agency_reviews_are_404(personas, client_for, review_b, person):
    client = client_for(getattr(personas, person))
    for name in ("review_detail", "face_sheet"):
        assert client.get(reverse(f"reviews:{name}", args=[review_b.pk])).status_code == 404
    assert client.get(reverse("reviews:item", args=[review_b.pk, "14"])).status_code == 404
    assert answer(client, review_b, "14B", "YES").status_code == 404
    post = {"action": "start_qa"}
    assert client.post(reverse("reviews:transition", args=[review_b.pk]), post).status_code == 404


def test_an_agency_viewer_never_sees_another_agencys_reviews_in_lists(personas, client_for, review_a, review_b):
    client = client_for(personas.viewer_a)
    body = client.get(reverse("reviews:case_list")).content.decode()
    assert "UI-A-0001" in body and "UI-B-0001" not in body
    client_b = client_for(personas.viewer_b)
    body = client_b.get(reverse("reviews:case_list")).content.decode()
    assert "UI-B-0001" in body and "UI-A-0001" not in body


@pytest.mark.parametrize(
    "person,url_name,status",
    [
        ("viewer_a", "qa_queue", 403),
        ("reviewer_a", "qa_queue", 403),
        ("supervisor_a", "qa_queue", 403),
        ("qa_a", "qa_queue", 200),
        ("reviewer_a", "summary", 403),
        ("qa_a", "summary", 403),
        ("viewer_a", "summary", 200),
        ("supervisor_a", "summary", 200),
        ("reviewer_a", "sample_list", 403),
        ("admin_a", "sample_list", 200),
        ("viewer_a", "case_list", 200),
    ],
)
def test_capabilities_decide_who_opens_which_page(personas, client_for, person, url_name, status):
    assert client_for(getattr(personas, person)).get(reverse(f"reviews:{url_name}")).status_code == status


@pytest.mark.parametrize("person", ["viewer_a", "supervisor_a", "qa_a"])
def test_only_assigned_reviewers_save_answers(personas, client_for, review_a, person):
    response = answer(client_for(getattr(personas, person)), review_a, "14B", "YES")
    assert response.status_code == 403
    assert not review_a.answers.filter(question_code="14B").exists()


def test_a_reviewer_starts_a_review_and_is_assigned(personas, client_for):
    case = make_case("UI-NEW-1", agency="6ZA")
    client = client_for(personas.reviewer_a)
    response = client.post(reverse("reviews:review_create", args=[case.pk]), {"pur_start": "2023-07-01"})
    review = Review.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == reverse("reviews:face_sheet", args=[review.pk])
    assert list(review.reviewers.all()) == [personas.reviewer_a]
    # Face Sheet A (the site), B (the case name on file: its number until changed) and D are filled in.
    assert review.face_sheet == {
        "A": "Missouri, Jackson County (circuit 16), agency 6ZA",
        "B": "UI-NEW-1",
        "C_start": "2023-07-01",
        "D": "Rita Reviewer",
        "G": "FOSTER_CARE",
    }
    assert review.item_ratings.get(item="14").effective == "INCOMPLETE"
    # A second review for the same period is refused with a message, nothing created.
    response = client.post(reverse("reviews:review_create", args=[case.pk]), {"pur_start": "2023-07-01"})
    assert "already has a review in progress" in response.content.decode()
    assert Review.objects.filter(case=case).count() == 1


def test_other_agency_case_cannot_be_reviewed(personas, client_for):
    case = make_case("UI-NEW-B", agency="6ZB")
    response = client_for(personas.reviewer_a).post(
        reverse("reviews:review_create", args=[case.pk]), {"pur_start": "2023-07-01"}
    )
    assert response.status_code == 404
    assert client_for(personas.viewer_b).get(reverse("reviews:review_create", args=[case.pk])).status_code == 403


def test_an_answer_saves_and_the_rating_with_its_reason_comes_back(personas, client_for, review_a):
    client = client_for(personas.reviewer_a)
    response = answer(client, review_a, "14B", "NO")
    body = response.content.decode()
    assert response.status_code == 200
    assert review_a.answers.get(question_code="14B").value == "NO"
    assert "because 14B = NO" in body  # the rating panel, swapped out of band
    assert f'id="review-version" name="version" value="{review_a.version + 1}" hx-swap-oob="true"' in body
    assert 'data-item="14">ANI<' in body  # the sidebar
    review_a.refresh_from_db()
    assert review_a.item_ratings.get(item="14").effective == "ANI"


def test_a_value_breaking_a_rule_is_refused_and_shown_back_with_the_reason(personas, client_for, review_a):
    client = client_for(personas.reviewer_a)
    version = review_a.version
    response = answer(client, review_a, "14B", "NA")
    body = response.content.decode()
    assert "may be NA only when 14A1 = NEVER" in body
    assert 'value="NA" class="form-check-input is-invalid" name="q14B-case-value"' in body or "is-invalid" in body
    assert "checked" in body.split('id="q-14B"')[1].split("</section>")[0]  # the typed choice stays selected
    assert not review_a.answers.filter(question_code="14B").exists()
    review_a.refresh_from_db()
    assert review_a.version == version


def test_a_malformed_value_is_refused_by_the_form(personas, client_for, make_user):
    review = complete_review(personas.reviewer_a, case_id="UI-A-4", drop=("4A", "4B", "4C"))
    response = answer(client_for(personas.reviewer_a), review, "4A", "two")
    assert "Enter a whole number." in response.content.decode()
    assert 'value="two"' in response.content.decode()
    assert not review.answers.filter(question_code="4A").exists()


def test_a_stale_save_is_refused_with_a_clear_message_and_nothing_is_lost(personas, client_for, review_a):
    client = client_for(personas.reviewer_a)
    stale_version = review_a.version
    answer(client, review_a, "14B", "NO", version=stale_version)
    response = answer(client, review_a, "14B", "YES", version=stale_version)
    body = response.content.decode()
    assert "Someone else saved this review after you opened it" in body
    # The page keeps its old version: later saves are refused too until the reviewer reloads.
    assert 'id="review-version"' not in body
    assert review_a.answers.get(question_code="14B").value == "NO"
    # The refused value is still shown, selected, so the reviewer can enter it again after reloading.
    block = body.split('id="q-14B"')[1].split("</section>")[0]
    assert 'value="YES"' in block and "checked" in block.split('value="YES"')[1][:80]


def test_item_pages_show_help_without_the_specs_confidence_tags(personas, client_for, review_a):
    client = client_for(personas.reviewer_a)
    pages = [client.get(reverse("reviews:item", args=[review_a.pk, str(n)])).content.decode() for n in (1, 3, 6)]
    assert "1A is derived from them." in pages[0]
    assert not any(tag in page for page in pages for tag in ("[S]", "[R]", "[I]"))
    # The instrument document keeps them: it is read against the federal instrument.
    assert "[I]" in client.get(reverse("reviews:instrument")).content.decode()


def test_per_person_answers_are_saved_once_per_person(personas, client_for):
    review = complete_review(personas.reviewer_a, case_id="UI-A-P")
    from reviews.models import Participant

    Participant.objects.create(review=review, key="f1", role="FATHER")
    Participant.objects.create(review=review, key="f2", role="FATHER")
    client = client_for(personas.reviewer_a)
    page = client.get(reverse("reviews:item", args=[review.pk, "8"])).content.decode()
    assert 'name="q8B-f1-value"' in page and 'name="q8B-f2-value"' in page
    response = answer(client, review, "8B", "YES", person="f1")
    assert response.status_code == 200
    values = {a.participant.key: a.value for a in review.answers.filter(question_code="8B").exclude(participant=None)}
    # The role answer (NO) held for both fathers until f1's answer changed.
    assert values == {"f1": "YES", "f2": "NO"}
    assert review.item_ratings.get(item="8").reasons == ["8B = NO (f1 = YES, f2 = NO)"]


def test_narratives_and_rationales_save_without_rerendering(personas, client_for, review_a):
    client = client_for(personas.reviewer_a)
    url = reverse("reviews:narrative", args=[review_a.pk])
    response = client.post(url, {"code": "13C", "narrative-13C": "Child not involved.", "version": review_a.version})
    assert "Saved ✓" in response.content.decode()
    assert review_a.answers.get(question_code="13C", participant=None).narrative == "Child not involved."
    review_a.refresh_from_db()
    client.post(url, {"code": "13", "narrative-13": "Rated ANI: 13C.", "version": review_a.version})
    assert review_a.answers.get(question_code="13").narrative == "Rated ANI: 13C."


def test_the_qa_round_through_the_pages(personas, client_for, review_a):
    reviewer, qa = client_for(personas.reviewer_a), client_for(personas.qa_a)
    answer(reviewer, review_a, "14B", "YES")
    transition = reverse("reviews:transition", args=[review_a.pk])
    assert reviewer.post(transition, {"action": "submit"}).status_code == 302
    assert qa.post(transition, {"action": "start_qa"}).status_code == 302
    queue = qa.get(reverse("reviews:qa_queue")).content.decode()
    assert "UI-A-0001" in queue
    qa.post(reverse("reviews:note_add", args=[review_a.pk]), {"question_code": "14b", "text": "Seen alone?"})
    note = QANote.objects.get(review=review_a)
    assert note.question_code == "14B"
    qa.post(transition, {"action": "return"})
    review_a.refresh_from_db()
    assert review_a.status == S.RETURNED
    reviewer.post(reverse("reviews:note_reply", args=[review_a.pk, note.pk]), {"reply": "Yes, at school."})
    reviewer.post(transition, {"action": "submit"})
    qa.post(transition, {"action": "start_qa"})
    response = qa.post(transition, {"action": "approve"}, follow=True)
    assert "Resolve every QA note first (open on 14B)." in response.content.decode()
    qa.post(reverse("reviews:note_resolve", args=[review_a.pk, note.pk]))
    qa.post(transition, {"action": "approve"})
    review_a.refresh_from_db()
    assert review_a.status == S.APPROVED
    assert list(review_a.status_changes.values_list("action", flat=True)) == [
        "submit",
        "start_qa",
        "return",
        "submit",
        "start_qa",
        "approve",
    ]


def test_the_reviewer_cannot_take_qa_actions(personas, client_for, review_a):
    Review.objects.filter(pk=review_a.pk).update(status=S.SUBMITTED)
    response = client_for(personas.reviewer_a).post(
        reverse("reviews:transition", args=[review_a.pk]), {"action": "start_qa"}
    )
    assert response.status_code == 403
    review_a.refresh_from_db()
    assert review_a.status == S.SUBMITTED


def test_qa_overrides_through_the_page(personas, client_for, review_a):
    answer(client_for(personas.reviewer_a), review_a, "14B", "NO")
    Review.objects.filter(pk=review_a.pk).update(status=S.FIRST_LEVEL_QA)
    url = reverse("reviews:override", args=[review_a.pk])
    assert (
        client_for(personas.reviewer_a).post(url, {"key": "14", "rating": "STRENGTH", "reason": "x"}).status_code == 403
    )
    response = client_for(personas.qa_a).post(url, {"key": "14", "rating": "STRENGTH", "reason": ""}, follow=True)
    assert "Override of 14: an override needs a reason." in response.content.decode()
    client_for(personas.qa_a).post(url, {"key": "14", "rating": "STRENGTH", "reason": "Seen at school."})
    row = review_a.item_ratings.get(item="14")
    assert (row.calculated, row.effective, row.override_reason) == ("ANI", "STRENGTH", "Seen at school.")


def test_a_finalized_review_is_read_only_in_the_pages(personas, client_for, review_b):
    client = client_for(personas.reviewer_b)
    page = client.get(reverse("reviews:item", args=[review_b.pk, "14"])).content.decode()
    assert "Read-only for you" in page and 'name="q14B-case-value"' in page and "disabled" in page
    response = answer(client, review_b, "14B", "YES")
    assert "its answers cannot be changed now" in response.content.decode()
    assert review_b.answers.get(question_code="14B").value == "NO"


def test_answer_changes_record_who_and_old_to_new(personas, client_for, review_a):
    client = client_for(personas.reviewer_a)
    answer(client, review_a, "14B", "NO")
    review_a.refresh_from_db()
    answer(client, review_a, "14B", "YES")
    latest = review_a.answers.get(question_code="14B", participant=None).history.order_by("-history_id").first()
    assert (latest.value, latest.history_user) == ("YES", personas.reviewer_a)
    page = client.get(reverse("reviews:review_detail", args=[review_a.pk]))
    changes = [(c.user, c.code, c.old, c.new) for c in page.context["answer_changes"][:2]]
    assert changes == [("reviewer_a", "14B", "NO", "YES"), ("reviewer_a", "14B", None, "NO")]


def test_an_answer_can_be_cleared(personas, client_for, review_a):
    client = client_for(personas.reviewer_a)
    answer(client, review_a, "14B", "NO")
    review_a.refresh_from_db()
    page = client.get(reverse("reviews:item", args=[review_a.pk, "14"])).content.decode()
    assert "Clear answer" in page.split('id="q-14B"')[1].split("</section>")[0]
    client.post(
        reverse("reviews:answer", args=[review_a.pk]), {"code": "14B", "clear": "1", "version": review_a.version}
    )
    assert not review_a.answers.filter(question_code="14B").exclude(value=None).exists()
    assert review_a.item_ratings.get(item="14").effective == "INCOMPLETE"


def test_my_reviews_counts_incomplete_items_and_open_notes(personas, client_for, review_a):
    QANote.objects.create(review=review_a, question_code="14B", author=personas.qa_a, text="?")
    rows = client_for(personas.reviewer_a).get(reverse("reviews:review_list")).context["rows"]
    assert [(r.case.case_id, incomplete, notes) for r, incomplete, notes in rows] == [("UI-A-0001", 1, 1)]
    assert client_for(personas.reviewer_b).get(reverse("reviews:review_list")).context["rows"] == []


def test_questions_that_do_not_apply_are_locked_with_the_reason(personas, client_for, review_a):
    client = client_for(personas.reviewer_a)

    def block(key: str, code: str) -> str:
        page = client.get(reverse("reviews:item", args=[review_a.pk, key])).content.decode()
        return page.split(f'id="q-{code}"')[1].split("</section>")[0]

    # COMPLETE_FC: 7APP = NO, 4A = 1, 1APP = NO.
    assert "Not asked because 7APP = No (the item is NA)." in block("7", "7A")
    assert 'name="q7A-case-value"' not in block("7", "7A")
    assert "Not applicable: Set by the instrument because 4A = 1 (no placement change)." in block("4", "4B")
    assert 'name="q7APP-case-value"' in block("7", "7APP")  # the gate itself stays answerable


def test_foster_care_items_are_na_for_in_home_cases(personas, client_for):
    from tests.reviews.factories import make_case, make_review

    review = make_review(make_case("UI-IH-1", agency="6ZA", case_type="IN_HOME"))
    review.reviewers.add(personas.reviewer_a)
    page = client_for(personas.reviewer_a).get(reverse("reviews:item", args=[review.pk, "8"])).content.decode()
    assert "NA because the case is in-home: item 8 is asked only in foster care cases." in page
    assert 'name="q8A' not in page


def test_an_answer_waiting_for_its_narrative_goes_in_with_it(personas, client_for):
    review = complete_review(personas.reviewer_a, case_id="UI-A-8", drop=("8A1", "8A", "8C"))
    client = client_for(personas.reviewer_a)
    answer(client, review, "8A1", "NEVER")
    review.refresh_from_db()
    body = answer(client, review, "8A", "YES").content.decode()
    assert "8A is YES although 8A1 = NEVER: explain the other contact in a narrative" in body
    assert 'name="narrative-8A"' in body  # the box is offered at once
    assert not review.answers.filter(question_code="8A").exists()
    review.refresh_from_db()
    response = client.post(
        reverse("reviews:narrative", args=[review.pk]),
        {"code": "8A", "narrative-8A": "Weekly phone calls.", "q8A-case-value": "YES", "version": review.version},
    )
    assert response["HX-Retarget"] == "#item-body"
    saved = review.answers.get(question_code="8A", participant=None)
    assert (saved.value, saved.narrative) == ("YES", "Weekly phone calls.")


def test_a_narrative_is_kept_even_when_a_pending_answer_is_still_refused(personas, client_for, review_a):
    client = client_for(personas.reviewer_a)
    response = client.post(
        reverse("reviews:narrative", args=[review_a.pk]),
        {"code": "14B", "narrative-14B": "Short visits.", "q14B-case-value": "NA", "version": review_a.version},
    )
    assert "Saved ✓" in response.content.decode()
    saved = review_a.answers.get(question_code="14B", participant=None)
    assert (saved.value, saved.narrative) == (None, "Short visits.")


def test_a_gate_answered_no_offers_to_clear_the_items_answers(personas, client_for, review_a):
    client = client_for(personas.reviewer_a)
    body = answer(client, review_a, "16APP", "NO").content.decode()
    assert "16A is answered although 16APP = NO" in body
    assert "Clear 16A and answer No" in body  # 16B = NA does not block the gate
    assert review_a.answers.get(question_code="16APP").value == "YES"
    review_a.refresh_from_db()
    answer(client, review_a, "16APP", "NO", clear_skipped="1")
    assert review_a.answers.get(question_code="16APP").value == "NO"
    assert not review_a.answers.filter(question_code="16A").exclude(value=None).exists()
    # Withdrawn, not lost: the history keeps the answer the gate's NO cleared.
    assert "YES" in review_a.answers.model.history.filter(question_code="16A").values_list("value", flat=True)
    assert review_a.item_ratings.get(item="16").effective == "NA"


def test_face_sheet_fields_save_one_at_a_time_and_fixed_ones_are_refused(personas, client_for, review_a):
    client = client_for(personas.reviewer_a)
    url = reverse("reviews:face_sheet_save", args=[review_a.pk])
    response = client.post(url, {"code": "H", "fsH-value": "NO", "version": review_a.version})
    assert "Saved ✓" in response.content.decode()
    review_a.refresh_from_db()
    assert review_a.face_sheet["H"] == "NO"
    response = client.post(url, {"code": "N1", "fsN1-value": ["NEGLECT", "OTHER"], "version": review_a.version})
    review_a.refresh_from_db()
    assert review_a.face_sheet["N1"] == ["NEGLECT", "OTHER"]  # Round 4 letter (the draft's M1)
    for code in ("C_start", "E", "G"):
        response = client.post(url, {"code": code, f"fs{code}-value": "2024-01-01", "version": review_a.version})
        assert "Not saved" in response.content.decode()
    review_a.refresh_from_db()
    assert str(review_a.pur_start) == "2023-04-01" and "E" not in review_a.face_sheet
    stale = client.post(url, {"code": "H", "fsH-value": "YES", "version": review_a.version - 1})
    assert "Someone else saved this review" in stale.content.decode()
    review_a.refresh_from_db()
    assert review_a.face_sheet["H"] == "NO"


def test_participants_are_added_with_keys_and_removed_after_a_confirmation(personas, client_for):
    review = complete_review(personas.reviewer_a, case_id="UI-A-PP")
    client = client_for(personas.reviewer_a)
    url = reverse("reviews:participant_add", args=[review.pk])
    client.post(url, {"role": "FATHER", "label": "legal father"})
    client.post(url, {"role": "FATHER", "label": "birth father"})
    assert list(review.participants.values_list("key", "role", "label")) == [
        ("f1", "FATHER", "legal father"),
        ("f2", "FATHER", "birth father"),
    ]
    review.refresh_from_db()
    answer(client, review, "8B", "YES", person="f1")
    f1 = review.participants.get(key="f1")
    remove = reverse("reviews:participant_remove", args=[review.pk, f1.pk])
    # Without the confirmation nothing happens: the page says what the removal touches.
    for response in (client.get(remove), client.post(remove)):
        body = response.content.decode()
        assert "Remove f1 (Father, legal father)?" in body
        assert "f1's own answers to <strong>8B</strong> are removed with them" in body
    assert review.participants.filter(key="f1").exists()
    client.post(url, {"role": "OTHER", "label": "maternal aunt"})
    aunt = review.participants.get(key="o1")
    review.refresh_from_db()
    client.post(
        reverse("reviews:participant_remove", args=[review.pk, aunt.pk]), {"confirm": "1", "version": review.version}
    )
    assert not review.participants.filter(key="o1").exists()
    assert client_for(personas.viewer_a).post(url, {"role": "MOTHER"}).status_code == 403
    assert client_for(personas.viewer_a).post(remove, {"confirm": "1"}).status_code == 403
    assert client_for(personas.reviewer_b).post(remove, {"confirm": "1"}).status_code == 404
    assert review.participants.filter(key="f1").exists()


def test_the_navigator_lists_open_notes_waiting_for_a_reply(personas, client_for, review_a):
    QANote.objects.create(review=review_a, question_code="14B", author=personas.qa_a, text="Seen alone?")
    QANote.objects.create(review=review_a, question_code="13C", author=personas.qa_a, text="Done.", reply="Yes.")
    missing = (
        client_for(personas.reviewer_a).get(reverse("reviews:review_detail", args=[review_a.pk])).context["missing"]
    )
    notes = [(m.code, m.text, m.url) for m in missing if m.kind == "note"]
    assert notes == [("14B", "QA note: Seen alone?", f"/reviews/{review_a.pk}/items/14/#q-14B")]


@pytest.mark.parametrize(
    "person,expected",
    [("reviewer_a", 403), ("viewer_a", 403), ("supervisor_a", 403), ("qa_b", 404), ("viewer_b", 404)],
)
def test_only_qa_of_the_agency_adds_resolves_or_deletes_notes(personas, client_for, review_a, person, expected):
    Review.objects.filter(pk=review_a.pk).update(status=S.FIRST_LEVEL_QA)
    note = QANote.objects.create(review=review_a, question_code="14B", author=personas.qa_a, text="?")
    client = client_for(getattr(personas, person))
    assert (
        client.post(reverse("reviews:note_add", args=[review_a.pk]), {"question_code": "14B", "text": "x"}).status_code
        == expected
    )
    assert client.post(reverse("reviews:note_resolve", args=[review_a.pk, note.pk])).status_code == expected
    assert client.post(reverse("reviews:note_delete", args=[review_a.pk, note.pk])).status_code == expected
    note.refresh_from_db()
    assert (note.resolved, QANote.objects.filter(review=review_a).count()) == (False, 1)


def test_state_pages_refuse_get_for_posts(personas, client_for, review_a):
    client = client_for(personas.reviewer_a)
    for name in ("answer", "narrative", "transition", "note_add", "override", "face_sheet_save"):
        assert client.get(reverse(f"reviews:{name}", args=[review_a.pk])).status_code == 405, name


def test_the_answer_history_shows_the_true_count_and_pages_through_it(personas, client_for, review_a):
    from reviews import entry, workflow

    before = len(entry.answer_changes(review_a))
    for n in range(112 - before):
        review_a.refresh_from_db()
        workflow.save_answers(
            review_a, personas.reviewer_a, {"13C": "NO" if n % 2 else "YES"}, expected_version=review_a.version
        )
    assert len(entry.answer_changes(review_a)) == 112
    client = client_for(personas.reviewer_a)
    url = reverse("reviews:review_detail", args=[review_a.pk])
    body = client.get(url).content.decode()
    # The defect: "(50, latest 50)" while 112 changes existed.
    assert "(112 changes; 1–50 shown, newest first)" in body
    assert body.count('href="?changes_page=3#answer-history"') == 1
    third = client.get(url, {"changes_page": 3})
    assert len(third.context["answer_changes"]) == 12
    assert "(112 changes; 101–112 shown, newest first)" in third.content.decode()
    assert '<details class="mt-3" id="answer-history" open>' in third.content.decode()
    oldest = third.context["answer_changes"][-1]
    assert oldest.old is None  # the first answer ever given
