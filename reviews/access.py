"""Which cases, reviews and samples a user may see: the one scoping helper per resource.

Views of the reviews app fetch through these, so an object outside the agencies where the user
holds the capability the page needs is a 404 and its existence is not disclosed (see
accounts/scoping.py for the rules). Each helper takes that capability: "review.view" for case
and review pages, "review.qa" for the QA queue, "report.view" for summaries, "review.sample" for
samples.
Every review also passes the blind dual review rule (reviews.calibration.may_see): the other
side of a calibration pair is a 404 until both reviews are submitted.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from accounts.scoping import get_for_user_or_404, scope_queryset
from reviews.calibration import visible_reviews
from reviews.models import Case, Review


def cases_for_user(user: User, capability: str) -> QuerySet[Case]:
    return scope_queryset(
        Case.objects.select_related("agency", "county"), user, capability=capability, agency_field="agency"
    )


def reviews_for_user(user: User, capability: str) -> QuerySet[Review]:
    """Reviews of the agencies where the user holds `capability`, less the blind side of a dual review."""
    return scope_queryset(
        visible_reviews(Review.objects.select_related("case__agency", "case__county"), user),
        user,
        capability=capability,
        agency_field="case__agency",
    )


def get_review_for_user_or_404(user: User, pk: int, capability: str) -> Review:
    """One review, 404 outside the user's agencies or while it is the blind side of a dual review for them."""
    return get_for_user_or_404(
        visible_reviews(Review.objects.select_related("case__agency", "case__county"), user),
        user,
        capability=capability,
        agency_field="case__agency",
        pk=pk,
    )


def get_case_for_user_or_404(user: User, pk: int, capability: str) -> Case:
    return get_for_user_or_404(
        Case.objects.select_related("agency", "county"), user, capability=capability, agency_field="agency", pk=pk
    )
