"""The agreement page and its exports; the reviewer's own disagreement record.

Thin views over reviews.calibration (agreement_statistics, the same computation the `agreement`
command prints, and reviewer_statistics, feedback). The agreement page is for QA reviewers and
supervisors (capability review.agreement), one agency at a time, or statewide for those who
hold it statewide; period: a quarter (2023Q3) or a federal fiscal year (FFY2023).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts import charts
from accounts.models import Agency
from accounts.scoping import agencies_with_capability, get_agency_for_user, has_capability, holds_statewide
from reviews import calibration
from reviews.agreement import KAPPA_THRESHOLD
from reviews.exports import to_csv, to_xlsx
from reviews.instrument.items import ITEMS_BY_KEY
from reviews.models import DualReview
from reviews.periods import quarter_of

CAPABILITY = "review.agreement"
HEADER = ["Kind", "Item or outcome", "Pairs", "% agreement", "Kappa", "95% CI low", "95% CI high", "Flagged", "Why"]


def _scope(request: HttpRequest) -> tuple[str, Agency | None, list[Agency], bool]:
    """The period, the agency (None: statewide) and the choices the user has."""
    if not has_capability(request.user, CAPABILITY):
        raise PermissionDenied("The agreement page is for QA reviewers and supervisors.")
    statewide = holds_statewide(request.user, CAPABILITY)
    agencies = list(agencies_with_capability(request.user, CAPABILITY).exclude(code="CD").order_by("code"))
    code = (request.GET.get("agency") or "").strip().upper()
    if code == "ALL" or (not code and statewide):
        if not statewide:
            raise PermissionDenied("Statewide agreement is for those who hold the role statewide.")
        agency = None
    elif code:
        agency = get_agency_for_user(request.user, CAPABILITY, code=code)
    else:
        agency = agencies[0] if agencies else None
        if agency is None:
            raise PermissionDenied("The agreement page is for QA reviewers and supervisors of an agency.")
    period = (request.GET.get("period") or "").strip().upper()
    if not period:
        duals = DualReview.objects.all() if agency is None else DualReview.objects.filter(case__agency=agency)
        period = duals.order_by("-quarter").values_list("quarter", flat=True).first() or quarter_of(
            timezone.localdate()
        )
    return period, agency, agencies, statewide


def _kappa_chart(items: list[dict]) -> dict:
    return charts.chart(
        title="Cohen's kappa per item",
        labels=[f"Item {row['key']}: {ITEMS_BY_KEY[row['key']].title}" for row in items],
        short=[row["key"] for row in items],
        series=[
            charts.Series(
                "Kappa",
                [None if row["kappa"] is None else float(row["kappa"]) for row in items],
                n=[row["pairs"] for row in items],
                missing=["kappa undefined" if row["pairs"] else "no pairs" for row in items],
            )
        ],
        axis_title="Kappa",
        maximum=1,
        decimals=2,
        goal=KAPPA_THRESHOLD,
        goal_label="Flag threshold",
        label_title="Item",
        empty="no pairs",
    )


@login_required
def agreement_page(request: HttpRequest) -> HttpResponse:
    period, agency, agencies, statewide = _scope(request)
    try:
        result = calibration.agreement_statistics(period, agency)
        people = calibration.reviewer_statistics(period, agency)
        error = ""
    except calibration.CalibrationError as exc:  # a period that is neither a quarter nor a fiscal year
        result, people, error = None, None, str(exc)
    if result is not None:
        for kind in ("items", "outcomes"):
            for row in result[kind]:
                row["why"] = calibration.flag_reason(row)
        for kind in ("pairs", "reviewers"):
            for row in people[kind]:
                row["why"] = calibration.flag_reason(row)
    return render(
        request,
        "reviews/agreement.html",
        {
            "result": result,
            "people": people,
            "error": error,
            "period": period,
            "agency": agency,
            "agencies": agencies,
            "statewide": statewide,
            "chart": _kappa_chart(result["items"]) if result else None,
            "query": f"period={period}&agency={agency.code if agency else 'all'}",
        },
    )


@login_required
def agreement_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("no such export")
    period, agency, _, _ = _scope(request)
    try:
        result = calibration.agreement_statistics(period, agency)
    except calibration.CalibrationError as exc:
        raise Http404(str(exc)) from exc
    body = calibration.statistics_rows(result, reasons=True)
    scope = agency.code if agency else "all"
    if fmt == "csv":
        response = HttpResponse(to_csv(HEADER, body), content_type="text/csv; charset=utf-8")
    else:
        context = [
            ("Period", result["quarter"]),
            ("Scope", scope),
            ("Calibration cases (both reviews submitted)", result["pairs"]),
            ("Exported", f"{timezone.localtime():%Y-%m-%d %H:%M} by {request.user.get_username()}"),
        ]
        response = HttpResponse(
            to_xlsx("Agreement", HEADER, body, heading="Inter-rater agreement", context=context),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="agreement-{result["quarter"]}-{scope}.{fmt}"'
    return response


@login_required
def my_agreement(request: HttpRequest) -> HttpResponse:
    """The signed-in reviewer's own disagreement record by item: never anyone else's."""
    if not has_capability(request.user, "review.edit"):
        raise PermissionDenied("Your disagreement record is for reviewers.")
    rows = calibration.feedback(request.user)
    return render(
        request,
        "reviews/my_agreement.html",
        {"rows": rows, "cases": max((r["cases"] for r in rows), default=0)},
    )
