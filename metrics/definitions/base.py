"""What a metric declares, and the SQL building blocks its unit query is made of.

A metric is metadata plus `units(ctx)`: one or more querysets whose rows are the metric's units
(child-months, episodes, reports, days, workers ...) annotated with the columns of `MetricUnit`
(`u_agency`, `u_in_num`, `u_num`, `u_den` ...). compute.py inserts them with one INSERT ... SELECT
and sums them per dimension, so the same query serves state, agency, circuit and county.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least

from metrics.dates import Month
from metrics.models import Extract, MetricRun, MetricUnit, ResponsibilitySpan

PERCENT, PER_100K_DAYS, PER_1K_DAYS, AVERAGE, RATIO, PER_1K_CHILDREN, USD = (
    "PERCENT",
    "PER_100K_DAYS",
    "PER_1K_DAYS",
    "AVERAGE",
    "RATIO",
    "PER_1K_CHILDREN",
    "USD",
)
SCALE = {PERCENT: 100, PER_100K_DAYS: 100_000, PER_1K_DAYS: 1000, AVERAGE: 1, RATIO: 1, PER_1K_CHILDREN: 1000, USD: 1}
PRECISION = {PERCENT: 1, PER_100K_DAYS: 2, PER_1K_DAYS: 2, AVERAGE: 2, RATIO: 2, PER_1K_CHILDREN: 2, USD: 2}
# What a value is counted in, for people (pages, charts); the codes stay in files and exports.
UNIT_LABELS = {
    PERCENT: "%",
    PER_100K_DAYS: "per 100,000 days in care",
    PER_1K_DAYS: "per 1,000 days in care",
    AVERAGE: "average",
    RATIO: "ratio",
    PER_1K_CHILDREN: "per 1,000 children",
    USD: "US dollars",
}
FAR_FUTURE = 10**7  # a day number after any real date (date.max is 3652059)


@dataclass(frozen=True)
class Context:
    """Everything a unit query needs: the report month, the settings and the extract."""

    month: Month
    settings: dict[str, Any]
    extract: Extract
    run: MetricRun

    @property
    def s(self) -> int:
        return self.month.start.toordinal()

    @property
    def e(self) -> int:
        return self.month.end.toordinal()

    @property
    def as_of(self) -> date:
        return self.extract.as_of_date


BandRule = Callable[[Decimal], str]


@dataclass(frozen=True)
class Metric:
    code: str
    title: str
    domain: str
    phase: str
    definition: str
    unit: str
    period_type: str  # MONTH, ROLLING_12, ENTRY_MONTH, EXIT_COHORT, SNAPSHOT
    unit_type: str
    direction: str  # HIGHER, LOWER
    units: Callable[[Context], Sequence[QuerySet]]
    benchmark: Decimal | None = None
    comparator: str = ""
    band: BandRule | None = None
    attribution: str = "R1"
    settings_used: tuple[str, ...] = ()
    requires_files: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    # Later metrics join these units by child: refresh the planner's statistics once they are stored.
    analyze_after: bool = False
    # How results add units up: "sum" of num/den, or "distinct:<field>" counting distinct values
    # among units in the numerator / denominator (worker/parent visits count each parent once per key).
    aggregate: str = "sum"
    den_aggregate: str = ""
    small_n_field: str = ""  # count distinct values of this field among denominator units
    agency_types: tuple[str, ...] = ("CD", "FCCM")
    provisional: Callable[[Context], bool] | None = None
    prepare: Callable[[Context], None] | None = None  # refresh a derived column before the query
    finish: Callable[[Context], None] | None = None  # a step over the stored units (e.g. de-duplication)
    # R2 on a computed date: units store `event_day` (and `episode_id`); agency/county/circuit are
    # whoever was responsible on that day, looked up in insert_units' outer SELECT over the unit query
    # (Django cannot nest a subquery on an annotation that itself holds subqueries)
    attribute_on_event_day: bool = False
    dq_checks: tuple[str, ...] = ()
    revision: int = 1  # bump when the definition's code changes meaning
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def scale(self) -> int:
        return SCALE[self.unit]

    @property
    def precision(self) -> int:
        return PRECISION[self.unit]

    @property
    def unit_label(self) -> str:
        return UNIT_LABELS[self.unit]

    def applies(self, month: Month) -> bool:
        """School-year measures are reported once a year, with June's data."""
        return self.period_type != "SCHOOL_YEAR" or month.month == 6

    def period_label(self, month: Month) -> str:
        if self.period_type == "SCHOOL_YEAR":
            return f"{month.year - 1}-{month.year % 100:02d}"
        return str(month)

    def period_bounds(self, month: Month) -> tuple[date, date]:
        if self.period_type == "SCHOOL_YEAR":
            return date(month.year - 1, 7, 1), date(month.year, 6, 30)
        if self.period_type == "ROLLING_12":
            return month.rolling_start, month.end
        if self.period_type == "EXIT_COHORT":
            return month.shift(-23).start, month.shift(-12).end
        if self.period_type == "SNAPSHOT":
            return month.end, month.end
        return month.start, month.end


