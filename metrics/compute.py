"""Compute a run: for each report month, each metric's units (one INSERT ... SELECT), then results per
dimension (one GROUP BY each), then pooled quarters (section 1.5).

Values are exact: numerator and denominator are summed in SQL, the ratio is taken with Fractions and
rounded half-up (section 1.4); `meets` and `band` use the rounded value.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import threading
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.conf import settings as django_settings
from django.db import connection, connections, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from metrics import config, regions
from metrics.dates import Month, months_between
from metrics.definitions.base import Context, Metric, event_day_attribution, text
from metrics.models import (
    CalendarMonth,
    Extract,
    ExtractAgency,
    MetricDefinitionVersion,
    MetricResult,
    MetricRun,
    MetricUnit,
    MetricWeight,
    RegionalGoal,
)
from metrics.registry import ordered_metrics

DIMENSIONS = (("STATE", None), ("AGENCY", "agency_code"), ("CIRCUIT", "circuit_code"), ("COUNTY", "county_fips"))
POOLED = {"MONTH", "ENTRY_MONTH"}
DQ_LIMITS = {"EP6": 0.10, "EP4": 0.05, "WA5": 0.05, "PL4": 0.05, "PENDING": 0.10}

Progress = Callable[[int, str], None]


class NoExtract(Exception):
    """No extract is loaded, so nothing can be computed."""


def ensure_calendar() -> None:
    """Months 1990-2100 for add_months in SQL (see CalendarMonth)."""
    if CalendarMonth.objects.exists():
        return
    rows = []
    for year in range(1990, 2101):
        for month in range(1, 13):
            first = date(year, month, 1)
            nxt = date(year + (month == 12), month % 12 + 1, 1)
            rows.append(
                CalendarMonth(month_index=year * 12 + month - 1, first_day=first.toordinal(), days=(nxt - first).days)
            )
    CalendarMonth.objects.bulk_create(rows)


def definition_version(metric: Metric, settings: dict) -> int:
    """The metric's definition_version: a new number whenever its revision or its settings change."""
    used = {name: settings[name] for name in metric.settings_used}
    fingerprint = hashlib.sha256(
        json.dumps({"revision": metric.revision, "settings": used}, sort_keys=True, default=str).encode()
    ).hexdigest()
    found = MetricDefinitionVersion.objects.filter(metric=metric.code, fingerprint=fingerprint).first()
    if found:
        return found.version
    latest = MetricDefinitionVersion.objects.filter(metric=metric.code).order_by("-version").first()
    version = (latest.version + 1) if latest else 1
    MetricDefinitionVersion.objects.create(metric=metric.code, version=version, fingerprint=fingerprint)
    return version


def weight_for(metric: Metric, on: date) -> Decimal | None:
    """The weight in force on `on` from the MetricWeight table (section 5: data, not code)."""
    row = MetricWeight.objects.filter(metric=metric.code, effective_from__lte=on).order_by("-effective_from").first()
    return row.weight if row else None


def benchmark_for(metric: Metric, on: date) -> Decimal | None:
    if metric.extra.get("regional_goal"):
        goal = RegionalGoal.objects.filter(region="", effective_from__lte=on).order_by("-effective_from").first()
        return goal.value if goal else None
    return metric.benchmark


def round_half_up(value: Fraction, places: int) -> Decimal:
    """Round an exact ratio half-up (away from zero) to `places` decimals."""
    return _round_ratio(value.numerator, value.denominator, places)


def _round_ratio(p: int, q: int, places: int) -> Decimal:
    """round_half_up(p / q) in integers (q > 0): no Fraction arithmetic for each of a run's results."""
    whole, rest = divmod(abs(p) * 10**places, q)
    if 2 * rest >= q:
        whole += 1
    result = Decimal(whole).scaleb(-places)
    return -result if p < 0 else result


