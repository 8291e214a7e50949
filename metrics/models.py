"""Models of the metrics app: the loaded extract, what the loader derives, settings and results.

Extract tables mirror the CSV files of spec/metrics.md section 7.3 one to one. They hold exactly one
extract at a time (a bundle is a complete snapshot; loading replaces the previous one), so they carry
no extract key. Agencies and counties are stored as code text, as the bundle writes them; views
scope them with accounts.scoping.scope_queryset_by_codes.

Derived tables (section 7.5) carry dates as integer day numbers (`date.toordinal()`) next to the
dates, so that day arithmetic is plain integer arithmetic on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models

ID = 64  # section 7.1: ids are text up to 64 characters
CODE = 32


def id_field(**kw) -> models.CharField:
    return models.CharField(max_length=ID, **kw)


def code_field(**kw) -> models.CharField:
    return models.CharField(max_length=CODE, **kw)


class Record(models.Model):
    """Base of the extract, derived and result tables: a readable default label."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


# --------------------------------------------------------------------------------------------
# The extract and its import runs
# --------------------------------------------------------------------------------------------


class Extract(Record):
    """One loaded bundle (manifest.csv). Only the `is_current` one has data in the tables."""

    extract_id = id_field(unique=True)
    schema_version = models.CharField(max_length=16)
    state = code_field()
    as_of_date = models.DateField()
    source_system = models.CharField(max_length=64)
    generated_at = models.CharField(max_length=64, blank=True)
    checksum = models.CharField(max_length=64, help_text="SHA-256 over the files of the bundle")
    files = models.JSONField(default=list, help_text="file names present in the bundle")
    row_counts = models.JSONField(default=dict)
    warning_counts = models.JSONField(default=dict, help_text="rule id -> number of warnings")
    quality = models.JSONField(default=dict, help_text="data-quality shares of section 7.6")
    loaded_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(default=False)

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.extract_id} (as of {self.as_of_date})"

    def has_file(self, name: str) -> bool:
        return name in self.files


class ImportRun(Record):
    """An upload through the import page: the import runs as a task and reports here."""

    class Status(models.TextChoices):
        QUEUED = "QUEUED", "Queued"
        RUNNING = "RUNNING", "Running"
        LOADED = "LOADED", "Loaded"
        UNCHANGED = "UNCHANGED", "Already loaded"
        REJECTED = "REJECTED", "Rejected"
        FAILED = "FAILED", "Failed"

    path = models.CharField(max_length=500)
    original_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    problems = models.JSONField(
        default=list, help_text="the ERRORs and WARNINGs found, at most METRICS_IMPORT_MAX_PROBLEMS of each"
    )
    error_count = models.PositiveIntegerField(default=0, help_text="every ERROR found, listed or not")
    warning_count = models.PositiveIntegerField(default=0, help_text="every WARNING found, listed or not")
    extract = models.ForeignKey(Extract, null=True, blank=True, on_delete=models.SET_NULL)
    created_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written while the import runs (metrics.imports.Heartbeat); a run silent for too long is failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries", help_text="the failed run"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk} {self.status}"


# --------------------------------------------------------------------------------------------
# Reference files of the bundle
# --------------------------------------------------------------------------------------------


class ExtractAgency(Record):
    agency_code = id_field(unique=True)
    agency_name = models.CharField(max_length=200)
    abbreviation = models.CharField(max_length=32, blank=True)
    agency_type = code_field()
    parent_organization = models.CharField(max_length=200, blank=True)
    active_from = models.DateField(null=True)
    active_to = models.DateField(null=True)
    successor_agency_code = id_field(blank=True)


class ExtractCircuit(Record):
    circuit_code = id_field(unique=True)
    circuit_name = models.CharField(max_length=200, blank=True)
    region = models.CharField(max_length=64, blank=True)


class ExtractCounty(Record):
    county_fips = id_field(unique=True)
    county_name = models.CharField(max_length=200)
    circuit_code = id_field()
    region = models.CharField(max_length=64, blank=True)


