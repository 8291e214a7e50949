"""Permanency domain: worker/parent visits, re-entry, timely permanency, placement stability."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import BooleanField, Case, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, Least

from metrics.dates import add_months, latest_dob_aged_under
from metrics.definitions.base import (
    FAR_FUTURE,
    PER_1K_DAYS,
    PERCENT,
    Context,
    Metric,
    as_bool,
    attribution_of,
    flag,
    insert_select,
    integer,
    on_day,
    open_at,
    pass_fail,
    reason,
    text,
    unit_of,
    units,
)
from metrics.definitions.safety import WORKER_CHILD_VISITS
from metrics.definitions.trial_home_visits import final_thv_start, thv_end_containing
from metrics.definitions.wellbeing import deceased, relationship_counts, rights_ended
from metrics.models import (
    CalendarMonth,
    CasePlan,
    GoalSpan,
    OlderYouthService,
    ParentLink,
    PermanencyClock,
    PlacementSegment,
    RemovalEpisode,
    WorkerParentVisit,
)

PERMANENCY_EXITS = ["REU", "RLV", "GDN", "ADO"]


# --------------------------------------------------------------------------------------------
# Worker/parent visits
# --------------------------------------------------------------------------------------------


def worker_parent_units(ctx: Context):
    m = ctx.month
    visited = Exists(
        WorkerParentVisit.objects.filter(
            parent_id=OuterRef("parent_id"),
            visit_date__gte=m.start,
            visit_date__lte=m.end,
            status="COMPLETED",
            contact_mode="IN_PERSON",
            worker_role__in=ctx.settings["caseworker_roles"],
        )
    )
    # An input of the unit query (an annotation): evaluated once per row, not in every column using it.
    pairs = ParentLink.objects.filter(Exists(unit_of(ctx, WORKER_CHILD_VISITS))).annotate(was_visited=visited)
    visited = Q(was_visited=True)
    # Court no-contact orders between parent and child do not exclude: the worker can meet the parent.
    eligible = relationship_counts() & ~rights_ended(ctx) & ~deceased(ctx)
    return [
        units(
            pairs,
            "PARENT_MONTH",
            child_id="child_id",
            parent_id="parent_id",
            **attribution_of(ctx, WORKER_CHILD_VISITS),
            in_denominator=as_bool(eligible),
            in_numerator=as_bool(visited & eligible),
            den=flag(eligible),
            num=flag(visited & eligible),
            reason=reason(
                (~relationship_counts(), "RELATIONSHIP"),
                (rights_ended(ctx), "TPR"),
                (deceased(ctx), "DECEASED"),
                (~visited, "NO_FACE_TO_FACE_VISIT"),
            ),
        )
    ]


# --------------------------------------------------------------------------------------------
# Re-entry within 12 months (exit cohort)
# --------------------------------------------------------------------------------------------


def reentry_band(value: Decimal) -> str:
    """Section 4.2: excess over 5.6 in points (legend values, decision D3)."""
    excess = value - Decimal("5.6")
    if excess <= 0:
        return "D"
    if excess <= Decimal("4.4"):
        return "C"
    if excess <= Decimal("9.4"):
        return "B"
    return "A"


def reentry_units(ctx: Context):
    first, last = ctx.month.shift(-23).start.toordinal(), ctx.month.shift(-12).end.toordinal()
    reasons = ctx.settings["reentry_exit_reasons"]
    qualifies = Q(discharge_reason__in=reasons, under18_at_removal=True, discharge_day__lt=F("age18_day"))
    earlier = Exists(
        RemovalEpisode.objects.filter(
            child_id=OuterRef("child_id"),
            discharge_day__gte=first,
            discharge_day__lt=OuterRef("discharge_day"),
            discharge_reason__in=reasons,
            under18_at_removal=True,
        ).filter(discharge_day__lt=F("age18_day"))
    )
    reentered = Exists(
        RemovalEpisode.objects.filter(
            child_id=OuterRef("child_id"),
            removal_day__gte=OuterRef("discharge_day"),
            removal_day__lte=OuterRef("reentry_limit_day"),
        ).exclude(episode_id=OuterRef("episode_id"))
    )
    # Inputs of the unit query (annotations): evaluated once per row, not in every column using them.
    exits = RemovalEpisode.objects.filter(discharge_day__gte=first, discharge_day__lte=last).annotate(
        has_earlier=earlier, has_reentered=reentered
    )
    earlier, reentered = Q(has_earlier=True), Q(has_reentered=True)
    counted = qualifies & ~earlier
    return [
        units(
            exits,
            "CHILD",
            child_id="child_id",
            episode_id="episode_id",
            **on_day("episode_id", OuterRef("discharge_day")),
            in_denominator=as_bool(counted),
            in_numerator=as_bool(reentered & counted),
            den=flag(counted),
            num=flag(reentered & counted),
            reason=reason(
                (Q(discharge_reason=""), "NO_DISCHARGE_REASON"),
                (~Q(discharge_reason__in=reasons), "EXIT_NOT_IN_SCOPE"),
                (~qualifies, "OVER_18"),
                (earlier, "NOT_FIRST_EXIT"),
                (~reentered, "NO_REENTRY"),
            ),
        )
    ]


# --------------------------------------------------------------------------------------------
# Timely permanency (decision D9)
# --------------------------------------------------------------------------------------------


def add_months_sql(n: int) -> Subquery:
    """add_months(removal_date, n) as a day number, for a row with removal_month_index/removal_dom."""
    qs = (
        CalendarMonth.objects.filter(month_index=OuterRef("removal_month_index") + n)
        .annotate(d=F("first_day") + Least(OuterRef("removal_dom"), F("days")) - 1)
        .values("d")[:1]
    )
    return Subquery(qs, output_field=IntegerField())


def _deadline(ctx: Context, field_name: str) -> Case:
    thresholds = ctx.settings["perm_thresholds_months"]
    return Case(
        *[When(**{field_name: goal}, then=add_months_sql(months)) for goal, months in thresholds.items()],
        default=Value(None),
        output_field=IntegerField(),
    )


def _thv_end_containing(day_ref: str):
    """End (exclusive) of the continuous trial home visit the child is on at `day_ref`, FAR_FUTURE if open
    (consecutive THV rows are one visit: see trial_home_visits.py)."""
    return thv_end_containing(day_ref)


def _late_goals(ctx: Context):
    """PRIMARY goal spans whose deadline passes (not on a trial home visit) while the goal is in effect,
    before the discharge, the 18th birthday and the as-of date; ordered by that first late day."""
    as_of = ctx.as_of.toordinal()
    return (
        GoalSpan.objects.filter(episode_id=OuterRef("episode_id"), goal_rank="PRIMARY")
        .annotate(deadline=_deadline(ctx, "goal_type"))
        .filter(deadline__isnull=False)
        .annotate(candidate=Greatest(F("start_day"), F("deadline") + 1))
        .annotate(late=Coalesce(_thv_end_containing("candidate"), F("candidate")))
        .annotate(
            limit=Least(
                Coalesce(F("end_day"), integer(FAR_FUTURE)),
                Coalesce(F("discharge_day") - 1, integer(FAR_FUTURE)),
                F("age18_day") - 1,
                integer(as_of),
            )
        )
        .filter(late__lte=F("limit"))
        .order_by("late")
    )


def _final_thv_start() -> Subquery:
    """Start of the final continuous trial home visit that ended in the discharge (consecutive THV rows
    merged: see trial_home_visits.py)."""
    return final_thv_start()


def build_clocks(ctx: Context) -> None:
    """Materialise PermanencyClock for the run (once; every month and sub-metric reads it)."""
    if PermanencyClock.objects.filter(run=ctx.run).exists():
        return
    st = ctx.settings
    deadline_goals = list(st["perm_thresholds_months"])
    goal_at_18 = GoalSpan.objects.filter(
        episode_id=OuterRef("episode_id"),
        goal_rank="PRIMARY",
        goal_type__in=deadline_goals,
        start_day__lte=OuterRef("age18_day"),
    ).filter(Q(end_day__isnull=True) | Q(end_day__gte=OuterRef("age18_day")))
    short = Q(discharge_day__isnull=False, discharge_day__lt=F("removal_day") + st["perm_min_episode_days"])
    # Only episodes in care on or after the first day of the earliest rolling window can resolve in it.
    # The first late day and its goal come from one search: late_day * 100 + the goal's number
    # (1, 2 ... in deadline_goals order), split in the INSERT's outer SELECT. Two subqueries (one for
    # the day, one for the goal) ran the same search twice per episode.
    goal_number = Case(
        *[When(goal_type=goal, then=integer(i)) for i, goal in enumerate(deadline_goals, 1)],
        output_field=IntegerField(),
    )
    late = _late_goals(ctx).annotate(packed=F("late") * 100 + goal_number).values("packed")[:1]
    episodes = (
        RemovalEpisode.objects.filter(under18_at_removal=True)
        .exclude(short)
        .exclude(discharge_day__lt=ctx.month.rolling_start.toordinal())
        .annotate(
            c_late=Subquery(late, output_field=IntegerField()),
            c_goal18=Coalesce(Subquery(goal_at_18.values("goal_type")[:1]), text("")),
            c_deadline=_deadline(ctx, "discharge_reason"),
            c_thv=_final_thv_start(),
        )
        .values("episode_id", "child_id", "removal_day", "discharge_day", "discharge_reason", "age18_day")
        .annotate(
            late_packed=F("c_late"),
            goal_at_18=F("c_goal18"),
            exit_deadline_day=F("c_deadline"),
            final_thv_start_day=F("c_thv"),
        )
    )
    goal_of = " ".join(
        f"WHEN {i} THEN '{goal.replace(chr(39), chr(39) * 2)}'" for i, goal in enumerate(deadline_goals, 1)
    )
    insert_select(
        PermanencyClock,
        episodes,
        {"run": ctx.run.pk},
        outer={
            "late_day": "sub.late_packed / 100",
            "late_goal": f"CASE sub.late_packed %% 100 {goal_of} ELSE '' END",
        },
    )


def _resolutions(ctx: Context):
    st = ctx.settings
    as_of = ctx.as_of.toordinal()
    # Event 4 (turned 18 under a goal with a deadline) can happen: the birthday is on or before the as-of date.
    event_18 = ~Q(goal_at_18="") & Q(age18_day__lte=as_of)
    # A permanency discharge is judged by its date at any age (D28), unless event 4 came strictly
    # before it; on the birthday itself the permanency discharge decides first (D27).
    perm_exit = Q(discharge_reason__in=PERMANENCY_EXITS) & ~(event_18 & Q(discharge_day__gt=F("age18_day")))
    # Then event 4, also when any other discharge (or one without a reason) falls on the birthday (D27).
    turned_18 = event_18 & (Q(discharge_day__isnull=True) | Q(discharge_day__gte=F("age18_day"))) & ~perm_exit
    thv_days = Coalesce(F("discharge_day") - F("final_thv_start_day"), integer(0))
    adjusted = Case(
        When(
            discharge_reason__in=["REU", "RLV"],
            then=F("discharge_day") - Greatest(integer(0), thv_days - st["thv_grace_days"]),
        ),
        default=F("discharge_day"),
        output_field=IntegerField(),
    )
    on_time = perm_exit & Q(adjusted__lte=F("exit_deadline_day"))
    return (
        PermanencyClock.objects.filter(run=ctx.run)
        .annotate(adjusted=adjusted)
        .annotate(
            resolution=Case(
                When(late_day__isnull=False, then=text("LATE_DEADLINE")),
                When(on_time, then=text("ON_TIME")),
                When(perm_exit, then=text("LATE_EXIT")),
                When(turned_18, then=text("LATE_18")),
                default=text(""),
            ),
            resolution_day=Case(
                When(late_day__isnull=False, then=F("late_day")),
                When(perm_exit, then=F("discharge_day")),
                When(turned_18, then=F("age18_day")),
                default=Value(None),
                output_field=IntegerField(),
            ),
            kind=Case(
                When(late_day__isnull=False, then=F("late_goal")),
                When(perm_exit, then=F("discharge_reason")),
                When(turned_18, then=F("goal_at_18")),
                default=text(""),
            ),
        )
    )


def timely_permanency_units(kinds: tuple[str, ...] | None):
    def build(ctx: Context):
        first, last = ctx.month.rolling_start.toordinal(), ctx.e
        qs = _resolutions(ctx).filter(resolution_day__gte=first, resolution_day__lte=last)
        if kinds:
            qs = qs.filter(kind__in=kinds)
        on_time = Q(resolution="ON_TIME")
        return [
            units(
                qs,
                "EPISODE",
                child_id="child_id",
                episode_id="episode_id",
                event_day=F("resolution_day"),
                **pass_fail(on_time),
                days=F("resolution_day") - F("removal_day"),
                reason=Case(When(on_time, then=text("")), default=F("resolution")),
            )
        ]

    return build


# --------------------------------------------------------------------------------------------
# Placement stability (CFSR Round 4)
# --------------------------------------------------------------------------------------------


def stability_units(ctx: Context):
    first, last = ctx.month.rolling_start.toordinal(), ctx.e
    min_days = ctx.settings["stability_min_episode_days"]
    cohort = Q(removal_day__gte=first, removal_day__lte=last, under18_at_removal=True) & ~Q(
        discharge_day__isnull=False, discharge_day__lt=F("removal_day") + min_days
    )
    days = Greatest(
        integer(0),
        Least(
            Coalesce(F("end_day"), integer(FAR_FUTURE)),
            Coalesce(F("discharge_day"), integer(FAR_FUTURE)),
            integer(last + 1),
            F("age18_day"),
        )
        - Greatest(F("start_day"), integer(first)),
    )
    move = Q(is_move=True, start_day__gte=first, start_day__lte=last, start_day__lt=F("age18_day"))
    pieces = PlacementSegment.objects.filter(cohort).annotate(n_days=days)
    return [
        units(
            pieces,
            "PLACEMENT_DAYS",
            child_id="child_id",
            episode_id="episode_id",
            event_id="placement_id",
            agency_code="agency_code",
            county_fips="county_fips",
            circuit_code="circuit_code",
            in_denominator=as_bool(Q(n_days__gt=0)),
            in_numerator=as_bool(move),
            den=F("n_days"),
            days=F("n_days"),
            num=flag(move),
        )
    ]


# --------------------------------------------------------------------------------------------
# Plans and older youth (section 3.3)
# --------------------------------------------------------------------------------------------


def _open_children(ctx: Context, min_days: int):
    """Episodes open at E(M), child under 18 at removal, in care at least `min_days` days."""
    e = ctx.e
    return RemovalEpisode.objects.filter(open_at(e), under18_at_removal=True, removal_day__lte=e - min_days)


def _goal_on(rank: str, day: int):
    return GoalSpan.objects.filter(episode_id=OuterRef("episode_id"), goal_rank=rank, start_day__lte=day).filter(
        Q(end_day__isnull=True) | Q(end_day__gte=day)
    )


def concurrent_plan_units(ctx: Context):
    due = ctx.settings["plan_due_days"]
    e = ctx.e

    def first_start(rank: str) -> Subquery:
        qs = GoalSpan.objects.filter(episode_id=OuterRef("episode_id"), goal_rank=rank).order_by("start_day")
        return Subquery(qs.values("start_day")[:1], output_field=IntegerField())

    qs = _open_children(ctx, due).annotate(
        primary_type=Coalesce(Subquery(_goal_on("PRIMARY", e).values("goal_type")[:1]), text("")),
        exempt=Coalesce(
            Subquery(_goal_on("PRIMARY", e).values("concurrent_exempt")[:1], output_field=BooleanField()),
            Value(False),
        ),
        concurrent_types=Subquery(_goal_on("CONCURRENT", e).values("goal_type")[:1]),
        first_primary=first_start("PRIMARY"),
        first_concurrent=first_start("CONCURRENT"),
    )
    primary_ok = ~Q(primary_type="") & Q(first_primary__lte=F("removal_day") + due)
    concurrent_ok = (
        Q(concurrent_types__isnull=False)
        & ~Q(concurrent_types=F("primary_type"))
        & Q(first_concurrent__lte=F("removal_day") + due)
    )
    met = primary_ok & (Q(exempt=True) | concurrent_ok)
    return [
        units(
            qs,
            "CHILD",
            child_id="child_id",
            episode_id="episode_id",
            **on_day("episode_id", integer(e)),
            **pass_fail(met),
            reason=reason((~primary_ok, "NO_TIMELY_PRIMARY_GOAL"), (~met, "NO_TIMELY_CONCURRENT_GOAL")),
        )
    ]


def social_service_plan_units(ctx: Context):
    due, review = ctx.settings["plan_due_days"], ctx.settings["plan_review_days"]
    e = ctx.e
    initial = Exists(
        CasePlan.objects.filter(
            episode_id=OuterRef("episode_id"),
            completed_day__gte=OuterRef("removal_day"),
            completed_day__lte=OuterRef("removal_day") + due,
        )
    )
    current = Exists(
        CasePlan.objects.filter(episode_id=OuterRef("episode_id"), completed_day__gt=e - review, completed_day__lte=e)
    )
    met = initial & current
    return [
        units(
            _open_children(ctx, due),
            "CHILD",
            child_id="child_id",
            episode_id="episode_id",
            **on_day("episode_id", integer(e)),
            **pass_fail(met),
            reason=reason((~initial, "NO_TIMELY_INITIAL_PLAN"), (~current, "PLAN_NOT_CURRENT")),
        )
    ]


def older_youth_units(ctx: Context):
    e = ctx.e
    oldest_dob = latest_dob_aged_under(ctx.month.end, ctx.settings["older_youth_min_age"])
    lookback = add_months(ctx.month.end, -12).toordinal()
    served = Exists(
        OlderYouthService.objects.filter(
            child_id=OuterRef("child_id"),
            service_day__gt=lookback,
            service_day__gte=OuterRef("removal_day"),
            service_day__lte=e,
        )
    )
    youth = _open_children(ctx, 30).filter(date_of_birth__lte=oldest_dob)
    return [
        units(
            youth,
            "CHILD",
            child_id="child_id",
            episode_id="episode_id",
            **on_day("episode_id", integer(e)),
            **pass_fail(served),
            reason=reason((~served, "NO_SERVICE_IN_12_MONTHS")),
        )
    ]


def _snapshot(code: str, title: str, definition: str, build, settings_used=(), files=()) -> Metric:
    return Metric(
        code=code,
        title=title,
        domain="Permanency",
        phase="III",
        definition=definition,
        unit=PERCENT,
        period_type="SNAPSHOT",
        unit_type="CHILD",
        direction="HIGHER",
        attribution="R4",
        units=build,
        settings_used=settings_used,
        requires_files=files,
        dq_checks=("WA5",),
    )


def _timely(code: str, title: str, kinds: tuple[str, ...] | None) -> Metric:
    return Metric(
        code=code,
        title=title,
        domain="Permanency",
        phase="II",
        definition="Of episodes whose permanency clock resolved in the 12 months (permanency reached, or the "
        "deadline of the goal in effect passed), the percentage that reached permanency on time: reunification "
        "or relatives 12 months, guardianship 18, adoption 24.",
        unit=PERCENT,
        period_type="ROLLING_12",
        unit_type="EPISODE",
        direction="HIGHER",
        comparator=">=",
        attribution="R2",
        units=timely_permanency_units(kinds),
        settings_used=("perm_thresholds_months", "perm_min_episode_days", "thv_grace_days"),
        dq_checks=("EP6", "WA5"),
        extra={"regional_goal": True},
        attribute_on_event_day=True,
        prepare=build_clocks,
    )


METRICS = [
    Metric(
        code="worker_parent_visits",
        title="Worker/parent visits",
        domain="Permanency",
        phase="I",
        definition="Percentage of parents of children in care all month who had at least one face-to-face visit "
        "with a caseworker during the month (each parent once per agency, circuit and county).",
        unit=PERCENT,
        period_type="MONTH",
        unit_type="PARENT_MONTH",
        direction="HIGHER",
        benchmark=Decimal("50.0"),
        comparator=">=",
        units=worker_parent_units,
        depends_on=(WORKER_CHILD_VISITS,),
        aggregate="distinct:parent_id",
        small_n_field="parent_id",
        settings_used=("visit_max_age", "caseworker_roles"),
        dq_checks=("WA5",),
    ),
    Metric(
        code="reentry_12_months",
        title="Re-entry within 12 months",
        domain="Permanency",
        phase="I",
        definition="Of children who left care to reunification, relatives or guardianship in the 12 months ending "
        "12 months before the report month, the percentage who re-entered within 12 months.",
        unit=PERCENT,
        period_type="EXIT_COHORT",
        unit_type="CHILD",
        direction="LOWER",
        benchmark=Decimal("5.6"),
        comparator="<=",
        band=reentry_band,
        attribution="R2",
        units=reentry_units,
        settings_used=("reentry_exit_reasons",),
        dq_checks=("EP6", "WA5"),
    ),
    _timely("timely_permanency", "Timely achievement of the court-approved permanency plan", None),
    _timely("timely_permanency_reunification", "Timely permanency: reunification", ("REU", "RLV")),
    _timely("timely_permanency_guardianship", "Timely permanency: guardianship", ("GDN",)),
    _timely("timely_permanency_adoption", "Timely permanency: adoption", ("ADO",)),
    Metric(
        code="placement_stability",
        title="Placement moves per 1,000 days in care (entry cohort)",
        domain="Permanency",
        phase="III",
        definition="For children who entered care in the 12 months, placement moves per 1,000 days of care in "
        "those 12 months (CFSR Round 4).",
        unit=PER_1K_DAYS,
        period_type="ROLLING_12",
        unit_type="PLACEMENT_DAYS",
        direction="LOWER",
        attribution="R3",
        units=stability_units,
        small_n_field="child_id",
        settings_used=("stability_min_episode_days",),
        dq_checks=("EP4", "WA5", "PL4"),
        extra={"reference": Decimal("4.48")},
    ),
    _snapshot(
        "concurrent_plan",
        "Primary and concurrent permanency plan in place, timely",
        "Children open at month end and in care at least 60 days with an active primary goal and an active "
        "concurrent goal of a different type, each first established within 60 days of removal (exempt primary "
        "goals need no concurrent goal).",
        concurrent_plan_units,
        ("plan_due_days",),
    ),
    _snapshot(
        "social_service_plan",
        "Social service plan timely and current",
        "Children open at month end and in care at least 60 days with a case plan completed within 60 days of "
        "removal and a plan completed or reviewed in the last 183 days.",
        social_service_plan_units,
        ("plan_due_days", "plan_review_days"),
        ("case_plans.csv",),
    ),
    _snapshot(
        "older_youth_services",
        "Older youth receiving transition services",
        "Youth aged 14 or more, open at month end and in care at least 30 days, with a transition (Chafee) "
        "service recorded in the last 12 months (or since removal).",
        older_youth_units,
        ("older_youth_min_age",),
        ("older_youth_services.csv",),
    ),
]
