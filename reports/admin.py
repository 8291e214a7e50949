"""Admin additions of the reports app: the case page shows its link to the extract and how its
reviews agree with the extract (issue 16). Registered onto the reviews app's Case admin, so reviews
imports nothing of reports. The link is set and cleared on its own page (audited), not here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.scoping import has_capability
from reports import extract_agreement
from reports.models import CaseExtractLink
from reviews.models import Case, Review


class CaseExtractLinkInline(admin.StackedInline):
    model = CaseExtractLink
    can_delete = False
    extra = 0
    max_num = 1
    fields = ("child_id", "episode_id", "source", "linked_by", "linked_at", "change_link", "review_versus_extract")
    readonly_fields = fields
    verbose_name = "link to the extract"
    verbose_name_plural = "link to the extract"

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        # The case's reviews against the extract: only for those who may see the agency's reviews.
        # (Django also asks without the case, when it builds the inline's queryset.)
        return has_capability(request.user, "review.view", obj.agency if obj is not None else None)

    @admin.display(description="Set or clear")
    def change_link(self, link: CaseExtractLink) -> str:
        return format_html('<a href="{}">Link form (audited)</a>', reverse("reports:extract_link", args=[link.case_id]))

    @admin.display(description="Reviews against the extract")
    def review_versus_extract(self, link: CaseExtractLink) -> str:
        rows, linked = extract_agreement.agreement(Review.objects.filter(case_id=link.case_id, calibration=False))
        if not rows:
            return "No review of this case could be compared yet."
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{} of {}</td><td>{}</td></tr>",
            (
                (
                    r.item,
                    r.agree,
                    r.compared,
                    "; ".join(f"{d.check}: {d.reason}" for d in r.disagreements) or "agree",
                )
                for r in rows
            ),
        )
        return format_html(
            "<table data-admin-agreement><thead><tr><th>Item</th><th>Reviews agreeing</th><th>Disagreements</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            body,
        )


_case_admin = admin.site._registry.get(Case)
if _case_admin is not None and CaseExtractLinkInline not in _case_admin.inlines:
    _case_admin.inlines = [*_case_admin.inlines, CaseExtractLinkInline]
