"""The quarterly report page and its CSV / XLSX exports. Rules live in reports.quarterly."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.audit import log_action
from accounts.scoping import holds_statewide
from reports import exports, extract_agreement
from reports.quarterly import (
    CAPABILITY,
    STATEWIDE,
    BadQuarter,
    Quarter,
    Scope,
    default_quarter,
    quarter_choices,
    quarterly_report,
    report_agencies,
    resolve_scope,
)


def _quarter(request: HttpRequest) -> Quarter:
    text = request.GET.get("quarter", "").strip()
    return Quarter.parse(text) if text else default_quarter(timezone.localdate())


def _picker(request: HttpRequest, scope: Scope, quarter: Quarter | None) -> dict:
    agencies = [(a.code, f"{a.code} — {a.name}") for a in report_agencies(request.user)]
    if holds_statewide(request.user, CAPABILITY):
        agencies.insert(0, (STATEWIDE, "Statewide (all agencies)"))
    return {
        "quarters": quarter_choices(timezone.localdate(), quarter),
        "agencies": agencies,
        "scope": scope,
        "quarter": quarter,
    }


@login_required
@require_GET
def quarterly(request: HttpRequest) -> HttpResponse:
    # Access first (403 / 404), so a refused user learns nothing from a quarter error.
    scope = resolve_scope(request.user, request.GET.get("agency"))
    try:
        quarter = _quarter(request)
    except BadQuarter as exc:
        context = _picker(request, scope, None) | {"error": str(exc)}
        return render(request, "reports/quarterly.html", context, status=400)
    report = quarterly_report(request.user, quarter, scope)
    context = _picker(request, scope, quarter) | {
        "report": report,
        "written_report": _written_report_link(request, quarter, scope),
        "charts": {s.measure.code: s.chart() for s in report.sections if s.headline and s.has_metric_data},
        "agreement": extract_agreement.for_report(request.user, quarter, scope),
    }
    return render(request, "reports/quarterly.html", context)


def _written_report_link(request: HttpRequest, quarter: Quarter, scope: Scope) -> bool:
    """Link the written report only to those who may open it: its editors and reviewers, or
    anyone when a version is published."""
    from reports.models import ReportVersion
    from reports.publishing import may_see_drafts

    if may_see_drafts(request.user, scope):
        return True
    return ReportVersion.objects.filter(report__quarter=str(quarter), report__agency=scope.agency).exists()


@login_required
@require_GET
def quarterly_export(request: HttpRequest, fmt: str) -> HttpResponse:
    scope = resolve_scope(request.user, request.GET.get("agency"))
    try:
        quarter = _quarter(request)
    except BadQuarter as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    report = quarterly_report(request.user, quarter, scope)
    filename = f"quarterly-report_{quarter}_{scope.parameter}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.to_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    log_action(
        "reports.quarterly.exported",
        user=request.user,
        agency=scope.agency,
        data={"quarter": str(quarter), "scope": scope.parameter, "format": fmt},
    )
    return response
