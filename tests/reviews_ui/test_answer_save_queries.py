"""An answer save runs a fixed number of queries, however many answers the review holds (issue 14).

The save reads the review's answers, participants and ratings once (reviews.scoring.StoredRows),
writes the answer and its history row, reads the answers back to score them, writes only the rating
rows that changed, and answers with the page built from the rows it wrote: 53 queries before.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.instrument import ROUND4
from reviews.models import Answer, Review
from reviews.scoring import score_review
from tests.reviews.factories import COMPLETE_FC, COMPLETE_FC_ROWS
from tests.reviews_ui.helpers import complete_review

pytestmark = pytest.mark.django_db

# session, user, memberships, review, assigned?; BEGIN, version claimed, answers, participants,
# item ratings, outcome ratings, answer updated, its history row, answers read back, participant
# ratings compared, COMMIT; review read again, QA notes, assigned? (for the page).
SAME_VALUE_SAVE = 19
# A save that changes ratings also writes each rating row that changed and its history row.

ONLY_ITEM_14 = tuple(code for code in {**COMPLETE_FC, **COMPLETE_FC_ROWS} if ROUND4.questions[code].item != "14")


def _save(client, review: Review, value: str, version: int):
    data = {"code": "14A", "q14A-case-value": value, "version": version}
    return client.post(reverse("reviews:answer", args=[review.pk]), data, headers={"HX-Request": "true"})


def _ratings(review: Review) -> dict:
    return {
        **{r.item: (r.calculated, r.effective, r.reasons) for r in review.item_ratings.all()},
        **{r.outcome: (r.calculated, r.effective, r.reasons) for r in review.outcome_ratings.all()},
    }


@pytest.mark.parametrize("drop", [ONLY_ITEM_14, ()], ids=["item-14-only", "complete"])
def test_an_answer_save_runs_a_fixed_number_of_queries(personas, client_for, drop, django_assert_num_queries):
    review = complete_review(personas.reviewer_a, case_id="Q-0001", drop=drop)
    client = client_for(personas.reviewer_a)
    stored = Answer.objects.get(review=review, question_code="14A", participant=None).value
    other = "NO" if stored == "YES" else "YES"
    start = review.version
    assert _save(client, review, stored, start).status_code == 200  # warm-up
    history = Answer.history.filter(review_id=review.pk, question_code="14A").count()

    with django_assert_num_queries(SAME_VALUE_SAVE):
        response = _save(client, review, stored, start + 1)
    assert response.status_code == 200 and "Not saved" not in response.content.decode()
    before = _ratings(review)
    with CaptureQueriesContext(connection) as queries:
        response = _save(client, review, other, start + 2)
    assert response.status_code == 200 and "Not saved" not in response.content.decode()
    after = _ratings(review)
    changed = sum(1 for key in after if after[key] != before.get(key))
    assert changed >= 1  # item 14 at least
    assert len(queries) == SAME_VALUE_SAVE + 2 * changed

    # Each save still leaves its history row, and the ratings follow the answer.
    assert Answer.history.filter(review_id=review.pk, question_code="14A").count() == history + 2
    assert Answer.objects.get(review=review, question_code="14A", participant=None).value == other
    review.refresh_from_db()
    assert review.version == start + 3
    scoring = score_review(review)
    assert {r.item: r.calculated for r in review.item_ratings.all()} == {
        k: v.value for k, v in scoring.calculated.items()
    }