# --------------------------------------------------------------------------------------------
# Unit columns
# --------------------------------------------------------------------------------------------

UNIT_COLUMNS = (
    "unit_type",
    "child_id",
    "episode_id",
    "parent_id",
    "worker_id",
    "event_id",
    "agency_code",
    "county_fips",
    "circuit_code",
    "in_denominator",
    "in_numerator",
    "num",
    "den",
    "days",
    "event_day",
    "reason",
)
TEXT_COLUMNS = {
    "unit_type",
    "child_id",
    "episode_id",
    "parent_id",
    "worker_id",
    "event_id",
    "agency_code",
    "county_fips",
    "circuit_code",
    "reason",
}


def text(value: str) -> Value:
    return Value(value, output_field=CharField())


def integer(value: int) -> Value:
    return Value(value, output_field=IntegerField())


def as_bool(condition: Q | Exists | Any) -> Case:
    expr = Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())
    # Remembered so units() can see two columns testing the very same condition (see lean_units).
    expr.unit_condition = condition
    return expr


def flag(condition: Q | Exists | Any) -> Case:
    """1 when the condition holds, else 0 (for num/den of counted units)."""
    expr = Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
    expr.unit_condition = condition
    return expr


def pass_fail(condition: Q | Exists | Any) -> dict[str, Any]:
    """Unit columns of a yes/no check: in the denominator, in the numerator (num 1) when `condition`
    holds. Both columns test the same condition object, so units() computes it once per row."""
    return {"in_denominator": Value(True), "in_numerator": as_bool(condition), "den": Value(1), "num": flag(condition)}


def reason(*pairs: tuple[Q | Exists, str]) -> Case:
    """The first failing condition's code; "" when the unit is counted."""
    return Case(*[When(c, then=text(code)) for c, code in pairs], default=text(""), output_field=CharField())


def units(qs: QuerySet, unit_type: str, **columns: Any) -> QuerySet:
    """Annotate `qs` with every MetricUnit column (missing ones get defaults) and select them."""
    values: dict[str, Any] = {}
    for name in UNIT_COLUMNS:
        if name == "unit_type":
            expr = text(unit_type)
        elif name in columns:
            expr = columns[name]
            if isinstance(expr, str):
                expr = F(expr)
        elif name in TEXT_COLUMNS:
            expr = text("")
        elif name in ("in_denominator", "in_numerator"):
            expr = Value(False)
        elif name in ("days", "event_day"):
            # a typed NULL: PostgreSQL reads an untyped NULL in a sub-select as text
            expr = Cast(Value(None), output_field=IntegerField())
        else:
            expr = Value(0)
        if name in TEXT_COLUMNS:
            expr = Coalesce(expr, text(""), output_field=CharField())
        if name in ("num", "den"):
            expr = Coalesce(expr, Value(0), output_field=DecimalField(max_digits=18, decimal_places=4))
        values[f"u_{name}"] = expr
    full = qs.annotate(**values).values(*values.keys())
    full.lean_units = _lean_units(qs, values, columns)
    return full


