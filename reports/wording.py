"""How the quarterly report says things: numbers, lists, months, agencies, counts and review reasons.

Pure functions and tables, no database: the analysis sentences (reports.analysis) and the report
templates share them, so a figure reads the same in a sentence and in its table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from reports.formatting import metric_value, number

STATE_AGENCY = "CD"
STATE_AGENCY_NAME = "Children's Division"

SMALL_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

COMPARATOR_WORDS = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than"}


def percent(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """A share as a percentage rounded half-up to one decimal; None when the base is 0."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def pct(value: Decimal | str | None) -> str:
    """66.7%"""
    return "" if value is None else f"{number(Decimal(value), 1)}%"


def count(value: int | float | Decimal | str | None) -> str:
    """1,234 for whole numbers, 12.5 otherwise (FTE, money keep their decimals)."""
    if value is None or value == "":
        return ""
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def words(n: int) -> str:
    """Small counts in words (as the team writes "four more"), larger ones in figures."""
    return SMALL_NUMBERS[n] if 0 <= n < len(SMALL_NUMBERS) else f"{n:,}"


def join(items: list[str], conjunction: str = "and") -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def agency_name(code: str) -> str:
    """Agencies by code, as the team writes them; the state agency by name."""
    return STATE_AGENCY_NAME if code == STATE_AGENCY else code


def agencies(codes: list[str]) -> str:
    return join([agency_name(c) for c in codes])


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def month_label(period: str, with_year: bool = True) -> str:
    """'2023-07' -> 'July 2023' (or 'July')."""
    year, month = period.split("-")
    day = date(int(year), int(month), 1)
    return f"{day:%B %Y}" if with_year else f"{day:%B}"


def value_text(value: str | Decimal | None, unit: str) -> str:
    """A stored value as the dashboard shows it (95.0%, 9.07 per 100,000 days)."""
    if value is None or value == "":
        return ""
    return metric_value(Decimal(value), unit)


def goal_text(comparator: str, goal: str | Decimal | None, unit: str) -> str:
    """'at least 95.0%'"""
    if goal is None or goal == "":
        return ""
    return f"{COMPARATOR_WORDS.get(comparator, comparator)} {value_text(goal, unit)}".strip()


def difference_text(old: str | Decimal, new: str | Decimal, unit: str) -> str:
    """How far a value moved: 'rose 6.9 percentage points', 'fell 0.52 per 100,000 days', 'did not change'."""
    old, new = Decimal(old), Decimal(new)
    if new == old:
        return "did not change"
    verb = "rose" if new > old else "fell"
    delta = abs(new - old)
    if unit == "PERCENT":
        return f"{verb} {number(delta, 1)} percentage point{'s' if delta != 1 else ''}"
    return f"{verb} by {value_text(delta, unit)}"


# --------------------------------------------------------------------------------------------
# What the numerator and denominator of each metric count, in words
# --------------------------------------------------------------------------------------------


PLURAL_RE = re.compile(r"\[([^|\]]*)\|([^\]]*)\]")


def agree(template: str, n: Decimal | int) -> str:
    """'[was|were]' -> 'was' when n is 1, else 'were'."""
    return PLURAL_RE.sub(lambda m: m.group(1) if n == 1 else m.group(2), template)


@dataclass(frozen=True)
class Split:
    """A share: '60 children required a caseworker visit: 51 were seen and 9 were not'.

    Each clause holds one number; '[singular|plural]' agrees with it."""

    denominator: str
    numerator: str
    rest: str

    def say(self, numerator: Decimal, denominator: Decimal) -> str:
        rest = denominator - numerator
        return (
            f"{agree(self.denominator, denominator).format(d=count(denominator))}: "
            f"{agree(self.numerator, numerator).format(n=count(numerator))} "
            f"and {agree(self.rest, rest).format(r=count(rest))}"
        )