class Holiday(Record):
    holiday_date = models.DateField(unique=True)
    name = models.CharField(max_length=200, blank=True)


# --------------------------------------------------------------------------------------------
# Children, episodes, placements
# --------------------------------------------------------------------------------------------


class Child(Record):
    child_id = id_field(unique=True)
    date_of_birth = models.DateField()
    sex = code_field(blank=True)
    date_of_death = models.DateField(null=True)
    # derived: the 18th birthday (add_months(dob, 216), 29 Feb -> 28 Feb)
    age18_date = models.DateField()
    age18_day = models.IntegerField()


class RemovalEpisode(Record):
    episode_id = id_field(unique=True)
    child_id = id_field(db_index=True)
    removal_date = models.DateField()
    removal_manner = code_field(blank=True)
    jurisdiction_county_fips = id_field()
    discharge_date = models.DateField(null=True)
    discharge_reason = code_field(blank=True)
    removal_number = models.IntegerField(null=True)
    # derived
    removal_day = models.IntegerField(db_index=True)
    discharge_day = models.IntegerField(null=True)
    date_of_birth = models.DateField()
    age18_day = models.IntegerField()
    under18_at_removal = models.BooleanField()
    reentry_limit_day = models.IntegerField(null=True, help_text="add_months(discharge_date, 12)")
    # add_months in SQL: months since year 0 and the day of month (see CalendarMonth)
    removal_month_index = models.IntegerField(default=0)
    removal_dom = models.IntegerField(default=1)


class Placement(Record):
    placement_id = id_field(unique=True)
    episode_id = id_field(db_index=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True)
    setting_type = code_field()
    provider_id = id_field(blank=True)
    provider_county_fips = id_field(blank=True)
    qrtp_assessment_date = models.DateField(null=True)
    qrtp_court_approval_date = models.DateField(null=True)
    # derived
    start_day = models.IntegerField()
    qrtp_assessment_day = models.IntegerField(null=True)


class PlacementSegment(Record):
    """A placement trimmed against its neighbours and the discharge (PL3, PL6): days [start, end)."""

    placement_id = id_field()
    episode_id = id_field(db_index=True)
    child_id = id_field(db_index=True)
    setting_type = code_field()
    provider_id = id_field(blank=True)
    start_day = models.IntegerField()
    end_day = models.IntegerField(null=True, help_text="exclusive; empty = current")
    is_placement_setting = models.BooleanField()
    congregate = models.BooleanField()
    # the whole (trimmed) placement this piece belongs to, before the split by responsibility
    placement_start_day = models.IntegerField(null=True)
    placement_end_day = models.IntegerField(null=True)
    agency_code = id_field(blank=True)
    county_fips = id_field(blank=True)
    circuit_code = id_field(blank=True)
    # the episode's facts, copied so metric queries need no join
    removal_day = models.IntegerField(null=True)
    discharge_day = models.IntegerField(null=True)
    age18_day = models.IntegerField(null=True)
    under18_at_removal = models.BooleanField(default=True)
    # placement stability: this segment starts a new setting (after merging consecutive settings
    # with the same provider) that is not the episode's first one
    is_move = models.BooleanField(default=False)


# --------------------------------------------------------------------------------------------
# Workers and responsibility
# --------------------------------------------------------------------------------------------


class WorkerPeriod(Record):
    """workers.csv: one row per worker and role period."""

    worker_id = id_field(db_index=True)
    period_start = models.DateField()
    period_end = models.DateField(null=True)
    role = code_field()
    agency_code = id_field()
    office_county_fips = id_field()
    supervisor_worker_id = id_field(blank=True)
    fte = models.DecimalField(max_digits=6, decimal_places=4, default=1)
    # derived
    office_circuit_code = id_field(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["worker_id", "period_start"], name="uniq_worker_period")]