def meets(value: Decimal, comparator: str, benchmark: Decimal) -> bool:
    return {
        ">=": value >= benchmark,
        "<=": value <= benchmark,
        ">": value > benchmark,
        "<": value < benchmark,
    }[comparator]


def evaluate(metric: Metric, numerator, denominator, benchmark: Decimal | None) -> dict:
    """value, value_rounded, meets and band for one (numerator, denominator) (section 1.4)."""
    if not denominator:
        return {"value": None, "value_rounded": None, "meets": None, "band": ""}
    # the exact ratio numerator / denominator * scale as p / q
    num_p, num_q = Decimal(numerator).as_integer_ratio()
    den_p, den_q = Decimal(denominator).as_integer_ratio()
    p, q = num_p * den_q * metric.scale, num_q * den_p
    if q < 0:
        p, q = -p, -q
    rounded = _round_ratio(p, q, metric.precision)
    return {
        "value": _round_ratio(p, q, 6),
        "value_rounded": rounded,
        "meets": meets(rounded, metric.comparator, benchmark) if benchmark is not None else None,
        "band": metric.band(rounded) if metric.band else "",
    }


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------


def insert_units(ctx: Context, metric: Metric) -> None:
    """INSERT INTO metricunit SELECT ... for each unit query of the metric (set-based)."""
    table = connection.ops.quote_name(MetricUnit._meta.db_table)
    quote = connection.ops.quote_name
    from metrics.definitions.base import UNIT_COLUMNS

    target = ["run_id", "metric", "period"] + [MetricUnit._meta.get_field(c).column for c in UNIT_COLUMNS]
    with connection.cursor() as cursor:
        for qs in metric.units(ctx):
            # A clone (a unit query filtered after units()) has no lean form: it runs in full.
            lean = getattr(qs, "lean_units", None)
            copied: dict[str, str] = {}
            join = ""
            if lean is not None:
                qs, copied, join = lean[0], dict(lean[1]), lean[2]
            if metric.attribute_on_event_day:
                on_event_day, event_join = event_day_attribution()
                copied.update(on_event_day)
                join = f"{join} {event_join}"
            inner, params = qs.query.sql_with_params()
            if copied and connection.vendor == "postgresql" and not qs.query.is_sliced:
                # OFFSET 0 keeps PostgreSQL from pulling the sub-select up into the outer SELECT, which
                # would put the copied columns' expressions (and their subqueries) back in twice.
                inner += " OFFSET 0"
            selected, outer_params = [], []
            for c in UNIT_COLUMNS:
                # a copied column is SQL over `sub`, or (SQL, params) when it has parameters of its own
                column = copied.get(c, f"sub.{quote('u_' + c)}")
                if isinstance(column, tuple):
                    column, column_params = column
                    outer_params.extend(column_params)
                selected.append(column)
            sql = (
                f"INSERT INTO {table} ({', '.join(quote(c) for c in target)}) "
                f"SELECT %s, %s, %s, {', '.join(selected)} FROM ({inner}) sub {join}"
            )
            cursor.execute(sql, [ctx.run.pk, metric.code, metric.period_label(ctx.month), *outer_params, *params])


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def _aggregates(metric: Metric) -> dict:
    def agg(mode: str, field_name: str, flag: str):
        if mode.startswith("distinct:"):
            return Count(mode.split(":", 1)[1], distinct=True, filter=Q(**{flag: True}))
        return Sum(field_name)

    num = agg(metric.aggregate, "num", "in_numerator")
    den = agg(metric.den_aggregate or metric.aggregate, "den", "in_denominator")
    if metric.small_n_field:
        small = Count(metric.small_n_field, distinct=True, filter=Q(den__gt=0))
    elif (metric.den_aggregate or metric.aggregate).startswith("distinct:"):
        small = den
    else:
        small = Count("id", filter=Q(den__gt=0))
    return {"n_num": num, "n_den": den, "n_units": small}


