"""Reproducible random samples of cases for a quarter, by site (circuit) and case type.

The population of a quarter is every case open at some time during it (an in-home case must
have been open at least 45 days, a foster care case at least one day; spec osri.md §1.5).
Cases in the site circuits form one stratum per (circuit, case type); the rest of the state
forms one stratum per case type ("statewide"). Each part's sample size is shared among its
strata in proportion to their populations (largest remainder). Within a stratum the cases,
ordered by case id, are shuffled by a generator seeded from (seed, quarter, stratum): the same
seed on the same population always gives the same sample, whatever the database.
Eliminated cases stay in the sample with their reason; the replacement is the next case of the
same stratum's shuffled order.

A sample may be drawn from a frame: a fixed list of case ids kept by another app (reports draws from
the extract's children). The frame is passed to `draw_sample`, and a registered frame hook returns it
again for the saved sample, so `reproduces` and `eliminate` draw from the same population. This module
knows nothing of where a frame comes from.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from reviews.models import Case, CaseType, Sample, SampleCase

IN_HOME_MINIMUM_DAYS = 45
IN_HOME_TYPES = {CaseType.IN_HOME, CaseType.IN_HOME_DR_AR}


class SamplingError(ValueError):
    """The requested sample cannot be drawn (bad quarter, too few cases ...)."""


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = re.fullmatch(r"(\d{4})Q([1-4])", text.strip().upper())
        if not match:
            raise SamplingError(f"quarter {text!r} must look like 2023Q3")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


FrameHook = Callable[[Sample], "Iterable[str] | None"]
_FRAME_HOOKS: list[FrameHook] = []


def register_frame_hook(hook: FrameHook) -> FrameHook:
    """Register a function returning a saved sample's frame (case ids), or None when it is not its sample."""
    if hook not in _FRAME_HOOKS:
        _FRAME_HOOKS.append(hook)
    return hook


def frame_of(sample: Sample) -> list[str] | None:
    """The case ids a sample was drawn from, when it was drawn from a frame; None: every case."""
    for hook in _FRAME_HOOKS:
        frame = hook(sample)
        if frame is not None:
            return sorted(frame)
    return None


def population(quarter: Quarter, case_types: list[str], frame: Iterable[str] | None = None) -> QuerySet[Case]:
    """Cases open during the quarter, long enough to be reviewed (only the frame's, when given)."""
    open_in_quarter = Q(opened_on__lte=quarter.end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=quarter.start))
    cases = Case.objects.filter(open_in_quarter, case_type__in=case_types).select_related("county")
    if frame is not None:
        cases = cases.filter(case_id__in=list(frame))
    eligible = []
    for case in cases:
        last_day = min(case.closed_on or quarter.end, quarter.end)
        minimum = IN_HOME_MINIMUM_DAYS if case.case_type in IN_HOME_TYPES else 1
        if (last_day - case.opened_on).days >= minimum:
            eligible.append(case.pk)
    return Case.objects.filter(pk__in=eligible).select_related("county").order_by("case_id")


def stratum_of(case: Case, site_circuits: list[int]) -> str:
    circuit = case.county.circuit_id if case.county_id else None
    place = f"circuit {circuit}" if circuit in site_circuits else "statewide"
    return f"{place} / {case.case_type}"


def allocate(total: int, sizes: dict[str, int]) -> dict[str, int]:
    """Share `total` among strata in proportion to their sizes (largest remainder, ties by name)."""
    available = sum(sizes.values())
    if total > available:
        raise SamplingError(f"cannot draw {total} cases from a population of {available}")
    if total == 0 or available == 0:
        return dict.fromkeys(sizes, 0)
    shares = {name: total * size / available for name, size in sizes.items()}
    result = {name: int(share) for name, share in shares.items()}
    leftover = total - sum(result.values())
    for name in sorted(shares, key=lambda n: (-(shares[n] - result[n]), n))[:leftover]:
        result[name] += 1
    return result


def shuffled(case_ids: list[str], seed: int, quarter: Quarter, stratum: str) -> list[str]:
    """The stratum's random order. A text seed makes Python's generator stable across runs."""
    rng = random.Random(f"{seed}|{quarter}|{stratum}")
    ordered = sorted(case_ids)
    rng.shuffle(ordered)
    return ordered


