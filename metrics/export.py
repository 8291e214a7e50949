"""Results as CSV (exactly the columns of spec/metrics.md section 8.3) and JSON (section 8.4).

The CSV goes through the spreadsheet-safe writer like every export. Every value the format fixes
(codes, dates, numbers, negative ones included) comes out unchanged; only a text starting with a
formula character could be altered, and here that can only be an id taken from the extract
(`extract_id`, an agency or county `key`) beginning with "-", which gets a leading quote.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from accounts.exports import csv_dict_writer
from metrics import registry
from metrics.models import MetricResult, MetricRun

CSV_COLUMNS = [
    "run_id",
    "extract_id",
    "as_of_date",
    "metric",
    "definition_version",
    "period_type",
    "period",
    "period_start",
    "period_end",
    "dimension",
    "key",
    "numerator",
    "denominator",
    "value",
    "value_rounded",
    "unit",
    "benchmark",
    "comparator",
    "direction",
    "meets",
    "band",
    "weight",
    "status",
    "small_n",
    "computed_at",
]
JSON_FIELDS = [
    "metric",
    "period_type",
    "period",
    "period_start",
    "period_end",
    "dimension",
    "key",
    "numerator",
    "denominator",
    "value",
    "value_rounded",
    "unit",
    "benchmark",
    "comparator",
    "direction",
    "meets",
    "band",
    "weight",
    "status",
    "small_n",
]
CHICAGO = ZoneInfo("America/Chicago")


def results_for_period(period: str, run: MetricRun | None = None) -> QuerySet[MetricResult]:
    """Rows of one period from the latest finished run that has it (or from `run`)."""
    qs = MetricResult.objects.filter(period=period, run__status=MetricRun.Status.DONE, run__extract__is_current=True)
    if run is None:
        latest = qs.order_by("-run__started_at").values_list("run_id", flat=True).first()
        qs = qs.filter(run_id=latest)
    else:
        qs = qs.filter(run=run)
    return qs.select_related("run").order_by("metric", "period_type", "dimension", "key")


def _plain(value: Decimal | None) -> str:
    """A decimal without trailing zeros (11524, 0.5), empty for None."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def _fixed(value: Decimal | None, places: int) -> str:
    if value is None:
        return ""
    return format(value.quantize(Decimal(1).scaleb(-places)), "f")


def _bool(value: bool | None) -> str:
    return "" if value is None else str(value).lower()


def _precision(metric: str) -> int:
    try:
        return registry.get(metric).precision
    except KeyError:
        return 2


def row_values(r: MetricResult) -> dict[str, str]:
    places = _precision(r.metric)
    return {
        "run_id": r.run.run_id,
        "extract_id": r.extract_id,
        "as_of_date": r.as_of_date.isoformat(),
        "metric": r.metric,
        "definition_version": str(r.definition_version),
        "period_type": r.period_type,
        "period": r.period,
        "period_start": r.period_start.isoformat(),
        "period_end": r.period_end.isoformat(),
        "dimension": r.dimension,
        "key": r.key,
        "numerator": _plain(r.numerator),
        "denominator": _plain(r.denominator),
        "value": _fixed(r.value, 6),
        "value_rounded": _fixed(r.value_rounded, places),
        "unit": r.unit,
        "benchmark": _fixed(r.benchmark, places),
        "comparator": r.comparator,
        "direction": r.direction,
        "meets": _bool(r.meets),
        "band": r.band,
        "weight": _plain(r.weight),
        "status": r.status,
        "small_n": _bool(r.small_n),
        "computed_at": r.computed_at.astimezone(CHICAGO).isoformat(timespec="seconds"),
    }


def write_csv(stream, results) -> None:
    """The section 8.3 CSV of `results` into `stream` (a file, a buffer or an HttpResponse)."""
    writer = csv_dict_writer(stream, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in results:
        writer.writerow(row_values(r))


def to_csv(results) -> str:
    out = io.StringIO()
    write_csv(out, results)
    return out.getvalue()


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def as_json_record(r: MetricResult) -> dict:
    places = _precision(r.metric)
    record = {
        "metric": r.metric,
        "period_type": r.period_type,
        "period": r.period,
        "period_start": r.period_start.isoformat(),
        "period_end": r.period_end.isoformat(),
        "dimension": r.dimension,
        "key": r.key,
        "numerator": _number(r.numerator),
        "denominator": _number(r.denominator),
        "value": float(r.value) if r.value is not None else None,
        "value_rounded": float(r.value_rounded.quantize(Decimal(1).scaleb(-places)))
        if r.value_rounded is not None
        else None,
        "unit": r.unit,
        "benchmark": float(r.benchmark) if r.benchmark is not None else None,
        "comparator": r.comparator,
        "direction": r.direction,
        "meets": r.meets,
        "band": r.band or None,
        "weight": float(r.weight) if r.weight is not None else None,
        "status": r.status,
        "small_n": r.small_n,
    }
    return {k: record[k] for k in JSON_FIELDS}


def to_json(results) -> str:
    return json.dumps([as_json_record(r) for r in results], indent=1)
