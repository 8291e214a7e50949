"""The read API, version 1: thin views over each app's own query functions and accounts.scoping.

Every endpoint asks for the capability its page asks for (403 when the user holds it in no agency)
and reads through the same functions as that page, so the figures and the scope are the page's:

- metric results: metrics.pages.scoped_results (agency rows only where the user holds metrics.view);
- metric runs: metrics.view; extract imports: an administrator role in CD (metrics.pages.may_import);
- review summaries: reviews.summaries (report.view), the summary page's filters and groups;
- survey results: surveys.access.results_scope and surveys.results (surveys.view), suppressed by the
  same pattern as the pages;
- the quarterly report: reports.quarterly.resolve_scope and reports.document.build (report.view).

An agency named in a filter or the path is checked with accounts.scoping.get_agency_for_user: 404
when the user holds no role there (its existence is not disclosed), 403 when their roles there do
not grant the capability. Every authenticated request leaves an `api.read` audit entry.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Agency
from accounts.scoping import get_agency_for_user, has_capability
from api import serializers as out
from api.auth import audit
from metrics import pages, registry
from metrics.compute import DIMENSIONS, latest_run
from metrics.models import ImportRun, MetricResult, MetricRun
from reports import document
from reports.models import Report
from reports.quarterly import STATEWIDE, BadQuarter, Quarter, resolve_scope
from reviews import summaries
from surveys import results
from surveys.access import results_invitations, results_scope
from surveys.models import RespondentGroup


def require(user, capability: str) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied(f"Your roles do not include {capability}.")


class BadRequest(Exception):
    """A filter the API cannot apply: answered 400 with the reasons."""

    def __init__(self, errors: list[str]):
        self.errors = errors


class ApiMixin:
    """No-store answers (they carry agency data), one audit entry per authenticated request, and 400 for bad filters."""

    def check_permissions(self, request):
        # Rate limits before permissions, so that calls without a sign-in (401) count too.
        super().check_throttles(request)
        super().check_permissions(request)

    def check_throttles(self, request):
        pass  # done in check_permissions

    def handle_exception(self, exc):
        if isinstance(exc, BadRequest):
            return Response({"errors": exc.errors}, status=400)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        audit(request, response)
        return response


class ApiView(ApiMixin, APIView):
    pass


class ApiListView(ApiMixin, ListAPIView):
    def get_queryset(self) -> QuerySet:
        # Only the browsable page asks (for its filter form): the rows are selected in get().
        return self.serializer_class.Meta.model.objects.none()

    def list_response(self, queryset: QuerySet, **context) -> Response:
        page = self.paginate_queryset(queryset)
        data = self.get_serializer(page, many=True, context={"request": self.request, **context}).data
        return self.get_paginated_response(data)


# --- the root ---------------------------------------------------------------------------------


class Root(ApiView):
    """The endpoints of version 1 (links), and the OpenAPI schema."""

    @extend_schema(operation_id="api_root", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        def url(name: str, *args) -> str:
            return request.build_absolute_uri(reverse(f"api:{name}", args=args))

        return Response(
            {
                "metric_results": url("metric_results"),
                "metric_runs": url("metric_runs"),
                "imports": url("imports"),
                "review_summary": url("review_summary"),
                "survey_results": url("survey_results"),
                "quarterly_report": url("quarterly_report", "2023Q3", STATEWIDE).replace(
                    "2023Q3/all", "{quarter}/{scope}"
                ),
                "schema": url("schema"),
            }
        )


# --- metrics ----------------------------------------------------------------------------------


def _bad(errors: list[str]) -> None:
    if errors:
        raise BadRequest(errors)


METRIC_FILTERS = [
    OpenApiParameter("metric", str, description="metric code, e.g. worker_child_visits"),
    OpenApiParameter("period", str, description="2023-07 (a month), 2023-Q3 (a quarter), FFY2023 ..."),
    OpenApiParameter("period_type", str, description="MONTH, QUARTER ... (a period can have several)"),
    OpenApiParameter("dimension", str, enum=[d for d, _ in DIMENSIONS]),
    OpenApiParameter("key", str, description="the dimension's value: an agency code, circuit number or county FIPS"),
]


class MetricResults(ApiListView):
    """Stored metric results of the current run: statewide, circuit and county rows for every metrics.view
    holder, agency rows only of the agencies where the user holds metrics.view (as on the dashboard)."""

    serializer_class = out.MetricResultSerializer

    @extend_schema(operation_id="metric_results_list", parameters=METRIC_FILTERS)
    def get(self, request):
        require(request.user, pages.CAPABILITY)
        params = request.query_params
        errors = []
        metric = params.get("metric", "").strip()
        if metric:
            try:
                registry.get(metric)
            except KeyError:
                errors.append(f"metric: {metric!r} is not a metric code")
        dimension = params.get("dimension", "").strip().upper()
        if dimension and dimension not in {d for d, _ in DIMENSIONS}:
            errors.append(f"dimension: {dimension!r} is not one of {', '.join(d for d, _ in DIMENSIONS)}")
        _bad(errors)
        key = params.get("key", "").strip()
        if key and dimension in ("AGENCY", "") and Agency.objects.filter(code=key.upper()).exists():
            # An agency named in a filter: 404 without a role there, 403 without metrics.view there.
            get_agency_for_user(request.user, pages.CAPABILITY, code=key.upper())
            key = key.upper()
        run = latest_run()
        rows = pages.scoped_results(request.user, run) if run else MetricResult.objects.none()
        for name, value in (("metric", metric), ("period", params.get("period", "").strip()), ("dimension", dimension)):
            if value:
                rows = rows.filter(**{name: value})
        if params.get("period_type", "").strip():
            rows = rows.filter(period_type=params["period_type"].strip().upper())
        if key:
            rows = rows.filter(key=key)
        rows = rows.select_related("run").order_by(
            "metric", "period_start", "period", "period_type", "dimension", "key"
        )
        return self.list_response(rows)


class MetricResultDetail(ApiView):
    """One metric result by id: 404 when it is an agency row of an agency outside the user's metrics.view."""

    @extend_schema(operation_id="metric_result", responses=out.MetricResultSerializer)
    def get(self, request, pk: int):
        require(request.user, pages.CAPABILITY)
        run = latest_run()
        row = pages.scoped_results(request.user, run).filter(pk=pk).select_related("run").first() if run else None
        if row is None:
            raise Http404("No such metric result.")
        return Response(out.MetricResultSerializer(row).data)


