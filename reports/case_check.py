"""Review versus extract, case by case (issue 16, part 2).

A review whose case is linked to a child of the extract (reports.models.CaseExtractLink) is compared,
item by item, with what the current extract records for that child in the period under review:

- item 14: worker/child visits per month against the visit pattern 14A1;
- item 8: parent/child visits per month against 8A1 (mother) and 8B1 (father);
- item 15: worker/parent visits per month against 15A1 (mother) and 15A2 (father);
- item 4: the placements (count, dates, types) against 4A and the table 4A1;
- items 5 and 6: the permanency goals against 5A1 and 6A1, and the permanency clock (removal date,
  months in care, discharge) against 6A3, 6A4 and 6A6;
- item 17: the HCY exams against 17A1 (physical health assessed) and 17A2 (dental);
- items 1 and 3: the substantiated reports against 1APP, the reports table 1A1 and 3B.

`load_facts` reads the child's rows (one query per table); `compare` is a pure function of those
facts, the review's answers and the period, returning one `Check` per comparison: what the extract
says, what the review says, whether they disagree and why, in words. A check whose question is not
answered yet is shown but never flagged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from metrics.models import (
    Extract,
    HcyExam,
    ParentChildVisit,
    ParentLink,
    PermanencyGoal,
    Placement,
    RemovalEpisode,
    SubstantiatedReport,
    WorkerChildVisit,
    WorkerParentVisit,
)
from reviews.scoring import raw_answers_of

FOSTER_CARE = "FOSTER_CARE"
AT_LEAST_MONTHLY = ("MORE_THAN_WEEKLY", "WEEKLY", "TWICE_MONTHLY_PLUS", "MONTHLY_PLUS")
PATTERN_WORDS = {
    "MORE_THAN_WEEKLY": "more than once a week",
    "WEEKLY": "once a week",
    "TWICE_MONTHLY_PLUS": "at least twice a month",
    "MONTHLY_PLUS": "at least once a month",
    "LESS_THAN_MONTHLY": "less than once a month",
    "NEVER": "never",
}
MOTHERS = ("BIRTH_MOTHER", "ADOPTIVE_MOTHER")
FATHERS = ("BIRTH_FATHER", "LEGAL_FATHER", "ADOPTIVE_FATHER", "PUTATIVE_FATHER")
# placements.csv settings that are placement settings (spec metrics.md 7.3), and the 4A1 types each may be.
PLACEMENT_TYPES = {
    "PRE_ADOPT": ("PRE_ADOPTIVE",),
    "FFH_REL": ("FOSTER_RELATIVE",),
    "FFH_NONREL": ("FOSTER_NON_RELATIVE",),
    "GROUP_HOME": ("GROUP_HOME",),
    "RESIDENTIAL": ("INSTITUTION",),
    "QRTP": ("INSTITUTION",),
    "SHELTER": ("GROUP_HOME", "INSTITUTION"),
    "SIL": ("SUPERVISED_INDEPENDENT_LIVING",),
}
# permanency_goals.csv goal types as the review's goal choices (NYE: not yet established, no goal).
GOAL_TYPES = {
    "REU": "REUNIFICATION",
    "RLV": "LIVE_WITH_RELATIVES",
    "ADO": "ADOPTION",
    "LTFC": "APPLA",
    "EMA": "APPLA",
    "GDN": "GUARDIANSHIP",
}
GOALS_6A1 = ("REUNIFICATION", "GUARDIANSHIP", "ADOPTION", "APPLA")
HEALTH_EXAMS = ("HCY_FULL", "HCY_PARTIAL")
DENTAL_EXAMS = ("DENTAL", "HCY_FULL")


@dataclass(frozen=True)
class Check:
    key: str  # stable, for notes: "14-visits", "4-count" ...
    items: tuple[str, ...]
    topic: str
    extract: tuple[str, ...]  # what the extract says, line by line
    review: tuple[str, ...]  # what the review says
    disagrees: bool
    reason: str  # in words: why they disagree, or that they agree / cannot be compared
    compared: bool = True  # False when the review has not answered the question yet


@dataclass
class Facts:
    """The extract's rows about one child, as plain values."""

    child_id: str
    found: bool
    extract_id: str = ""
    as_of: dt.date | None = None
    episodes: list[dict] = field(default_factory=list)
    placements: list[dict] = field(default_factory=list)
    child_visits: list[dict] = field(default_factory=list)
    parents: list[dict] = field(default_factory=list)
    parent_visits: list[dict] = field(default_factory=list)
    worker_parent_visits: list[dict] = field(default_factory=list)
    goals: list[dict] = field(default_factory=list)
    exams: list[dict] = field(default_factory=list)
    reports: list[dict] = field(default_factory=list)