def _counts_distinct(metric: Metric) -> bool:
    """Results count distinct values (parents, children): they cannot be rolled up from finer groups."""
    modes = (metric.aggregate, metric.den_aggregate)
    return any(mode.startswith("distinct:") for mode in modes if mode) or bool(metric.small_n_field)


def _metric_units(ctx: Context, metric: Metric):
    return MetricUnit.objects.filter(run=ctx.run, metric=metric.code, period=metric.period_label(ctx.month))


def _fine_groups(ctx: Context, metrics: list[Metric]) -> dict[str, list[dict]]:
    """metric -> its units summed per (agency, county, circuit), for all summed metrics of the month in
    one GROUP BY (one scan of the month's units instead of one query per metric)."""
    if not metrics:
        return {}
    aggregates = {"n_num": Sum("num"), "n_den": Sum("den"), "n_units": Count("id", filter=Q(den__gt=0))}
    labels = {m.code: m.period_label(ctx.month) for m in metrics}
    fields = [f for _, f in DIMENSIONS if f]
    out: dict[str, list[dict]] = {code: [] for code in labels}
    rows = (
        MetricUnit.objects.filter(run=ctx.run, metric__in=list(labels), period__in=set(labels.values()))
        .values("metric", "period", *fields)
        .annotate(**aggregates)
        .order_by()
    )
    for g in rows:
        if labels[g["metric"]] == g["period"]:
            out[g["metric"]].append(g)
    return out


def _rolled_up(fine: list[dict]) -> dict[str, dict[str, dict]]:
    """dimension -> key -> {"n_num", "n_den", "n_units"} summed exactly from (agency, county, circuit)
    groups; a group without a key for a dimension is left out of that dimension only."""
    out: dict[str, dict[str, dict]] = {}
    for dimension, field_name in DIMENSIONS:
        groups: dict[str, dict] = {}
        if field_name is None:
            groups["MO"] = {"key": "MO", "n_num": None, "n_den": None, "n_units": 0}
        for g in fine:
            key = "MO" if field_name is None else g[field_name]
            if key == "":
                continue
            total = groups.setdefault(key, {"key": key, "n_num": None, "n_den": None, "n_units": 0})
            for name in ("n_num", "n_den"):
                if g[name] is not None:
                    total[name] = (total[name] or 0) + g[name]
            total["n_units"] += g["n_units"] or 0
        out[dimension] = groups
    return out


def _grouped(metric: Metric, units) -> dict[str, dict[str, dict]]:
    """dimension -> key -> {"n_num", "n_den", "n_units"}; units without a key for a dimension are left
    out of that dimension only.

    Summed metrics are grouped by (agency, county, circuit) in SQL and rolled up here (see
    _fine_groups). Metrics counting distinct values cannot be rolled up, so they keep one GROUP BY per
    dimension."""
    aggregates = _aggregates(metric)
    if not _counts_distinct(metric):
        fields = [f for _, f in DIMENSIONS if f]
        return _rolled_up(list(units.values(*fields).annotate(**aggregates).order_by()))
    # The four GROUP BYs in one statement (UNION ALL): one round trip per metric instead of four.
    parts = []
    for dimension, field_name in DIMENSIONS:
        keyed = units if field_name is None else units.exclude(**{field_name: ""})
        key = text("MO") if field_name is None else F(field_name)
        parts.append(
            keyed.annotate(g_dimension=text(dimension), g_key=key)
            .values("g_dimension", "g_key")
            .annotate(**aggregates)
            .order_by()
        )
    out: dict[str, dict[str, dict]] = {dimension: {} for dimension, _ in DIMENSIONS}
    for g in parts[0].union(*parts[1:], all=True):
        out[g["g_dimension"]][g["g_key"]] = {
            "key": g["g_key"],
            "n_num": g["n_num"],
            "n_den": g["n_den"],
            "n_units": g["n_units"],
        }
    out["STATE"].setdefault("MO", {"key": "MO", "n_num": None, "n_den": None, "n_units": 0})
    return out


