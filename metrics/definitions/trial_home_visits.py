"""Continuous trial home visits (timely_permanency, spec section 3.2).

A child's trial home visit (THV) is often recorded as several consecutive `THV` placement rows (a new
row when the worker, the court review or the provider changes). For the CFSR trial-home-visit
adjustment they are **one** continuous visit: a THV row that starts on the day the previous THV row
ends, or on the day after it (the end date of the previous row recorded as its last day), continues
the same visit. A gap of two days or more, or another setting between them, starts a new visit.

Placement rows are read from `PlacementSegment` (trimmed against their neighbours and the discharge,
PL3/PL6). A placement can be cut into several segments by changes of responsibility; every piece
carries the whole placement's `placement_start_day` / `placement_end_day` (end exclusive, empty =
still open), which is what is compared here, so pieces of one placement never look like a chain.

All helpers are correlated subqueries on the outer row's `episode_id` (set-based, no Python loops).
"""

from __future__ import annotations

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce

from metrics.definitions.base import FAR_FUTURE, integer
from metrics.models import PlacementSegment

THV = "THV"


def _thv(episode_ref=None):
    return PlacementSegment.objects.filter(
        episode_id=episode_ref if episode_ref is not None else OuterRef("episode_id"), setting_type=THV
    )


def _continued_from_earlier_thv() -> Exists:
    """For a THV segment (the outer row): an earlier THV placement of the episode ends on its start day
    or the day before, so this row continues that visit."""
    return Exists(
        _thv(OuterRef("episode_id")).filter(
            placement_start_day__lt=OuterRef("placement_start_day"),
            placement_end_day__isnull=False,
            placement_end_day__gte=OuterRef("placement_start_day") - 1,
        )
    )


def _continued_by_later_thv() -> Exists:
    """For a THV segment (the outer row): a later THV placement starts on its end day or the day after."""
    return Exists(
        _thv(OuterRef("episode_id")).filter(
            placement_start_day__gt=OuterRef("placement_start_day"),
            placement_start_day__lte=OuterRef("placement_end_day") + 1,
        )
    )


def final_thv_start() -> Subquery:
    """Start day of the final continuous trial home visit that ended in the discharge (NULL if the
    child was not on a trial home visit at discharge).

    The THV row ending on the discharge day is found first; the visit starts at the latest THV row, not
    after that one, which does not continue an earlier THV row. Rows in between all continue one
    another (kept placement segments do not overlap), so this is the start of the whole chain."""
    ending_in_discharge = _thv(OuterRef(OuterRef("episode_id"))).filter(
        placement_end_day=OuterRef(OuterRef("discharge_day"))
    )
    qs = (
        _thv()
        .filter(placement_start_day__lte=Subquery(ending_in_discharge.values("placement_start_day")[:1]))
        .filter(~_continued_from_earlier_thv())
        .order_by("-placement_start_day")
        .values("placement_start_day")[:1]
    )
    return Subquery(qs, output_field=IntegerField())


def on_thv(day_ref: str) -> Q:
    """The child is on a trial home visit on day `day_ref` of the outer row: inside a THV row, or on the
    one-day gap between a THV row ending that day and the next THV row starting the day after."""
    day = OuterRef(day_ref)
    inside = Exists(
        _thv()
        .filter(placement_start_day__lte=day)
        .filter(Q(placement_end_day__isnull=True) | Q(placement_end_day__gt=day))
    )
    gap = Exists(_thv().filter(placement_end_day=day)) & Exists(_thv().filter(placement_start_day=day + 1))
    return Q(inside) | gap


def thv_end_containing(day_ref: str) -> Case:
    """End (exclusive) of the continuous trial home visit the child is on at `day_ref`: FAR_FUTURE if it
    is still open, NULL if the child is not on a trial home visit that day.

    The end of the visit is the first end, after the day, of a THV row that no later THV row continues."""
    last_rows = (
        _thv()
        .filter(Q(placement_end_day__isnull=True) | ~_continued_by_later_thv())
        .annotate(last=Coalesce(F("placement_end_day"), integer(FAR_FUTURE)))
        .filter(last__gt=OuterRef(day_ref))
        .order_by("last")
        .values("last")[:1]
    )
    return Case(
        When(on_thv(day_ref), then=Subquery(last_rows, output_field=IntegerField())),
        default=None,
        output_field=IntegerField(),
    )
