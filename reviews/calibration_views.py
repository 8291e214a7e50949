"""The QA lead's calibration page: draw or mark calibration cases, start each pair, watch progress.

Thin views over reviews/calibration.py (which checks the QA lead's rights and the rules). A QA
reviewer sees the calibration cases and sample cases of the agencies where they hold review.qa;
of a pair not yet submitted on both sides they see progress only (who, and how far).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import Membership, User
from accounts.scoping import (
    CAPABILITIES,
    agency_ids_with_capability,
    get_for_user_or_404,
    has_capability,
    scope_queryset,
)
from reviews import calibration, reconciliation, workflow
from reviews.models import DualReview, Sample, SampleCase

CAPABILITY = "review.qa"


def _require(user: User) -> None:
    if not has_capability(user, CAPABILITY):
        raise PermissionDenied("Calibration is for QA reviewers.")


def _reviewers_by_agency(agency_ids: set[int] | None) -> dict[int, list[User]]:
    """Active users holding review.edit, per agency (a role in CD counts in every agency)."""
    roles = [role for role, caps in CAPABILITIES.items() if "review.edit" in caps]
    members = Membership.objects.filter(role__in=roles, user__is_active=True).select_related("user", "agency")
    state = sorted({m.user for m in members if m.agency.code == "CD"}, key=lambda u: u.username)
    out: dict[int, set[User]] = {}
    for m in members:
        if m.agency.code != "CD":
            out.setdefault(m.agency_id, set()).add(m.user)
    return {
        agency: sorted(users | set(state), key=lambda u: u.username)
        for agency, users in out.items()
        if agency_ids is None or agency in agency_ids
    } | {"state": state}


@login_required
@never_cache
def calibration_page(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    duals = scope_queryset(
        DualReview.objects.select_related("case__agency", "round", "first", "second").order_by(
            "-quarter", "case__case_id"
        ),
        request.user,
        capability=CAPABILITY,
        agency_field="case__agency",
    )
    reviewers = _reviewers_by_agency(agency_ids_with_capability(request.user, CAPABILITY))
    rows = []
    for dual in duals[:300]:
        rows.append(
            {
                "dual": dual,
                "progress": calibration.progress(dual),
                "both": calibration.both_submitted(dual) if dual.first_id else False,
                "reviewers": reviewers.get(dual.case.agency_id, reviewers["state"]),
            }
        )
    entries = scope_queryset(
        SampleCase.objects.filter(eliminated=False).select_related("sample", "case__agency"),
        request.user,
        capability=CAPABILITY,
        agency_field="case__agency",
    )
    taken = set(DualReview.objects.values_list("quarter", "case_id"))
    markable = [e for e in entries.order_by("-sample__quarter", "case__case_id")[:500]
                if (e.sample.quarter, e.case_id) not in taken]  # fmt: skip
    samples = Sample.objects.filter(pk__in=entries.values("sample_id")).order_by("-quarter", "-pk")
    return render(
        request,
        "reviews/calibration.html",
        {"rows": rows, "samples": samples, "markable": markable, "today": dt.date.today()},
    )


def _refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    messages.error(request, "; ".join(getattr(exc, "problems", None) or [str(exc)]))
    return redirect("reviews:calibration")


@login_required
@require_POST
def calibration_draw(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    sample = get_object_or_404(Sample, pk=request.POST.get("sample") or 0)
    share, count, seed = (request.POST.get(k, "").strip() for k in ("share", "count", "seed"))
    try:
        percent = Decimal(share) / 100 if share else None
        number = int(count) if count else None
        chosen_seed = int(seed) if seed else None
    except (InvalidOperation, ValueError):
        messages.error(request, "Give the share as a percentage, the count and the seed as whole numbers.")
        return redirect("reviews:calibration")
    try:
        round_ = calibration.draw(sample, request.user, share=percent, count=number, seed=chosen_seed)
    except workflow.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except (calibration.CalibrationError, workflow.Refused) as exc:
        return _refused(request, exc)
    messages.success(
        request,
        f"Drew {round_.cases.count()} calibration case(s) from the {sample.quarter} sample (seed {round_.seed}).",
    )
    return redirect("reviews:calibration")


@login_required
@require_POST
def calibration_mark(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    entry = get_for_user_or_404(
        SampleCase.objects.select_related("sample", "case__agency"),
        request.user,
        capability=CAPABILITY,
        agency_field="case__agency",
        pk=request.POST.get("entry") or 0,
    )
    try:
        calibration.mark(entry, request.user)
    except (calibration.CalibrationError, workflow.Refused) as exc:
        return _refused(request, exc)
    messages.success(request, f"{entry.case.case_id} is a calibration case of {entry.sample.quarter}.")
    return redirect("reviews:calibration")


@login_required
@require_POST
def calibration_start(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user)
    dual = get_for_user_or_404(
        DualReview.objects.select_related("case__agency"),
        request.user,
        capability=CAPABILITY,
        agency_field="case__agency",
        pk=pk,
    )
    users = {
        str(u.pk): u
        for u in User.objects.filter(pk__in=[request.POST.get("first") or 0, request.POST.get("second") or 0])
    }
    first, second = users.get(request.POST.get("first", "")), users.get(request.POST.get("second", ""))
    try:
        pur_start = dt.date.fromisoformat(request.POST.get("pur_start", ""))
    except ValueError:
        return _refused(request, calibration.CalibrationError("give the period under review's start as a date"))
    if first is None or second is None:
        return _refused(request, calibration.CalibrationError("choose two reviewers"))
    try:
        calibration.start_dual_review(dual, first, second, pur_start, request.user)
    except (calibration.CalibrationError, workflow.Refused) as exc:
        return _refused(request, exc)
    messages.success(request, f"The two blind reviews of {dual.case.case_id} were started.")
    return redirect("reviews:calibration")


@login_required
@never_cache
def calibration_reconcile(request: HttpRequest, pk: int) -> HttpResponse:
    """Side by side: every difference of the two submitted reviews; take A, take B or a new answer."""
    _require(request.user)
    dual = get_for_user_or_404(
        DualReview.objects.select_related("case__agency", "first", "second", "consensus"),
        request.user,
        capability=CAPABILITY,
        agency_field="case__agency",
        pk=pk,
    )
    if not dual.first_id or not calibration.both_submitted(dual):
        return _refused(request, calibration.CalibrationError(
            f"the dual review of {dual.case.case_id} can be reconciled once both reviews are submitted"
        ))  # fmt: skip
    diffs = reconciliation.differences(dual)
    faces = reconciliation.face_differences(dual)
    keys = [d.key for d in diffs] + [f.key for f in faces if not f.decided]
    posted: dict[str, dict[str, str]] | None = None
    problems: dict[str, str] = {}
    if request.method == "POST" and not dual.consensus_id:
        posted = {
            key: {name: request.POST.get(f"{name}-{key}", "") for name in ("take", "value", "note")} for key in keys
        }
        try:
            problems = reconciliation.save_choices(dual, request.user, posted)
        except workflow.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        if not problems:
            if request.POST.get("action") != "create":
                messages.success(request, "Your choices were saved; you can come back to finish them.")
                return redirect("reviews:calibration_reconcile", pk=dual.pk)
            try:
                consensus = reconciliation.create_consensus(dual, request.user)
            except (calibration.CalibrationError, workflow.Refused) as exc:
                messages.error(request, "; ".join(getattr(exc, "problems", None) or [str(exc)]))
                return redirect("reviews:calibration_reconcile", pk=dual.pk)
            messages.success(request, f"The consensus review of {dual.case.case_id} was created and submitted for QA.")
            return redirect("reviews:review_detail", pk=consensus.pk)
        messages.error(request, "Nothing was saved: correct the choices marked below.")
        dual.refresh_from_db()

    def row(d: reconciliation.Difference | reconciliation.FaceDifference) -> dict:
        saved = dual.choices.get(d.key, {})
        entry = posted[d.key] if posted is not None and d.key in posted else {
            "take": saved.get("take", ""),
            "value": reconciliation.show(saved["value"]) if "value" in saved else "",
            "note": saved.get("note", ""),
        }  # fmt: skip
        return {
            "diff": d,
            "a": reconciliation.show(d.a),
            "b": reconciliation.show(d.b),
            "entry": entry,
            "problem": problems.get(d.key, ""),
            "allowed": ", ".join(d.question.allowed) if d.question.allowed else "",
        }

    rows = [row(d) for d in diffs]
    face_rows = [row(f) for f in faces if not f.decided]
    face_info = [{"diff": f, "a": reconciliation.show(f.a), "b": reconciliation.show(f.b)} for f in faces if f.decided]
    people = [
        {
            "diff": p,
            "a": reconciliation.participant_label(p.a),
            "b": reconciliation.participant_label(p.b),
        }
        for p in reconciliation.participant_differences(dual)
    ]
    return render(
        request,
        "reviews/reconcile.html",
        {
            "dual": dual,
            "rows": rows,
            "face_rows": face_rows,
            "face_info": face_info,
            "people": people,
            "ratings": reconciliation.rating_differences(dual),
            "open": sum(1 for d in diffs if d.key not in dual.choices),
            "open_faces": sum(1 for r in face_rows if r["diff"].key not in dual.choices),
        },
    )
