"""A whole calibration round in a real browser: the QA lead draws a case and starts the pair, two
reviewers complete it blind (each refused the other's review), the QA lead reconciles with mixed
choices (A, B and a new answer), and the agreement page shows the per-item kappa."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from reviews.models import DualReview, Review, Sample, SampleCase
from reviews.scoring import record_answers
from tests.reviews.factories import COMPLETE_FC, COMPLETE_FC_ROWS, make_case
from tests.reviews_ui.helpers import narratives_for
from tests.reviews_ui.test_browser_review_round import log_in
from tests.smoke.test_accessibility import check

S = Review.Status
A = {**COMPLETE_FC, **COMPLETE_FC_ROWS}
B = {**A, "14B": "YES", "16A": "NO", "11B": "YES"}


def fieldset(page: Page, code: str):
    return page.locator("fieldset", has=page.locator("legend", has_text=re.compile(rf"^{code}\b")))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_calibration_round_from_draw_to_kappa(live_server, browser, personas, make_user, tmp_path):
    base = live_server.url
    make_user("reviewer_a2", ("reviewer", "6ZA"), first_name="Alex", last_name="Second")
    sample = Sample.objects.create(quarter="2023Q3", seed=7, site_circuits=[16], site_size=3)
    for order, case_id in enumerate(("ROUND-1", "ROUND-2", "ROUND-3"), start=1):
        SampleCase.objects.create(sample=sample, case=make_case(case_id), stratum="circuit 16", draw_order=order)

    # The QA lead draws one case with a recorded seed and starts its two blind reviews.
    lead_context = browser.new_context()
    lead = lead_context.new_page()
    log_in(lead, base, "qa_a")
    lead.goto(f"{base}/reviews/calibration/")
    lead.get_by_label("or a number of cases").fill("1")
    lead.get_by_label("Seed (empty: a new one, recorded)").fill("5")
    lead.get_by_role("button", name="Draw").click()
    expect(lead.get_by_text("Drew 1 calibration case(s) from the 2023Q3 sample (seed 5).")).to_be_visible()
    dual = DualReview.objects.get()
    lead.get_by_label("First reviewer").select_option(label="Rita Reviewer")
    lead.get_by_label("Second reviewer").select_option(label="Alex Second")
    lead.get_by_label("Period under review starts").fill("2023-04-01")
    lead.get_by_role("button", name="Start both reviews").click()
    expect(lead.get_by_text(f"The two blind reviews of {dual.case.case_id} were started.")).to_be_visible()
    dual.refresh_from_db()
    first, second = dual.first, dual.second

    # Each reviewer enters their side (earlier sittings) and is refused the other's, by every URL.
    pages = {}
    for username, mine, other, answers in (("reviewer_a", first, second, A), ("reviewer_a2", second, first, B)):
        record_answers(mine, answers, narratives_for(answers))
        # The two Face Sheets differ on H; only B lists a grandmother (x2).
        opened = "NO" if mine == first else "YES"
        Review.objects.filter(pk=mine.pk).update(face_sheet={**Review.objects.get(pk=mine.pk).face_sheet, "H": opened})
        if mine == second:
            mine.participants.create(key="x2", role="OTHER", label="grandmother")
        context = browser.new_context()
        page = context.new_page()
        log_in(page, base, username)
        for path in ("", "print/", "review.json", "items/14/"):
            response = page.goto(f"{base}/reviews/{other.pk}/{path}")
            assert response.status == 404, (username, path)
        pages[username] = page
    # The QA lead sees progress only: no link to either review yet.
    lead.goto(f"{base}/reviews/calibration/")
    expect(lead.get_by_role("link", name="first review")).to_have_count(0)
    assert lead.goto(f"{base}/reviews/{first.pk}/").status == 404

    for username, mine in (("reviewer_a", first), ("reviewer_a2", second)):
        page = pages[username]
        page.goto(f"{base}/reviews/{mine.pk}/")
        page.get_by_role("button", name="Submit for QA").click()
        expect(page.get_by_text("The review was submitted for QA.")).to_be_visible()
        if username == "reviewer_a":  # the other side is still being entered: still blind
            assert page.goto(f"{base}/reviews/{second.pk}/").status == 404
    assert page.goto(f"{base}/reviews/{first.pk}/").status == 200  # both submitted: open to each other

    # The QA lead reconciles: 11B take A, 14B take B, 16A a new answer with a note, Face Sheet H take B;
    # saved, resumed, created (the page passes axe at 1280 and 390 px).
    lead.goto(f"{base}/reviews/calibration/")
    lead.get_by_role("link", name="reconcile").click()
    expect(lead.get_by_role("heading", name=re.compile("Reconcile the dual review"))).to_be_visible()
    expect(lead.get_by_role("heading", name="Answers that differ (3 still to choose)")).to_be_visible()
    expect(lead.get_by_role("heading", name="Face Sheet fields that differ (1 still to choose)")).to_be_visible()
    fieldset(lead, "11B").get_by_label(re.compile("^Take A")).check()
    lead.get_by_role("button", name="Save choices").click()
    expect(lead.get_by_text("Your choices were saved")).to_be_visible()
    lead.reload()
    expect(fieldset(lead, "11B").get_by_label(re.compile("^Take A"))).to_be_checked()
    fieldset(lead, "14B").get_by_label(re.compile("^Take B")).check()
    fieldset(lead, "Face Sheet H").get_by_label(re.compile("^Take B")).check()
    expect(lead.get_by_role("region", name="Participants that differ")).to_contain_text(
        "B's: (no name) (OTHER, grandmother)"
    )
    box = fieldset(lead, "16A")
    box.get_by_label("A new answer", exact=True).check()
    box.get_by_label(re.compile("^New answer")).fill("YES")
    lead.screenshot(path=tmp_path / "reconcile.png", full_page=True)
    assert check(lead, base) == []
    lead.set_viewport_size({"width": 390, "height": 844})
    assert check(lead, base) == []
    lead.set_viewport_size({"width": 1280, "height": 900})
    lead.get_by_role("button", name="Create the consensus review").click()
    # A new answer without a note is refused; the input is kept.
    expect(fieldset(lead, "16A")).to_contain_text("a new answer needs a note saying why")
    expect(fieldset(lead, "16A").get_by_label(re.compile("^New answer"))).to_have_value("YES")
    fieldset(lead, "16A").get_by_label(re.compile("^Note")).fill("The assessment is in the file.")
    lead.get_by_role("button", name="Create the consensus review").click()
    expect(lead.get_by_text(f"The consensus review of {dual.case.case_id} was created")).to_be_visible()
    dual.refresh_from_db()
    consensus = dual.consensus
    values = dict(consensus.answers.filter(participant=None).values_list("question_code", "value"))
    assert (values["11B"], values["14B"], values["16A"]) == ("NO", "YES", "YES")
    assert consensus.face_sheet["H"] == "YES"  # B's
    assert consensus.participants.get(key="x2").label == "grandmother"
    assert consensus.status == S.SUBMITTED and not consensus.calibration

    # The agreement page shows the per-item kappa of the quarter.
    lead.goto(f"{base}/reviews/calibration/agreement/?period=2023Q3&agency=6ZA")
    expect(lead.locator("#agreement-pairs")).to_have_text("1")
    # Item 14: ANI against Strength, each reviewer one category: p_o = 0, p_e = 0, kappa 0.
    expect(lead.locator('[data-agreement="Items"] [data-kappa="14"]')).to_have_text("0.00")
    expect(lead.locator('[data-agreement="Items"] [data-kappa="3"]')).to_have_text("undefined")
    expect(lead.locator("#chart-kappa")).to_be_visible()
    lead.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-kappa'))")
    lead.screenshot(path=tmp_path / "agreement.png", full_page=True)
    assert (tmp_path / "agreement.png").stat().st_size > 10000
    lead_context.close()