def _quality_flags(extract: Extract, metric: Metric) -> tuple[set[str], set[tuple[str, str]]]:
    """(checks exceeded statewide, {(dimension, key)} exceeded for one key) for this metric."""
    overall: set[str] = set()
    keyed: set[tuple[str, str]] = set()
    for check in metric.dq_checks:
        shares = extract.quality.get(check, {})
        limit = DQ_LIMITS[check]
        if shares.get("ALL", 0) > limit:
            overall.add(check)
        for key, share in shares.items():
            if key != "ALL" and share > limit:
                keyed.add(("AGENCY", key))
    return overall, keyed


# MetricResult columns in the order _result_rows builds them: the metric's constants, then the row's own.
_RESULT_CONSTANTS = (
    "run",
    "extract_id",
    "as_of_date",
    "metric",
    "definition_version",
    "period_type",
    "period",
    "period_start",
    "period_end",
    "unit",
    "direction",
    "weight",
    "computed_at",
)
_RESULT_OWN = (
    "dimension",
    "key",
    "numerator",
    "denominator",
    "value",
    "value_rounded",
    "meets",
    "band",
    "status",
    "small_n",
    "benchmark",  # per key: a regional goal differs by region (metrics/regions.py)
    "comparator",  # empty where the row has no benchmark
)


def store_month_results(
    ctx: Context, metrics: list[Metric], versions: dict[str, int], computed_at, agencies: list[tuple] | None = None
) -> None:
    """MetricResult rows of the month for every metric in `metrics`, whose units are stored: state,
    agency, circuit and county. Summed metrics are grouped in one query for all of them; the rows are
    written with plain multi-row INSERTs (no model instances: building and preparing ~3,400
    MetricResult objects for bulk_create cost more than the grouping queries)."""
    if agencies is None:
        agencies = list(ExtractAgency.objects.values_list("agency_code", "agency_type", "active_from", "active_to"))
    fine = _fine_groups(ctx, [m for m in metrics if not _counts_distinct(m)])
    rows: list[tuple] = []
    for metric in metrics:
        if metric.code in fine:
            grouped = _rolled_up(fine[metric.code])
        else:
            grouped = _grouped(metric, _metric_units(ctx, metric))
        rows.extend(_result_rows(ctx, metric, versions[metric.code], computed_at, grouped, agencies))
    _insert_results(rows)


