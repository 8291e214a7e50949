"""The extract bundle's files and columns, declared once (spec/metrics.md section 7.3).

The loader validates every generic rule (GEN1-GEN6) from these declarations; the file-specific rules
(CH1, EP3 ...) are functions in load.py that name their rule id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

YN = ("Y", "N")
DISCHARGE_REASONS = ("REU", "RLV", "ADO", "EMA", "GDN", "TRA", "RUN", "DTH")
SETTING_TYPES = (
    "PRE_ADOPT",
    "FFH_REL",
    "FFH_NONREL",
    "GROUP_HOME",
    "RESIDENTIAL",
    "QRTP",
    "SHELTER",
    "SIL",
    "RUNAWAY",
    "THV",
    "RESPITE",
    "HOSPITAL",
    "DETENTION",
)
NOT_PLACEMENT_SETTINGS = {"RUNAWAY", "THV", "RESPITE", "HOSPITAL", "DETENTION"}
CONGREGATE = {"GROUP_HOME", "RESIDENTIAL", "QRTP", "SHELTER"}
WORKER_ROLES = ("CASE_MANAGER", "SUPERVISOR", "OTHER_CASEWORKER", "INVESTIGATOR", "OTHER")
CONTACT_MODES = ("IN_PERSON", "VIDEO", "PHONE", "OTHER")
VISIT_STATUS = ("COMPLETED", "ATTEMPTED", "CANCELLED")
RELATIONSHIPS = (
    "BIRTH_MOTHER",
    "BIRTH_FATHER",
    "LEGAL_FATHER",
    "ADOPTIVE_MOTHER",
    "ADOPTIVE_FATHER",
    "LEGAL_GUARDIAN",
    "PUTATIVE_FATHER",
    "STEP_PARENT",
    "OTHER",
)
FINDINGS = ("POE", "CA", "UNS", "UNS_PSI", "FA", "PENDING")
GOAL_TYPES = ("REU", "RLV", "ADO", "LTFC", "EMA", "GDN", "NYE")


# Bounds every column of a type shares (the model fields agree: tests/metrics/test_import_hostile.py).
ID_LENGTH = 64  # section 7.1: ids are text up to 64 characters
INT_RANGE = (-(2**31), 2**31 - 1)  # int columns are stored in 32-bit integer fields


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # id, date, int, dec, yn, code, text
    required: bool = False
    codes: tuple[str, ...] = ()
    fk: tuple[str, str] | None = None  # (file, column) the value must exist in
    max_length: int | None = None  # text: characters, the model field's max_length
    digits: tuple[int, int] | None = None  # dec: (max_digits, decimal_places) of the model field


def col(
    name: str,
    type_: str = "text",
    req: bool = False,
    codes: tuple[str, ...] = (),
    fk=None,
    max_length: int | None = None,
    digits: tuple[int, int] | None = None,
) -> Column:
    return Column(name, type_, req, codes, fk, max_length, digits)


NAME = 200  # names and titles


@dataclass(frozen=True)
class FileSpec:
    name: str
    model: str  # metrics.models class name
    columns: tuple[Column, ...]
    pk: tuple[str, ...]
    optional: bool = False
    field_map: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "manifest.csv",
        "Extract",
        (
            col("extract_id", "id", True),
            col("schema_version", "text", True, max_length=16),
            col("state", "code", True, ("MO",)),
            col("as_of_date", "date", True),
            col("source_system", "text", True, max_length=64),
            col("generated_at", "text", max_length=64),
        ),
        ("extract_id",),
    ),
    FileSpec(
        "agencies.csv",
        "ExtractAgency",
        (
            col("agency_code", "id", True),
            col("agency_name", "text", True, max_length=NAME),
            col("abbreviation", max_length=32),
            col("agency_type", "code", True, ("CD", "FCCM")),
            col("parent_organization", max_length=NAME),
            col("active_from", "date"),
            col("active_to", "date"),
            col("successor_agency_code", "id", fk=("agencies.csv", "agency_code")),
        ),
        ("agency_code",),
    ),
    FileSpec(
        "circuits.csv",
        "ExtractCircuit",
        (col("circuit_code", "id", True), col("circuit_name", max_length=NAME), col("region", max_length=64)),
        ("circuit_code",),
    ),
    FileSpec(
        "counties.csv",
        "ExtractCounty",
        (
            col("county_fips", "id", True),
            col("county_name", "text", True, max_length=NAME),
            col("circuit_code", "id", True, fk=("circuits.csv", "circuit_code")),
            col("region", max_length=64),
        ),
        ("county_fips",),
    ),
    FileSpec(
        "children.csv",
        "Child",
        (
            col("child_id", "id", True),
            col("date_of_birth", "date", True),
            col("sex", "code", codes=("M", "F", "U")),
            col("date_of_death", "date"),
        ),
        ("child_id",),
    ),
    FileSpec(
        "removal_episodes.csv",
        "RemovalEpisode",
        (
            col("episode_id", "id", True),
            col("child_id", "id", True, fk=("children.csv", "child_id")),
            col("removal_date", "date", True),
            col("removal_manner", "code", codes=("VOL", "CRT", "UND")),
            col("jurisdiction_county_fips", "id", True, fk=("counties.csv", "county_fips")),
            col("discharge_date", "date"),
            col("discharge_reason", "code", codes=DISCHARGE_REASONS),
            col("removal_number", "int"),
        ),
        ("episode_id",),
    ),
    FileSpec(
        "placements.csv",
        "Placement",
        (
            col("placement_id", "id", True),
            col("episode_id", "id", True, fk=("removal_episodes.csv", "episode_id")),
            col("start_date", "date", True),
            col("end_date", "date"),
            col("setting_type", "code", True, SETTING_TYPES),
            col("provider_id", "id"),
            col("provider_county_fips", "id", fk=("counties.csv", "county_fips")),
            col("qrtp_assessment_date", "date"),
            col("qrtp_court_approval_date", "date"),
        ),
        ("placement_id",),
    ),
    FileSpec(
        "workers.csv",
        "WorkerPeriod",
        (
            col("worker_id", "id", True),
            col("period_start", "date", True),
            col("period_end", "date"),
            col("role", "code", True, WORKER_ROLES),
            col("agency_code", "id", True, fk=("agencies.csv", "agency_code")),
            col("office_county_fips", "id", True, fk=("counties.csv", "county_fips")),
            col("supervisor_worker_id", "id", fk=("workers.csv", "worker_id")),
            col("fte", "dec", digits=(6, 4)),
        ),
        ("worker_id", "period_start"),
    ),
    FileSpec(
        "worker_assignments.csv",
        "WorkerAssignment",
        (
            col("assignment_id", "id", True),
            col("child_id", "id", True, fk=("children.csv", "child_id")),
            col("episode_id", "id", True, fk=("removal_episodes.csv", "episode_id")),
            col("worker_id", "id", True, fk=("workers.csv", "worker_id")),
            col("assignment_role", "code", True, ("PRIMARY", "SECONDARY")),
            col("agency_code", "id", True, fk=("agencies.csv", "agency_code")),
            col("responsible_county_fips", "id", True, fk=("counties.csv", "county_fips")),
            col("start_date", "date", True),
            col("end_date", "date"),
        ),
        ("assignment_id",),
    ),
    FileSpec(
        "worker_child_visits.csv",
        "WorkerChildVisit",
        (
            col("visit_id", "id", True),
            col("child_id", "id", True, fk=("children.csv", "child_id")),
            col("worker_id", "id", True, fk=("workers.csv", "worker_id")),
            col("visit_date", "date", True),
            col("contact_mode", "code", True, CONTACT_MODES),
            col("location", "code", codes=("CHILD_RESIDENCE", "SCHOOL", "OFFICE", "COURT", "OTHER")),
            col("status", "code", True, VISIT_STATUS),
            col("seen_alone", "yn", codes=YN),
        ),
        ("visit_id",),
    ),
    FileSpec(
        "worker_parent_visits.csv",
        "WorkerParentVisit",
        (
            col("visit_id", "id", True),
            col("parent_id", "id", True, fk=("parents.csv", "parent_id")),
            col("child_id", "id", fk=("children.csv", "child_id")),
            col("worker_id", "id", True, fk=("workers.csv", "worker_id")),
            col("visit_date", "date", True),
            col("contact_mode", "code", True, CONTACT_MODES),
            col("location", "code", codes=("PARENT_HOME", "OFFICE", "FACILITY", "OTHER")),
            col("status", "code", True, VISIT_STATUS),
        ),
        ("visit_id",),
    ),
    FileSpec(
        "parents.csv",
        "ParentLink",
        (
            col("parent_id", "id", True),
            col("child_id", "id", True, fk=("children.csv", "child_id")),
            col("relationship", "code", True, RELATIONSHIPS),
            col("removed_from", "yn", codes=YN),
            col("visitation_applicable", "yn", codes=YN),
            col("tpr_date", "date"),
            col("relinquishment_date", "date"),
            col("date_of_death", "date"),
            col("whereabouts_unknown", "yn", codes=YN),
        ),
        ("parent_id", "child_id"),
    ),
    FileSpec(
        "parent_restrictions.csv",
        "ParentRestriction",
        (
            col("restriction_id", "id", True),
            col("parent_id", "id", True, fk=("parents.csv", "parent_id")),
            col("child_id", "id", fk=("children.csv", "child_id")),
            col("restriction_type", "code", True, ("NO_CONTACT_ORDER", "VISITS_SUSPENDED", "OTHER_COURT_BAR")),
            col("start_date", "date", True),
            col("end_date", "date"),
        ),
        ("restriction_id",),
    ),
    FileSpec(
        "parent_child_visits.csv",
        "ParentChildVisit",
        (
            col("visit_id", "id", True),
            col("child_id", "id", True),
            col("parent_id", "id", True),
            col("visit_date", "date", True),
            col("visit_mode", "code", True, ("IN_PERSON", "VIRTUAL", "PHONE")),
            col("supervision", "code", codes=("SUPERVISED", "UNSUPERVISED")),
            col("status", "code", True, ("COMPLETED", "CANCELLED_PARENT", "CANCELLED_AGENCY", "NO_SHOW")),
        ),
        ("visit_id", "parent_id", "child_id"),
    ),
    FileSpec(
        "hcy_exams.csv",
        "HcyExam",
        (
            col("exam_id", "id", True),
            col("child_id", "id", True, fk=("children.csv", "child_id")),
            col("exam_date", "date", True),
            col("exam_type", "code", True, ("HCY_FULL", "HCY_PARTIAL", "DENTAL", "VISION", "HEARING")),
            col("status", "code", True, ("COMPLETED", "SCHEDULED", "MISSED")),
            col("source", "code", codes=("FACES", "MEDICAID_CLAIM")),
        ),
        ("exam_id",),
    ),
    FileSpec(
        "maltreatment_reports.csv",
        "MaltreatmentReport",
        (
            col("report_id", "id", True),
            col("child_id", "id", True, fk=("children.csv", "child_id")),
            col("allegation_seq", "int", True),
            col("report_date", "date", True),
            col("incident_date", "date"),
            col("disposition_date", "date"),
            col("finding", "code", True, FINDINGS),
            col(
                "maltreatment_type",
                "code",
                codes=("PHYSICAL", "SEXUAL", "NEGLECT", "EMOTIONAL", "MEDICAL_NEGLECT", "EXPLOITATION", "OTHER"),
            ),
            col(
                "perpetrator_relationship",
                "code",
                codes=(
                    "FOSTER_PARENT",
                    "RELATIVE_PROVIDER",
                    "FACILITY_STAFF",
                    "PARENT",
                    "OTHER_RELATIVE",
                    "OTHER",
                    "UNKNOWN",
                ),
            ),
            col("fatality", "yn", codes=YN),
        ),
        ("report_id", "child_id", "allegation_seq"),
    ),
    FileSpec(
        "permanency_goals.csv",
        "PermanencyGoal",
        (
            col("goal_id", "id", True),
            col("episode_id", "id", True, fk=("removal_episodes.csv", "episode_id")),
            col("goal_rank", "code", True, ("PRIMARY", "CONCURRENT")),
            col("goal_type", "code", True, GOAL_TYPES),
            col("start_date", "date", True),
            col("end_date", "date"),
            col("court_approved_date", "date"),
            col("concurrent_exempt", "yn", codes=YN),
        ),
        ("goal_id",),
    ),
    FileSpec(
        "trainings.csv",
        "Training",
        (
            col("training_id", "id", True),
            col("worker_id", "id", True, fk=("workers.csv", "worker_id")),
            col("course_code", "id", True),
            col("course_title", max_length=NAME),
            col("completion_date", "date"),
            col("status", "code", True, ("COMPLETED", "IN_PROGRESS", "FAILED")),
        ),
        ("training_id",),
    ),
    FileSpec(
        "returned_cases.csv",
        "ReturnedCase",
        (
            col("return_id", "id", True),
            col("child_id", "id", True, fk=("children.csv", "child_id")),
            col("episode_id", "id", True, fk=("removal_episodes.csv", "episode_id")),
            col("from_agency_code", "id", True, fk=("agencies.csv", "agency_code")),
            col("request_date", "date"),
            col("return_date", "date", True),
            col("reason", "code", True, ("CATASTROPHIC_COST", "COURT_ORDER", "OTHER")),
            col("cost_amount", "dec", digits=(14, 2)),
            col("court_order_date", "date"),
        ),
        ("return_id",),
    ),
    FileSpec(
        "sentinel_events.csv",
        "SentinelEvent",
        (
            col("event_id", "id", True),
            col("child_id", "id", True, fk=("children.csv", "child_id")),
            col("event_date", "date", True),
            col("awareness_date", "date", True),
            col(
                "event_type",
                "code",
                True,
                (
                    "FATALITY",
                    "NEAR_FATALITY",
                    "SERIOUS_BODILY_INJURY",
                    "SUICIDE_ATTEMPT",
                    "SEXUAL_ABUSE_IN_CARE",
                    "OTHER_CRITICAL",
                ),
            ),
            col("reported_date", "date"),
            col("reporting_agency_code", "id", fk=("agencies.csv", "agency_code")),
            col("can_report_id", "id"),
        ),
        ("event_id",),
    ),
    FileSpec(
        "case_plans.csv",
        "CasePlan",
        (
            col("plan_id", "id", True),
            col("episode_id", "id", True, fk=("removal_episodes.csv", "episode_id")),
            col("plan_type", "code", True, ("INITIAL", "UPDATE", "REVIEW")),
            col("completed_date", "date"),
        ),
        ("plan_id",),
        optional=True,
    ),
    FileSpec(
        "older_youth_services.csv",
        "OlderYouthService",
        (
            col("service_id", "id", True),
            col("child_id", "id", True, fk=("children.csv", "child_id")),
            col("service_date", "date", True),
            col(
                "service_type",
                "code",
                True,
                (
                    "TRANSITION_PLAN",
                    "LIFE_SKILLS",
                    "EDUCATION_TRAINING_VOUCHER",
                    "EMPLOYMENT",
                    "HOUSING",
                    "CHAFEE_FUNDS",
                    "OTHER",
                ),
            ),
        ),
        ("service_id",),
        optional=True,
    ),
    FileSpec(
        "education_records.csv",
        "EducationRecord",
        (
            col("record_id", "id", True),
            col("child_id", "id", True, fk=("children.csv", "child_id")),
            col("school_year", "text", True, max_length=16),
            col("enrolled_from", "date"),
            col("enrolled_to", "date"),
            col("grade", "text", max_length=4),
            col("year_end_status", "code", codes=("PROMOTED", "RETAINED", "GRADUATED", "GED", "WITHDRAWN", "UNKNOWN")),
        ),
        ("record_id",),
        optional=True,
    ),
    FileSpec(
        "holidays.csv",
        "Holiday",
        (col("holiday_date", "date", True), col("name", max_length=NAME)),
        ("holiday_date",),
        optional=True,
    ),
)

BY_NAME: dict[str, FileSpec] = {f.name: f for f in FILES}