@dataclass(frozen=True)
class Ratio:
    """A rate or an average: 'no substantiated reports were counted over 21,218 days in care'.

    '[singular|plural]' agrees with the numerator, or with the denominator when `by` is 'd'."""

    text: str
    by: str = "n"

    def say(self, numerator: Decimal, denominator: Decimal) -> str:
        subject = numerator if self.by == "n" else denominator
        n_text = "no" if self.by == "n" and numerator == 0 else count(numerator)
        return agree(self.text, subject).format(n=n_text, d=count(denominator))


COUNTS: dict[str, Split | Ratio] = {
    "worker_child_visits": Split(
        "{d} [child|children] required a caseworker visit", "{n} [was|were] seen", "{r} [was|were] not"
    ),
    "worker_child_visits_in_residence": Split(
        "{d} qualifying [visit was|visits were] made", "{n} [was|were] in the child's residence", "{r} elsewhere"
    ),
    "victimization_in_care": Ratio("{n} substantiated [report was|reports were] counted over {d} days in care"),
    "sentinel_events": Ratio("{n} sentinel [event was|events were] counted over {d} days in care"),
    "sentinel_event_timely_report": Split(
        "{d} sentinel [event|events] became known",
        "{n} [was|were] reported within one business day",
        "{r} [was|were] not",
    ),
    "parent_child_visits": Split("{d} child–parent [pair was|pairs were] due a visit", "{n} had one", "{r} did not"),
    "hcy_exam_30_days": Split(
        "{d} [child|children] entered care", "{n} had a full HCY exam within 30 days", "{r} did not"
    ),
    "residential_placement": Split(
        "{d} [child was|children were] in care",
        "{n} [was|were] in a residential or institutional setting",
        "{r} [was|were] not",
    ),
    "qrtp_assessment_30_days": Split(
        "{d} QRTP [placement|placements] began", "{n} [was|were] assessed within 30 days", "{r} [was|were] not"
    ),
    "trauma_training": Split(
        "{d} case managers and supervisors were employed", "{n} had completed the training", "{r} had not"
    ),
    "education_enrollment": Split(
        "{d} school-age [child was|children were] in care", "{n} [was|were] enrolled", "{r} [was|were] not"
    ),
    "education_progress": Split(
        "{d} [child was|children were] enrolled", "{n} [was|were] promoted or graduated", "{r} [was|were] not"
    ),
    "worker_parent_visits": Split(
        "{d} [parent was|parents were] due a caseworker visit", "{n} [was|were] visited", "{r} [was|were] not"
    ),
    "reentry_12_months": Split(
        "{d} [child|children] had left care to their families", "{n} re-entered within 12 months", "{r} did not"
    ),
    "timely_permanency": Split("{d} [episode was|episodes were] resolved", "{n} on time", "{r} late"),
    "timely_permanency_reunification": Split(
        "{d} [reunification was|reunifications were] resolved", "{n} on time", "{r} late"
    ),
    "timely_permanency_guardianship": Split(
        "{d} [guardianship was|guardianships were] resolved", "{n} on time", "{r} late"
    ),
    "timely_permanency_adoption": Split("{d} [adoption was|adoptions were] resolved", "{n} on time", "{r} late"),
    "placement_stability": Ratio("{n} placement [move was|moves were] counted over {d} days in care"),
    "concurrent_plan": Split(
        "{d} [child was|children were] due a concurrent plan", "{n} had one in time", "{r} did not"
    ),
    "social_service_plan": Split(
        "{d} [child was|children were] due a case plan", "{n} had a timely, current plan", "{r} did not"
    ),
    "older_youth_services": Split(
        "{d} youth aged 14 or older [was|were] in care", "{n} had received a transition service", "{r} had not"
    ),
    "workers_per_child_lt12": Ratio("{d} [child|children] had had {n} different primary case managers", by="d"),
    "workers_per_child_12plus": Ratio("{d} [child|children] had had {n} different primary case managers", by="d"),
    "supervisor_ratio": Ratio("{n} case-manager FTE worked under {d} supervisor FTE"),
    "caseload_per_case_manager": Ratio("{d} case [manager|managers] carried {n} children", by="d"),
    "caseload_over_cap": Split(
        "{d} case [manager|managers] carried children", "{n} [was|were] above the caseload cap", "{r} [was|were] not"
    ),
    "cases_returned": Ratio("{n} [case was|cases were] returned out of {d} children served"),
    "cases_returned_cost": Ratio("{d} returned [case|cases] cost ${n} in all", by="d"),
}


