"""Cases linked to the extract: the review-versus-extract panel, notes on its flags, the link form and
the draw of a review sample from the extract (issue 16).

reviews renders the panel through its registry (reviews.panels); these views scope every object with
accounts.scoping: a review or case outside the agencies where the user holds the capability is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.audit import log_action
from accounts.scoping import agencies_with_capability, get_for_user_or_404, has_capability
from reports import case_check, extract_sampling
from reports.models import CaseExtractLink, ExtractCheckNote
from reviews.models import Case, Review

# Who may set or clear a case's link: QA reviewers, supervisors (report.edit), administrators (review.sample).
LINK_CAPABILITIES = ("review.qa", "report.edit", "review.sample")
# Who may write why a flag differs: the reviewers and QA of the case's agency.
NOTE_CAPABILITIES = ("review.edit", "review.qa")


def may_link(user, agency) -> bool:
    return any(has_capability(user, c, agency) for c in LINK_CAPABILITIES)


def may_note(user, agency) -> bool:
    return any(has_capability(user, c, agency) for c in NOTE_CAPABILITIES)


def link_of(case: Case) -> CaseExtractLink | None:
    return CaseExtractLink.objects.filter(case=case).first()


# --- the panel and the QA queue's flags (registered in ReportsConfig.ready) -------------------


def review_panel(request: HttpRequest, review: Review, item_key: str | None) -> str:
    """The review-versus-extract panel: all checks on the summary page, an item's checks on its page.

    The review page has already fetched `review` in the user's scope (review.view)."""
    agency = review.case.agency
    link = link_of(review.case)
    if link is None:
        if item_key is not None or not may_link(request.user, agency):
            return ""
        return render_to_string(
            "reports/extract_panel.html", {"review": review, "link": None, "can_link": True}, request=request
        )
    comparison = case_check.compare_review(review, link)
    checks = comparison.checks if item_key is None else comparison.for_item(item_key)
    if item_key is not None and not checks:
        return ""
    notes = {n.check_key: n for n in review.extract_notes.select_related("author")}
    return render_to_string(
        "reports/extract_panel.html",
        {
            "review": review,
            "link": link,
            "comparison": comparison,
            "rows": [(c, notes.get(c.key)) for c in checks],
            "flag_count": sum(1 for c in checks if c.disagrees),
            "item_key": item_key,
            "can_link": may_link(request.user, agency),
            "can_note": may_note(request.user, agency),
            "next": request.get_full_path(),
        },
        request=request,
    )


def flag_counts(user, reviews: list[Review]) -> dict[int, int]:
    """Review pk -> the checks where the review disagrees with the extract (the QA queue's column)."""
    links = {link.case_id: link for link in CaseExtractLink.objects.filter(case__in=[r.case_id for r in reviews])}
    comparisons = case_check.compare_reviews([(r, links[r.case_id]) for r in reviews if r.case_id in links])
    return {pk: len(comparison.flags) for pk, comparison in comparisons.items()}


# --- notes on flags -----------------------------------------------------------------------------


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
def note_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Record (or, with an empty text, remove) why the review and the extract differ on one check."""
    review = get_for_user_or_404(
        Review.objects.select_related("case__agency"),
        request.user,
        capability="review.view",
        agency_field="case__agency",
        pk=pk,
    )
    agency = review.case.agency
    if not may_note(request.user, agency):
        raise PermissionDenied("requires review.edit or review.qa")
    link = link_of(review.case)
    if link is None:
        messages.error(request, "This case is not linked to the extract: there is nothing to note.")
        return _back(request, reverse("reviews:review_detail", args=[review.pk]))
    keys = {c.key for c in case_check.compare_review(review, link).checks}
    key = request.POST.get("check_key", "")
    if key not in keys:
        messages.error(request, "That comparison does not exist on this review.")
        return _back(request, reverse("reviews:review_detail", args=[review.pk]))
    text = request.POST.get("text", "").strip()[:2000]
    with transaction.atomic():
        if text:
            ExtractCheckNote.objects.update_or_create(
                review=review, check_key=key, defaults={"text": text, "author": request.user}
            )
        else:
            ExtractCheckNote.objects.filter(review=review, check_key=key).delete()
        log_action(
            "reports.extract.note_saved" if text else "reports.extract.note_removed",
            request.user,
            review,
            agency,
            {"check": key, "text": text},
        )
    messages.success(request, "Note saved." if text else "Note removed.")
    return _back(request, reverse("reviews:review_detail", args=[review.pk]))


# --- the link form ------------------------------------------------------------------------------


@login_required
def link_case(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Set or clear which child (and episode) of the extract a review case is. Audited."""
    case = get_for_user_or_404(
        Case.objects.select_related("agency"), request.user, capability="review.view", pk=case_pk
    )
    if not may_link(request.user, case.agency):
        raise PermissionDenied("requires review.qa, report.edit or review.sample in the case's agency")
    link = link_of(case)
    errors: list[str] = []
    values = {"child_id": link.child_id if link else "", "episode_id": link.episode_id if link else ""}
    if request.method == "POST":
        if request.POST.get("action") == "clear":
            if link is not None:
                with transaction.atomic():
                    log_action(
                        "reports.extract.unlinked",
                        request.user,
                        case,
                        case.agency,
                        {"child_id": link.child_id, "episode_id": link.episode_id},
                    )
                    link.delete()
                messages.success(request, f"{case.case_id} is no longer linked to the extract.")
            return redirect("reports:extract_link", case.pk)
        values = {k: request.POST.get(k, "").strip() for k in values}
        errors = extract_sampling.link_problems(case.agency, values["child_id"], values["episode_id"])
        if not errors:
            with transaction.atomic():
                CaseExtractLink.objects.update_or_create(
                    case=case,
                    defaults={**values, "linked_by": request.user, "source": "hand"},
                )
                log_action("reports.extract.linked", request.user, case, case.agency, values)
            messages.success(request, f"{case.case_id} is linked to child {values['child_id']} of the extract.")
            return redirect("reports:extract_link", case.pk)
    reviews = case.reviews.filter(calibration=False)
    return render(
        request,
        "reports/extract_link.html",
        {"case": case, "link": link, "values": values, "errors": errors, "reviews": reviews},
    )


# --- drawing a sample from the extract ----------------------------------------------------------


@login_required
def draw_from_extract(request: HttpRequest) -> HttpResponse:
    """Draw a quarter's review sample from the current extract's children in foster care."""
    agencies = agencies_with_capability(request.user, "review.sample").exclude(code="CD").order_by("code")
    if not agencies.exists():
        raise PermissionDenied("requires review.sample")
    extract = extract_sampling.current_extract()
    form = extract_sampling.DrawForm(
        request.POST or None, agencies=agencies, as_of=extract.as_of_date if extract else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sample = extract_sampling.draw_from_extract(
                data["quarter"],
                list(data["agencies"]),
                site_circuits=data["site_circuits"],
                site_size=data["site_size"],
                statewide_size=data["statewide_size"],
                seed=data["seed"],
                user=request.user,
            )
        except extract_sampling.SamplingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Sample {sample.quarter} drawn from extract {sample.extract_frame.extract_id} with seed {sample.seed}: "
                f"{sample.cases.count()} case(s) from a frame of {len(sample.extract_frame.frame)} children.",
            )
            return redirect("reviews:sample_list")
    return render(request, "reports/extract_sample.html", {"form": form, "extract": extract})