class WorkerAssignment(Record):
    assignment_id = id_field(unique=True)
    child_id = id_field(db_index=True)
    episode_id = id_field(db_index=True)
    worker_id = id_field(db_index=True)
    assignment_role = code_field()
    agency_code = id_field()
    responsible_county_fips = id_field()
    start_date = models.DateField()
    end_date = models.DateField(null=True)
    # derived: end trimmed to the discharge date (WA3); the episode's discharge day (caseloads count
    # only children still open at the month end)
    start_day = models.IntegerField()
    end_day = models.IntegerField(null=True, help_text="inclusive; empty = current")
    discharge_day = models.IntegerField(null=True)


class ResponsibilitySpan(Record):
    """Who is responsible for the child on each day in care (section 1.3), as non-overlapping
    inclusive day ranges covering every episode from removal to discharge (or the as-of date).
    Days without a PRIMARY row go to CD and the jurisdiction county (`fallback`)."""

    episode_id = id_field(db_index=True)
    child_id = id_field(db_index=True)
    agency_code = id_field()
    county_fips = id_field()
    circuit_code = id_field()
    start_day = models.IntegerField()
    end_day = models.IntegerField()
    worker_id = id_field(blank=True)
    fallback = models.BooleanField(default=False)
    # the episode's facts, copied so metric queries need no join
    removal_day = models.IntegerField(null=True)
    discharge_day = models.IntegerField(null=True)
    age18_day = models.IntegerField(null=True)
    under18_at_removal = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["episode_id", "start_day"])]


# --------------------------------------------------------------------------------------------
# Visits, parents, exams, reports, goals, trainings, returns, sentinel events
# --------------------------------------------------------------------------------------------


class WorkerChildVisit(Record):
    visit_id = id_field(unique=True)
    child_id = id_field(db_index=True)
    worker_id = id_field()
    visit_date = models.DateField()
    contact_mode = code_field()
    location = code_field(blank=True)
    status = code_field()
    seen_alone = models.CharField(max_length=1, blank=True)
    # derived: the worker's role on the visit date (or the last role, VC3); the episode (VC2)
    worker_role = code_field(blank=True)
    episode_id = id_field(blank=True)

    class Meta:
        # Every visit metric reads one report month of visits: without this index each reads them all.
        indexes = [models.Index(fields=["visit_date"])]


class WorkerParentVisit(Record):
    visit_id = id_field(unique=True)
    parent_id = id_field(db_index=True)
    child_id = id_field(blank=True)
    worker_id = id_field()
    visit_date = models.DateField()
    contact_mode = code_field()
    location = code_field(blank=True)
    status = code_field()
    worker_role = code_field(blank=True)

    class Meta:
        indexes = [models.Index(fields=["visit_date"])]


class ParentLink(Record):
    """parents.csv: one row per parent-child relationship."""

    parent_id = id_field(db_index=True)
    child_id = id_field(db_index=True)
    relationship = code_field()
    removed_from = models.CharField(max_length=1, blank=True)
    visitation_applicable = models.CharField(max_length=1, blank=True)
    tpr_date = models.DateField(null=True)
    relinquishment_date = models.DateField(null=True)
    date_of_death = models.DateField(null=True)
    whereabouts_unknown = models.CharField(max_length=1, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["parent_id", "child_id"], name="uniq_parent_child")]


class ParentRestriction(Record):
    restriction_id = id_field(unique=True)
    parent_id = id_field(db_index=True)
    child_id = id_field(blank=True)
    restriction_type = code_field()
    start_date = models.DateField()
    end_date = models.DateField(null=True)


class ParentChildVisit(Record):
    visit_id = id_field()
    child_id = id_field(db_index=True)
    parent_id = id_field()
    visit_date = models.DateField()
    visit_mode = code_field()
    supervision = code_field(blank=True)
    status = code_field()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit_id", "parent_id", "child_id"], name="uniq_parent_child_visit")
        ]
        indexes = [models.Index(fields=["visit_date"])]