def _result_rows(
    ctx: Context, metric: Metric, version: int, computed_at, grouped: dict[str, dict[str, dict]], agencies: list[tuple]
) -> list[tuple]:
    period_start, period_end = metric.period_bounds(ctx.month)
    benchmark = benchmark_for(metric, period_end)
    regional = regions.benchmarks(metric, period_start, period_end)  # per key, for the regional goal
    weight = weight_for(metric, period_end)
    # Data must be complete through the report month (re-entry follow-up, rolling windows, snapshots);
    # some metrics also wait for a follow-up window after the month (HCY and QRTP: 30 days).
    provisional = ctx.as_of < ctx.month.end or bool(metric.provisional and metric.provisional(ctx))
    small_n_threshold = ctx.settings["small_n_threshold"]
    overall_dq, keyed_dq = _quality_flags(ctx.extract, metric)
    wa5_exceeded = "WA5" in overall_dq
    allowed_agencies = {code for code, kind, _, _ in agencies if kind in metric.agency_types}
    active_agencies = {
        code
        for code, kind, active_from, active_to in agencies
        if kind in metric.agency_types
        and (active_from is None or active_from <= period_end)
        and (active_to is None or active_to >= period_start)
    }
    fields = MetricResult._meta
    constants = {
        "run": ctx.run.pk,
        "extract_id": ctx.extract.extract_id,
        "as_of_date": ctx.extract.as_of_date,
        "metric": metric.code,
        "definition_version": version,
        "period_type": metric.period_type,
        "period": metric.period_label(ctx.month),
        "period_start": period_start,
        "period_end": period_end,
        "unit": metric.unit,
        "direction": metric.direction,
        "weight": weight,
        "computed_at": computed_at,
    }
    # The values once through the fields, as bulk_create would prepare them (dates, datetimes, decimals).
    prefix = tuple(fields.get_field(name).get_db_prep_save(constants[name], connection) for name in _RESULT_CONSTANTS)
    benchmark_field = fields.get_field("benchmark")
    rows: list[tuple] = []
    for dimension, _ in DIMENSIONS:
        by_key = grouped[dimension]
        if dimension == "AGENCY":
            by_key = {k: v for k, v in by_key.items() if k in allowed_agencies}
            for code in active_agencies - set(by_key):
                by_key[code] = {"key": code, "n_num": 0, "n_den": 0, "n_units": 0}
        for key in sorted(by_key):
            g = by_key[key]
            numerator, denominator = _decimal(g["n_num"] or 0), _decimal(g["n_den"] or 0)
            key_benchmark = benchmark if regional is None else regional(dimension, key)
            result = evaluate(metric, numerator, denominator, key_benchmark)
            if not denominator:
                status = "NO_DENOMINATOR"
            elif provisional:
                status = "PROVISIONAL"
            elif (
                (overall_dq - {"WA5"} and dimension != "AGENCY")
                or (dimension, key) in keyed_dq
                or (wa5_exceeded and (dimension == "COUNTY" or (dimension == "AGENCY" and key == "CD")))
            ):
                status = "DQ_FLAG"
            else:
                status = "OK"
            rows.append(
                prefix
                + (
                    dimension,
                    key,
                    numerator,
                    denominator,
                    result["value"],
                    result["value_rounded"],
                    result["meets"],
                    result["band"],
                    status,
                    (g["n_units"] or 0) < small_n_threshold,
                    benchmark_field.get_db_prep_save(key_benchmark, connection),
                    metric.comparator if key_benchmark is not None else "",
                )
            )
    return rows


def _decimal(value) -> Decimal:
    """A sum or count as DecimalField.to_python would store it."""
    return value if isinstance(value, Decimal) else MetricResult._meta.get_field("numerator").to_python(value)


def _insert_results(rows: list[tuple]) -> None:
    """Write the rows (tuples in _RESULT_CONSTANTS + _RESULT_OWN order): COPY on PostgreSQL, executemany
    elsewhere. (A multi-row INSERT was slower than bulk_create: psycopg's client-side binding splits
    a query with tens of thousands of placeholders in Python.)"""
    if not rows:
        return
    meta = MetricResult._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in _RESULT_CONSTANTS + _RESULT_OWN)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.connection.cursor().copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * (len(_RESULT_CONSTANTS) + len(_RESULT_OWN)))
            cursor.executemany(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})", rows)


def store_quarter(run: MetricRun, metric: Metric, months: list[Month], version: int, computed_at) -> None:
    """QUARTER rows: pooled numerators/denominators for monthly metrics, the last month for the others."""
    if metric.period_type == "SCHOOL_YEAR":
        return
    periods = [str(m) for m in months]
    monthly = MetricResult.objects.filter(run=run, metric=metric.code, period__in=periods).exclude(
        period_type="QUARTER"
    )
    rows = []
    if metric.period_type in POOLED:
        pooled: dict[tuple[str, str], list[MetricResult]] = {}
        for r in monthly:
            pooled.setdefault((r.dimension, r.key), []).append(r)
        for (dimension, key), results in pooled.items():
            numerator = sum(r.numerator or 0 for r in results)
            denominator = sum(r.denominator or 0 for r in results)
            statuses = {r.status for r in results}
            first = results[0]
            status = (
                "NO_DENOMINATOR"
                if not denominator
                else next((s for s in ("PROVISIONAL", "DQ_FLAG") if s in statuses), "OK")
            )
            rows.append(
                _copy(
                    first,
                    numerator=numerator,
                    denominator=denominator,
                    status=status,
                    small_n=not denominator or all(r.small_n for r in results),
                    period_start=months[0].start,
                    period_end=months[-1].end,
                    **evaluate(metric, numerator, denominator, first.benchmark),
                )
            )
    else:
        for r in monthly.filter(period=periods[-1]):
            rows.append(_copy(r))
    for row in rows:
        row.period_type = "QUARTER"
        row.period = months[-1].quarter
        row.definition_version = version
        row.computed_at = computed_at
    MetricResult.objects.bulk_create(rows, batch_size=1000)


