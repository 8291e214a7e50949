"""Metrics pages: dashboard, one metric, drill-down to units, and the extract import."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scoping import get_agency_for_user, has_capability
from config.background import enqueue
from metrics import pages, registry, successors
from metrics.compute import latest_run
from metrics.export import write_csv
from metrics.extract.report import ERROR, WARNING, more_text, problems_csv
from metrics.forms import ComputeForm, ImportForm
from metrics.imports import RetryRefused, fail_stale_imports, retry_import, start_import, upload_folder
from metrics.models import ImportRun
from metrics.tasks import compute_metrics_task


def _require_view(request: HttpRequest) -> None:
    if not has_capability(request.user, pages.CAPABILITY):
        raise PermissionDenied("You may not view performance metrics.")


def _metric_or_404(code: str):
    try:
        return registry.get(code)
    except KeyError as exc:
        raise Http404("No such metric.") from exc


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    context = pages.dashboard(request.user, request.GET.get("period"))
    context["may_import"] = pages.may_import(request.user)
    return render(request, "metrics/dashboard.html", context)


@login_required
def metric_detail(request: HttpRequest, code: str) -> HttpResponse:
    _require_view(request)
    metric = _metric_or_404(code)
    join = request.GET.get("join") == "1"
    context = pages.metric_page(request.user, metric, request.GET.get("period"), join=join)
    if request.GET.get("format") == "trend_csv" and context.get("run"):
        # the trend chart's series (joined or not, as on the page), one row per series and month
        response = HttpResponse(
            successors.trend_csv(context["trend_series"], context["months"], metric.precision), content_type="text/csv"
        )
        suffix = "_joined" if join else ""
        response["Content-Disposition"] = f'attachment; filename="{code}_trend{suffix}.csv"'
        return response
    if request.GET.get("format") == "csv" and context.get("run"):
        rows = pages.scoped_results(request.user, context["run"]).filter(metric=code, period=context["period"])
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{code}_{context["period"]}.csv"'
        write_csv(response, rows.select_related("run").order_by("period_type", "dimension", "key"))
        return response
    return render(request, "metrics/metric_detail.html", context)


@login_required
def metric_units(request: HttpRequest, code: str, period: str, agency_code: str) -> HttpResponse:
    _require_view(request)
    metric = _metric_or_404(code)
    run = latest_run()
    if run is None:
        raise Http404("No computed results.")
    # An agency where the user holds no role is answered 404, as if it did not exist; one where their
    # roles do not include metrics.view (a reviewer there) is 403.
    agency = get_agency_for_user(request.user, pages.CAPABILITY, code=agency_code)
    units = pages.units_for(request.user, run, metric, period, agency_code)
    result = run.results.filter(metric=code, period=period, dimension="AGENCY", key=agency_code).first()
    return render(
        request,
        "metrics/metric_units.html",
        {
            "metric": metric,
            "period": period,
            "agency": agency,
            "units": units[:2000],
            "total": units.count(),
            "result": result,
        },
    )


def _require_import(request: HttpRequest) -> None:
    if not pages.may_import(request.user):
        raise PermissionDenied("Only state administrators may load an extract.")


@login_required
@require_http_methods(["GET", "POST"])
def import_extract(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    fail_stale_imports()
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["bundle"]
        folder = upload_folder()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{uuid.uuid4().hex}.zip"
        with open(path, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        # Runs after the commit: through Celery, or without a broker in a thread (never in this request).
        run = start_import(path, upload.name, request.user)
        return redirect("metrics:import_detail", pk=run.pk)
    runs = ImportRun.objects.all()[:20]
    return render(request, "metrics/import.html", {"form": form, "runs": runs})


PROBLEMS_SHOWN = 1000  # per severity on the page; the CSV has every listed problem


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_import(request)
    fail_stale_imports()
    run = get_object_or_404(ImportRun, pk=pk)
    errors = [p for p in run.problems if p["severity"] == ERROR]
    warnings = [p for p in run.problems if p["severity"] == WARNING]
    error_count, warning_count = max(run.error_count, len(errors)), max(run.warning_count, len(warnings))
    if request.GET.get("format") == "csv":
        omitted = {ERROR: error_count - len(errors), WARNING: warning_count - len(warnings)}
        response = HttpResponse(problems_csv(run.problems, omitted), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="import_{run.pk}_report.csv"'
        return response
    template = "metrics/_import_status.html" if request.htmx else "metrics/import_detail.html"
    shown_errors, shown_warnings = errors[:PROBLEMS_SHOWN], warnings[:PROBLEMS_SHOWN]
    context = {
        "run": run,
        "errors": shown_errors,
        "warnings": shown_warnings,
        "error_count": error_count,
        "warning_count": warning_count,
        "more_errors": _more(ERROR, error_count, shown_errors),
        "more_warnings": _more(WARNING, warning_count, shown_warnings),
        "compute_form": ComputeForm(),
    }
    return render(request, template, context)


def _more(severity: str, total: int, shown: list) -> str:
    return more_text(severity, total - len(shown), len(shown)) if total > len(shown) else ""


@login_required
@require_POST
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a failed import again (its worker died, or it failed unexpectedly) as a new run."""
    _require_import(request)
    run = get_object_or_404(ImportRun, pk=pk)
    try:
        retry = retry_import(run, request.user)
    except RetryRefused as refused:
        messages.error(request, str(refused))
        return redirect("metrics:import_detail", pk=run.pk)
    return redirect("metrics:import_detail", pk=retry.pk)


@login_required
@require_http_methods(["POST"])
def compute(request: HttpRequest) -> HttpResponse:
    """Compute the chosen months for the loaded extract (a Celery task; eager without a broker)."""
    _require_import(request)
    form = ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Months are YYYY-MM, the last not before the first.")
        return redirect("metrics:import")
    first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    user_id = request.user.pk
    transaction.on_commit(lambda: enqueue(compute_metrics_task, first, last, user_id=user_id))
    messages.success(request, f"Computation of {first} to {last} started; the dashboard shows it when it is done.")
    return redirect("metrics:dashboard")
