"""The home page's survey lines (accounts.attention): open follow-up requests."""

from __future__ import annotations

from accounts.attention import Attention, plural
from accounts.models import User
from accounts.scoping import has_capability, scope_queryset
from surveys.models import FollowUpRequest


def survey_attention(user: User) -> list[Attention]:
    if not has_capability(user, "surveys.follow_up"):
        return []
    open_requests = scope_queryset(
        FollowUpRequest.objects.filter(status=FollowUpRequest.Status.OPEN), user, capability="surveys.follow_up"
    ).count()
    if not open_requests:
        return []
    return [
        Attention(
            "Surveys",
            f"{plural(open_requests, 'respondent')} asked to be contacted about their answers",
            "surveys:follow_up_list",
            urgent=True,
        )
    ]
