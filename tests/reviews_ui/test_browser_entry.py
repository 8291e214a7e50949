"""Review entry defects found in use, checked in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from reviews.instrument import ROUND4
from reviews.models import Answer, Review
from reviews.scoring import record_answers
from tests.reviews_ui.helpers import complete_review
from tests.reviews_ui.test_browser_review_round import log_in

S = Review.Status
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def saved(page: Page, action) -> None:
    """Do `action` and wait for the answer save it triggers to come back."""
    with page.expect_response(lambda r: r.url.endswith("/answer/") and r.status == 200):
        action()


def test_table_rows_are_saved_as_they_are_typed(live_server, page, personas):
    review = complete_review(personas.reviewer_a, drop=("4A1",))
    record_answers(review, {"4A": 2, "4B": "YES"})
    base = live_server.url
    log_in(page, base, "reviewer_a")
    page.goto(f"{base}/reviews/{review.pk}/items/4/")
    navigator = page.locator("#review-navigator")
    expect(navigator).to_contain_text("4A1 lists 0 of the 2 placement(s) counted in 4A")
    expect(page.locator('[data-tab-status="4"]')).to_have_text("to do")

    table = page.locator("#q-4A1")
    saved(page, lambda: table.get_by_label("row 1 Placement setting").select_option("FOSTER_NON_RELATIVE"))
    # The first cell alone is refused (the date is required), and says so next to the table.
    expect(page.locator("#status-q4A1-case")).to_contain_text("row 1: placement_date is required")
    saved(page, lambda: table.get_by_label("row 1 Placement date").fill("2022-11-03"))
    expect(page.locator("#status-q4A1-case")).to_contain_text("Saved")
    expect(navigator).to_contain_text("4A1 lists 1 of the 2 placement(s) counted in 4A")
    # Filling the last row offered a new empty one, without a page load.
    saved(page, lambda: table.get_by_label("row 2 Placement date").fill("2023-02-01"))
    saved(page, lambda: table.get_by_label("row 2 Placement setting").select_option("GROUP_HOME"))
    expect(table.get_by_label("row 3 Placement date")).to_have_value("")
    expect(navigator).not_to_contain_text("4A1")
    expect(page.locator('[data-tab-status="4"]')).to_have_text("done")

    # Leaving without any "Save table" button loses nothing.
    page.goto(f"{base}/reviews/{review.pk}/items/5/")
    page.goto(f"{base}/reviews/{review.pk}/items/4/")
    expect(page.locator("#q-4A1").get_by_label("row 2 Placement setting")).to_have_value("GROUP_HOME")
    rows = Answer.objects.get(review=review, question_code="4A1", participant=None).value
    assert [r["placement_type"] for r in rows] == ["FOSTER_NON_RELATIVE", "GROUP_HOME"]


def test_the_rationale_badge_and_the_navigator_clear_when_the_rationale_is_saved(live_server, page, personas):
    review = complete_review(personas.reviewer_a)
    Answer.objects.filter(review=review, question_code="14").delete()
    base = live_server.url
    log_in(page, base, "reviewer_a")
    page.goto(f"{base}/reviews/{review.pk}/items/14/")
    expect(page.locator("#rationale-needed-14")).to_have_text("needed")
    expect(page.locator('[data-missing="rationale:14"]')).to_be_visible()
    expect(page.locator('[data-tab-status="14"]')).to_have_text("to do")
    box = page.get_by_label("Rating rationale for item 14")
    with page.expect_response(lambda r: r.url.endswith("/narrative/")):
        box.fill("Visits were monthly, but the child was never seen alone.")
        box.blur()
    expect(page.locator("#rationale-needed-14")).to_have_text("")
    expect(page.locator("#review-navigator")).to_contain_text("Nothing is missing")
    expect(page.locator('[data-tab-status="14"]')).to_have_text("ANI")


def test_back_after_submitting_does_not_offer_submit_again(live_server, page, personas):
    review = complete_review(personas.reviewer_a)
    base = live_server.url
    log_in(page, base, "reviewer_a")
    page.goto(f"{base}/reviews/{review.pk}/")
    page.get_by_role("button", name="Submit for QA").click()
    expect(
        page.get_by_text("The review was submitted for QA. It is read-only for you until QA returns it.")
    ).to_be_visible()
    page.go_back()
    expect(page.locator("#review-status")).to_have_text("Submitted for QA")
    expect(page.get_by_role("button", name="Submit for QA")).to_have_count(0)
    review.refresh_from_db()
    assert review.status == S.SUBMITTED


def test_the_face_sheet_uses_date_pickers_real_labels_and_records_interviews(live_server, page, personas, tmp_path):
    from tests.reviews.factories import make_case

    make_case("FS-0001", agency="6ZA")
    base = live_server.url
    log_in(page, base, "reviewer_a")
    page.goto(f"{base}/reviews/")
    page.get_by_role("link", name="Start a review").click()
    page.get_by_label("Period under review: first day (Face Sheet C)").fill("2023-04-01")
    page.get_by_role("button", name="Start the review").click()
    review = Review.objects.get(case__case_id="FS-0001")
    # A, B and D come from the case and the reviewer.
    expect(page.locator("#form-fsA textarea")).to_have_value("Missouri, Jackson County (circuit 16), agency 6ZA")
    expect(page.locator("#form-fsB textarea")).to_have_value("FS-0001")
    expect(page.locator("#form-fsD textarea")).to_have_value("Rita Reviewer")
    # Every date is a date picker; a date that may be a code has its codes beside it (letters from the
    # instrument, which names them: Round 4 re-letters some).
    dates = [s for s in ROUND4.face_sheet if s.kind == "date" and s.code not in ("C_start", "E")]
    coded = [s for s in dates if s.options]
    assert len(dates) >= 4 and len(coded) >= 3
    for spec in dates:
        expect(page.locator(f"#form-fs{spec.code} input[type=date]")).to_have_count(1)
    discharge = next(s for s in coded if "NOT_YET_DISCHARGED" in s.options)
    entry = next(s for s in coded if s.options == ("NA",))
    with page.expect_response(lambda r: r.url.endswith("/face-sheet/save/")):
        page.locator(f"#form-fs{discharge.code} select").select_option("NOT_YET_DISCHARGED")
    with page.expect_response(lambda r: r.url.endswith("/face-sheet/save/")):
        page.locator(f"#form-fs{entry.code} input[type=date]").fill("2022-11-03")
    expect(page.locator(f"#form-fs{discharge.code} select")).to_contain_text("Not yet discharged")
    reasons = next(s for s in ROUND4.face_sheet if s.kind == "multi" and "NEGLECT" in s.options)  # N1 in Round 4
    expect(page.locator(f"#form-fs{reasons.code}")).to_contain_text("Neglect (not including medical neglect)")
    review.refresh_from_db()
    assert (review.face_sheet[entry.code], review.face_sheet[discharge.code]) == ("2022-11-03", "NOT_YET_DISCHARGED")

    # A participant with demographics and whether they were interviewed.
    add = page.get_by_role("form", name="Add a participant")
    add.get_by_label("Role").select_option("CHILD")
    add.get_by_label("Name").fill("Ava Example")
    add.get_by_label("Interviewed for the review").select_option("YES")
    add.get_by_label("Date of birth").fill("2014-05-09")
    add.get_by_label("Black or African American").check()
    add.get_by_label("Target child (foster care)").check()
    add.get_by_role("button", name="Add participant").click()
    expect(page.get_by_text("c1 (Child) added.")).to_be_visible()
    expect(page.locator('[data-participant="c1"] [data-interviewed]')).to_have_text("Yes")
    expect(page.locator("#form-fsB textarea")).to_have_value("Ava Example")  # FC: B is the target child's name
    person = review.participants.get(key="c1")
    assert person.details == {
        "name": "Ava Example",
        "interviewed": "YES",
        "date_of_birth": "2014-05-09",
        "race": ["BLACK_OR_AFRICAN_AMERICAN"],
    }
    page.screenshot(path=tmp_path / "face-sheet.png", full_page=True)


def test_removing_a_participant_is_confirmed_and_flags_the_answers(live_server, page, personas):
    review = complete_review(personas.reviewer_a)
    for key in ("f1", "f2"):
        review.participants.create(key=key, role="FATHER")
    base = live_server.url
    log_in(page, base, "reviewer_a")
    page.goto(f"{base}/reviews/{review.pk}/face-sheet/")
    page.locator('[data-participant="f2"]').get_by_role("link", name="Remove…").click()
    expect(page.get_by_role("heading", name="Remove f2 (Father)?")).to_be_visible()
    page.get_by_role("button", name="Remove f2").click()
    expect(page.get_by_text("f2 (Father) removed. Check the answers to 8B1, 8B")).to_be_visible()
    expect(page.locator('[data-missing="recheck:8B"]')).to_be_visible()
    page.locator('[data-missing="recheck:8B"] a').click()
    expect(page.locator('[data-recheck="8B"]')).to_contain_text("f2 (father) was removed from the participants")
    with page.expect_response(lambda r: r.url.endswith("/answer/")):
        page.locator('[data-recheck="8B"]').get_by_role("button", name="Keep the answer as it is").click()
    expect(page.locator('[data-recheck="8B"]')).to_have_count(0)
    expect(page.locator('[data-missing="recheck:8B"]')).to_have_count(0)
