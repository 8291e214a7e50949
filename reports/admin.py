"""Admin additions of the reports app: a case's change page shows its link to the extract and how its
reviews agree with the extract (issue 16), for those who may see the agency's reviews. The reviews
app's Case admin is extended here (so reviews imports nothing of reports); the link itself is set and
cleared on its own page, where it is audited, not in the admin."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from accounts.scoping import has_capability
from reports import extract_agreement
from reports.models import CaseExtractLink
from reviews.models import Case, Review


def extract_context(request: HttpRequest, object_id: str) -> dict:
    case = Case.objects.select_related("agency").filter(pk=object_id).first() if str(object_id).isdigit() else None
    if case is None or not has_capability(request.user, "review.view", case.agency):
        return {}
    rows, linked = extract_agreement.agreement(Review.objects.filter(case=case, calibration=False))
    return {
        "extract_case": case,
        "extract_link": CaseExtractLink.objects.filter(case=case).select_related("linked_by").first(),
        "extract_rows": rows,
    }


_registered = admin.site._registry.get(Case)
if _registered is not None and not getattr(_registered, "shows_extract", False):
    base = type(_registered)

    class CaseWithExtractAdmin(base):
        """The reviews app's Case admin, with the case's reviews against the extract below the form."""

        shows_extract = True
        change_form_template = "admin/reports/case_change_form.html"

        def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
            extra = {**(extra_context or {}), **extract_context(request, object_id)}
            return super().change_view(request, object_id, form_url, extra)

    admin.site.unregister(Case)
    admin.site.register(Case, CaseWithExtractAdmin)
