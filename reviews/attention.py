"""The home page's review lines (accounts.attention): the user's own reviews and the QA queue."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from accounts.attention import Attention, plural
from accounts.models import User
from accounts.scoping import has_capability
from reviews.access import reviews_for_user
from reviews.models import DualReview, Review

Status = Review.Status
# A reviewer hears of their reconciled calibration cases for this long (then the record stays on its page).
RECENT_RECONCILIATION = dt.timedelta(days=90)


def review_attention(user: User) -> list[Attention]:
    lines = []
    if has_capability(user, "review.edit"):
        mine = reviews_for_user(user, "review.edit").filter(reviewers=user)
        counts = mine.aggregate(
            returned=Count("pk", filter=Q(status=Status.RETURNED)),
            in_progress=Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        )
        if counts["returned"]:
            lines.append(
                Attention(
                    "Reviews",
                    f"{plural(counts['returned'], 'review')} returned to you with QA notes to answer",
                    "reviews:review_list",
                    urgent=True,
                )
            )
        if counts["in_progress"]:
            lines.append(
                Attention(
                    "Reviews",
                    f"{plural(counts['in_progress'], 'review')} of yours in progress",
                    "reviews:review_list",
                    order=1,
                )  # fmt: skip
            )
        reconciled = (
            DualReview.objects.filter(Q(first__reviewers=user) | Q(second__reviewers=user))
            .filter(reconciled_at__gte=timezone.now() - RECENT_RECONCILIATION)
            .values("pk")
            .distinct()
            .count()
        )
        if reconciled:
            lines.append(
                Attention(
                    "Calibration",
                    f"{plural(reconciled, 'calibration case')} of yours reconciled lately: see where you differed",
                    "reviews:my_agreement",
                    order=4,
                )  # fmt: skip
            )
    if has_capability(user, "review.qa"):
        queue = (
            reviews_for_user(user, "review.qa")
            .filter(calibration=False)
            .aggregate(
                submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
                approved=Count("pk", filter=Q(status=Status.APPROVED)),
            )
        )
        if queue["submitted"]:
            lines.append(
                Attention(
                    "Reviews",
                    f"{plural(queue['submitted'], 'review')} submitted and waiting for QA",
                    "reviews:qa_queue",
                    urgent=True,
                    order=2,
                )  # fmt: skip
            )
        if queue["approved"]:
            lines.append(
                Attention(
                    "Reviews",
                    f"{plural(queue['approved'], 'approved review')} waiting for second-level QA",
                    "reviews:qa_queue",
                    order=3,
                )  # fmt: skip
            )
    return lines