def store_fiscal_year(run: MetricRun, metric: Metric, september: Month) -> None:
    """FFY rows (October-September, for CFSR comparison): a rolling metric's September value."""
    if metric.period_type != "ROLLING_12":
        return
    rows = [
        _copy(r, period_type="FFY", period=f"FFY{september.year}")
        for r in MetricResult.objects.filter(
            run=run, metric=metric.code, period=str(september), period_type="ROLLING_12"
        )
    ]
    MetricResult.objects.bulk_create(rows, batch_size=1000)


def _copy(result: MetricResult, **changes) -> MetricResult:
    data = {f.attname: getattr(result, f.attname) for f in MetricResult._meta.concrete_fields if not f.primary_key}
    data.update(changes)
    return MetricResult(**data)


# --------------------------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------------------------


def compute_units(
    ctx: Context, metrics: list[Metric], depended_on: set[str], before: Callable[[Metric], None] | None = None
) -> list[Metric]:
    """Store the units of `metrics` (in order) for ctx's month; returns the metrics that apply to it.

    One month's work for compute() and for a fanned-out piece (metrics.fanout): prepare, units,
    fresh planner statistics where later metrics look the units up, finish.
    """
    computed: list[Metric] = []
    for metric in metrics:
        if before is not None:
            before(metric)
        if not metric.applies(ctx.month):
            continue
        computed.append(metric)
        if metric.prepare:
            metric.prepare(ctx)
        insert_units(ctx, metric)
        if metric.analyze_after and metric.code in depended_on and connection.vendor == "postgresql":
            # Later metrics look these units up by child: give the planner fresh statistics.
            # A small sample (3,000 rows instead of 30,000) is enough for the row counts and
            # the metric codes' frequencies the plans depend on: 0.02 s instead of 0.25 s once
            # the table holds the replaced run's units as well (see compute()).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL default_statistics_target = 10")
                cursor.execute(f"ANALYZE {connection.ops.quote_name(MetricUnit._meta.db_table)}")
                cursor.execute("SET LOCAL default_statistics_target TO DEFAULT")
        if metric.finish:
            metric.finish(ctx)
    return computed