def period_phrase(period: str, period_type: str) -> str:
    """How a month's figure is introduced, by the metric's window."""
    label = month_label(period)
    if period_type == "ROLLING_12":
        return f"In the 12 months to {label}"
    if period_type == "SNAPSHOT":
        return f"At the end of {label}"
    if period_type == "EXIT_COHORT":
        return f"For {label} (exits a year earlier)"
    return f"In {label}"


# --------------------------------------------------------------------------------------------
# Why a case was rated an Area Needing Improvement, in plain words
# --------------------------------------------------------------------------------------------

# The stored rating reasons name the deciding answers ("14B = NO"); the report never prints a
# code. Keyed by (question, answer): only answers that signal a concern are reasons in words.
REASON_WORDS: dict[tuple[str, str], str] = {
    ("1A", "NO"): "the report was not initiated, or the child not seen, within the required time frames",
    ("1B", "NO"): "the delays were not all beyond the agency's control",
    ("2A", "NO"): "the agency did not make concerted efforts to provide safety-related services",
    ("2B", "NO"): "a child was removed without services when removal was not necessary for safety",
    ("3A", "NO"): "the initial assessment did not accurately assess all risk and safety concerns",
    ("3B", "NO"): "ongoing assessments did not accurately assess all risk and safety concerns",
    ("3C", "NO"): "the safety plan was not appropriate or not monitored",
    ("3D", "YES"): "safety concerns for children remaining in the home were not adequately addressed",
    ("3E", "YES"): "there was a concern for the child's safety during family visits",
    ("3F", "YES"): "there was an unaddressed safety concern related to the foster home",
    ("4B", "NO"): "placement changes were not all planned to meet case goals or the child's needs",
    ("4C", "NO"): "the child's placement was not stable",
    ("5A2", "NO"): "the permanency goal was not specified in the case file",
    ("5B", "NO"): "permanency goals were not established timely",
    ("5C", "NO"): "permanency goals were not appropriate to the child's needs",
    ("5F", "NO"): "a petition to terminate parental rights was not filed timely",
    ("5G", "NO"): "no exception to filing a termination petition was documented",
    ("6B", "NO"): "concerted efforts were not made to achieve the permanency goal timely",
    ("6C", "NO"): "concerted efforts were not made toward a permanent living arrangement",
    ("7A", "NO"): "the child was not placed with all siblings in care",
    ("7B", "NO"): "there was no valid reason for separating the siblings",
    ("8A", "NO"): "visits with the mother were not frequent enough",
    ("8B", "NO"): "visits with the father were not frequent enough",
    ("8C", "NO"): "the quality of visits with the mother was not sufficient",
    ("8D", "NO"): "the quality of visits with the father was not sufficient",
    ("8E", "NO"): "contact with siblings in care was not frequent enough",
    ("8F", "NO"): "the quality of sibling visits was not sufficient",
    ("9A", "NO"): "the child's important connections were not maintained",
    ("9C", "NO"): "the Tribe was not given timely notice",
    ("9D", "NO"): "the placement did not follow the ICWA placement preferences",
    ("10A2", "NO"): "the relative placement was not stable or appropriate",
    ("10B", "NO"): "maternal relatives were not identified, located and evaluated",
    ("10C", "NO"): "paternal relatives were not identified, located and evaluated",
    ("11A", "NO"): "a positive relationship with the mother was not supported",
    ("11B", "NO"): "a positive relationship with the father was not supported",
    ("12A1", "NO"): "the children's needs were not accurately assessed",
    ("12A2", "NO"): "appropriate services were not provided to meet the children's needs",
    ("12B1", "NO"): "the mother's needs were not accurately assessed",
    ("12B2", "NO"): "the father's needs were not accurately assessed",
    ("12B3", "NO"): "appropriate services were not provided to the mother",
    ("12B4", "NO"): "appropriate services were not provided to the father",
    ("12C1", "NO"): "the foster parents' needs were not adequately assessed",
    ("12C2", "NO"): "appropriate services were not provided to the foster parents",
    ("13A", "NO"): "the child was not actively involved in case planning",
    ("13B", "NO"): "the mother was not actively involved in case planning",
    ("13C", "NO"): "the father was not actively involved in case planning",
    ("14A", "NO"): "the caseworker's visits with the child were not frequent enough",
    ("14B", "NO"): "the quality of the caseworker's visits with the child was not sufficient",
    ("15B1", "NO"): "the caseworker's visits with the mother were not frequent enough",
    ("15B2", "NO"): "the caseworker's visits with the father were not frequent enough",
    ("15C1", "NO"): "the quality of the caseworker's visits with the mother was not sufficient",
    ("15C2", "NO"): "the quality of the caseworker's visits with the father was not sufficient",
    ("16A", "NO"): "the child's educational needs were not accurately assessed",
    ("16B", "NO"): "the child's educational needs were not addressed with appropriate services",
    ("17A1", "NO"): "the child's physical health needs were not accurately assessed",
    ("17A2", "NO"): "the child's dental health needs were not accurately assessed",
    ("17B1", "NO"): "prescription medication was not appropriately overseen",
    ("17B2", "NO"): "services did not address all of the child's physical health needs",
    ("17B3", "NO"): "services did not address all of the child's dental health needs",
    ("18A", "NO"): "the child's mental and behavioural health needs were not accurately assessed",
    ("18B", "NO"): "psychotropic medication was not appropriately overseen",
    ("18C", "NO"): "appropriate mental and behavioural health services were not provided",
}

