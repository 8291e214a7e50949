"""How figures are written: the metric's precision and unit, and the cell's cautions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reports.formatting import metric_number, metric_value, plain
from reports.quarterly import MetricCell, MetricLine
from reports.templatetags.reports_tags import metric_cell


@pytest.mark.parametrize(
    "value, unit, text",
    [
        ("95.00", "PERCENT", "95.0%"),
        ("9.07", "PER_100K_DAYS", "9.07 per 100,000 days"),
        ("4.5", "PER_1K_DAYS", "4.50 per 1,000 days"),
        ("1250", "USD", "$1,250.00"),
        ("1.74", "AVERAGE", "1.74"),
        (None, "PERCENT", ""),
    ],
)
def test_metric_values_carry_precision_and_unit(value, unit, text):
    assert metric_value(None if value is None else Decimal(value), unit) == text


def test_exports_write_bare_numbers_and_counts_without_trailing_zeros():
    assert metric_number(Decimal("1250.00"), "USD") == "1250.00"
    assert metric_number(Decimal("95.00"), "PERCENT") == "95.0"
    assert (plain(Decimal("54.0000")), plain(Decimal("12.5000")), plain(None)) == ("54", "12.5", "")


def line(computed: bool = True) -> MetricLine:
    return MetricLine("hcy_exam_30_days", "HCY", "PERCENT", "HIGHER", Decimal("98.0"), ">=", computed)


def cell(**kw) -> MetricCell:
    values = {"period": "2023-09", "numerator": Decimal(8), "denominator": Decimal(9), "value": Decimal("88.90")}
    values |= {"meets": False, "band": "", "status": "OK", "small_n": False}
    return MetricCell(**(values | kw))


@pytest.mark.parametrize(
    "the_line, the_cell, expected",
    [
        (line(False), None, '<span class="text-body-secondary">not computed yet</span>'),
        (line(), None, '<span class="text-body-secondary">no result</span>'),
        (line(), cell(status="NO_DENOMINATOR", value=None), '<span class="text-body-secondary">no entries</span>'),
        (
            line(),
            cell(status="PROVISIONAL", small_n=True),
            '<span class="">88.9%</span> <span class="badge text-bg-danger">below goal</span>'
            ' <abbr title="fewer than 10 units: read with caution" class="small">small n</abbr>'
            ' <span class="small text-warning-emphasis">provisional</span>',
        ),
        (
            line(),
            cell(meets=True, band="E", status="DQ_FLAG"),
            '<span class="band-E px-1">88.9%</span> <span class="badge text-bg-success">meets</span>'
            ' <span class="small">band E</span> <span class="small text-warning-emphasis">data-quality flag</span>',
        ),
    ],
)
def test_a_metric_cell_says_why_a_figure_is_missing_or_needs_caution(the_line, the_cell, expected):
    assert metric_cell(the_line, the_cell) == expected
