"""The home page's report lines (accounts.attention): written reports waiting for this user."""

from __future__ import annotations

from accounts.attention import Attention, plural
from accounts.models import User
from accounts.scoping import has_capability
from reports import publishing
from reports.models import Report


def report_attention(user: User) -> list[Attention]:
    if not (has_capability(user, publishing.EDIT) or has_capability(user, publishing.PUBLISH)):
        return []
    waiting = drafts = 0
    open_reports = Report.objects.exclude(status=Report.Status.PUBLISHED).select_related("agency")
    for report in open_reports:  # a handful per quarter: one per agency and the statewide one
        if report.status == Report.Status.IN_REVIEW:
            # the two-person rule: whoever edited it last cannot publish it
            if publishing.may(user, publishing.PUBLISH, report) and report.last_edited_by_id != user.pk:
                waiting += 1
        elif publishing.may(user, publishing.EDIT, report):
            drafts += 1
    lines = []
    if waiting:
        lines.append(
            Attention(
                "Reports",
                f"{plural(waiting, 'written report')} in review, waiting for you to publish",
                "reports:report_list",
                urgent=True,
            )  # fmt: skip
        )
    if drafts:
        lines.append(
            Attention("Reports", f"{plural(drafts, 'written report')} in draft", "reports:report_list", order=1)
        )
    return lines