# Which unit columns may be copied from another column of the same row when both test the same
# condition object: (column, source column, SQL over the source). Checked in this order, so a
# source is never itself copied.
_COPYABLE = (
    ("in_numerator", "in_denominator", "{}"),
    ("den", "in_denominator", "CASE WHEN {} THEN 1 ELSE 0 END"),
    ("num", "in_denominator", "CASE WHEN {} THEN 1 ELSE 0 END"),
    ("num", "in_numerator", "CASE WHEN {} THEN 1 ELSE 0 END"),
)


def _lean_units(
    qs: QuerySet, values: dict[str, Any], columns: dict[str, Any]
) -> tuple[QuerySet, dict[str, str], str] | None:
    """The unit query with columns that repeat another column's condition replaced by constants,
    plus the SQL (over `sub.u_<source>`) that insert_units' outer SELECT computes them with.

    Django inlines an annotation's SQL at every reference, and PostgreSQL evaluates identical
    correlated subqueries again for each copy: `in_numerator=as_bool(met), num=flag(met)` ran every
    subquery of `met` twice per row. Computing `num` from `in_numerator` in the outer SELECT runs
    them once. None when no column can be copied (the full query is used as it is)."""
    conditions = {
        name: getattr(columns.get(name), "unit_condition", None)
        for name in ("in_denominator", "in_numerator", "num", "den")
    }
    copied: dict[str, str] = {}
    for name, source, template in _COPYABLE:
        if name in copied or source in copied:
            continue
        condition = conditions[name]
        if condition is not None and condition is conditions[source]:
            copied[name] = template.format(f"sub.u_{source}")
    join = ""
    lookups = [getattr(columns.get(name), "shared_lookup", None) for name in ON_DAY_COLUMNS]
    extra: dict[str, Any] = {}
    if lookups[0] is not None and all(x is not None and x[0] is lookups[0][0] for x in lookups):
        # on_day()'s (or attribution_of()'s) three columns were three lookups of the same row per
        # unit: look up its id once and join the row in the outer SELECT.
        from django.db import connection

        quote = connection.ops.quote_name
        found, model = lookups[0]
        extra["u_span_id"] = Subquery(found.values("pk")[:1], output_field=IntegerField())
        join = f"LEFT JOIN {quote(model._meta.db_table)} span ON span.{quote(model._meta.pk.column)} = sub.u_span_id"
        for name in ON_DAY_COLUMNS:
            copied[name] = f"COALESCE(span.{quote(model._meta.get_field(name).column)}, '')"
    outer, passed = _over_inputs(qs, {n: values[f"u_{n}"] for n in UNIT_COLUMNS if n in columns and n not in copied})
    for name, source, template in _COPYABLE:
        # a copy of a column now computed in the outer SELECT repeats that column's SQL instead
        if source in outer and copied.get(name) == template.format(f"sub.u_{source}"):
            sql, params = outer[source]
            copied[name] = (template.format(f"({sql})"), list(params))
    copied.update(outer)
    extra.update(passed)
    if not copied:
        return None
    lean = dict(values)
    for name in copied:
        if name in TEXT_COLUMNS:
            lean[f"u_{name}"] = text("")
        else:
            lean[f"u_{name}"] = Value(False) if name.startswith("in_") else Value(0)
    lean.update(extra)
    return qs.annotate(**lean).values(*lean.keys()), copied, join


def _has_subquery(expr: Any) -> bool:
    if getattr(expr, "subquery", False):
        return True
    sources = expr.get_source_expressions() if hasattr(expr, "get_source_expressions") else []
    return any(source is not None and _has_subquery(source) for source in sources)