class HcyExam(Record):
    exam_id = id_field(unique=True)
    child_id = id_field(db_index=True)
    exam_date = models.DateField()
    exam_type = code_field()
    status = code_field()
    source = code_field(blank=True)
    exam_day = models.IntegerField()


class MaltreatmentReport(Record):
    report_id = id_field()
    child_id = id_field(db_index=True)
    allegation_seq = models.IntegerField()
    report_date = models.DateField()
    incident_date = models.DateField(null=True)
    disposition_date = models.DateField(null=True)
    finding = code_field()
    maltreatment_type = code_field(blank=True)
    perpetrator_relationship = code_field(blank=True)
    fatality = models.CharField(max_length=1, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report_id", "child_id", "allegation_seq"], name="uniq_report_allegation")
        ]


class SubstantiatedReport(Record):
    """One row per (report, child) with a POE or CA allegation; disposition = latest of those."""

    report_id = id_field()
    child_id = id_field(db_index=True)
    report_date = models.DateField()
    report_day = models.IntegerField()
    incident_day = models.IntegerField(null=True)
    disposition_date = models.DateField(null=True)
    disposition_day = models.IntegerField(null=True)
    episode_id = id_field(blank=True, help_text="the episode containing the report date; empty = none")
    # the episode's facts, copied so metric queries need no join; empty when the report falls on a
    # day the child is in no episode (valid in the extract: such a report counts for no episode)
    removal_day = models.IntegerField(null=True)
    discharge_day = models.IntegerField(null=True)
    age18_day = models.IntegerField(null=True)
    under18_at_removal = models.BooleanField(null=True)


class PermanencyGoal(Record):
    goal_id = id_field(unique=True)
    episode_id = id_field(db_index=True)
    goal_rank = code_field()
    goal_type = code_field()
    start_date = models.DateField()
    end_date = models.DateField(null=True)
    court_approved_date = models.DateField(null=True)
    concurrent_exempt = models.CharField(max_length=1, blank=True)


class GoalSpan(Record):
    """Goal in effect, per rank, as non-overlapping inclusive day ranges (PG2: later start wins)."""

    goal_id = id_field()
    episode_id = id_field(db_index=True)
    goal_rank = code_field()
    goal_type = code_field()
    start_day = models.IntegerField()
    end_day = models.IntegerField(null=True, help_text="inclusive; empty = open")
    concurrent_exempt = models.BooleanField(default=False)
    # the episode's facts, copied so metric queries need no join
    removal_day = models.IntegerField(null=True)
    discharge_day = models.IntegerField(null=True)
    age18_day = models.IntegerField(null=True)
    under18_at_removal = models.BooleanField(default=True)
    removal_month_index = models.IntegerField(default=0)
    removal_dom = models.IntegerField(default=1)


class Training(Record):
    training_id = id_field(unique=True)
    worker_id = id_field(db_index=True)
    course_code = id_field()
    course_title = models.CharField(max_length=200, blank=True)
    completion_date = models.DateField(null=True)
    status = code_field()


class ReturnedCase(Record):
    return_id = id_field(unique=True)
    child_id = id_field(db_index=True)
    episode_id = id_field()
    from_agency_code = id_field()
    request_date = models.DateField(null=True)
    return_date = models.DateField()
    reason = code_field()
    cost_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    court_order_date = models.DateField(null=True)
    return_day = models.IntegerField()


class SentinelEvent(Record):
    event_id = id_field(unique=True)
    child_id = id_field(db_index=True)
    event_date = models.DateField()
    awareness_date = models.DateField()
    event_type = code_field()
    reported_date = models.DateField(null=True)
    reporting_agency_code = id_field(blank=True)
    can_report_id = id_field(blank=True)
    event_day = models.IntegerField()
    episode_id = id_field(blank=True, help_text="the episode containing the event date")
    # derived: the last on-time reporting date (awareness + n business days)
    report_due_date = models.DateField(null=True)


