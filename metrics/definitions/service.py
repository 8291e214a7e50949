"""Service domain: case managers per child, supervisor ratio, caseloads, returned cases, CS-23 timeliness."""

from __future__ import annotations

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from metrics.dates import add_months, business_days_after
from metrics.definitions.base import (
    AVERAGE,
    PER_1K_CHILDREN,
    PERCENT,
    RATIO,
    USD,
    Context,
    Metric,
    as_bool,
    flag,
    integer,
    on_day,
    open_at,
    pass_fail,
    reason,
    units,
)
from metrics.models import (
    ExtractAgency,
    Holiday,
    MetricUnit,
    RemovalEpisode,
    ResponsibilitySpan,
    ReturnedCase,
    SentinelEvent,
    WorkerAssignment,
    WorkerPeriod,
)


def _distinct_primary_workers(ctx: Context) -> Subquery:
    """Distinct PRIMARY case managers of the episode overlapping [removal_date, E(M)], any agency."""
    qs = (
        WorkerAssignment.objects.filter(
            episode_id=OuterRef("episode_id"), assignment_role="PRIMARY", start_day__lte=ctx.e
        )
        .filter(Q(end_day__isnull=True) | Q(end_day__gte=OuterRef("removal_day")))
        .values("episode_id")
        .annotate(n=Count("worker_id", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(qs, output_field=IntegerField()), integer(0))


def workers_per_child_units(long_stay: bool):
    def build(ctx: Context):
        cut = add_months(ctx.month.end, -12).toordinal()
        split = Q(removal_day__lte=cut) if long_stay else Q(removal_day__gt=cut)
        qs = (
            RemovalEpisode.objects.filter(open_at(ctx.e))
            .filter(split)
            .annotate(n_workers=_distinct_primary_workers(ctx))
        )
        assigned = Q(n_workers__gt=0)
        return [
            units(
                qs,
                "CHILD",
                child_id="child_id",
                episode_id="episode_id",
                **on_day("episode_id", integer(ctx.e)),
                in_denominator=as_bool(assigned),
                in_numerator=as_bool(assigned),
                den=flag(assigned),
                num=F("n_workers"),
                reason=reason((~assigned, "UNASSIGNED_CHILD")),
            )
        ]

    return build


def _active_on(day) -> Q:
    return Q(period_start__lte=day) & (Q(period_end__isnull=True) | Q(period_end__gte=day))


def _worker_keys() -> dict:
    return {"agency_code": "agency_code", "county_fips": "office_county_fips", "circuit_code": "office_circuit_code"}


def supervisor_ratio_units(ctx: Context):
    workers = WorkerPeriod.objects.filter(_active_on(ctx.month.end), role__in=["CASE_MANAGER", "SUPERVISOR"])
    supervisor = Q(role="SUPERVISOR")
    return [
        units(
            workers,
            "WORKER",
            worker_id="worker_id",
            **_worker_keys(),
            in_denominator=as_bool(supervisor),
            in_numerator=as_bool(~supervisor),
            num=_when(~supervisor, F("fte")),
            den=_when(supervisor, F("fte")),
        )
    ]


def _when(condition, value):
    from django.db.models import Case, DecimalField, When

    return Case(
        When(condition, then=value), default=Value(0), output_field=DecimalField(max_digits=18, decimal_places=4)
    )


def _primary_on(day: int) -> Q:
    return Q(assignment_role="PRIMARY", start_day__lte=day) & (Q(end_day__isnull=True) | Q(end_day__gte=day))


def _caseload(ctx: Context) -> Subquery:
    """Distinct children open at E(M) with a PRIMARY assignment to the worker covering E(M).

    Two PRIMARY rows of one episode may overlap on E(M) (WA4 is a warning): the later start owns the
    overlap, then the larger assignment id (D29, as PG2 for goals), so a child is in one caseload only."""
    superseded = WorkerAssignment.objects.filter(_primary_on(ctx.e), episode_id=OuterRef("episode_id")).filter(
        Q(start_day__gt=OuterRef("start_day"))
        | Q(start_day=OuterRef("start_day"), assignment_id__gt=OuterRef("assignment_id"))
    )
    qs = (
        WorkerAssignment.objects.filter(_primary_on(ctx.e), worker_id=OuterRef("worker_id"))
        .filter(Q(discharge_day__isnull=True) | Q(discharge_day__gt=ctx.e))
        .exclude(Exists(superseded))
        .values("worker_id")
        .annotate(n=Count("child_id", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(qs, output_field=IntegerField()), integer(0))


CASELOAD = "caseload_per_case_manager"


def caseload_units(ctx: Context):
    managers = WorkerPeriod.objects.filter(_active_on(ctx.month.end), role="CASE_MANAGER").annotate(
        children=_caseload(ctx)
    )
    carries = Q(children__gt=0)
    return [
        units(
            managers,
            "WORKER",
            worker_id="worker_id",
            **_worker_keys(),
            in_denominator=as_bool(carries),
            in_numerator=as_bool(carries),
            den=flag(carries),
            num=F("children"),
            reason=reason((~carries, "NO_CASES")),
        )
    ]


def over_cap_units(ctx: Context):
    """The caseload metric's worker units, re-counted against the cap: each unit's `num` is the
    worker's caseload, so the distinct-children count per worker runs once per month, not twice."""
    managers = MetricUnit.objects.filter(run=ctx.run, metric=CASELOAD, period=str(ctx.month))
    over = Q(in_denominator=True, num__gt=ctx.settings["caseload_cap"])
    return [
        units(
            managers,
            "WORKER",
            worker_id="worker_id",
            agency_code="agency_code",
            county_fips="county_fips",
            circuit_code="circuit_code",
            in_denominator="in_denominator",
            in_numerator=as_bool(over),
            den="den",
            num=flag(over),
            reason="reason",
        )
    ]


RETURN_REASONS = ["CATASTROPHIC_COST", "COURT_ORDER"]


def _fccm_codes() -> list[str]:
    return list(ExtractAgency.objects.filter(agency_type="FCCM").values_list("agency_code", flat=True))


def _returns(ctx: Context):
    return ReturnedCase.objects.filter(return_date__gte=ctx.month.start, return_date__lte=ctx.month.end).annotate(
        **{f"a_{k}": v for k, v in on_day("episode_id", OuterRef("return_day")).items()}
    )


def cases_returned_units(ctx: Context):
    # Children served: distinct children an FCCM agency was responsible for on at least one day of M.
    served = ResponsibilitySpan.objects.filter(start_day__lte=ctx.e, end_day__gte=ctx.s, agency_code__in=_fccm_codes())
    in_scope = Q(reason__in=RETURN_REASONS)
    return [
        units(
            served,
            "CHILD_SERVED",
            child_id="child_id",
            episode_id="episode_id",
            agency_code="agency_code",
            county_fips="county_fips",
            circuit_code="circuit_code",
            in_denominator=Value(True),
        ),
        units(
            _returns(ctx),
            "RETURN",
            child_id="child_id",
            episode_id="episode_id",
            event_id="return_id",
            agency_code="from_agency_code",
            county_fips="a_county_fips",
            circuit_code="a_circuit_code",
            in_numerator=as_bool(in_scope),
            num=flag(in_scope),
            reason=reason((~in_scope, "REASON_NOT_IN_SCOPE")),
        ),
    ]


def returned_cost_units(ctx: Context):
    returns = _returns(ctx).filter(reason__in=RETURN_REASONS)
    has_cost = Q(cost_amount__isnull=False)
    return [
        units(
            returns,
            "RETURN",
            child_id="child_id",
            episode_id="episode_id",
            event_id="return_id",
            agency_code="from_agency_code",
            county_fips="a_county_fips",
            circuit_code="a_circuit_code",
            in_denominator=as_bool(has_cost),
            in_numerator=as_bool(has_cost),
            den=flag(has_cost),
            num=_when(has_cost, F("cost_amount")),
            reason=reason((~has_cost, "NO_COST_AMOUNT")),
        )
    ]


def refresh_report_due_dates(ctx: Context) -> None:
    """The last on-time CS-23 date per event: n business days after awareness, holidays skipped.

    Business-day arithmetic over a holiday list is done here, per sentinel event (rare), and
    stored, so the metric query itself stays a plain comparison."""
    holidays = set(Holiday.objects.values_list("holiday_date", flat=True))
    n = ctx.settings["sentinel_report_business_days"]
    events = list(SentinelEvent.objects.only("pk", "awareness_date", "report_due_date"))
    changed = []
    for event in events:
        due = business_days_after(event.awareness_date, n, holidays)
        if event.report_due_date != due:
            event.report_due_date = due
            changed.append(event)
    SentinelEvent.objects.bulk_update(changed, ["report_due_date"], batch_size=1000)


def timely_report_units(ctx: Context):
    first, last = ctx.month.rolling_start, ctx.month.end
    events = SentinelEvent.objects.filter(
        event_type__in=ctx.settings["sentinel_types"],
        awareness_date__gte=first,
        awareness_date__lte=last,
        episode_id__gt="",
    )
    on_time = Q(reported_date__isnull=False, reported_date__lte=F("report_due_date"))
    return [
        units(
            events,
            "EVENT",
            child_id="child_id",
            episode_id="episode_id",
            event_id="event_id",
            **on_day("episode_id", OuterRef("event_day")),
            **pass_fail(on_time),
            reason=reason((Q(reported_date__isnull=True), "NOT_REPORTED"), (~on_time, "REPORTED_LATE")),
        )
    ]


METRICS = [
    Metric(
        code="workers_per_child_lt12",
        title="Average case managers per child, in care < 12 months",
        domain="Service",
        phase="I",
        definition="Average number of different primary case managers in the current episode, children in care "
        "at month end for less than 12 months.",
        unit=AVERAGE,
        period_type="SNAPSHOT",
        unit_type="CHILD",
        direction="LOWER",
        attribution="R4",
        units=workers_per_child_units(long_stay=False),
        dq_checks=("WA5",),
    ),
    Metric(
        code="workers_per_child_12plus",
        title="Average case managers per child, in care 12+ months",
        domain="Service",
        phase="I",
        definition="Average number of different primary case managers in the current episode, children in care "
        "at month end for 12 months or more.",
        unit=AVERAGE,
        period_type="SNAPSHOT",
        unit_type="CHILD",
        direction="LOWER",
        attribution="R4",
        units=workers_per_child_units(long_stay=True),
        dq_checks=("WA5",),
    ),
    Metric(
        code="supervisor_ratio",
        title="Case managers per supervisor",
        domain="Service",
        phase="II",
        definition="Case-manager FTE per supervisor FTE at month end.",
        unit=RATIO,
        period_type="SNAPSHOT",
        unit_type="WORKER",
        direction="LOWER",
        attribution="WORKER",
        units=supervisor_ratio_units,
    ),
    Metric(
        code=CASELOAD,
        title="Children per case manager",
        domain="Service",
        phase="III",
        definition="Children open at month end per case manager carrying at least one PRIMARY case.",
        unit=AVERAGE,
        period_type="SNAPSHOT",
        unit_type="WORKER",
        direction="LOWER",
        attribution="WORKER",
        units=caseload_units,
    ),
    Metric(
        code="caseload_over_cap",
        title="Case managers above the caseload cap",
        domain="Service",
        phase="III",
        definition="Percentage of case managers carrying more children than the caseload cap at month end.",
        unit=PERCENT,
        period_type="SNAPSHOT",
        unit_type="WORKER",
        direction="LOWER",
        attribution="WORKER",
        units=over_cap_units,
        settings_used=("caseload_cap",),
        depends_on=(CASELOAD,),
    ),
    Metric(
        code="cases_returned",
        title="Cases returned to CD (catastrophic cost / court order)",
        domain="Service",
        phase="II",
        definition="Cases an FCCM agency returned to the Children's Division for catastrophic cost or by court "
        "order, per 1,000 children the agency served in the month.",
        unit=PER_1K_CHILDREN,
        period_type="MONTH",
        unit_type="RETURN",
        direction="LOWER",
        attribution="R2",
        units=cases_returned_units,
        den_aggregate="distinct:child_id",
        agency_types=("FCCM",),
    ),
    Metric(
        code="cases_returned_cost",
        title="Cost of cases returned to CD",
        domain="Service",
        phase="II",
        definition="Average cost (USD) per returned case that carries a cost amount.",
        unit=USD,
        period_type="MONTH",
        unit_type="RETURN",
        direction="LOWER",
        attribution="R2",
        units=returned_cost_units,
        agency_types=("FCCM",),
    ),
    Metric(
        code="sentinel_event_timely_report",
        title="Sentinel events reported within 1 business day",
        domain="Service",
        phase="III",
        definition="Percentage of sentinel events reported to Central Office (CS-23) by the next business day "
        "after the agency became aware of them, rolling 12 months.",
        unit=PERCENT,
        period_type="ROLLING_12",
        unit_type="EVENT",
        direction="HIGHER",
        attribution="R2",
        units=timely_report_units,
        prepare=refresh_report_due_dates,
        requires_files=("sentinel_events.csv",),
        settings_used=("sentinel_types", "sentinel_report_business_days"),
    ),
]
