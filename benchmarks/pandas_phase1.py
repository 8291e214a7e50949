"""An analyst's pandas script: the Phase I metrics of spec/metrics.md 3.1 for one month, from the CSV files.

    .venv/bin/pip install -r requirements-load.txt        # pandas (benchmark-only requirements)
    .venv/bin/python benchmarks/pandas_phase1.py BUNDLE_DIR [--month 2023-07] [--agencies]
    DEBUG=true DATABASE_URL=postgres://... .venv/bin/python benchmarks/pandas_phase1.py BUNDLE_DIR --compare
    DEBUG=true DATABASE_URL=postgres://... .venv/bin/python benchmarks/pandas_phase1.py BUNDLE_DIR --bench 3

It plays the independent computation issue 14 compares `compute_metrics` against: it imports
nothing from the project, reads the bundle's CSV files with pandas (reading is part of the time) and
prints numerator and denominator per metric, statewide and (--agencies) per agency: the 8 Phase I
metrics (worker/child visits, victimization in care, parent/child visits, HCY exam in 30 days,
worker/parent visits, re-entry in 12 months, case managers per child under 12 months and 12 months
or more) plus the visits-in-residence sub-measure, which falls out of the worker/child visits.

Where the spec leaves a detail to a decision, it follows what metrics/definitions/ does (and the
import's derived columns): responsibility spans from the PRIMARY assignments (the later start wins
an overlap, a day without one goes to CD), R1 majority of days with ties to the later day, a visit's
or report's episode is the first of the child's episodes in care on that day, a worker's role on a
visit date falls back to the last role held before it, a child-report's disposition date is the
latest of its substantiated allegations.

--compare checks the statewide figures against the MetricResult rows of the latest computation of
the month in DATABASE_URL (run `manage.py compute_metrics --period 2023-07` on the same bundle first);
the exit status is 1 if any differs. --bench N times, alternately, `manage.py compute_metrics
--period M` and this script as processes, N times each, and prints the medians.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

CASEWORKER_ROLES = ["CASE_MANAGER", "SUPERVISOR", "OTHER_CASEWORKER"]
VISITING_RELATIONSHIPS = [
    "BIRTH_MOTHER",
    "BIRTH_FATHER",
    "LEGAL_FATHER",
    "ADOPTIVE_MOTHER",
    "ADOPTIVE_FATHER",
    "LEGAL_GUARDIAN",
]
REENTRY_REASONS = ["REU", "RLV", "GDN"]
VICTIM_MIN_EPISODE_DAYS = 9
VICTIM_EARLY_REPORT_DAYS = 9
VICTIM_DEDUP_DAYS = 1
HCY_DAYS = 30
FAR = pd.Timestamp("2200-01-01")
DAY = pd.Timedelta(days=1)

METRICS = [
    "worker_child_visits",
    "worker_child_visits_in_residence",
    "victimization_in_care",
    "parent_child_visits",
    "hcy_exam_30_days",
    "worker_parent_visits",
    "reentry_12_months",
    "workers_per_child_lt12",
    "workers_per_child_12plus",
]


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


class Bundle:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self, name: str, columns: list[str], dates: tuple[str, ...] = ()) -> pd.DataFrame:
        """The named columns as strings ("" when empty), the `dates` ones parsed (NaT when empty)."""
        df = pd.read_csv(self.folder / name, usecols=columns, dtype=str, keep_default_na=False)
        for column in dates:
            df[column] = to_date(df[column])
        return df


def to_date(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.replace("", None), format="%Y-%m-%d")


def add_years(values: pd.Series, years: int) -> pd.Series:
    """Calendar years with 29 February clamped to 28 February (add_months(d, 12 * years))."""
    return values + pd.DateOffset(years=years)


def add_months(values: pd.Series, months: int) -> pd.Series:
    return values + pd.DateOffset(months=months)


# --------------------------------------------------------------------------------------------
# Shared facts: episodes, roles, responsibility
# --------------------------------------------------------------------------------------------


def load_episodes(b: Bundle) -> pd.DataFrame:
    children = b.read("children.csv", ["child_id", "date_of_birth"], ("date_of_birth",))
    children["age18"] = add_years(children["date_of_birth"], 18)
    episodes = b.read(
        "removal_episodes.csv",
        ["episode_id", "child_id", "removal_date", "discharge_date", "discharge_reason", "jurisdiction_county_fips"],
        ("removal_date", "discharge_date"),
    )
    episodes["order"] = np.arange(len(episodes))  # the file order decides between two episodes on one day
    episodes = episodes.merge(children, on="child_id", how="left")
    episodes["under18"] = episodes["removal_date"] < episodes["age18"]
    return episodes


def episode_on(rows: pd.DataFrame, episodes: pd.DataFrame, day: str) -> pd.Series:
    """Each row's episode (by child_id, in care on rows[day], removal and discharge days included):
    the first in file order; "" when none."""
    found = (
        rows[["child_id", day]]
        .reset_index()
        .merge(episodes[["child_id", "episode_id", "removal_date", "discharge_date", "order"]], on="child_id")
    )
    inside = (found["removal_date"] <= found[day]) & (
        found["discharge_date"].isna() | (found[day] <= found["discharge_date"])
    )
    found = found[inside].sort_values("order").drop_duplicates("index").set_index("index")["episode_id"]
    return found.reindex(rows.index).fillna("")


def worker_roles(rows: pd.DataFrame, workers: pd.DataFrame, day: str) -> pd.Series:
    """The worker's role on rows[day]; else the last role held before it; else the last role."""
    found = rows[["worker_id", day]].reset_index().merge(workers, on="worker_id")
    covering = (found["period_start"] <= found[day]) & (
        found["period_end"].isna() | (found[day] <= found["period_end"])
    )
    found["rank"] = np.where(covering, 2, np.where(found["period_start"] <= found[day], 1, 0))
    found = found.sort_values(["rank", "period_start"]).drop_duplicates("index", keep="last").set_index("index")
    return found["role"].reindex(rows.index).fillna("")