class CasePlan(Record):
    plan_id = id_field(unique=True)
    episode_id = id_field(db_index=True)
    plan_type = code_field()
    completed_date = models.DateField(null=True)
    completed_day = models.IntegerField(null=True)


class OlderYouthService(Record):
    service_id = id_field(unique=True)
    child_id = id_field(db_index=True)
    service_date = models.DateField()
    service_type = code_field()
    service_day = models.IntegerField(default=0)


class EducationRecord(Record):
    record_id = id_field(unique=True)
    child_id = id_field(db_index=True)
    school_year = models.CharField(max_length=16)
    enrolled_from = models.DateField(null=True)
    enrolled_to = models.DateField(null=True)
    grade = models.CharField(max_length=4, blank=True)
    year_end_status = code_field(blank=True)


class CalendarMonth(Record):
    """Months 1990-2100 as day numbers, so add_months(d, n) can be computed in SQL:
    first_day(month_index(d) + n) + min(day_of_month(d), days(month_index(d) + n)) - 1."""

    month_index = models.IntegerField(unique=True, help_text="year * 12 + month - 1")
    first_day = models.IntegerField()
    days = models.IntegerField()


# --------------------------------------------------------------------------------------------
# Settings (section 1.8), weights (section 5), regional goals
# --------------------------------------------------------------------------------------------


class SettingsVersion(Record):
    """One full set of the section 1.8 settings. A change is a new version; the latest applies."""

    version = models.PositiveIntegerField(unique=True)
    values = models.JSONField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"settings v{self.version}"


class MetricDefinitionVersion(Record):
    """definition_version of a metric: bumped whenever its code revision or its settings change."""

    metric = code_field()
    version = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["metric", "version"], name="uniq_metric_version"),
            models.UniqueConstraint(fields=["metric", "fingerprint"], name="uniq_metric_fingerprint"),
        ]


class MetricWeight(Record):
    """Weight of a metric per phase with an effective date (section 5); not in code."""

    metric = code_field()
    phase = models.CharField(max_length=8)
    weight = models.DecimalField(max_digits=6, decimal_places=4, null=True)
    effective_from = models.DateField()

    class Meta:
        ordering = ["metric", "-effective_from"]


class RegionalGoal(Record):
    """Regional permanency performance goal (13 CSR 35-35.130) for timely_permanency; empty until set."""

    region = models.CharField(max_length=64, blank=True, help_text="empty = statewide")
    effective_from = models.DateField()
    value = models.DecimalField(max_digits=6, decimal_places=2)


class AgencyRegion(Record):
    """The CD region whose permanency goal applies to an agency's timely_permanency results and incentive
    test, from `effective_from` on (the latest row not after the period's end applies). Without a row,
    the region where the agency had most responsibility days in the period is used, else statewide
    (see metrics/regions.py). An empty region means the statewide goal."""

    agency_code = id_field()
    region = models.CharField(max_length=64, blank=True, help_text="empty = statewide")
    effective_from = models.DateField()

    class Meta:
        ordering = ["agency_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "effective_from"], name="uniq_agency_region_from")
        ]

    def __str__(self) -> str:
        return f"{self.agency_code} -> {self.region or 'statewide'} from {self.effective_from}"


# --------------------------------------------------------------------------------------------
# Results (section 8)
# --------------------------------------------------------------------------------------------


class MetricRun(Record):
    class Status(models.TextChoices):
        RUNNING = "RUNNING", "Running"
        DONE = "DONE", "Done"
        FAILED = "FAILED", "Failed"

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="runs")
    settings_version = models.PositiveIntegerField()
    period_from = models.CharField(max_length=7)
    period_through = models.CharField(max_length=7)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    progress = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    @property
    def run_id(self) -> str:
        return f"r{self.pk}"