class MetricRuns(ApiListView):
    """Computation runs and their status (newest first); `current` marks the run results are read from."""

    serializer_class = out.MetricRunSerializer

    @extend_schema(operation_id="metric_runs_list")
    def get(self, request):
        require(request.user, pages.CAPABILITY)
        run = latest_run()
        rows = MetricRun.objects.select_related("extract").order_by("-started_at", "-id")
        return self.list_response(rows, current_run_id=run.pk if run else None)


def _require_import(user) -> None:
    if not pages.may_import(user):
        raise PermissionDenied("Only state administrators see extract imports.")


class Imports(ApiListView):
    """Extract imports and their status (newest first): state administrators only, as the import page."""

    serializer_class = out.ImportRunSerializer

    @extend_schema(operation_id="imports_list")
    def get(self, request):
        _require_import(request.user)
        return self.list_response(
            ImportRun.objects.select_related("extract", "created_by").order_by("-created_at", "-id")
        )


class ImportDetail(ApiView):
    """One import with its problems (at most 1000 of each severity, as on the page)."""

    @extend_schema(operation_id="import_detail", responses=out.ImportRunDetailSerializer)
    def get(self, request, pk: int):
        _require_import(request.user)
        run = ImportRun.objects.select_related("extract", "created_by").filter(pk=pk).first()
        if run is None:
            raise Http404("No such import.")
        return Response(out.ImportRunDetailSerializer(run).data)


# --- reviews ----------------------------------------------------------------------------------


def _rows(rows: list[summaries.Row]) -> list[dict]:
    return [
        {
            "group": r.group,
            "group_value": r.group_value,
            "key": r.key,
            "label": r.label,
            "applicable": r.applicable,
            "achieved": r.achieved,
            "percent": r.percent,
        }
        for r in rows
    ]


class ReviewSummary(ApiView):
    """Item and outcome performance over the reviews the summary page counts (report.view), overall or per
    agency, circuit or case type; `quarter` selects the reviews whose period under review ended in it."""

    @extend_schema(
        operation_id="review_summary",
        parameters=[
            OpenApiParameter("quarter", str, description="2023Q3"),
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
            OpenApiParameter("agency", str, description="an agency code"),
            OpenApiParameter("circuit", int),
            OpenApiParameter("case_type", str, enum=list(summaries.CASE_TYPE_LABELS)),
            OpenApiParameter("statuses", str, enum=list(summaries.STATUS_SETS)),
            OpenApiParameter("group_by", str, enum=list(summaries.GROUPS)),
        ],
        responses=out.ReviewSummarySerializer,
    )
    def get(self, request):
        require(request.user, "report.view")
        filters, errors = summaries.parse_filters(request.query_params)
        group_by = request.query_params.get("group_by", "")
        if group_by and group_by not in summaries.GROUPS:
            errors.append(f"group_by: {group_by!r} is not one of {', '.join(summaries.GROUPS)}")
        _bad(errors)
        if filters.agency:
            get_agency_for_user(request.user, "report.view", code=filters.agency)
        reviews = summaries.reviews_for_summary(request.user, filters)
        return Response(
            {
                "filters": filters.params(),
                "group_by": group_by,
                "reviews_counted": reviews.count(),
                "items": _rows(summaries.item_performance(reviews, group_by)),
                "outcomes": _rows(summaries.outcome_performance(reviews, group_by)),
            }
        )