def responsibility_spans(episodes: pd.DataFrame, assignments: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Non-overlapping (episode, start, end, agency) over [removal, discharge or as_of]: the PRIMARY
    assignment with the later start (then the larger id) owns a day; a day without one goes to CD."""
    ep = episodes[["episode_id", "removal_date", "discharge_date"]].copy()
    ep["last"] = ep["discharge_date"].fillna(as_of)
    ep = ep[ep["last"] >= ep["removal_date"]]
    a = assignments.merge(ep, on="episode_id")
    a["end"] = a["end_date"].where(a["end_date"].notna() & (a["end_date"] <= a["last"]), a["last"])
    bounds = pd.concat(
        [
            pd.DataFrame({"episode_id": ep["episode_id"], "b": ep["removal_date"]}),
            pd.DataFrame({"episode_id": ep["episode_id"], "b": ep["last"] + DAY}),
            pd.DataFrame({"episode_id": a["episode_id"], "b": a[["start_date", "removal_date"]].max(axis=1)}),
            pd.DataFrame({"episode_id": a["episode_id"], "b": a["end"] + DAY}),
        ]
    )
    bounds = bounds.merge(ep[["episode_id", "removal_date", "last"]], on="episode_id")
    bounds = bounds[(bounds["b"] >= bounds["removal_date"]) & (bounds["b"] <= bounds["last"] + DAY)]
    bounds = bounds[["episode_id", "b"]].drop_duplicates().sort_values(["episode_id", "b"])
    bounds["next"] = bounds.groupby("episode_id")["b"].shift(-1)
    segments = bounds.dropna(subset=["next"]).rename(columns={"b": "start"})
    segments["end"] = segments["next"] - DAY
    segments = segments[["episode_id", "start", "end"]].reset_index(drop=True)
    cover = segments.reset_index().merge(
        a[["episode_id", "start_date", "end", "assignment_id", "agency_code"]].rename(columns={"end": "a_end"}),
        on="episode_id",
    )
    cover = cover[(cover["start_date"] <= cover["start"]) & (cover["a_end"] >= cover["end"])]
    cover = cover.sort_values(["start_date", "assignment_id"]).drop_duplicates("index", keep="last").set_index("index")
    segments["agency_code"] = cover["agency_code"].reindex(segments.index).fillna("CD")
    return segments


def majority(units: pd.DataFrame, spans: pd.DataFrame, first: str, last: str) -> pd.Series:
    """R1: the agency responsible on most days of [units[first], units[last]] of the unit's episode;
    a tie goes to the agency responsible on the later day. Indexed like `units`."""
    found = units[["episode_id", first, last]].reset_index().merge(spans, on="episode_id")
    lo = found[["start", first]].max(axis=1)
    hi = found[["end", last]].min(axis=1)
    found["days"] = (hi - lo).dt.days + 1
    found["latest"] = hi
    found = found[found["days"] > 0]
    grouped = found.groupby(["index", "agency_code"], as_index=False).agg(
        days=("days", "sum"), latest=("latest", "max")
    )
    grouped = grouped.sort_values(["days", "latest"]).drop_duplicates("index", keep="last").set_index("index")
    return grouped["agency_code"].reindex(units.index).fillna("")


def agency_on(units: pd.DataFrame, spans: pd.DataFrame, day: str) -> pd.Series:
    """R2/R4: the agency responsible on units[day] in the unit's episode."""
    found = units[["episode_id", day]].reset_index().merge(spans, on="episode_id")
    found = found[(found["start"] <= found[day]) & (found["end"] >= found[day])]
    return found.drop_duplicates("index").set_index("index")["agency_code"].reindex(units.index).fillna("")


# --------------------------------------------------------------------------------------------
# The metrics: each returns a frame of units with agency, num, den
# --------------------------------------------------------------------------------------------


def compute(folder: Path, month: str) -> dict[str, pd.DataFrame]:
    b = Bundle(folder)
    s = pd.Timestamp(f"{month}-01")
    e = s + pd.offsets.MonthEnd(0)
    s_text, e_text = s.strftime("%Y-%m-%d"), e.strftime("%Y-%m-%d")
    as_of = to_date(b.read("manifest.csv", ["as_of_date"])["as_of_date"]).iloc[0]

    episodes = load_episodes(b)
    assignments = b.read(
        "worker_assignments.csv",
        ["assignment_id", "episode_id", "worker_id", "assignment_role", "agency_code", "start_date", "end_date"],
        ("start_date", "end_date"),
    )
    assignments = assignments[assignments["assignment_role"] == "PRIMARY"]
    spans = responsibility_spans(episodes, assignments, as_of)
    workers = b.read("workers.csv", ["worker_id", "period_start", "period_end", "role"], ("period_start", "period_end"))
    out: dict[str, pd.DataFrame] = {}

    # -- worker/child visits: children in care all month, under 18 on the first day ------------
    in_month = episodes[
        (episodes["removal_date"] <= e) & (episodes["discharge_date"].isna() | (episodes["discharge_date"] >= s))
    ].copy()
    full_month = (in_month["removal_date"] <= s) & (
        in_month["discharge_date"].isna() | (in_month["discharge_date"] >= e)
    )
    in_month["den"] = full_month & in_month["under18"] & (in_month["age18"] > s)
    children_month = in_month[in_month["den"]].copy()
    children_month["s"], children_month["e"] = s, e
    children_month["agency_code"] = majority(children_month, spans, "s", "e")

    visits = b.read(
        "worker_child_visits.csv",
        ["visit_id", "child_id", "worker_id", "visit_date", "contact_mode", "location", "status"],
    )
    visits = visits[(visits["visit_date"] >= s_text) & (visits["visit_date"] <= e_text)]
    visits = visits[(visits["status"] == "COMPLETED") & (visits["contact_mode"] == "IN_PERSON")].copy()
    visits["visit_date"] = to_date(visits["visit_date"])
    visits = visits[worker_roles(visits, workers, "visit_date").isin(CASEWORKER_ROLES)]
    visits["episode_id"] = episode_on(visits, episodes, "visit_date")
    seen = set(zip(visits["child_id"], visits["episode_id"], strict=True))
    children_month["num"] = [
        (c, ep) in seen for c, ep in zip(children_month["child_id"], children_month["episode_id"], strict=True)
    ]
    out["worker_child_visits"] = children_month[["agency_code", "num", "den"]]
    child_agency = children_month.drop_duplicates("child_id").set_index("child_id")["agency_code"]

    # -- visits in the child's residence: every qualifying visit to those children ---------------
    counted_visits = visits[visits["child_id"].isin(child_agency.index) & (visits["episode_id"] != "")]
    out["worker_child_visits_in_residence"] = pd.DataFrame(
        {
            "agency_code": counted_visits["child_id"].map(child_agency),
            "num": counted_visits["location"] == "CHILD_RESIDENCE",
            "den": True,
        }
    )

    # -- victimization in care: rolling 12 months ------------------------------------------------
    first = (s - pd.DateOffset(months=11)).normalize()
    window_end = e
    eligible_eps = episodes[
        episodes["under18"]
        & ~(
            episodes["discharge_date"].notna()
            & ((episodes["discharge_date"] - episodes["removal_date"]).dt.days < VICTIM_MIN_EPISODE_DAYS)
        )
    ]
    days = spans[(spans["start"] <= window_end) & (spans["end"] >= first)].merge(
        eligible_eps[["episode_id", "discharge_date", "age18"]], on="episode_id"
    )
    stop = pd.concat(
        [
            days["end"] + DAY,
            days["discharge_date"].fillna(FAR),
            pd.Series(window_end + DAY, index=days.index),
            days["age18"],
        ],
        axis=1,
    ).min(axis=1)
    start = days["start"].where(days["start"] > first, first)
    days["den"] = (stop - start).dt.days.clip(lower=0)
    days["num"] = 0

    reports = b.read(
        "maltreatment_reports.csv",
        ["report_id", "child_id", "report_date", "incident_date", "disposition_date", "finding"],
        ("report_date", "incident_date", "disposition_date"),
    )
    reports = reports[reports["finding"].isin(["POE", "CA"])]
    reports = reports.groupby(["report_id", "child_id"], as_index=False, sort=False).agg(
        report_date=("report_date", "first"),
        incident_date=("incident_date", "first"),  # the first known (first skips NaT)
        disposition_date=("disposition_date", "max"),
    )
    reports["episode_id"] = episode_on(reports, episodes, "report_date")
    reports = reports[reports["episode_id"] != ""].merge(
        episodes[["episode_id", "removal_date", "discharge_date", "age18", "under18"]], on="episode_id"
    )
    in_window = lambda col: (reports[col] >= first) & (reports[col] <= window_end)  # noqa: E731
    reports = reports[in_window("report_date") | in_window("disposition_date")]
    discharge = reports["discharge_date"].fillna(FAR)
    incident_inside = (
        reports["incident_date"].notna()
        & (reports["incident_date"] >= reports["removal_date"])
        & (reports["incident_date"] <= discharge)
    )
    short = reports["discharge_date"].notna() & (
        (reports["discharge_date"] - reports["removal_date"]).dt.days < VICTIM_MIN_EPISODE_DAYS
    )
    counted = (
        reports["under18"]
        & ~short
        & ((reports["report_date"] - reports["removal_date"]).dt.days >= VICTIM_EARLY_REPORT_DAYS)
        & (reports["report_date"] < reports["age18"])
        & in_window("report_date")
        & in_window("disposition_date")
        & ~(reports["incident_date"].notna() & ~incident_inside)
    )
    reports = reports[counted].sort_values(["child_id", "report_date", "report_id"])
    keep, last_child, last_day = [], None, None
    for child, day in zip(reports["child_id"], reports["report_date"], strict=True):
        if child == last_child and (day - last_day).days <= VICTIM_DEDUP_DAYS:
            keep.append(False)
            continue
        keep.append(True)
        last_child, last_day = child, day
    reports = reports[keep].copy()
    reports["attr_day"] = reports["incident_date"].where(incident_inside, reports["report_date"])
    reports["agency_code"] = agency_on(reports, spans, "attr_day")
    reports["num"], reports["den"] = 1, 0
    out["victimization_in_care"] = pd.concat(
        [days[["agency_code", "num", "den"]], reports[["agency_code", "num", "den"]]], ignore_index=True
    )

    # -- parents of the month's children ----------------------------------------------------------
    parents = b.read(
        "parents.csv",
        [
            "parent_id",
            "child_id",
            "relationship",
            "visitation_applicable",
            "tpr_date",
            "relinquishment_date",
            "date_of_death",
        ],
        ("tpr_date", "relinquishment_date", "date_of_death"),
    )
    pairs = parents[parents["child_id"].isin(child_agency.index)].copy()
    pairs["agency_code"] = pairs["child_id"].map(child_agency)
    relationship = (pairs["relationship"].isin(VISITING_RELATIONSHIPS) & (pairs["visitation_applicable"] != "N")) | (
        pairs["visitation_applicable"] == "Y"
    )
    ended = (pairs["tpr_date"] <= e) | (pairs["relinquishment_date"] <= e) | (pairs["date_of_death"] <= e)
    pairs["eligible"] = relationship & ~ended

    # -- parent/child visits: pairs not barred by a court order in the month ---------------------
    restrictions = b.read(
        "parent_restrictions.csv", ["parent_id", "child_id", "start_date", "end_date"], ("start_date", "end_date")
    )
    restrictions = restrictions[
        (restrictions["start_date"] <= e) & (restrictions["end_date"].isna() | (restrictions["end_date"] >= s))
    ]
    barred_pairs = set(zip(restrictions["parent_id"], restrictions["child_id"], strict=True))
    barred = [
        (p, c) in barred_pairs or (p, "") in barred_pairs
        for p, c in zip(pairs["parent_id"], pairs["child_id"], strict=True)
    ]
    family = b.read("parent_child_visits.csv", ["child_id", "parent_id", "visit_date", "visit_mode", "status"])
    family = family[
        (family["visit_date"] >= s_text)
        & (family["visit_date"] <= e_text)
        & (family["status"] == "COMPLETED")
        & (family["visit_mode"] == "IN_PERSON")
    ]
    visited_pairs = set(zip(family["parent_id"], family["child_id"], strict=True))
    visited = [(p, c) in visited_pairs for p, c in zip(pairs["parent_id"], pairs["child_id"], strict=True)]
    pc = pairs[["agency_code"]].copy()
    pc["den"] = pairs["eligible"] & ~np.array(barred, dtype=bool)
    pc["num"] = pc["den"] & np.array(visited, dtype=bool)
    out["parent_child_visits"] = pc

    # -- worker/parent visits: each parent once per key ------------------------------------------
    parent_visits = b.read(
        "worker_parent_visits.csv", ["parent_id", "worker_id", "visit_date", "contact_mode", "status"]
    )
    parent_visits = parent_visits[
        (parent_visits["visit_date"] >= s_text)
        & (parent_visits["visit_date"] <= e_text)
        & (parent_visits["status"] == "COMPLETED")
        & (parent_visits["contact_mode"] == "IN_PERSON")
    ].copy()
    parent_visits["visit_date"] = to_date(parent_visits["visit_date"])
    parent_visits = parent_visits[worker_roles(parent_visits, workers, "visit_date").isin(CASEWORKER_ROLES)]
    wp = pairs[pairs["eligible"]][["parent_id", "agency_code"]].copy()
    wp["num"] = wp["parent_id"].isin(set(parent_visits["parent_id"]))
    wp["den"] = True
    out["worker_parent_visits"] = wp  # counted as distinct parent_id, see totals()

    # -- HCY exam within 30 days of entry --------------------------------------------------------
    entries = episodes[(episodes["removal_date"] >= s) & (episodes["removal_date"] <= e)].copy()
    exams = b.read("hcy_exams.csv", ["child_id", "exam_date", "exam_type", "status"])
    exams = exams[(exams["exam_type"] == "HCY_FULL") & (exams["status"] == "COMPLETED")].copy()
    exams["exam_date"] = to_date(exams["exam_date"])
    found = entries[["episode_id", "child_id", "removal_date"]].merge(exams[["child_id", "exam_date"]], on="child_id")
    found = found[
        (found["exam_date"] >= found["removal_date"])
        & ((found["exam_date"] - found["removal_date"]).dt.days <= HCY_DAYS)
    ]
    entries["den"] = entries["under18"]
    entries["num"] = entries["den"] & entries["episode_id"].isin(set(found["episode_id"]))
    entries["window_end"] = pd.concat(
        [entries["removal_date"] + pd.Timedelta(days=HCY_DAYS), entries["discharge_date"].fillna(FAR)], axis=1
    ).min(axis=1)
    entries["agency_code"] = majority(entries, spans, "removal_date", "window_end")
    out["hcy_exam_30_days"] = entries[["agency_code", "num", "den"]]

    # -- re-entry within 12 months of an exit in the 12 months ending 12 months before M ---------
    exit_first = (s - pd.DateOffset(months=23)).normalize()
    exit_last = (s - pd.DateOffset(months=12)) + pd.offsets.MonthEnd(0)
    qualifying = episodes[
        episodes["discharge_reason"].isin(REENTRY_REASONS)
        & episodes["under18"]
        & (episodes["discharge_date"] < episodes["age18"])
        & (episodes["discharge_date"] >= exit_first)
    ]
    exits = qualifying[qualifying["discharge_date"] <= exit_last]
    earliest = qualifying.groupby("child_id")["discharge_date"].min()
    exits = exits[exits["discharge_date"] == exits["child_id"].map(earliest)].copy()
    exits["limit"] = add_months(exits["discharge_date"], 12)
    later = exits[["episode_id", "child_id", "discharge_date", "limit"]].merge(
        episodes[["child_id", "episode_id", "removal_date"]], on="child_id", suffixes=("", "_next")
    )
    later = later[
        (later["episode_id_next"] != later["episode_id"])
        & (later["removal_date"] >= later["discharge_date"])
        & (later["removal_date"] <= later["limit"])
    ]
    exits["den"] = True
    exits["num"] = exits["episode_id"].isin(set(later["episode_id"]))
    exits["agency_code"] = agency_on(exits, spans, "discharge_date")
    out["reentry_12_months"] = exits[["agency_code", "num", "den"]]

    # -- case managers per child, children in care at month end ----------------------------------
    open_end = episodes[
        (episodes["removal_date"] <= e) & (episodes["discharge_date"].isna() | (episodes["discharge_date"] > e))
    ].copy()
    primary = assignments.merge(open_end[["episode_id", "removal_date"]], on="episode_id")
    primary = primary[
        (primary["start_date"] <= e) & (primary["end_date"].isna() | (primary["end_date"] >= primary["removal_date"]))
    ]
    n_workers = primary.groupby("episode_id")["worker_id"].nunique()
    open_end["num"] = open_end["episode_id"].map(n_workers).fillna(0).astype(int)
    open_end["den"] = open_end["num"] > 0
    open_end["e"] = e
    open_end["agency_code"] = agency_on(open_end, spans, "e")
    cut = add_months(pd.Series([e]), -12).iloc[0]
    long_stay = open_end["removal_date"] <= cut
    out["workers_per_child_lt12"] = open_end[~long_stay][["agency_code", "num", "den"]]
    out["workers_per_child_12plus"] = open_end[long_stay][["agency_code", "num", "den"]]
    return out


def totals(code: str, units: pd.DataFrame, by_agency: bool) -> pd.DataFrame:
    """Numerator and denominator statewide ("MO") or per agency."""
    key = units["agency_code"] if by_agency else pd.Series("MO", index=units.index)
    if code == "worker_parent_visits":
        frame = units.assign(key=key)
        num = frame[frame["num"]].groupby("key")["parent_id"].nunique()
        den = frame[frame["den"]].groupby("key")["parent_id"].nunique()
        return pd.DataFrame({"num": num, "den": den}).fillna(0).astype(int)
    frame = units.assign(key=key, num=units["num"].astype(int), den=units["den"].astype(int))
    return frame.groupby("key")[["num", "den"]].sum()


# --------------------------------------------------------------------------------------------
# Check against compute_metrics, and the timing comparison
# --------------------------------------------------------------------------------------------


def stored_results(month: str) -> dict[tuple[str, str, str], tuple[float, float]]:
    """(metric, dimension, key) -> (numerator, denominator) of the STATE and AGENCY MetricResult rows
    of the latest finished computation covering the month (a row without a denominator is 0/0)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from metrics.models import MetricResult, MetricRun

    run = MetricRun.objects.filter(
        status="DONE", extract__is_current=True, period_from__lte=month, period_through__gte=month
    ).first()
    if run is None:
        raise SystemExit(f"no finished computation of {month} in the database: run compute_metrics --period {month}")
    rows = MetricResult.objects.filter(run=run, period=month, dimension__in=["STATE", "AGENCY"], metric__in=METRICS)
    return {(r.metric, r.dimension, r.key): (float(r.numerator or 0), float(r.denominator or 0)) for r in rows}


def number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.4f}"


def compare(month: str, state: dict[str, pd.DataFrame], agencies: dict[str, pd.DataFrame]) -> int:
    """Print the statewide figures beside the stored ones and count the agency rows that differ;
    returns the number of differences."""
    stored = stored_results(month)
    differ = 0
    print(f"\n{'metric':<34} {'pandas num/den':>20} {'MetricResult num/den':>22}  agencies")
    for code in METRICS:
        row = state[code].loc["MO"] if "MO" in state[code].index else pd.Series({"num": 0, "den": 0})
        mine = (float(row["num"]), float(row["den"]))
        theirs = stored.get((code, "STATE", "MO"))
        keys = {k for (c, d, k) in stored if c == code and d == "AGENCY"} | set(agencies[code].index)
        other = 0
        for key in keys:
            row = agencies[code].loc[key] if key in agencies[code].index else pd.Series({"num": 0, "den": 0})
            other += stored.get((code, "AGENCY", key), (0.0, 0.0)) != (float(row["num"]), float(row["den"]))
        differ += (theirs != mine) + other
        shown = f"{number(theirs[0])}/{number(theirs[1])}" if theirs else "missing"
        verdict = "same" if theirs == mine else "DIFFERENT"
        agency_verdict = f"{len(keys) - other} of {len(keys)} same"
        print(f"{code:<34} {number(mine[0]) + '/' + number(mine[1]):>20} {shown:>22}  {verdict}; {agency_verdict}")
    return differ


def bench(folder: Path, month: str, runs: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from processes import PYTHON, load_average, median, run, run_manage

    url = os.environ.get("DATABASE_URL", "")
    computes, scripts = [], []
    print(f"{'run':>4} {'step':<16} {'wall s':>8} {'cpu s':>8} {'pg cpu':>7} {'peak MB':>8}  load")
    for i in range(1, runs + 1):
        m = run_manage("compute_metrics", "--period", month, watch_url=url, name="compute")
        computes.append(m)
        pg = f"{m.backend_cpu:7.1f}" if m.backend_cpu is not None else "      ?"
        print(
            f"{i:>4} {'compute_metrics':<16} {m.wall:8.1f} {m.cpu:8.1f} {pg} {m.peak_mb:8.0f}  {load_average()}",
            flush=True,
        )
        p = run([PYTHON, __file__, str(folder), "--month", month], env=dict(os.environ), name="pandas")
        scripts.append(p)
        print(
            f"{i:>4} {'pandas':<16} {p.wall:8.1f} {p.cpu:8.1f} {'':>7} {p.peak_mb:8.0f}  {load_average()}", flush=True
        )
    wall_c, wall_p = median([m.wall for m in computes]), median([p.wall for p in scripts])
    cpu_c = median([m.cpu + (m.backend_cpu or 0) for m in computes])
    cpu_p = median([p.cpu for p in scripts])
    print(
        f"median of {runs}: compute_metrics {wall_c:.1f} s wall, {cpu_c:.1f} s CPU (process + backends), "
        f"{median([m.peak_mb for m in computes]):.0f} MB; pandas {wall_p:.1f} s wall, {cpu_p:.1f} s CPU, "
        f"{median([p.peak_mb for p in scripts]):.0f} MB; compute/pandas {wall_c / wall_p:.2f}x wall, "
        f"{cpu_c / cpu_p:.2f}x CPU (load average now {load_average()})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bundle")
    parser.add_argument("--month", default="2023-07")
    parser.add_argument("--agencies", action="store_true", help="also print each agency's figures")
    parser.add_argument("--compare", action="store_true", help="check the statewide figures against MetricResult")
    parser.add_argument("--bench", type=int, metavar="N", help="time compute_metrics and this script, N runs each")
    options = parser.parse_args()
    if options.bench:
        bench(Path(options.bundle), options.month, options.bench)
        return
    started, cpu_started = time.perf_counter(), time.process_time()
    units = compute(Path(options.bundle), options.month)
    state = {code: totals(code, units[code], False) for code in METRICS}
    by_agency = options.agencies or options.compare
    agencies = {code: totals(code, units[code], True) for code in METRICS} if by_agency else {}
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(f"{options.bundle}, {options.month}: {wall:.2f} s wall, {cpu:.2f} s CPU (CSV reading included)")
    print(f"{'metric':<34} {'numerator':>12} {'denominator':>12}")
    for code in METRICS:
        row = state[code].loc["MO"] if "MO" in state[code].index else pd.Series({"num": 0, "den": 0})
        print(f"{code:<34} {row['num']:>12} {row['den']:>12}")
    for code, table in agencies.items() if options.agencies else ():
        print(f"\n{code}")
        for key, row in table.iterrows():
            print(f"  {key:<8} {row['num']:>12} {row['den']:>12}")
    if options.compare:
        sys.exit(1 if compare(options.month, state, agencies) else 0)


if __name__ == "__main__":
    main()
