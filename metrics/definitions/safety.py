"""Safety domain: worker/child visits, victimization in foster care, sentinel events."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, Greatest, Least

from metrics.dates import latest_dob_aged_under
from metrics.definitions.base import (
    FAR_FUTURE,
    PER_100K_DAYS,
    PERCENT,
    Context,
    Metric,
    as_bool,
    attribution_of,
    flag,
    in_care_any_day,
    integer,
    on_day,
    pass_fail,
    r1,
    reason,
    unit_of,
    units,
)
from metrics.models import (
    MetricUnit,
    RemovalEpisode,
    ResponsibilitySpan,
    SentinelEvent,
    SubstantiatedReport,
    WorkerChildVisit,
)

WORKER_CHILD_VISITS = "worker_child_visits"


def worker_child_band(value: Decimal) -> str:
    """Section 4.1: shortfall below 95.0 in points; exact endpoints go to the better band (D4)."""
    shortfall = Decimal("95.0") - value
    if shortfall <= 0:
        return "E"
    if shortfall <= 4:
        return "D"
    if shortfall <= 14:
        return "C"
    if shortfall <= 24:
        return "B"
    return "A"


def _qualifying_visits(ctx: Context):
    modes = ["IN_PERSON"] + (["VIDEO"] if ctx.settings["count_video_worker_visits"] else [])
    return WorkerChildVisit.objects.filter(
        visit_date__gte=ctx.month.start,
        visit_date__lte=ctx.month.end,
        status="COMPLETED",
        contact_mode__in=modes,
        worker_role__in=ctx.settings["caseworker_roles"],
    )


def worker_child_visit_units(ctx: Context):
    s, e = ctx.s, ctx.e
    dob_limit = latest_dob_aged_under(ctx.month.start, ctx.settings["visit_max_age"])
    full_month = Q(removal_day__lte=s) & (Q(discharge_day__isnull=True) | Q(discharge_day__gte=e))
    of_age = Q(under18_at_removal=True, date_of_birth__gt=dob_limit)
    # An input of the unit query (an annotation): evaluated once per row, not in every column using it.
    qs = RemovalEpisode.objects.filter(in_care_any_day(s, e)).annotate(
        visited=Exists(_qualifying_visits(ctx).filter(child_id=OuterRef("child_id"), episode_id=OuterRef("episode_id")))
    )
    seen = Q(visited=True)
    counted = Q(full_month & of_age)
    return [
        units(
            qs,
            "CHILD_MONTH",
            child_id="child_id",
            episode_id="episode_id",
            **r1("episode_id", integer(s), integer(e)),
            in_denominator=as_bool(counted),
            in_numerator=as_bool(seen & counted),
            den=flag(counted),
            num=flag(seen & counted),
            reason=reason((~full_month, "NOT_FULL_MONTH"), (~of_age, "OVER_18"), (~seen, "NO_FACE_TO_FACE_VISIT")),
        )
    ]


def in_residence_units(ctx: Context):
    # Every qualifying visit to a child counted in worker_child_visits; visits follow the child's R1 key.
    visits = _qualifying_visits(ctx).filter(Exists(unit_of(ctx, WORKER_CHILD_VISITS)), episode_id__gt="")
    at_home = Q(location="CHILD_RESIDENCE")
    return [
        units(
            visits,
            "VISIT",
            child_id="child_id",
            episode_id="episode_id",
            worker_id="worker_id",
            event_id="visit_id",
            **attribution_of(ctx, WORKER_CHILD_VISITS),
            **pass_fail(at_home),
            reason=reason((~at_home, "NOT_IN_RESIDENCE")),
        )
    ]


def _window(ctx: Context) -> tuple[int, int]:
    return ctx.month.rolling_start.toordinal(), ctx.e


def victimization_units(ctx: Context):
    first, last = _window(ctx)
    st = ctx.settings
    short = Q(discharge_day__isnull=False) & Q(
        discharge_day__lt=F("removal_day") + st["victim_min_episode_days"]
    )  # completed episode shorter than the minimum
    eligible = Q(under18_at_removal=True) & ~short
    days = Greatest(
        integer(0),
        Least(F("end_day") + 1, Coalesce(F("discharge_day"), integer(FAR_FUTURE)), integer(last + 1), F("age18_day"))
        - Greatest(F("start_day"), integer(first)),
    )
    spans = ResponsibilitySpan.objects.filter(start_day__lte=last, end_day__gte=first).annotate(n_days=days)
    day_units = units(
        spans,
        "EPISODE_DAYS",
        child_id="child_id",
        episode_id="episode_id",
        agency_code="agency_code",
        county_fips="county_fips",
        circuit_code="circuit_code",
        in_denominator=as_bool(eligible & Q(n_days__gt=0)),
        den=Case(When(eligible, then=F("n_days")), default=Value(0), output_field=IntegerField()),
        days=Case(When(eligible, then=F("n_days")), default=Value(0), output_field=IntegerField()),
        reason=reason(
            (Q(under18_at_removal=False), "ENTERED_AT_18"), (short, "SHORT_EPISODE"), (Q(n_days=0), "OVER_18")
        ),
    )

    in_episode_incident = Q(incident_day__isnull=False, incident_day__gte=F("removal_day")) & Q(
        incident_day__lte=Coalesce(F("discharge_day"), integer(FAR_FUTURE))
    )
    report_in = Q(report_day__gte=first, report_day__lte=last)
    disposition_in = Q(disposition_day__gte=first, disposition_day__lte=last)
    if st["victim_date_rule"] == "REPORT_DATE_IN_WINDOW":
        dates_ok = report_in & Q(disposition_day__isnull=False)
        relevant = report_in
    else:
        dates_ok = report_in & disposition_in
        relevant = report_in | disposition_in
    early = Q(report_day__lt=F("removal_day") + st["victim_early_report_days"])
    after_18 = Q(report_day__gte=F("age18_day"))
    incident_outside = Q(incident_day__isnull=False) & ~in_episode_incident
    counted = eligible & ~early & ~after_18 & dates_ok & ~incident_outside
    reports = (
        SubstantiatedReport.objects.filter(relevant, episode_id__gt="")
        .annotate(
            attr_day=Case(When(in_episode_incident, then=F("incident_day")), default=F("report_day")),
        )
        .annotate(**{f"a_{k}": v for k, v in on_day("episode_id", OuterRef("attr_day")).items()})
    )
    report_units = units(
        reports,
        "REPORT",
        child_id="child_id",
        episode_id="episode_id",
        event_id="report_id",
        agency_code="a_agency_code",
        county_fips="a_county_fips",
        circuit_code="a_circuit_code",
        in_denominator=as_bool(counted),
        in_numerator=as_bool(counted),
        num=flag(counted),
        reason=reason(
            (Q(under18_at_removal=False), "ENTERED_AT_18"),
            (short, "SHORT_EPISODE"),
            (early, f"WITHIN_FIRST_{st['victim_early_report_days']}_DAYS"),
            (after_18, "OVER_18"),
            (~report_in, "REPORT_OUTSIDE_WINDOW"),
            (~dates_ok, "DISPOSITION_OUTSIDE_WINDOW"),
            (incident_outside, "INCIDENT_OUTSIDE_EPISODE"),
        ),
    )
    return [day_units, report_units]


def victimization_dedup(ctx: Context) -> None:
    """Rule 6: a report within `victim_dedup_days` after the child's last *counted* report is dropped.

    The comparison is with the last counted report, not the previous one, so it is sequential; it
    runs over the few counted reports of the run (never over children), ordered by date then id."""
    limit = ctx.settings["victim_dedup_days"]
    counted = list(
        MetricUnit.objects.filter(
            run=ctx.run, metric="victimization_in_care", period=str(ctx.month), unit_type="REPORT", in_numerator=True
        ).values("pk", "child_id", "event_id")
    )
    if not counted:
        return
    # The reports' days by the counted reports' ids, given as values: as two IN (subquery) filters
    # over the month's units the planner re-read the units for every report (52 s at 1M children).
    report_days = {
        (r["report_id"], r["child_id"]): r["report_day"]
        for r in SubstantiatedReport.objects.filter(report_id__in={u["event_id"] for u in counted}).values(
            "report_id", "child_id", "report_day"
        )
    }
    rows = sorted(counted, key=lambda u: (u["child_id"], report_days[(u["event_id"], u["child_id"])], u["event_id"]))
    dropped: list[int] = []
    last_child, last_day = None, None
    for unit in rows:
        day = report_days[(unit["event_id"], unit["child_id"])]
        if unit["child_id"] == last_child and day - last_day <= limit:
            dropped.append(unit["pk"])
            continue
        last_child, last_day = unit["child_id"], day
    MetricUnit.objects.filter(pk__in=dropped).update(
        in_numerator=False, in_denominator=False, num=0, reason=f"DEDUP_{limit}_DAY"
    )


def sentinel_units(ctx: Context):
    first, last = _window(ctx)
    days = Greatest(
        integer(0),
        Least(F("end_day") + 1, Coalesce(F("discharge_day"), integer(FAR_FUTURE)), integer(last + 1))
        - Greatest(F("start_day"), integer(first)),
    )
    spans = ResponsibilitySpan.objects.filter(start_day__lte=last, end_day__gte=first).annotate(n_days=days)
    day_units = units(
        spans,
        "EPISODE_DAYS",
        child_id="child_id",
        episode_id="episode_id",
        agency_code="agency_code",
        county_fips="county_fips",
        circuit_code="circuit_code",
        in_denominator=as_bool(Q(n_days__gt=0)),
        den=F("n_days"),
        days=F("n_days"),
    )
    events = SentinelEvent.objects.filter(
        event_type__in=ctx.settings["sentinel_types"], event_day__gte=first, event_day__lte=last, episode_id__gt=""
    )
    event_units = units(
        events,
        "EVENT",
        child_id="child_id",
        episode_id="episode_id",
        event_id="event_id",
        **on_day("episode_id", OuterRef("event_day")),
        in_denominator=Value(True),
        in_numerator=Value(True),
        num=Value(1),
    )
    return [day_units, event_units]


WORKER_CHILD_VISITS_METRIC = Metric(
    code=WORKER_CHILD_VISITS,
    analyze_after=True,
    title="Worker/child visits",
    domain="Safety",
    phase="I",
    definition=(
        "Percentage of children in foster care for the entire calendar month (under 18 on the first day) "
        "seen face-to-face by a caseworker at least once during the month."
    ),
    unit=PERCENT,
    period_type="MONTH",
    unit_type="CHILD_MONTH",
    direction="HIGHER",
    benchmark=Decimal("95.0"),
    comparator=">=",
    band=worker_child_band,
    units=worker_child_visit_units,
    settings_used=("visit_max_age", "caseworker_roles", "count_video_worker_visits"),
    dq_checks=("WA5",),
)

IN_RESIDENCE = Metric(
    code="worker_child_visits_in_residence",
    title="Worker/child visits in the child's residence",
    domain="Safety",
    phase="I",
    definition="Of all qualifying worker/child visits in the month, the percentage made in the child's residence.",
    unit=PERCENT,
    period_type="MONTH",
    unit_type="VISIT",
    direction="HIGHER",
    benchmark=Decimal("50.0"),
    comparator=">",
    units=in_residence_units,
    depends_on=(WORKER_CHILD_VISITS,),
    settings_used=("visit_max_age", "caseworker_roles", "count_video_worker_visits"),
)

VICTIMIZATION = Metric(
    code="victimization_in_care",
    title="Victimization in foster care",
    domain="Safety",
    phase="I",
    definition=(
        "Substantiated maltreatment reports about children during a foster-care episode, per 100,000 days "
        "in care, over the rolling 12 months (Missouri's nine-day exclusions, one-day de-duplication)."
    ),
    unit=PER_100K_DAYS,
    period_type="ROLLING_12",
    unit_type="REPORT",
    direction="LOWER",
    benchmark=Decimal("9.07"),
    comparator="<=",
    attribution="R3",
    units=victimization_units,
    finish=victimization_dedup,
    small_n_field="child_id",
    settings_used=("victim_min_episode_days", "victim_early_report_days", "victim_dedup_days", "victim_date_rule"),
    dq_checks=("EP4", "WA5", "PENDING"),
)

SENTINEL_EVENTS = Metric(
    code="sentinel_events",
    title="Sentinel events per 100,000 days in care",
    domain="Safety",
    phase="III",
    definition="Fatalities, near fatalities and serious bodily injuries of children in custody per 100,000 days in care.",
    unit=PER_100K_DAYS,
    period_type="ROLLING_12",
    unit_type="EVENT",
    direction="LOWER",
    attribution="R3",
    units=sentinel_units,
    small_n_field="child_id",
    requires_files=("sentinel_events.csv",),
    settings_used=("sentinel_types",),
)

METRICS = [WORKER_CHILD_VISITS_METRIC, IN_RESIDENCE, VICTIMIZATION, SENTINEL_EVENTS]