def compute(
    first: Month, last: Month | None = None, metrics: Iterable[str] | None = None, progress: Progress | None = None
) -> MetricRun:
    """Compute every metric (or `metrics`) for the months first..last and store a run.

    A newer run for the same extract and months replaces the older one (section 1.6)."""
    say = progress or (lambda pct, step: None)
    extract = Extract.objects.filter(is_current=True).first()
    if extract is None:
        raise NoExtract("no extract is loaded: run import_extract first")
    last = last or first
    months = months_between(first, last)
    settings_version = config.current_version()
    values = config.current()
    chosen = ordered_metrics(metrics, present_files=set(extract.files))
    ensure_calendar()
    groups = parallel_groups(chosen)
    workers = min(django_settings.METRICS_COMPUTE_CONNECTIONS, len(groups))
    # Inside a caller's transaction (a test, a page's atomic block) other connections would not see
    # its uncommitted rows: one connection then.
    if workers > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _compute_on_connections(extract, first, last, groups, workers, say)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The unit queries are many short statements whose estimated cost (correlated subplans)
            # crosses jit_above_cost: PostgreSQL then spent ~1 s compiling each one for a 0.2 s run
            # (11.9 s -> 4.4 s for one month at 25k children). SET LOCAL ends with the transaction.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        replaced = MetricRun.objects.filter(extract=extract, period_from=str(first), period_through=str(last))
        replaced_ids = list(replaced.values_list("pk", flat=True))
        run = MetricRun.objects.create(
            extract=extract, settings_version=settings_version.version, period_from=str(first), period_through=str(last)
        )
        computed_at = timezone.now()
        versions = {m.code: definition_version(m, values) for m in chosen}
        depended_on = {dep for m in chosen for dep in m.depends_on}
        steps = len(months) * len(chosen)
        done = 0
        agencies = list(ExtractAgency.objects.values_list("agency_code", "agency_type", "active_from", "active_to"))
        for month in months:
            ctx = Context(month=month, settings=values, extract=extract, run=run)

            def progress(metric: Metric, month: Month = month) -> None:
                nonlocal done
                say(int(100 * done / max(steps, 1)), f"{metric.code} {month}")
                done += 1

            computed = compute_units(ctx, chosen, depended_on, progress)
            # Once every unit of the month is stored (a metric's units are final after its finish step).
            store_month_results(ctx, computed, versions, computed_at, agencies)
        finish_run(run, chosen, months, versions, computed_at, replaced_ids)
    say(100, "done")
    return run


def parallel_groups(chosen: list[Metric]) -> list[list[Metric]]:
    """The chosen metrics split into groups that can be computed on separate connections at once,
    the heaviest first (each group's metrics in `chosen` order, dependencies first).

    As metrics.fanout.metric_groups (closed under depends_on: a metric reads the units its
    dependencies stored for the same run and month), and metrics sharing a prepare step are in one
    group: the step writes data for the whole run once (the permanency clocks) or updates extract
    rows (the sentinel report due dates), which two connections must not do at the same time."""
    parent: dict[str, str] = {m.code: m.code for m in chosen}

    def root(code: str) -> str:
        while parent[code] != code:
            code = parent[code]
        return code

    first_with: dict[object, str] = {}
    for metric in chosen:
        for dep in metric.depends_on:
            if dep in parent:
                parent[root(metric.code)] = root(dep)
        if metric.prepare:
            step = inspect.unwrap(metric.prepare)
            if step in first_with:
                parent[root(metric.code)] = root(first_with[step])
            else:
                first_with[step] = metric.code
    groups: dict[str, list[Metric]] = {}
    for metric in chosen:
        groups.setdefault(root(metric.code), []).append(metric)

    def weight(group: list[Metric]) -> int:
        # A rough cost, so that the long groups start first and the short ones fill in: a prepare
        # step (the clocks) costs about two metrics' unit queries.
        return len(group) + 2 * len({inspect.unwrap(m.prepare) for m in group if m.prepare})

    return sorted(groups.values(), key=weight, reverse=True)