# --- surveys ----------------------------------------------------------------------------------


def _question(result: results.QuestionResult) -> dict:
    suppressed = result.suppressed
    return {
        "code": result.code,
        "text": result.text,
        "kind": result.kind,
        "tags": result.tags,
        "suppressed": suppressed,
        "answered": None if suppressed else result.answered,
        "n": None if suppressed or not result.has_favourable else result.n,
        "percent_favourable": result.percent_favourable,
        "number_mean": result.number_mean,
        "choices": [
            {
                "value": c.value,
                "label": c.label,
                "count": c.count,
                "percent": c.percent,
                "favourable": c.favourable,
                "counts_in_base": c.counts_in_base,
            }
            for c in result.choices
        ],
    }


class SurveyResults(ApiView):
    """Survey results in the user's surveys.view scope, with the results page's filters and its small-cell
    suppression (a suppressed question carries `suppressed: true` and no figures)."""

    @extend_schema(
        operation_id="survey_results",
        parameters=[
            OpenApiParameter("agency", str, description="an agency code"),
            OpenApiParameter("wave", int, description="a wave id"),
            OpenApiParameter("group", str, enum=list(RespondentGroup.values)),
        ],
        responses=out.SurveyResultsSerializer,
    )
    def get(self, request):
        user = request.user
        require(user, "surveys.view")
        params = request.query_params
        data: dict[str, str] = {}
        agency = params.get("agency", "").strip().upper()
        if agency:
            data["agency"] = str(get_agency_for_user(user, "surveys.view", code=agency).pk)
        if params.get("wave", "").strip():
            data["wave"] = params["wave"].strip()
        group = params.get("group", "").strip()
        if group:
            if group not in RespondentGroup.values:
                raise BadRequest([f"group: {group!r} is not one of {', '.join(RespondentGroup.values)}"])
            data["group"] = group
        responses, form, chosen = results_scope(user, data)
        if data and not form.is_valid():
            raise BadRequest([f"{field}: {' '.join(messages)}" for field, messages in form.errors.items()])
        shown_by = results.disclosure()
        questions = results.question_results(responses, shown_by=shown_by)
        comments, withheld = results.comments(responses, shown_by=shown_by)
        invitations = results_invitations(user, chosen)
        rates = [
            {"by": by or "total", "label": r.label, "invited": r.invited, "submitted": r.submitted, "rate": r.rate}
            for by in (None, "group", "agency")
            for r in results.response_rates(invitations, by=by)
        ]
        return Response(
            out.SurveyResultsSerializer(
                {
                    "filters": {k: params[k] for k in ("agency", "wave", "group") if params.get(k)},
                    "min_cell": results.min_cell(),
                    "responses": results.response_count(responses, shown_by),
                    "rates": rates,
                    "questions": [_question(r) for r in questions],
                    "comments": [vars(c) for c in comments],
                    "comments_withheld": withheld,
                }
            ).data
        )


# --- reports ----------------------------------------------------------------------------------


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except BadQuarter as exc:
        raise BadRequest([str(exc)]) from exc


REPORT_PATH = [
    OpenApiParameter("quarter", str, OpenApiParameter.PATH, description="2023Q3"),
    OpenApiParameter("scope", str, OpenApiParameter.PATH, description="all, or an agency code"),
]


class QuarterlyReport(ApiView):
    """The quarterly report's JSON (the `quarterly_report --format json` shape) from the current stored figures.

    `scope` is `all` (statewide: report.view held in CD) or an agency code (404 without a role there, 403
    without report.view there)."""

    @extend_schema(operation_id="quarterly_report", parameters=REPORT_PATH, responses={200: OpenApiTypes.OBJECT})
    def get(self, request, quarter: str, scope: str):
        scope_ = resolve_scope(request.user, scope)
        return Response(document.build(request.user, _quarter(quarter), scope_)["report"])


class PublishedReport(ApiView):
    """The report JSON of the latest published version of a quarter's written report, as it was frozen."""

    @extend_schema(operation_id="published_report", parameters=REPORT_PATH, responses={200: OpenApiTypes.OBJECT})
    def get(self, request, quarter: str, scope: str):
        scope_ = resolve_scope(request.user, scope)
        period = _quarter(quarter)
        report = Report.objects.filter(quarter=str(period), agency=scope_.agency).first()
        version = report.latest_version if report else None
        if version is None:
            raise Http404("No published report for this quarter yet.")
        return Response(version.snapshot["report"])
