"""The review pages by keyboard alone (issue 13): Tab, Shift+Tab, Space, Enter and typing, no mouse.

The reviewer answers on an item page and moves to the next item; the QA reviewer adds a note and
returns the review; the reviewer replies to the note and submits; the QA reviewer resolves it.
Every control reached on the way shows where the focus is (an outline of at least 2px), and the
pages in the states the crawl may not meet (open notes with Reply, Resolve and Delete) pass axe-core.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from reviews.models import QANote, Review
from tests.conftest import PASSWORD
from tests.reviews_ui.helpers import complete_review

S = Review.Status
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const name = (el.getAttribute("aria-label") || label || el.innerText || el.value || "").trim();
  const outline = style.outlineStyle !== "none" ? parseFloat(style.outlineWidth) : 0;
  const rect = el.getBoundingClientRect();
  return {
    tag: el.tagName, type: el.type || "", id: el.id, name: name.replace(/\\s+/g, " "),
    block: el.closest("section") ? el.closest("section").id : "",
    outline: outline, shadow: style.boxShadow,
    onScreen: rect.bottom > 0 && rect.top < window.innerHeight && rect.width > 0,
  };
}"""


def axe_problems(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page now shown (as tests/smoke/test_accessibility.py)."""
    page.add_script_tag(url=page.url.split("/reviews/")[0] + "/static/vendor/axe.min.js")
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(' | '))"
    )


def log_in(page: Page, base: str, username: str) -> None:
    # Bootstrap scrolls smoothly unless reduced motion is asked for; the focus checks read positions at once.
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def submit(page: Page) -> None:
    """Enter on a focused form button, and wait for the page the form leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def press_and_save(page: Page, key: str, block: str, *then: str) -> None:
    """Press a key that saves an answer (htmx), wait until the redrawn item has settled, and check
    that the focus is back in the question block it was in."""
    page.evaluate(
        "() => { window.__saved = false;"
        " document.addEventListener('htmx:afterRequest', () => { window.__saved = true; }, { once: true }); }"
    )
    page.keyboard.press(key)
    for more in then:  # keys pressed at once, while the save is on its way
        page.keyboard.press(more)
    page.wait_for_function(
        "() => window.__saved && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    assert page.evaluate("block => document.activeElement.closest('#' + block) !== null", block), page.evaluate(FOCUSED)


def tab_to(page: Page, name: str | re.Pattern, *, block: str = "", tag: str = "", limit: int = 300) -> dict:
    """Press Tab until the focused control has this accessible name (and is in this question block)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "BODY":
            continue  # past the last control, as in a browser's own toolbar: the next Tab starts at the top
        seen.append(focused["name"][:40])
        assert focused["outline"] >= 2, f"focus is not visible on {focused}"
        assert focused["onScreen"], f"the focused control is scrolled out of view: {focused}"
        matches = focused["name"] == name if isinstance(name, str) else name.search(focused["name"])
        if matches and (not block or focused["block"] == block) and (not tag or focused["tag"] == tag):
            return focused
    raise AssertionError(f"{name!r} was not reached by Tab; focus went through {seen}")


def test_a_reviewer_answers_an_item_by_keyboard(live_server, page, personas):
    base = live_server.url
    review = complete_review(personas.reviewer_a, "KEY-1", drop=("14A", "14B"))
    log_in(page, base, "reviewer_a")
    page.goto(f"{base}/reviews/{review.pk}/items/14/")

    # The skip link comes first and takes the focus past the menu.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["name"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    # 14A: Tab into the group lands on "Yes"; Space chooses it and it is saved.
    tab_to(page, "Yes", block="q-14A")
    # The answer's save redraws the item: the focus stays on the answer chosen.
    press_and_save(page, "Space", "q-14A")
    expect(page.locator("#q-14A").get_by_label("Yes", exact=True)).to_be_checked()

    # 14B: arrow keys move within the group and choose; "No" opens its narrative box.
    tab_to(page, "Yes", block="q-14B")
    press_and_save(page, "Space", "q-14B")
    # ArrowDown chooses "No" and saves; Tab at once, before the save returns, reaches "Clear answer" (a
    # button without an id, which htmx alone would not focus again after the redraw): the focus stays there.
    press_and_save(page, "ArrowDown", "q-14B", "Tab")
    assert page.evaluate(FOCUSED)["name"] == "Clear answer"
    expect(page.locator("#q-14B").get_by_label("No", exact=True)).to_be_checked()
    tab_to(page, "Narrative for 14B (explain the concern)")
    page.keyboard.type("Seen only with the foster parent present.")
    with page.expect_response(lambda r: r.url.endswith("/narrative/")):
        page.keyboard.press("Tab")
    expect(page.locator("#status-narrative-14B")).to_contain_text("Saved")

    answers = {a.question_code: a for a in review.answers.filter(participant=None)}
    assert (answers["14A"].value, answers["14B"].value) == ("YES", "NO")
    assert answers["14B"].narrative == "Seen only with the foster parent present."

    # On to the next item with Enter on its link.
    tab_to(page, re.compile(r"^Item 15"), tag="A")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/reviews/{review.pk}/items/15/")


def test_the_qa_note_flow_by_keyboard(live_server, browser, personas):
    base = live_server.url
    review = complete_review(personas.reviewer_a, "KEY-2", status=S.FIRST_LEVEL_QA)

    # QA: add a note on 14B from the item page, then return the review with a reason.
    qa = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(qa, base, "qa_a")
    qa.goto(f"{base}/reviews/{review.pk}/items/14/")
    tab_to(qa, "Add a QA note on 14B", tag="SUMMARY")
    qa.keyboard.press("Enter")  # opens the <details>
    tab_to(qa, "QA note on 14B")
    qa.keyboard.type("Was the child seen alone at any visit?")
    tab_to(qa, "Add note")
    submit(qa)
    expect(qa.get_by_text("Note added on 14B.")).to_be_visible()
    note = QANote.objects.get(review=review)
    assert (note.question_code, note.text) == ("14B", "Was the child seen alone at any visit?")
    assert axe_problems(qa) == []  # the note with its Resolve and Delete buttons

    qa.goto(f"{base}/reviews/{review.pk}/")
    tab_to(qa, "Return to reviewer: note")
    qa.keyboard.type("Please answer the note on 14B.")
    tab_to(qa, "Return to reviewer", tag="BUTTON")
    submit(qa)
    review.refresh_from_db()
    assert review.status == S.RETURNED

    # Reviewer: reply to the note on the item page, then submit again.
    reviewer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(reviewer, base, "reviewer_a")
    reviewer.goto(f"{base}/reviews/{review.pk}/items/14/")
    assert axe_problems(reviewer) == []  # the note with its Reply box
    tab_to(reviewer, "Reply to the QA note on 14B")
    reviewer.keyboard.type("Yes, once at school; the narrative says so now.")
    tab_to(reviewer, "Reply", tag="BUTTON")
    submit(reviewer)
    expect(reviewer.get_by_text("Reply saved on the note about 14B.")).to_be_visible()
    note.refresh_from_db()
    assert note.reply == "Yes, once at school; the narrative says so now."

    reviewer.goto(f"{base}/reviews/{review.pk}/")
    assert axe_problems(reviewer) == []  # the summary's QA notes, answered
    tab_to(reviewer, "Submit for QA", tag="BUTTON")
    submit(reviewer)
    review.refresh_from_db()
    assert review.status == S.SUBMITTED

    # QA: start QA and resolve the note, by keyboard.
    qa.goto(f"{base}/reviews/{review.pk}/")
    tab_to(qa, "Start first-level QA", tag="BUTTON")
    submit(qa)
    qa.goto(f"{base}/reviews/{review.pk}/items/14/")
    tab_to(qa, "Resolve", tag="BUTTON")
    submit(qa)
    note.refresh_from_db()
    assert note.resolved