def load_facts(child_id: str) -> Facts:
    """Everything the comparisons read about `child_id` in the current extract (one query per table)."""
    return load_facts_of([child_id])[child_id]


def load_facts_of(child_ids: list[str]) -> dict[str, Facts]:
    """`load_facts` for several children at once: one query per table whatever their number."""
    extract = Extract.objects.filter(is_current=True).first()
    extract_id = extract.extract_id if extract else ""
    facts = {child_id: Facts(child_id, found=False, extract_id=extract_id) for child_id in child_ids}
    if extract is None or not child_ids:
        return facts
    episodes = list(
        RemovalEpisode.objects.filter(child_id__in=child_ids)
        .order_by("removal_date", "episode_id")
        .values("child_id", "episode_id", "removal_date", "discharge_date")
    )
    for episode in episodes:
        child = facts[episode.pop("child_id")]
        child.found, child.as_of = True, extract.as_of_date
        child.episodes.append(episode)
    child_of_episode = {e["episode_id"]: f.child_id for f in facts.values() for e in f.episodes}
    found = [child_id for child_id, f in facts.items() if f.found]
    for parent in ParentLink.objects.filter(child_id__in=found).values("child_id", "parent_id", "relationship"):
        facts[parent.pop("child_id")].parents.append(parent)
    children_of_parent: dict[str, list[str]] = {}
    for f in facts.values():
        for parent in f.parents:
            children_of_parent.setdefault(parent["parent_id"], []).append(f.child_id)

    def by_episode(rows, key: str) -> None:
        for row in rows:
            getattr(facts[child_of_episode[row.pop("episode_id")]], key).append(row)

    def by_child(rows, key: str) -> None:
        for row in rows:
            getattr(facts[row.pop("child_id")], key).append(row)

    by_episode(
        Placement.objects.filter(episode_id__in=child_of_episode)
        .order_by("start_date", "placement_id")
        .values("episode_id", "placement_id", "start_date", "end_date", "setting_type"),
        "placements",
    )
    by_child(
        WorkerChildVisit.objects.filter(child_id__in=found)
        .order_by("pk")
        .values("child_id", "visit_date", "contact_mode", "status"),
        "child_visits",
    )
    by_child(
        ParentChildVisit.objects.filter(child_id__in=found)
        .order_by("pk")
        .values("child_id", "parent_id", "visit_date", "visit_mode", "status"),
        "parent_visits",
    )
    for row in (
        WorkerParentVisit.objects.filter(parent_id__in=children_of_parent)
        .order_by("pk")
        .values("parent_id", "visit_date", "contact_mode", "status")
    ):
        for child_id in children_of_parent[row["parent_id"]]:
            facts[child_id].worker_parent_visits.append(dict(row))
    by_episode(
        PermanencyGoal.objects.filter(episode_id__in=child_of_episode)
        .order_by("start_date", "goal_id")
        .values("episode_id", "goal_rank", "goal_type", "start_date", "end_date"),
        "goals",
    )
    by_child(
        HcyExam.objects.filter(child_id__in=found)
        .order_by("pk")
        .values("child_id", "exam_date", "exam_type", "status"),
        "exams",
    )
    by_child(
        SubstantiatedReport.objects.filter(child_id__in=found)
        .order_by("report_date", "report_id")
        .values("child_id", "report_id", "report_date"),
        "reports",
    )
    return facts


# --- small helpers ----------------------------------------------------------------------------


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def _label(month: tuple[int, int]) -> str:
    return f"{month[0]}-{month[1]:02d}"


def _in_care(facts: Facts, day_from: dt.date, day_to: dt.date) -> bool:
    return any(
        e["removal_date"] <= day_to and (e["discharge_date"] is None or e["discharge_date"] >= day_from)
        for e in facts.episodes
    )