def _over_inputs(qs: QuerySet, candidates: dict[str, Any]) -> tuple[dict[str, tuple[str, list]], dict[str, Any]]:
    """Unit columns computed in insert_units' outer SELECT over the metric's inputs.

    The inputs are the annotations of the metric's queryset that hold subqueries (a worker's
    caseload, an episode's goals on a day ...). Django inlines an annotation at every reference, so
    a column testing `children > 0` and another reporting `children` ran the caseload count once
    each, and a `reason` repeated the subqueries of the numerator's condition. Each input becomes a
    column `i_<name>` of the sub-select (computed once per row) and each column over it is compiled
    as SQL over `sub` ({column: (sql, params)}); the model's own columns it reads are passed as
    `c_<column>`. A column reading a joined table stays in the sub-select."""
    from django.db import connection
    from django.db.models.expressions import RawSQL

    inputs = {name: ann for name, ann in qs.query.annotations.items() if _has_subquery(ann)}
    if not inputs:
        return {}, {}
    quote = connection.ops.quote_name
    meta = qs.model._meta
    by_column = {f.column: f.attname for f in meta.concrete_fields}
    outer_query = qs.query.clone()
    for name, ann in inputs.items():
        outer_query.annotations[name] = RawSQL(f"sub.{quote('i_' + name)}", (), output_field=ann.output_field)
    base = quote(outer_query.get_initial_alias())
    own_column = re.compile(re.escape(base) + r'\."(\w+)"')
    compiler = outer_query.get_compiler(connection=connection)
    outer: dict[str, tuple[str, list]] = {}
    passed: dict[str, Any] = {}
    for name, expr in candidates.items():
        resolved = expr.resolve_expression(outer_query, allow_joins=False)
        sql, params = compiler.compile(resolved)
        used = [n for n in inputs if f"sub.{quote('i_' + n)}" in sql]
        if not used:
            continue
        read = set(own_column.findall(sql))
        others = [a for a in outer_query.alias_map if a != outer_query.get_initial_alias()]
        if any(quote(a) + "." in sql for a in others) or not read <= set(by_column):
            continue
        outer[name] = (own_column.sub(lambda m: f"sub.{quote('c_' + m.group(1))}", sql), list(params))
        passed.update({f"i_{n}": F(n) for n in used})
        passed.update({f"c_{column}": F(by_column[column]) for column in read})
    return outer, passed


# --------------------------------------------------------------------------------------------
# Attribution (section 1.3)
# --------------------------------------------------------------------------------------------


def _majority(episode_ref: str, start: Any, end: Any, group: tuple[str, ...], pick: str) -> Subquery:
    overlap = Least(F("end_day"), end) - Greatest(F("start_day"), start) + 1
    qs = (
        ResponsibilitySpan.objects.filter(episode_id=OuterRef(episode_ref), start_day__lte=end, end_day__gte=start)
        .values(*group)
        .annotate(total=Sum(overlap), latest=Max(Least(F("end_day"), end)))
        .order_by("-total", "-latest")
        .values(pick)[:1]
    )
    return Subquery(qs, output_field=CharField())


def r1(episode_ref: str, start: Any, end: Any) -> dict[str, Subquery]:
    """R1 majority of days over [start, end]; ties go to the one responsible on the latest tied day.

    `start` and `end` are constants or expressions over the span's own columns (spans carry their
    episode's removal, discharge and 18th-birthday days): SQLite cannot evaluate an aggregate whose
    argument refers to the outer query, so the interval must not be an OuterRef."""
    return {
        "agency_code": _majority(episode_ref, start, end, ("agency_code",), "agency_code"),
        "county_fips": _majority(episode_ref, start, end, ("county_fips", "circuit_code"), "county_fips"),
        "circuit_code": _majority(episode_ref, start, end, ("county_fips", "circuit_code"), "circuit_code"),
    }


def on_day(episode_ref: str, day: Any) -> dict[str, Subquery]:
    """R2 (event date) and R4 (snapshot): whoever is responsible on `day`."""
    spans = ResponsibilitySpan.objects.filter(episode_id=OuterRef(episode_ref), start_day__lte=day, end_day__gte=day)
    columns = {}
    for name in ON_DAY_COLUMNS:
        column = Subquery(spans.values(name)[:1], output_field=CharField())
        # The same spans for all three: units() then looks the span up once and joins it (see _lean_units).
        column.shared_lookup = (spans, ResponsibilitySpan)
        columns[name] = column
    return columns