REASON_RE = re.compile(r"^(?:\w+:\s*)?(?P<code>[0-9]{1,2}[A-Z]?[0-9A-Z]*)\s*=\s*(?P<value>[A-Z_]+)$")


def reason_words(reason: str) -> str | None:
    """'14B = NO' -> plain words; None for an answer that is not a concern (e.g. '2B = NA')."""
    match = REASON_RE.match(reason.split(" (")[0].strip())
    if not match:
        return None
    return REASON_WORDS.get((match.group("code"), match.group("value")))


def item_purpose(purpose: str) -> str:
    """The instrument's purpose question without its rating notes ('Never NA.')."""
    return re.sub(r"\s*Never NA\.?", "", purpose).strip()


# Respondent groups as the nouns of a sentence ("Of the 5 youth in care who answered ...").
GROUP_NOUNS = {
    "youth": "youth in care",
    "resource": "foster and resource parents",
    "adoptive": "adoptive parents",
    "parent": "parents and legal guardians",
    "jo": "juvenile officers",
    "judge": "judges",
}

# What a metric's value is, for the definition block ("Unit: percent of children").
UNIT_LABELS = {
    "PERCENT": "percent",
    "PER_100K_DAYS": "per 100,000 days in care",
    "PER_1K_DAYS": "per 1,000 days in care",
    "PER_1K_CHILDREN": "per 1,000 children served",
    "AVERAGE": "average",
    "RATIO": "ratio",
    "USD": "US dollars",
}


def bare(value: str | Decimal | None, unit: str) -> str:
    """A value inside a list that names its unit once: 95.0%, $1,250.00, but 9.07 (not '9.07 per 100,000 days')."""
    if value is None or value == "":
        return ""
    if unit in ("PERCENT", "USD"):
        return value_text(value, unit)
    from metrics.definitions.base import PRECISION

    return number(Decimal(value), PRECISION.get(unit, 2))


def unit_suffix(unit: str) -> str:
    """' per 100,000 days in care' (for a list of bare values), '' for percentages and money."""
    if unit in ("PERCENT", "USD"):
        return ""
    label = UNIT_LABELS.get(unit, "")
    return f" {label}" if label.startswith("per ") else ""