def care_months(facts: Facts, start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """Months of the period under review in which the child was in care on at least one day."""
    result = []
    for month in _months(start, end):
        first, last = _month_bounds(*month)
        if _in_care(facts, max(first, start), min(last, end)):
            result.append(month)
    return result


def visits_per_month(dates: list[dt.date], months: list[tuple[int, int]], start: dt.date, end: dt.date) -> dict:
    counts: dict[tuple[int, int], int] = dict.fromkeys(months, 0)
    for day in dates:
        key = (day.year, day.month)
        if start <= day <= end and key in counts:
            counts[key] += 1
    return counts


def _values(answer: Any) -> list:
    """A per-person answer {key: value} or a single value, as a list of values."""
    if answer is None:
        return []
    if isinstance(answer, dict):
        return [v for _, v in sorted(answer.items()) if v not in (None, "")]
    return [answer]


def _int(value: Any) -> int | None:
    """A number answer; None when unanswered or not a number (imported data may hold anything)."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def compare_pattern(pattern: str, counts: dict[tuple[int, int], int], who: str) -> tuple[bool, str]:
    """Does a visit pattern answer disagree with the visits the extract records per month?"""
    words = PATTERN_WORDS.get(pattern, pattern)
    total = sum(counts.values())
    empty = [_label(m) for m, n in sorted(counts.items()) if n == 0]
    if not counts:
        return False, "No month of the period under review with the child in care."
    if pattern == "NEVER" and total:
        return True, f"Rated as never visited, but the extract records {total} {who} visit(s) in the period."
    if pattern in AT_LEAST_MONTHLY and empty:
        return True, f"Rated as visited {words}, but the extract records no {who} visit in {', '.join(empty)}."
    if pattern == "LESS_THAN_MONTHLY" and not empty:
        return True, f"Rated as visited less than once a month, but the extract records a {who} visit every month."
    return False, f"The review ({words}) and the extract agree."


def _pattern_check(key: str, item: str, topic: str, answer: Any, counts: dict, who: str, question: str) -> Check:
    extract = tuple(f"{_label(m)}: {n} visit(s)" for m, n in sorted(counts.items())) or ("no month in care",)
    patterns = _values(answer)
    if not patterns:
        return Check(key, (item,), topic, extract, (f"{question} not answered",), False, "Not answered yet.", False)
    results = [compare_pattern(p, counts, who) for p in patterns]
    flagged = [reason for disagrees, reason in results if disagrees]
    review = tuple(f"{question}: {PATTERN_WORDS.get(p, p)}" for p in patterns)
    return Check(key, (item,), topic, extract, review, bool(flagged), " ".join(flagged) or results[0][1])


# --- the comparisons --------------------------------------------------------------------------


def _visits(facts: Facts, answers: dict, start: dt.date, end: dt.date) -> list[Check]:
    months = care_months(facts, start, end)
    dates = [
        v["visit_date"] for v in facts.child_visits if v["status"] == "COMPLETED" and v["contact_mode"] == "IN_PERSON"
    ]
    checks = [
        _pattern_check(
            "14-visits",
            "14",
            "Worker/child visits per month",
            answers.get("14A1"),
            visits_per_month(dates, months, start, end),
            "worker/child",
            "14A1",
        )
    ]
    return checks


def _parent_checks(facts: Facts, answers: dict, start: dt.date, end: dt.date, case_type: str) -> list[Check]:
    months = care_months(facts, start, end)
    checks = []
    for role, relationships, q8, q15 in (("mother", MOTHERS, "8A1", "15A1"), ("father", FATHERS, "8B1", "15A2")):
        ids = {p["parent_id"] for p in facts.parents if p["relationship"] in relationships}
        if not ids and answers.get(q8) is None and answers.get(q15) is None:
            continue
        family = [
            v["visit_date"]
            for v in facts.parent_visits
            if v["parent_id"] in ids and v["status"] == "COMPLETED" and v["visit_mode"] == "IN_PERSON"
        ]
        worker = [
            v["visit_date"]
            for v in facts.worker_parent_visits
            if v["parent_id"] in ids and v["status"] == "COMPLETED" and v["contact_mode"] == "IN_PERSON"
        ]
        if not ids:  # answered, but the extract knows no such parent: nothing to compare with
            for key, item, question, topic in (
                (f"8-{role}", "8", q8, f"Parent/child visits with the {role} per month"),
                (f"15-{role}", "15", q15, f"Worker/{role} visits per month"),
            ):
                if (item == "15" or case_type == FOSTER_CARE) and answers.get(question) is not None:
                    said = tuple(f"{question}: {PATTERN_WORDS.get(p, p)}" for p in _values(answers.get(question)))
                    reason = f"The extract records no {role} of the child: nothing to compare."
                    checks.append(
                        Check(key, (item,), topic, (f"no {role} in the extract",), said, False, reason, False)
                    )
            continue
        if case_type == FOSTER_CARE:
            checks.append(
                _pattern_check(
                    f"8-{role}",
                    "8",
                    f"Parent/child visits with the {role} per month",
                    answers.get(q8),
                    visits_per_month(family, months, start, end),
                    f"{role}/child",
                    q8,
                )
            )
        checks.append(
            _pattern_check(
                f"15-{role}",
                "15",
                f"Worker/{role} visits per month",
                answers.get(q15),
                visits_per_month(worker, months, start, end),
                f"worker/{role}",
                q15,
            )
        )
    return checks


def placements_in_period(facts: Facts, start: dt.date, end: dt.date) -> list[dict]:
    return [
        p
        for p in facts.placements
        if p["setting_type"] in PLACEMENT_TYPES
        and p["start_date"] <= end
        and (p["end_date"] is None or p["end_date"] > start)
    ]


def _placements(facts: Facts, answers: dict, start: dt.date, end: dt.date) -> list[Check]:
    rows = placements_in_period(facts, start, end)
    said = tuple(f"{p['start_date']:%Y-%m-%d} {p['setting_type']}" for p in rows) or ("no placement setting",)
    count = _int(answers.get("4A"))
    table = [r for r in answers.get("4A1") or [] if isinstance(r, dict)]
    checks = []
    if count is None:
        checks.append(
            Check(
                "4-count",
                ("4",),
                "Number of placements",
                (f"{len(rows)} placement(s)",),
                ("4A not answered",),
                False,
                "Not answered yet.",
                False,
            )
        )
    else:
        differs = count != len(rows)
        reason = (
            f"The extract shows {len(rows)} placement setting(s) in the period, the review says {count}."
            if differs
            else f"Both count {len(rows)} placement setting(s)."
        )
        checks.append(
            Check(
                "4-count",
                ("4",),
                "Number of placements",
                (f"{len(rows)} placement(s)",),
                (f"4A: {count}",),
                differs,
                reason,
            )
        )
    if not table:
        checks.append(
            Check(
                "4-placements",
                ("4",),
                "Placement dates and types",
                said,
                ("4A1 not answered",),
                False,
                "Not answered yet.",
                False,
            )
        )
        return checks
    review = tuple(f"{r.get('placement_date', '?')} {r.get('placement_type', '?')}" for r in table)
    problems = []
    for n, (row, placement) in enumerate(zip(table, rows, strict=False), start=1):
        date = _date(row.get("placement_date"))
        if date != placement["start_date"]:
            problems.append(
                f"placement {n} starts {placement['start_date']:%Y-%m-%d} in the extract, {row.get('placement_date')} in 4A1"
            )
        kind = row.get("placement_type")
        if kind not in PLACEMENT_TYPES[placement["setting_type"]]:
            problems.append(f"placement {n} is {placement['setting_type']} in the extract, {kind} in 4A1")
    if len(table) != len(rows):
        problems.append(f"4A1 lists {len(table)} placement(s), the extract {len(rows)}")
    reason = ("Dates or types differ: " + "; ".join(problems) + ".") if problems else "Dates and types agree."
    checks.append(Check("4-placements", ("4",), "Placement dates and types", said, review, bool(problems), reason))
    return checks


def goals_at(facts: Facts, day: dt.date) -> list[str]:
    """The review's goal names of the extract's goals in effect on `day` (primary first)."""
    goals = [
        g
        for g in facts.goals
        if g["start_date"] <= day and (g["end_date"] is None or g["end_date"] >= day) and g["goal_type"] in GOAL_TYPES
    ]
    goals.sort(key=lambda g: (g["goal_rank"] != "PRIMARY", g["start_date"]))
    return list(dict.fromkeys(GOAL_TYPES[g["goal_type"]] for g in goals))


def months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def _permanency(facts: Facts, answers: dict, start: dt.date, end: dt.date) -> list[Check]:
    episode = [e for e in facts.episodes if e["removal_date"] <= end][-1:] or facts.episodes[-1:]
    episode = episode[0]
    last_day = min(end, episode["discharge_date"]) if episode["discharge_date"] else end
    current = goals_at(facts, last_day)
    extract_goals = tuple(current) or ("no goal in effect",)
    checks = []
    for key, item, question, allowed in (("5-goals", "5", "5A1", None), ("6-goals", "6", "6A1", GOALS_6A1)):
        said = _values(answers.get(question))
        said = said[0] if len(said) == 1 and isinstance(said[0], list) else said
        expected = [g for g in current if allowed is None or g in allowed]
        if not said:
            checks.append(
                Check(
                    key,
                    (item,),
                    "Permanency goals",
                    extract_goals,
                    (f"{question} not answered",),
                    False,
                    "Not answered yet.",
                    False,
                )
            )
            continue
        said_set = {"APPLA" if s == "OPPLA" else s for s in said}
        differs = said_set != set(expected)
        reason = (
            f"The extract's goal(s) on {last_day:%Y-%m-%d}: {', '.join(expected) or 'none'}; {question}: {', '.join(sorted(said_set))}."
            if differs
            else "The goals agree."
        )
        checks.append(
            Check(key, (item,), "Permanency goals", extract_goals, (f"{question}: {', '.join(said)}",), differs, reason)
        )

    clock = (
        f"removal {episode['removal_date']:%Y-%m-%d}",
        f"{months_between(episode['removal_date'], last_day)} month(s) in care to {last_day:%Y-%m-%d}",
        f"discharge {episode['discharge_date']:%Y-%m-%d}" if episode["discharge_date"] else "not discharged",
    )
    review, problems = [], []
    removal = _date(answers.get("6A3"))
    if removal is not None:
        review.append(f"6A3: {removal:%Y-%m-%d}")
        if removal != episode["removal_date"]:
            problems.append(f"removal {episode['removal_date']:%Y-%m-%d} in the extract, {removal:%Y-%m-%d} in 6A3")
    months = _int(answers.get("6A4"))
    if months is not None:
        review.append(f"6A4: {months} month(s)")
        computed = months_between(episode["removal_date"], last_day)
        if abs(months - computed) > 1:
            problems.append(f"{computed} month(s) in care in the extract, {months} in 6A4")
    discharge = answers.get("6A6")
    if discharge not in (None, ""):
        review.append(f"6A6: {discharge}")
        if discharge == "NA" and episode["discharge_date"] and episode["discharge_date"] <= end:
            problems.append(
                f"the extract records a discharge on {episode['discharge_date']:%Y-%m-%d}, 6A6 says not applicable"
            )
        elif discharge != "NA" and _date(discharge) != episode["discharge_date"]:
            problems.append(f"discharge {episode['discharge_date'] or 'none'} in the extract, {discharge} in 6A6")
    if not review:
        checks.append(
            Check(
                "6-clock",
                ("5", "6"),
                "Permanency clock",
                clock,
                ("6A3, 6A4, 6A6 not answered",),
                False,
                "Not answered yet.",
                False,
            )
        )
    else:
        reason = ("The clock differs: " + "; ".join(problems) + ".") if problems else "The dates agree."
        checks.append(Check("6-clock", ("5", "6"), "Permanency clock", clock, tuple(review), bool(problems), reason))
    return checks


def _exams(facts: Facts, answers: dict, start: dt.date, end: dt.date) -> list[Check]:
    done = [e for e in facts.exams if e["status"] == "COMPLETED" and start <= e["exam_date"] <= end]
    said = tuple(f"{e['exam_date']:%Y-%m-%d} {e['exam_type']}" for e in done) or ("no completed exam in the period",)
    review, problems = [], []
    physical, dental = answers.get("17A1"), answers.get("17A2")
    if physical:
        review.append(f"17A1 (physical health needs assessed): {physical}")
        if physical == "YES" and not any(e["exam_type"] in HEALTH_EXAMS for e in done):
            problems.append("assessed according to 17A1, but the extract records no completed HCY exam in the period")
    if dental:
        review.append(f"17A2 (dental needs assessed): {dental}")
        if dental == "YES" and not any(e["exam_type"] in DENTAL_EXAMS for e in done):
            problems.append(
                "dental needs assessed according to 17A2, but the extract records no dental or full HCY exam"
            )
    if not review:
        return [
            Check(
                "17-exams", ("17",), "HCY exams", said, ("17A1, 17A2 not answered",), False, "Not answered yet.", False
            )
        ]
    reason = ("Rated " + "; ".join(problems) + ".") if problems else "The exams support the answers."
    return [Check("17-exams", ("17",), "HCY exams", said, tuple(review), bool(problems), reason)]


def _reports(facts: Facts, answers: dict, start: dt.date, end: dt.date) -> list[Check]:
    found = [r for r in facts.reports if start <= r["report_date"] <= end]
    said = tuple(f"{r['report_date']:%Y-%m-%d} report {r['report_id']}" for r in found) or (
        "no substantiated report in the period",
    )
    gate, table, ongoing = answers.get("1APP"), answers.get("1A1") or [], answers.get("3B")
    review, problems = [], []
    if gate:
        review.append(f"1APP (an accepted report in the period): {gate}")
        if gate == "NO" and found:
            problems.append(f"the extract records {len(found)} substantiated report(s) in the period, 1APP says none")
    rows = [r for r in table if isinstance(r, dict)]
    if rows:
        listed = {_date(r.get("report_date")) for r in rows if r.get("disposition") == "SUBSTANTIATED"}
        review.append(f"1A1: {len(rows)} report(s), {len(listed)} substantiated")
        missing = [r["report_date"] for r in found if r["report_date"] not in listed]
        if missing:
            problems.append("not listed as substantiated in 1A1: " + ", ".join(f"{d:%Y-%m-%d}" for d in missing))
    if ongoing:
        review.append(f"3B (ongoing assessments): {ongoing}")
        if ongoing == "NA" and found:
            problems.append("3B says no ongoing assessment was needed, but a report was substantiated in the period")
    if not review:
        return [
            Check(
                "1-reports",
                ("1", "3"),
                "Substantiated reports",
                said,
                ("1APP, 1A1, 3B not answered",),
                False,
                "Not answered yet.",
                False,
            )
        ]
    reason = ("They differ: " + "; ".join(problems) + ".") if problems else "The reports agree with the answers."
    return [Check("1-reports", ("1", "3"), "Substantiated reports", said, tuple(review), bool(problems), reason)]


def period_of(review_start: dt.date, review_end: dt.date | None, facts: Facts) -> tuple[dt.date, dt.date]:
    """The period under review; while it has no end yet, up to the extract's as-of date."""
    end = review_end or facts.as_of or dt.date.today()
    return review_start, max(end, review_start)


def compare(facts: Facts, answers: dict, start: dt.date, end: dt.date, case_type: str = FOSTER_CARE) -> list[Check]:
    """Every comparison, in item order (1/3, 4, 5/6, 8, 14, 15, 17)."""
    if not facts.found:
        return []
    checks = _reports(facts, answers, start, end)
    if case_type == FOSTER_CARE:
        checks += _placements(facts, answers, start, end)
        checks += _permanency(facts, answers, start, end)
    parents = _parent_checks(facts, answers, start, end, case_type)
    checks += [c for c in parents if c.items == ("8",)]
    checks += _visits(facts, answers, start, end)
    checks += [c for c in parents if c.items == ("15",)]
    checks += _exams(facts, answers, start, end)
    return checks


@dataclass
class Comparison:
    child_id: str
    episode_id: str
    facts: Facts
    start: dt.date
    end: dt.date
    checks: list[Check]

    @property
    def flags(self) -> list[Check]:
        return [c for c in self.checks if c.disagrees]

    def for_item(self, item: str) -> list[Check]:
        return [c for c in self.checks if item in c.items]


def compare_review(review, link) -> Comparison:
    """The review of a linked case against the current extract."""
    return compare_reviews([(review, link)])[review.pk]


def compare_reviews(pairs: list[tuple[Any, Any]]) -> dict[int, Comparison]:
    """Several (review, link) pairs at once, in a number of queries that does not grow with them."""
    facts = load_facts_of(sorted({link.child_id for _, link in pairs}))
    answers = raw_answers_of([review.pk for review, _ in pairs])
    result = {}
    for review, link in pairs:
        child = facts[link.child_id]
        start, end = period_of(review.pur_start, review.pur_end, child)
        checks = compare(child, answers[review.pk][0], start, end, review.case.case_type)
        result[review.pk] = Comparison(link.child_id, link.episode_id, child, start, end, checks)
    return result