def plan(
    quarter: Quarter,
    site_circuits: list[int],
    site_size: int,
    statewide_size: int,
    seed: int,
    case_types: list[str],
    frame: Iterable[str] | None = None,
) -> list[tuple[str, str, int]]:
    """(case id, stratum, position) of every case the parameters select, without saving anything."""
    strata: dict[str, list[str]] = defaultdict(list)
    for case in population(quarter, case_types, frame):
        strata[stratum_of(case, site_circuits)].append(case.case_id)
    sites = {k: len(v) for k, v in strata.items() if not k.startswith("statewide")}
    rest = {k: len(v) for k, v in strata.items() if k.startswith("statewide")}
    try:
        counts = {**allocate(site_size, sites), **allocate(statewide_size, rest)}
    except SamplingError as exc:
        part = "the site circuits" if site_size > sum(sites.values()) else "the rest of the state"
        raise SamplingError(f"{exc} in {part} for {quarter}") from None
    chosen = []
    for stratum in sorted(strata):
        order = shuffled(strata[stratum], seed, quarter, stratum)
        chosen += [(case_id, stratum, position) for position, case_id in enumerate(order[: counts[stratum]], start=1)]
    return chosen


@transaction.atomic
def draw_sample(
    quarter: str,
    site_circuits: list[int],
    site_size: int,
    statewide_size: int = 0,
    seed: int | None = None,
    case_types: list[str] | None = None,
    created_by: User | None = None,
    frame: Iterable[str] | None = None,
    before_fill: Callable[[Sample], None] | None = None,
) -> Sample:
    """Draw and record a sample; the seed is stored so the draw can be repeated and checked.

    `frame` limits the population to those case ids; `before_fill` lets the caller record it (for its
    frame hook) before the cases are drawn, in the same transaction."""
    parsed = Quarter.parse(quarter)
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**31)
    case_types = list(case_types or [CaseType.FOSTER_CARE])
    unknown = [t for t in case_types if t not in CaseType.values]
    if unknown:
        raise SamplingError(f"unknown case type(s) {', '.join(unknown)}")
    sample = Sample.objects.create(
        quarter=str(parsed),
        seed=seed,
        site_circuits=sorted(site_circuits),
        site_size=site_size,
        statewide_size=statewide_size,
        case_types=case_types,
        created_by=created_by,
    )
    if before_fill is not None:
        before_fill(sample)
    fill(sample, frame)
    return sample


def fill(sample: Sample, frame: Iterable[str] | None = None) -> None:
    """Record the cases a saved sample's parameters select."""
    selected = plan(
        Quarter.parse(sample.quarter),
        sample.site_circuits,
        sample.site_size,
        sample.statewide_size,
        sample.seed,
        sample.case_types,
        frame if frame is not None else frame_of(sample),
    )
    cases = {c.case_id: c for c in Case.objects.filter(case_id__in=[row[0] for row in selected])}
    SampleCase.objects.bulk_create(
        SampleCase(sample=sample, case=cases[case_id], stratum=stratum, draw_order=position)
        for case_id, stratum, position in selected
    )


def reproduces(sample: Sample) -> bool:
    """Does drawing again with the recorded seed give the recorded (original) selection?"""
    expected = plan(
        Quarter.parse(sample.quarter),
        sample.site_circuits,
        sample.site_size,
        sample.statewide_size,
        sample.seed,
        sample.case_types,
        frame_of(sample),
    )
    recorded = sample.cases.filter(replaces__isnull=True).values_list("case__case_id", "stratum", "draw_order")
    return sorted(expected) == sorted(recorded)


@transaction.atomic
def eliminate(entry: SampleCase, reason: str, note: str = "", user: User | None = None) -> SampleCase | None:
    """Eliminate a sampled case with a documented reason and draw its replacement (or None)."""
    if reason not in SampleCase.EliminationReason.values:
        raise SamplingError(f"reason must be one of {', '.join(SampleCase.EliminationReason.values)}")
    if reason == SampleCase.EliminationReason.OTHER and not note.strip():
        raise SamplingError("explain an 'other' elimination reason in the note")
    if entry.eliminated:
        raise SamplingError(f"{entry.case.case_id} is already eliminated")
    entry.eliminated = True
    entry.elimination_reason = reason
    entry.elimination_note = note
    entry.eliminated_by = user
    entry.eliminated_at = timezone.now()
    entry.save()

    sample = entry.sample
    quarter = Quarter.parse(sample.quarter)
    members = [
        c
        for c in population(quarter, sample.case_types, frame_of(sample))
        if stratum_of(c, sample.site_circuits) == entry.stratum
    ]
    order = shuffled([c.case_id for c in members], sample.seed, quarter, entry.stratum)
    taken = set(sample.cases.values_list("case__case_id", flat=True))
    for position, case_id in enumerate(order, start=1):
        if case_id not in taken:
            return SampleCase.objects.create(
                sample=sample,
                case=Case.objects.get(case_id=case_id),
                stratum=entry.stratum,
                draw_order=position,
                replaces=entry,
            )
    return None
