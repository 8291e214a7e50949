"""Well-being domain: parent/child visits, HCY exams, residential placement, QRTP assessment, training."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Least

from metrics.dates import latest_dob_aged_under
from metrics.definitions.base import (
    FAR_FUTURE,
    PERCENT,
    Context,
    Metric,
    as_bool,
    attribution_of,
    flag,
    integer,
    on_day,
    open_at,
    pass_fail,
    r1,
    reason,
    unit_of,
    units,
)
from metrics.definitions.safety import WORKER_CHILD_VISITS
from metrics.models import (
    EducationRecord,
    HcyExam,
    ParentChildVisit,
    ParentLink,
    ParentRestriction,
    PlacementSegment,
    RemovalEpisode,
    Training,
    WorkerPeriod,
)

VISITING_RELATIONSHIPS = [
    "BIRTH_MOTHER",
    "BIRTH_FATHER",
    "LEGAL_FATHER",
    "ADOPTIVE_MOTHER",
    "ADOPTIVE_FATHER",
    "LEGAL_GUARDIAN",
]


def relationship_counts() -> Q:
    """Parents, adoptive parents and guardians unless visitation_applicable = N; putative fathers,
    step-parents and others only when visitation_applicable = Y."""
    return (Q(relationship__in=VISITING_RELATIONSHIPS) & ~Q(visitation_applicable="N")) | Q(visitation_applicable="Y")


def rights_ended(ctx: Context) -> Q:
    end = ctx.month.end
    return Q(tpr_date__lte=end) | Q(relinquishment_date__lte=end)


def deceased(ctx: Context) -> Q:
    return Q(date_of_death__lte=ctx.month.end)


def parent_child_units(ctx: Context):
    m = ctx.month
    modes = ["IN_PERSON"] + (["VIRTUAL"] if ctx.settings["count_virtual_family_visits"] else [])
    barred = Exists(
        ParentRestriction.objects.filter(parent_id=OuterRef("parent_id"), start_date__lte=m.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=m.start))
        .filter(Q(child_id=OuterRef("child_id")) | Q(child_id=""))
    )
    visited = Exists(
        ParentChildVisit.objects.filter(
            child_id=OuterRef("child_id"),
            parent_id=OuterRef("parent_id"),
            visit_date__gte=m.start,
            visit_date__lte=m.end,
            status="COMPLETED",
            visit_mode__in=modes,
        )
    )
    # Inputs of the unit query (annotations): evaluated once per row, not in every column using them.
    pairs = ParentLink.objects.filter(Exists(unit_of(ctx, WORKER_CHILD_VISITS))).annotate(
        is_barred=barred, was_visited=visited
    )
    barred, visited = Q(is_barred=True), Q(was_visited=True)
    eligible = relationship_counts() & ~rights_ended(ctx) & ~deceased(ctx)
    counted = Q(eligible) & ~Q(barred)
    return [
        units(
            pairs,
            "PAIR_MONTH",
            child_id="child_id",
            parent_id="parent_id",
            **attribution_of(ctx, WORKER_CHILD_VISITS),
            in_denominator=as_bool(~Q(barred) & eligible),
            in_numerator=as_bool(visited & counted),
            den=flag(~Q(barred) & eligible),
            num=flag(visited & counted),
            reason=reason(
                (~relationship_counts(), "RELATIONSHIP"),
                (rights_ended(ctx), "TPR"),
                (deceased(ctx), "DECEASED"),
                (barred, "COURT_NO_CONTACT"),
                (~visited, "NO_VISIT"),
            ),
        )
    ]


def hcy_units(ctx: Context):
    days = ctx.settings["hcy_days"]
    exam = Exists(
        HcyExam.objects.filter(
            child_id=OuterRef("child_id"),
            exam_type="HCY_FULL",
            status="COMPLETED",
            exam_day__gte=OuterRef("removal_day"),
            exam_day__lte=OuterRef("removal_day") + days,
        )
    )
    # An input of the unit query (an annotation): evaluated once per row, not in every column using it.
    entries = RemovalEpisode.objects.filter(removal_day__gte=ctx.s, removal_day__lte=ctx.e).annotate(examined=exam)
    exam = Q(examined=True)
    of_age = Q(under18_at_removal=True)
    short_stay = Q(discharge_day__isnull=False, discharge_day__lt=F("removal_day") + days) & ~exam
    counted = of_age & ~short_stay if ctx.settings["hcy_exclude_short_stays"] else of_age
    return [
        units(
            entries,
            "EPISODE",
            child_id="child_id",
            episode_id="episode_id",
            **r1(
                "episode_id",
                F("removal_day"),
                Least(F("removal_day") + days, Coalesce(F("discharge_day"), integer(FAR_FUTURE))),
            ),
            in_denominator=as_bool(counted),
            in_numerator=as_bool(exam & counted),
            den=flag(counted),
            num=flag(exam & counted),
            reason=reason((~of_age, "OVER_18"), (~Q(counted), "SHORT_STAY"), (~exam, "NO_TIMELY_EXAM")),
        )
    ]


def hcy_provisional(ctx: Context) -> bool:
    return ctx.as_of < ctx.month.end + timedelta(days=ctx.settings["hcy_days"])


def residential_units(ctx: Context):
    e = ctx.e
    congregate = Exists(
        PlacementSegment.objects.filter(episode_id=OuterRef("episode_id"), start_day__lte=e, congregate=True).filter(
            Q(end_day__isnull=True) | Q(end_day__gt=e)
        )
    )
    setting = Subquery(
        PlacementSegment.objects.filter(episode_id=OuterRef("episode_id"), start_day__lte=e)
        .filter(Q(end_day__isnull=True) | Q(end_day__gt=e))
        .values("setting_type")[:1]
    )
    qs = RemovalEpisode.objects.filter(open_at(e)).annotate(setting=Coalesce(setting, Value("NO_PLACEMENT")))
    return [
        units(
            qs,
            "CHILD",
            child_id="child_id",
            episode_id="episode_id",
            **on_day("episode_id", integer(e)),
            **pass_fail(congregate),
            reason=F("setting"),  # the drill-down's distribution by setting type
        )
    ]


def qrtp_units(ctx: Context):
    from metrics.models import Placement

    placements = Placement.objects.filter(
        setting_type="QRTP", start_date__gte=ctx.month.start, start_date__lte=ctx.month.end
    )
    assessed = Q(qrtp_assessment_day__isnull=False, qrtp_assessment_day__gte=F("start_day")) & Q(
        qrtp_assessment_day__lte=F("start_day") + 30
    )
    return [
        units(
            placements,
            "PLACEMENT",
            episode_id="episode_id",
            event_id="placement_id",
            **on_day("episode_id", OuterRef("start_day")),
            **pass_fail(assessed),
            reason=reason((~assessed, "NOT_ASSESSED_IN_30_DAYS")),
        )
    ]


def qrtp_provisional(ctx: Context) -> bool:
    return ctx.as_of < ctx.month.end + timedelta(days=30)


def training_units(ctx: Context):
    end = ctx.month.end
    grace = ctx.settings["training_grace_days"]
    hired = Subquery(
        WorkerPeriod.objects.filter(worker_id=OuterRef("worker_id")).order_by("period_start").values("period_start")[:1]
    )
    staff = (
        WorkerPeriod.objects.filter(role__in=["CASE_MANAGER", "SUPERVISOR"], period_start__lte=end)
        .filter(Q(period_end__isnull=True) | Q(period_end__gte=end))
        .annotate(hired=hired)
    )
    trained = Exists(
        Training.objects.filter(
            worker_id=OuterRef("worker_id"),
            course_code__in=ctx.settings["training_courses"],
            status="COMPLETED",
            completion_date__lte=end,
        )
    )
    new_hire = Q(hired__gt=end - timedelta(days=grace))
    counted = ~new_hire
    return [
        units(
            staff,
            "WORKER",
            worker_id="worker_id",
            agency_code="agency_code",
            county_fips="office_county_fips",
            circuit_code="office_circuit_code",
            in_denominator=as_bool(counted),
            in_numerator=as_bool(trained & counted),
            den=flag(counted),
            num=flag(trained & counted),
            reason=reason((new_hire, "NEW_HIRE"), (~trained, "NOT_TRAINED")),
        )
    ]


def school_year_ending(month_end) -> str:
    """The school year (July-June) that covers a date, as "2022-23"."""
    start = month_end.year if month_end.month >= 7 else month_end.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def education_enrollment_units(ctx: Context):
    m, s, e = ctx.month, ctx.s, ctx.e
    full_month = Q(removal_day__lte=s) & (Q(discharge_day__isnull=True) | Q(discharge_day__gte=e))
    school_age = Q(
        date_of_birth__gt=latest_dob_aged_under(m.end, 18), date_of_birth__lte=latest_dob_aged_under(m.end, 6)
    )
    records = EducationRecord.objects.filter(child_id=OuterRef("child_id"))
    covering = Q(enrolled_from__lte=m.end) & (Q(enrolled_to__isnull=True) | Q(enrolled_to__gte=m.end))
    if m.month in (6, 7, 8):
        # Summer: an enrolment in the school year just ended counts.
        just_ended = school_year_ending(m.start.replace(month=6, day=1))
        covering = covering | Q(school_year=just_ended, enrolled_from__isnull=False)
    enrolled = Exists(records.filter(covering)) | Exists(records.filter(year_end_status__in=["GRADUATED", "GED"]))
    qs = RemovalEpisode.objects.filter(full_month, school_age, under18_at_removal=True)
    return [
        units(
            qs,
            "CHILD",
            child_id="child_id",
            episode_id="episode_id",
            **on_day("episode_id", integer(e)),
            **pass_fail(enrolled),
            reason=reason((~Q(enrolled), "NOT_ENROLLED")),
        )
    ]


def education_progress_units(ctx: Context):
    june_30 = ctx.month.end.toordinal()
    school_year = f"{ctx.month.year - 1}-{ctx.month.year % 100:02d}"
    enrolled = Exists(
        EducationRecord.objects.filter(
            child_id=OuterRef("child_id"), school_year=school_year, enrolled_from__isnull=False
        )
    )
    progressed = Exists(
        EducationRecord.objects.filter(
            child_id=OuterRef("child_id"), school_year=school_year, year_end_status__in=["PROMOTED", "GRADUATED", "GED"]
        )
    )
    qs = RemovalEpisode.objects.filter(open_at(june_30), under18_at_removal=True).filter(enrolled)
    return [
        units(
            qs,
            "CHILD",
            child_id="child_id",
            episode_id="episode_id",
            **on_day("episode_id", integer(june_30)),
            **pass_fail(progressed),
            reason=reason((~progressed, "NOT_PROMOTED")),
        )
    ]


METRICS = [
    Metric(
        code="parent_child_visits",
        title="Parent/child visits",
        domain="Well-being",
        phase="I",
        definition="Percentage of (child, parent) pairs, for parents eligible to visit all month, in which the "
        "child had at least one in-person visit with that parent during the month.",
        unit=PERCENT,
        period_type="MONTH",
        unit_type="PAIR_MONTH",
        direction="HIGHER",
        benchmark=Decimal("60.0"),
        comparator=">=",
        units=parent_child_units,
        depends_on=(WORKER_CHILD_VISITS,),
        settings_used=("visit_max_age", "count_virtual_family_visits"),
        dq_checks=("WA5",),
    ),
    Metric(
        code="hcy_exam_30_days",
        title="HCY/EPSDT exam within 30 days of entry",
        domain="Well-being",
        phase="I",
        definition="Percentage of children entering care in the month who received a full HCY/EPSDT screening "
        "within 30 days of entry.",
        unit=PERCENT,
        period_type="ENTRY_MONTH",
        unit_type="EPISODE",
        direction="HIGHER",
        benchmark=Decimal("98.0"),
        comparator=">=",
        units=hcy_units,
        provisional=hcy_provisional,
        settings_used=("hcy_days", "hcy_exclude_short_stays"),
        dq_checks=("WA5",),
    ),
    Metric(
        code="residential_placement",
        title="Children in residential/institutional settings",
        domain="Well-being",
        phase="II",
        definition="Percentage of children in care at month end whose placement is a congregate setting "
        "(group home, residential treatment, QRTP, shelter).",
        unit=PERCENT,
        period_type="SNAPSHOT",
        unit_type="CHILD",
        direction="LOWER",
        attribution="R4",
        units=residential_units,
        dq_checks=("WA5", "PL4"),
    ),
    Metric(
        code="qrtp_assessment_30_days",
        title="QRTP placements assessed within 30 days",
        domain="Well-being",
        phase="II",
        definition="Percentage of QRTP placements beginning in the month with a qualified-individual assessment "
        "within 30 days of the placement start.",
        unit=PERCENT,
        period_type="MONTH",
        unit_type="PLACEMENT",
        direction="HIGHER",
        attribution="R2",
        units=qrtp_units,
        provisional=qrtp_provisional,
    ),
    Metric(
        code="trauma_training",
        title="Case managers and supervisors trained in trauma-informed services",
        domain="Well-being",
        phase="II",
        definition="Percentage of case managers and supervisors employed at month end who have completed the "
        "Trauma Toolkit training.",
        unit=PERCENT,
        period_type="SNAPSHOT",
        unit_type="WORKER",
        direction="HIGHER",
        attribution="WORKER",
        units=training_units,
        settings_used=("training_courses", "training_grace_days"),
    ),
    Metric(
        code="education_enrollment",
        title="School-age children enrolled in school",
        domain="Well-being",
        phase="III",
        definition="Children aged 6-17 in care the entire month with a school enrolment covering the month's "
        "last day (June-August: the school year just ended), or who graduated or earned a GED.",
        unit=PERCENT,
        period_type="SNAPSHOT",
        unit_type="CHILD",
        direction="HIGHER",
        attribution="R4",
        units=education_enrollment_units,
        requires_files=("education_records.csv",),
        dq_checks=("WA5",),
    ),
    Metric(
        code="education_progress",
        title="Children promoted or graduated at school-year end",
        domain="Well-being",
        phase="III",
        definition="Children open on 30 June with an enrolment in the school year ending then who were promoted, "
        "graduated or earned a GED. Reported once a year.",
        unit=PERCENT,
        period_type="SCHOOL_YEAR",
        unit_type="CHILD",
        direction="HIGHER",
        attribution="R4",
        units=education_progress_units,
        requires_files=("education_records.csv",),
        dq_checks=("WA5",),
    ),
]