class MetricResult(Record):
    run = models.ForeignKey(MetricRun, on_delete=models.CASCADE, related_name="results")
    extract_id = id_field()
    as_of_date = models.DateField()
    metric = code_field()
    definition_version = models.PositiveIntegerField()
    period_type = code_field()
    period = models.CharField(max_length=16)
    period_start = models.DateField()
    period_end = models.DateField()
    dimension = code_field()
    key = id_field()
    numerator = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    denominator = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    value = models.DecimalField(max_digits=18, decimal_places=6, null=True)
    value_rounded = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    unit = code_field()
    benchmark = models.DecimalField(max_digits=12, decimal_places=4, null=True)
    comparator = models.CharField(max_length=2, blank=True)
    direction = code_field()
    meets = models.BooleanField(null=True)
    band = models.CharField(max_length=1, blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=4, null=True)
    status = code_field()
    small_n = models.BooleanField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "metric", "period_type", "period", "dimension", "key"], name="uniq_metric_result"
            )
        ]
        indexes = [models.Index(fields=["metric", "period", "dimension"])]


class PermanencyClock(Record):
    """Per run, each eligible episode's permanency-clock ingredients (timely_permanency, decision D9):
    the first late day while a deadline-bearing goal is in effect, the goal then, the goal on the 18th
    birthday, the exit deadline of the discharge reason and the start of the final trial home visit.
    Materialised once per run with one INSERT ... SELECT, so each subquery runs once per episode."""

    run = models.ForeignKey(
        "MetricRun", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    episode_id = id_field()
    child_id = id_field()
    removal_day = models.IntegerField()
    discharge_day = models.IntegerField(null=True)
    discharge_reason = code_field(blank=True)
    age18_day = models.IntegerField()
    late_day = models.IntegerField(null=True)
    late_goal = code_field(blank=True)
    goal_at_18 = code_field(blank=True)
    exit_deadline_day = models.IntegerField(null=True)
    final_thv_start_day = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["run", "episode_id"])]


# Metrics whose units other metrics look up by child (metrics.definitions.base.unit_of).
UNITS_LOOKED_UP_BY_CHILD = ["worker_child_visits"]


class MetricUnit(Record):
    """One counted (or excluded) unit of a metric, for drill-down (section 8.2).

    `num` and `den` are the unit's contributions (1/0 for counts, days for day-based denominators,
    FTE or money where the metric says so); results are sums (or distinct counts) of them."""

    # No database constraint: PostgreSQL checked the deferred foreign key of every unit at COMMIT
    # (0.4 s of a 4 s month at 25k children). Units are only written by compute() for the run it
    # has just created, and deleting a run still deletes its units (Django's CASCADE). No index of its
    # own either: both composite indexes below start with the run.
    run = models.ForeignKey(
        MetricRun, on_delete=models.CASCADE, related_name="units", db_constraint=False, db_index=False
    )
    metric = code_field()
    period = models.CharField(max_length=16)
    unit_type = code_field()
    child_id = id_field(blank=True)
    episode_id = id_field(blank=True)
    parent_id = id_field(blank=True)
    worker_id = id_field(blank=True)
    event_id = id_field(blank=True)
    agency_code = id_field(blank=True)
    county_fips = id_field(blank=True)
    circuit_code = id_field(blank=True)
    in_denominator = models.BooleanField()
    in_numerator = models.BooleanField()
    num = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    den = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    days = models.IntegerField(null=True)
    event_day = models.IntegerField(null=True, help_text="day number of the unit's deciding event, if any")
    reason = code_field(blank=True)

    class Meta:
        indexes = [
            # the drill-down page lists one agency's units of a metric and month
            models.Index(fields=["run", "metric", "period", "agency_code"]),
            # Other metrics look up a child's unit of this run (unit_of(): the parent visits and the
            # children's visits follow the worker/child-visit child-month). Only those units are
            # indexed: maintaining an entry for every one of a month's 110k units (25k children) cost
            # more than the lookups it serves. A metric read through unit_of() must be listed here.
            models.Index(
                fields=["run", "period", "child_id"],
                condition=models.Q(metric__in=UNITS_LOOKED_UP_BY_CHILD),
                name="metricunit_child_lookup",
            ),
        ]