ON_DAY_COLUMNS = ("agency_code", "county_fips", "circuit_code")


def in_care_any_day(first: int, last: int) -> Q:
    return Q(removal_day__lte=last) & (Q(discharge_day__isnull=True) | Q(discharge_day__gte=first))


def open_at(day: int) -> Q:
    """open_at(e, d): removed on or before d and not discharged by the end of d."""
    return Q(removal_day__lte=day) & (Q(discharge_day__isnull=True) | Q(discharge_day__gt=day))


def end_or_far(field_name: str) -> Coalesce:
    return Coalesce(F(field_name), integer(FAR_FUTURE))


def unit_of(ctx: Context, metric: str, child_ref: str = "child_id") -> QuerySet:
    """Denominator units another metric stored for this run and month (e.g. the child-months).

    Only the metrics in models.UNITS_LOOKED_UP_BY_CHILD have an index for this lookup."""
    return MetricUnit.objects.filter(
        run=ctx.run, metric=metric, period=str(ctx.month), in_denominator=True, child_id=OuterRef(child_ref)
    )


def attribution_of(ctx: Context, metric: str, child_ref: str = "child_id") -> dict[str, Subquery]:
    """Attribute a unit as another metric attributed the same child this month (R1 on the child)."""
    qs = unit_of(ctx, metric, child_ref)
    columns = {}
    for name in ON_DAY_COLUMNS:
        column = Subquery(qs.values(name)[:1], output_field=CharField())
        # As on_day(): one lookup of the other metric's unit, joined in the outer SELECT.
        column.shared_lookup = (qs, MetricUnit)
        columns[name] = column
    return columns


def event_day_attribution(alias: str = "event_span") -> tuple[dict[str, str], str]:
    """R2 on each unit's own `event_day`: SQL for insert_units' outer SELECT over the unit query `sub`,
    as ({column: SQL}, LEFT JOIN clause). The responsibility span is found once per unit and joined;
    a unit without an event day or without a span on it gets empty keys."""
    from django.db import connection

    quote = connection.ops.quote_name
    meta = ResponsibilitySpan._meta
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    episode, start, end = (quote(meta.get_field(name).column) for name in ("episode_id", "start_day", "end_day"))
    found = (
        f"SELECT s.{pk} FROM {table} s WHERE s.{episode} = sub.u_episode_id"
        f" AND s.{start} <= sub.u_event_day AND s.{end} >= sub.u_event_day LIMIT 1"
    )
    join = f"LEFT JOIN {table} {alias} ON {alias}.{pk} = ({found})"
    columns = {name: f"COALESCE({alias}.{quote(meta.get_field(name).column)}, '')" for name in ON_DAY_COLUMNS}
    return columns, join


def insert_select(
    model, qs: QuerySet, fixed: dict[str, Any] | None = None, outer: dict[str, str] | None = None
) -> None:
    """INSERT INTO model's table SELECT ... from a `.values()` queryset whose keys are the model's
    field names (plus `fixed` constant values): set-based, no rows pass through Python.

    `outer` gives model fields as SQL over the sub-select `sub` (e.g. one subquery's value split in
    two; a literal % is written %%); selected names that are not model fields are then only inputs
    of that SQL."""
    from django.db import connection

    quote = connection.ops.quote_name
    fixed = fixed or {}
    outer = outer or {}
    inner, params = qs.query.sql_with_params()
    if outer and connection.vendor == "postgresql" and not qs.query.is_sliced:
        # keep PostgreSQL from pulling the sub-select up and repeating an input's subquery per use
        inner += " OFFSET 0"
    field_names = {f.name for f in model._meta.get_fields()}
    selected_names = [
        name
        for name in list(qs.query.values_select) + list(qs.query.annotation_select)
        if not outer or name in field_names
    ]
    columns = [model._meta.get_field(name).column for name in [*fixed, *selected_names, *outer]]
    selected = ", ".join(["%s"] * len(fixed) + [f"sub.{quote(name)}" for name in selected_names] + list(outer.values()))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) SELECT {selected} FROM ({inner}) sub"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*fixed.values(), *params])