def _compute_on_connections(
    extract: Extract, first: Month, last: Month, groups: list[list[Metric]], workers: int, say: Progress
) -> MetricRun:
    """compute() on PostgreSQL with `workers` connections: each thread takes the next metric group
    and stores its units and month results for every month (months in order, one transaction per
    month), on its own connection, while the others do the same for other groups.

    Readers only read DONE runs (latest_run, the exports and reports filter on status), so the run is
    created RUNNING and committed first, and becomes current in one last transaction (quarters, fiscal
    years, the replaced runs deleted, DONE), as in metrics.fanout. If any group fails, the run and
    everything written for it is deleted and the error raised; a process killed half-way leaves a
    RUNNING run no reader sees, replaced by the next computation of the same months."""
    months = months_between(first, last)
    values = config.current()
    chosen = [m for group in groups for m in group]
    replaced_ids = list(
        MetricRun.objects.filter(extract=extract, period_from=str(first), period_through=str(last)).values_list(
            "pk", flat=True
        )
    )
    run = MetricRun.objects.create(
        extract=extract,
        settings_version=config.current_version().version,
        period_from=str(first),
        period_through=str(last),
    )
    try:
        computed_at = timezone.now()
        versions = {m.code: definition_version(m, values) for m in chosen}
        depended_on = {dep for m in chosen for dep in m.depends_on}
        agencies = list(ExtractAgency.objects.values_list("agency_code", "agency_type", "active_from", "active_to"))
        pending = list(groups)
        errors: list[BaseException] = []
        lock = threading.Lock()
        steps = max(len(months) * len(chosen), 1)
        done = 0

        def work() -> None:
            nonlocal done
            try:
                while not errors:
                    with lock:
                        if not pending:
                            return
                        group = pending.pop(0)
                    for month in months:
                        ctx = Context(month=month, settings=values, extract=extract, run=run)

                        def progress(metric: Metric, month: Month = month) -> None:
                            nonlocal done
                            with lock:
                                say(int(100 * done / steps), f"{metric.code} {month}")
                                done += 1

                        with transaction.atomic():
                            with connection.cursor() as cursor:
                                cursor.execute("SET LOCAL jit = off")  # see compute()
                            computed = compute_units(ctx, group, depended_on, progress)
                            store_month_results(ctx, computed, versions, computed_at, agencies)
            except BaseException as exc:  # noqa: BLE001 - raised again by the calling thread
                errors.append(exc)
            finally:
                connections.close_all()  # this thread's connections only

        threads = [threading.Thread(target=work, name=f"compute-{run.pk}-{i}") for i in range(workers)]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except BaseException as exc:  # interrupted: the threads take no further group, then the run goes
            errors.append(exc)
            for thread in threads:
                thread.join()
            raise
        if errors:
            raise errors[0]
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
            finish_run(run, chosen, months, versions, computed_at, replaced_ids)
    except BaseException:
        MetricRun.objects.filter(pk=run.pk).delete()
        raise
    say(100, "done")
    return run


def finish_run(
    run: MetricRun, chosen: list[Metric], months: list[Month], versions: dict, computed_at, replaced
) -> None:
    """The last step of every run (inside the caller's transaction): pooled quarters and fiscal years
    from the stored month rows, the runs it replaces deleted, then DONE. `replaced` is a queryset or
    a list of run ids.

    The replaced runs are deleted last, in the same transaction. Deleted first, their units counted
    as dead rows when the units table is analysed (after the worker/child visits), and the planner,
    taking the table for a few thousand rows, scanned all of it (and hashed it) for the child
    lookups of the parent visits instead of using the indexes."""
    for quarter in _full_quarters(months):
        for metric in chosen:
            store_quarter(run, metric, quarter, versions[metric.code], computed_at)
    for month in months:
        if month.month == 9:
            for metric in chosen:
                store_fiscal_year(run, metric, month)
    if isinstance(replaced, list):
        replaced = MetricRun.objects.filter(pk__in=replaced)
    replaced.exclude(pk=run.pk).delete()
    run.status = MetricRun.Status.DONE
    run.progress = 100
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "progress", "finished_at"])


def _full_quarters(months: list[Month]) -> list[list[Month]]:
    out = []
    for m in months:
        if m.is_quarter_end:
            quarter = [m.shift(-2), m.shift(-1), m]
            if all(q in months for q in quarter):
                out.append(quarter)
    return out


def latest_run() -> MetricRun | None:
    extract = Extract.objects.filter(is_current=True).first()
    if extract is None:
        return None
    return MetricRun.objects.filter(extract=extract, status=MetricRun.Status.DONE).order_by("-started_at").first()
