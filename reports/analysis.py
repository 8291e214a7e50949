"""The data-analysis paragraphs of the quarterly report, generated from the stored figures.

Deterministic templates (spec/report.md, "The data-analysis paragraphs"): every sentence is built
from the figures of one measure as the report's JSON holds them (reports.document), keeps those
figures in `facts`, and names the table it comes from (`table`, an anchor on the report page), so
a reader can check each sentence against its table. No database access here: tests feed
hand-built figures.

Rules the sentences keep:
- words, not codes: measure and metric titles, agencies by code (the state agency by name),
  review reasons in plain words (reports.wording.REASON_WORDS);
- a percentage is stated only with the counts it is computed from, or as the dashboard stores it;
- a suppressed survey cell is said to be suppressed and nothing else: no count, no total and no
  figure from which one could be worked out.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

from metrics.definitions.base import PRECISION
from reports import wording as w

Cell = dict[str, Any] | None


def sentence(text: str, kind: str, table: str, **facts: Any) -> dict[str, Any]:
    return {"text": text, "facts": facts, "kind": kind, "table": table}


def metric_table(measure: str, metric: str) -> str:
    return f"t-{measure}-{metric}"


def agencies_table(measure: str, metric: str) -> str:
    return f"t-{measure}-{metric}-agencies"


def reviews_table(measure: str) -> str:
    return f"t-{measure}-reviews"


def surveys_table(measure: str) -> str:
    return f"t-{measure}-surveys"


# --------------------------------------------------------------------------------------------
# Helpers over cells
# --------------------------------------------------------------------------------------------


def has_value(cell: Cell) -> bool:
    return bool(cell) and cell.get("value") not in (None, "")


def _title(metric: dict) -> str:
    """The metric's title inside a sentence: 'worker/child visits', but 'HCY/EPSDT exam ...' as is."""
    title = metric["title"]
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def _noun(metric: dict) -> str:
    return "rate" if metric["unit"] == "PERCENT" else "value"


def _value(metric: dict, cell: Cell) -> str:
    """The value with its unit (95.0%, 9.07 per 100,000 days)."""
    return w.value_text(cell["value"], metric["unit"]) if has_value(cell) else ""


def _bare(metric: dict, cell: Cell) -> str:
    """The value inside a list that names the unit once (95.0%, 9.07)."""
    return w.bare(cell["value"], metric["unit"]) if has_value(cell) else ""


def _units(metric: dict, inside: bool = False) -> str:
    """' (per 100,000 days in care)' after a list of bare values (', per ...' inside brackets); ''
    for percentages and money, whose values carry their unit."""
    suffix = w.unit_suffix(metric["unit"]).strip()
    if not suffix:
        return ""
    return f", {suffix}" if inside else f" ({suffix})"


def _month_state(cell: Cell) -> str:
    if cell is None:
        return "no result"
    if cell.get("status") == "NO_DENOMINATOR" or not has_value(cell):
        return "no entries"
    return ""


def _subject(ctx: dict) -> str:
    return "statewide" if ctx["scope"] == "all" else w.agency_name(ctx["scope"])


def _possessive(ctx: dict) -> str:
    return "the statewide" if ctx["scope"] == "all" else f"{w.agency_name(ctx['scope'])}'s"


def _months(ctx: dict) -> list[str]:
    return list(ctx["months"])


def _short(period: str) -> str:
    return w.month_label(period, with_year=False)


def _median(values: list[Decimal], places: int) -> Decimal:
    middle = Decimal(median(values))
    return middle.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------
# Dashboard metrics
# --------------------------------------------------------------------------------------------


def metric_sentences(measure: str, metric: dict, ctx: dict) -> list[dict]:
    table = metric_table(measure, metric["metric"])
    title = _title(metric)
    if not metric.get("computed", True):
        return [
            sentence(
                f"{w.capitalise(title)} is not computed by the dashboard yet; it will appear in this report "
                "once it is.",
                "not_computed",
                table,
                metric=metric["metric"],
            )
        ]
    months = metric["months"]
    if not any(has_value(c) for c in months.values()) and not has_value(metric.get("quarter")):
        rows = [p for p, c in months.items() if c is not None]
        if rows:
            text = f"Nobody was in the denominator of {title} in {ctx['quarter_label']}, so it has no value."
        else:
            text = f"No figures for {title} are stored for {ctx['quarter_label']}."
        return [sentence(text, "no_data", table, metric=metric["metric"], months_with_rows=rows)]
    out = [_overall(metric, ctx, table)]
    if counts := _counts(metric, table):
        out.append(counts)
    if small := _small_n(metric, table):
        out.append(small)
    out += _trend(metric, ctx, table)
    if metric.get("statewide") and ctx["scope"] != "all":
        if against := _against_state(metric, ctx, table):
            out.append(against)
    if metric.get("agencies"):
        out += _agency_sentences(measure, metric, ctx)
    if (circuits := _circuits(metric, ctx, table)) is not None:
        out.append(circuits)
    return out


def _overall(metric: dict, ctx: dict, table: str) -> dict:
    """Goal met or not in each month and the quarter; without a goal, the values."""
    months = metric["months"]
    quarter = metric.get("quarter")
    subject = _subject(ctx)
    facts = {
        "metric": metric["metric"],
        "goal": metric.get("goal"),
        "comparator": metric.get("comparator", ""),
        "months": {
            p: ({"value": c["value"], "meets": c.get("meets")} if has_value(c) else None) for p, c in months.items()
        },
        "quarter": {"value": quarter["value"], "meets": quarter.get("meets")} if has_value(quarter) else None,
    }
    if metric.get("goal") in (None, ""):
        listed = w.join(
            [f"{_bare(metric, c) if has_value(c) else _month_state(c)} in {_short(p)}" for p, c in months.items()]
        )
        where = "statewide" if ctx["scope"] == "all" else f"for {subject}"
        text = f"No goal has been set for {title_of(metric)} yet; {where}, the {_noun(metric)}{_units(metric)} was {listed}"
        if has_value(quarter):
            text += f", and {_value(metric, quarter)} for the quarter"
        return sentence(text + ".", "values", table, **facts)

    goal = w.goal_text(metric.get("comparator", ""), metric["goal"], metric["unit"])
    met = [p for p, c in months.items() if has_value(c) and c.get("meets") is True]
    missed = [p for p, c in months.items() if has_value(c) and c.get("meets") is False]
    without = [p for p, c in months.items() if not has_value(c)]

    def listed(periods: list[str], conjunction: str = "and") -> str:
        return w.join([f"{_short(p)} ({_bare(metric, months[p])})" for p in periods], conjunction)

    where = "Statewide" if ctx["scope"] == "all" else f"For {subject}"
    lead = f"{where}, the goal for {title_of(metric)} ({goal})"
    if met and not missed:
        text = f"{lead} was met in {'every month with a result' if without else 'all three months'}: {listed(met)}"
    elif missed and not met:
        text = f"{lead} was not met in any month: {listed(missed)}"
    elif met and missed:
        text = f"{lead} was met in {listed(met)} but not in {listed(missed, 'or')}"
    else:
        text = f"{lead} could not be judged in any month"
    if without:
        text += f"; {w.join([f'{_month_state(months[p])} in {_short(p)}' for p in without])}"
    text += "."
    if has_value(quarter):
        verdict = {True: "meeting the goal", False: "not meeting the goal"}.get(quarter.get("meets"), "")
        text += f" For the quarter the {_noun(metric)} was {_value(metric, quarter)}"
        text += f", {verdict}." if verdict else "."
    return sentence(text, "goal_status", table, **facts)


def title_of(metric: dict) -> str:
    return _title(metric)


def _counts(metric: dict, table: str) -> dict | None:
    """The counts behind the rate, per month (visits required, children seen, not seen)."""
    words = w.COUNTS.get(metric["metric"])
    parts, facts = [], {}
    for period, cell in metric["months"].items():
        if not cell or cell.get("denominator") in (None, 0) or cell.get("numerator") is None:
            continue
        numerator, denominator = Decimal(str(cell["numerator"])), Decimal(str(cell["denominator"]))
        facts[period] = {"numerator": cell["numerator"], "denominator": cell["denominator"]}
        phrase = w.period_phrase(period, metric.get("period_type", "MONTH"))
        if words is None:
            clause = f"the {_noun(metric)} was {w.count(numerator)} over {w.count(denominator)}"
        else:
            clause = words.say(numerator, denominator)
            if isinstance(words, w.Split):
                rest = denominator - numerator
                facts[period]["not_counted"] = int(rest) if rest == rest.to_integral_value() else str(rest)
        parts.append(f"{phrase}, {clause}.")
    if not parts:
        return None
    return sentence(" ".join(parts), "counts", table, metric=metric["metric"], months=facts)


def _small_n(metric: dict, table: str) -> dict | None:
    small = [p for p, c in metric["months"].items() if c and c.get("small_n") and has_value(c)]
    if not small:
        return None
    which = "each month" if len(small) == len(metric["months"]) else w.join([w.month_label(p) for p in small])
    return sentence(
        f"The counts are small (fewer than 10) in {which}, so one case more or less moves the {_noun(metric)} a "
        f"lot: read {'that month' if len(small) == 1 else 'these figures'} with caution.",
        "small_n",
        table,
        metric=metric["metric"],
        months=small,
    )


def _trend(metric: dict, ctx: dict, table: str) -> list[dict]:
    out = []
    unit = metric["unit"]
    cells = list(metric["months"].items())
    steps, facts_steps = [], []
    for (p1, c1), (p2, c2) in zip(cells, cells[1:], strict=False):
        if has_value(c1) and has_value(c2):
            old, new = Decimal(c1["value"]), Decimal(c2["value"])
            verb = "stayed" if new == old else ("rose" if new > old else "fell")
            follows = bool(facts_steps) and facts_steps[-1]["to"] == p1
            if follows:  # "... to 89.8% in August, then fell to 86.4% in September"
                steps.append(
                    f"then stayed there in {_short(p2)}"
                    if verb == "stayed"
                    else f"then {verb} to {_bare(metric, c2)} in {_short(p2)}"
                )
            elif verb == "stayed":
                steps.append(f"stayed at {_bare(metric, c2)} from {_short(p1)} to {_short(p2)}")
            else:
                steps.append(f"{verb} from {_bare(metric, c1)} in {_short(p1)} to {_bare(metric, c2)} in {_short(p2)}")
            facts_steps.append({"from": p1, "to": p2, "old": c1["value"], "new": c2["value"]})
    if steps:
        lead = w.capitalise(f"{_possessive(ctx)} {_noun(metric)}{_units(metric)}")
        values = {s["old"] for s in facts_steps} | {s["new"] for s in facts_steps}
        if len(values) == 1 and len(facts_steps) == len(cells) - 1:
            text = f"{lead} stayed at {_bare(metric, cells[0][1])} in all three months."
        else:
            text = f"{lead} {', '.join(steps)}."
        out.append(sentence(text, "month_trend", table, metric=metric["metric"], steps=facts_steps))
    quarter, previous = metric.get("quarter"), metric.get("previous_quarter")
    if has_value(quarter) and has_value(previous):
        change = w.difference_text(previous["value"], quarter["value"], unit)
        better = _better(metric, previous["value"], quarter["value"])
        text = f"Compared with {ctx['previous_label']} ({_value(metric, previous)}), the quarter's {_noun(metric)} {change}"
        if change != "did not change":
            text += f" to {_value(metric, quarter)}"
        if better is not None:
            text += ", an improvement" if better else ", a decline"
        out.append(
            sentence(
                text + ".",
                "quarter_trend",
                table,
                metric=metric["metric"],
                previous=previous["value"],
                quarter=quarter["value"],
            )
        )
    return out


def _better(metric: dict, old: str, new: str) -> bool | None:
    old, new = Decimal(old), Decimal(new)
    if old == new or metric.get("direction") not in ("HIGHER", "LOWER"):
        return None
    return (new > old) == (metric["direction"] == "HIGHER")


def _against_state(metric: dict, ctx: dict, table: str) -> dict | None:
    """One agency against the state, month by month and for the quarter."""
    state = metric["statewide"]
    above, below, same, facts = [], [], [], {}
    for period, cell in metric["months"].items():
        other = state["months"].get(period)
        if not (has_value(cell) and has_value(other)):
            continue
        mine, theirs = Decimal(cell["value"]), Decimal(other["value"])
        facts[period] = {"agency": cell["value"], "state": other["value"]}
        text = f"{_short(period)} ({_bare(metric, cell)} against {_bare(metric, other)})"
        (above if mine > theirs else below if mine < theirs else same).append(text)
    if not facts:
        return None
    parts = []
    if above:
        parts.append(f"above the statewide {_noun(metric)} in {w.join(above)}")
    if below:
        parts.append(
            f"below it in {w.join(below)}" if above else f"below the statewide {_noun(metric)} in {w.join(below)}"
        )
    if same:
        parts.append(
            f"equal to it in {w.join(same)}" if parts else f"equal to the statewide {_noun(metric)} in {w.join(same)}"
        )
    text = f"{w.agency_name(ctx['scope'])}'s {_noun(metric)}{_units(metric)} was {w.join(parts)}."
    quarter, state_quarter = metric.get("quarter"), state.get("quarter")
    if has_value(quarter) and has_value(state_quarter):
        text += f" For the quarter: {_value(metric, quarter)} against {_value(metric, state_quarter)} statewide."
        facts["quarter"] = {"agency": quarter["value"], "state": state_quarter["value"]}
    return sentence(text, "against_state", table, metric=metric["metric"], comparison=facts)


# --------------------------------------------------------------------------------------------
# Agencies (statewide report)
# --------------------------------------------------------------------------------------------

GROUP_WORDS = {"3": "in all three months", "2": "in two", "1": "in one", "0": "in none"}


def agencies_by_months_met(agencies: dict[str, dict], months: list[str]) -> dict[str, list[str]]:
    """Agency codes by the number of the quarter's months in which they met the goal.

    Counted over the months in which the agency had a result (a value); agencies with no result
    in any month are left out."""
    groups: dict[str, list[str]] = {"3": [], "2": [], "1": [], "0": []}
    for code in sorted(agencies):
        cells = [agencies[code]["months"].get(p) for p in months]
        if not any(has_value(c) for c in cells):
            continue
        met = sum(1 for c in cells if has_value(c) and c.get("meets") is True)
        groups[str(met)].append(code)
    return groups


def _agency_sentences(measure: str, metric: dict, ctx: dict) -> list[dict]:
    table = agencies_table(measure, metric["metric"])
    agencies = metric["agencies"]
    months = _months(ctx)
    out = []
    partial = {
        code: n
        for code, row in agencies.items()
        if 0 < (n := sum(1 for p in months if has_value(row["months"].get(p)))) < len(months)
    }
    if metric.get("goal") not in (None, ""):
        groups = metric.get("agencies_by_months_met") or agencies_by_months_met(agencies, months)
        if any(groups.values()):
            out.append(_months_met_sentence(groups, partial, table, metric))
    elif median_sentence := _median_sentence(metric, agencies, months, partial, table):
        out.append(median_sentence)
    if spread := _range_sentence(metric, agencies, table):
        out.append(spread)
    return out


def _partial_note(codes: list[str], partial: dict[str, int]) -> str:
    """' (6ZA and 6ZB had results in one month only)' for the agencies of a group with gaps."""
    by_count: dict[int, list[str]] = {}
    for code in codes:
        if code in partial:
            by_count.setdefault(partial[code], []).append(code)
    if len(by_count) == 1 and sum(len(v) for v in by_count.values()) == len(codes):
        n = next(iter(by_count))
        return f" (results in {w.words(n)} month{'s' if n != 1 else ''} only)"
    notes = [
        f"{w.agencies(listed)} had results in {w.words(n)} month{'s' if n != 1 else ''} only"
        for n, listed in sorted(by_count.items(), reverse=True)
    ]
    return f" ({'; '.join(notes)})" if notes else ""


def _months_met_sentence(groups: dict[str, list[str]], partial: dict[str, int], table: str, metric: dict) -> dict:
    filled = [key for key in ("3", "2", "1", "0") if groups.get(key)]
    if filled == ["0"]:
        codes = groups["0"]
        text = (
            f"No agency met the goal in any month of the quarter: {w.agencies(codes)}{_partial_note(codes, partial)}."
        )
    else:
        clauses = []
        for index, key in enumerate(filled):
            codes = groups[key]
            listed = w.agencies(codes) + _partial_note(codes, partial)
            if index == 0:
                phrase = {"3": "in all three months", "2": "in two of the three months", "1": "in one month"}[key]
                clauses.append(f"{listed} met the goal {phrase}")
            else:
                clauses.append(f"{listed} {GROUP_WORDS[key]}")
        text = "; ".join(clauses) + "."
        if not groups.get("3"):
            text = f"No agency met the goal in all three months. {w.capitalise(text)}"
    return sentence(
        w.capitalise(text),
        "agencies_by_months_met",
        table,
        metric=metric["metric"],
        groups=groups,
        months_with_result=dict(partial),
    )


def _median_sentence(metric: dict, agencies: dict, months: list[str], partial: dict, table: str) -> dict | None:
    """No goal: agencies at or below / above the median of the agency values, month by month."""
    places = PRECISION.get(metric["unit"], 2)
    medians = {}
    for period in months:
        values = [
            Decimal(r["months"][period]["value"]) for r in agencies.values() if has_value(r["months"].get(period))
        ]
        if values:
            medians[period] = _median(values, places)
    if not medians:
        return None
    groups: dict[str, list[str]] = {"3": [], "2": [], "1": [], "0": []}
    for code in sorted(agencies):
        cells = {p: agencies[code]["months"].get(p) for p in months}
        if not any(has_value(c) for c in cells.values()):
            continue
        at_or_below = sum(1 for p, c in cells.items() if has_value(c) and Decimal(c["value"]) <= medians[p])
        groups[str(at_or_below)].append(code)
    clauses = []
    for key in ("3", "2", "1", "0"):
        codes = groups[key]
        if not codes:
            continue
        listed = w.agencies(codes) + _partial_note(codes, partial)
        if key == "0":
            clauses.append(f"{listed} above it in every month with a result")
        elif not clauses:
            phrase = {"3": "in all three months", "2": "in two of the three months", "1": "in one month"}[key]
            clauses.append(f"{listed} {'was' if len(codes) == 1 else 'were'} at or below the median {phrase}")
        else:
            clauses.append(f"{listed} {GROUP_WORDS[key]}")
    listed_medians = w.join([f"{w.bare(v, metric['unit'])} in {_short(p)}" for p, v in medians.items()])
    text = (
        "With no goal set, agencies are compared with the median of the agency values each month "
        f"({listed_medians}{_units(metric, inside=True)}): {'; '.join(clauses)}."
    )
    return sentence(
        text,
        "agencies_by_median",
        table,
        metric=metric["metric"],
        medians={p: str(v) for p, v in medians.items()},
        groups=groups,
    )


def _range_sentence(metric: dict, agencies: dict, table: str) -> dict | None:
    """'Agency values for the quarter ranged from X (A) to Y (B)', with the median."""
    values = {code: Decimal(r["quarter"]["value"]) for code, r in agencies.items() if has_value(r.get("quarter"))}
    if len(values) < 2:
        return None
    low, high = min(values.values()), max(values.values())
    lows = sorted(c for c, v in values.items() if v == low)
    highs = sorted(c for c, v in values.items() if v == high)
    places = PRECISION.get(metric["unit"], 2)
    middle = _median(list(values.values()), places)
    unit = metric["unit"]
    if low == high:
        text = f"Every agency with a result had {w.value_text(low, unit)} for the quarter."
    else:
        text = (
            f"Agency values for the quarter ranged from {w.bare(low, unit)} ({w.agencies(lows)}) to "
            f"{w.bare(high, unit)} ({w.agencies(highs)}), with a median of {w.bare(middle, unit)}{_units(metric)}."
        )
    return sentence(
        text,
        "agency_range",
        table,
        metric=metric["metric"],
        low={"value": str(low), "agencies": lows},
        high={"value": str(high), "agencies": highs},
        median=str(middle),
        agencies=len(values),
    )


# --------------------------------------------------------------------------------------------
# Circuits (statewide report)
# --------------------------------------------------------------------------------------------


def _circuits(metric: dict, ctx: dict, table: str) -> dict | None:
    meeting = metric.get("circuits_meeting")
    if not meeting or metric.get("goal") in (None, ""):
        return None
    with_result = metric.get("circuits_with_result") or {}

    def part(n: int, of: int | None, first: bool) -> str:
        if of and n == of:
            return f"all {of}"
        if of and n == 0:
            return f"none of the {of}" if first else "none"
        if of:
            return f"{n} of the {of}" if first else f"{n} of {of}"
        return str(n)

    items = list(meeting.items())
    period, n = items[0]
    of = with_result.get(period)
    noun = "circuits with a result" if of else ("circuit" if n == 1 else "circuits")
    text = f"{w.capitalise(part(n, of, True))} {noun} met the goal in {w.month_label(period)}"
    rest = [f"{part(n, with_result.get(p), False)} in {_short(p)}" for p, n in items[1:]]
    text += (", " + w.join(rest) if rest else "") + "."
    every = metric.get("circuits_meeting_every_month")
    previous = metric.get("previous_quarter_circuits_meeting_every_month")
    if every is not None:
        count_text = w.capitalise(w.words(every)) if every <= 10 else f"{every:,}"
        text += f" {count_text} circuit{'' if every in (0, 1) else 's'} met it in all three months"
        if previous is not None:
            change = every - previous
            if change == 0:
                text += f", the same number as in {ctx['previous_label']}"
            else:
                more = "more" if change > 0 else "fewer"
                text += f", {w.words(abs(change))} {more} than in {ctx['previous_label']} ({previous})"
        text += "."
    return sentence(
        text,
        "circuits",
        table,
        metric=metric["metric"],
        circuits_meeting=meeting,
        circuits_with_result=with_result,
        every_month=every,
        previous_every_month=previous,
    )


# --------------------------------------------------------------------------------------------
# Case reviews
# --------------------------------------------------------------------------------------------


def _cases(n: int) -> str:
    return f"{n:,} case{'s' if n != 1 else ''}"


def review_sentences(measure: str, reviews: dict) -> list[dict]:
    table = reviews_table(measure)
    items, outcomes = reviews.get("items", []), reviews.get("outcomes", [])
    if not items and not outcomes:
        return [sentence("No case-review item of the OSRI measures this directly.", "reviews_none", table)]
    if not reviews.get("reviews_counted"):
        return [
            sentence(
                "No case review of this quarter has been approved yet, so there are no case-review figures for "
                "this measure.",
                "reviews_no_data",
                table,
                reviews_counted=0,
            )
        ]
    out = []
    for item in items:
        out += _item_sentences(item, table)
    for person in reviews.get("people", []):
        if person["applicable"]:
            out.append(_person_sentence(person, table))
    for outcome in outcomes:
        out.append(_outcome_sentence(outcome, table))
    return out


def _some_of(part: int, whole: int, noun: str) -> str:
    """'2 of the 3 applicable cases', 'both applicable cases', 'all 4 ...', 'none of the 3 ...', 'the one ...'."""
    plural = f"{noun}s"
    if whole == 1:
        return f"the one {noun}"
    if part == whole:
        return f"both {plural}" if whole == 2 else f"all {whole:,} {plural}"
    if part == 0:
        return f"none of the {whole:,} {plural}"
    return f"{part:,} of the {whole:,} {plural}"


def _item_sentences(item: dict, table: str) -> list[dict]:
    label = f"item {item['item']} ({item['title']})"
    applicable, strength = item["applicable"], item["strength"]
    if not applicable:
        return [
            sentence(
                f"No case review of the quarter rated {label} applicable.",
                "item_no_data",
                table,
                item=item["item"],
                applicable=0,
            )
        ]
    share = w.percent(strength, applicable)
    facts = {"item": item["item"], "strength": strength, "applicable": applicable, "percent": str(share)}
    if applicable == 1:
        rating = "a Strength" if strength else "an Area Needing Improvement"
        text = f"For {label}, the one applicable case was rated {rating}."
    else:
        # "none of the 3 ... was", "1 of the 3 ... was", "2 of the 3 / both / all 4 ... were"
        verb = "was" if strength in (0, 1) else "were"
        text = f"For {label}, {_some_of(strength, applicable, 'applicable case')} ({w.pct(share)}) {verb} rated a Strength."
    out = [sentence(text, "item_strength", table, **facts)]
    ani = applicable - strength
    reasons = [r for r in item.get("ani_reasons", []) if r.get("count")]
    if ani and reasons:
        top = max(r["count"] for r in reasons)
        leading = [r for r in reasons if r["count"] == top]
        first, others = leading[0], leading[1:]
        if ani == 1:
            text = f"The one case rated an Area Needing Improvement was rated so at least in part because {first['reason']}"
        else:
            who = "both" if top == ani == 2 else ("all" if top == ani else f"{top:,}")
            text = (
                f"Of the {ani:,} cases rated an Area Needing Improvement, {who} {'was' if top == 1 else 'were'} "
                f"rated so at least in part because {first['reason']}"
            )
        if others:
            text += ", and as many " + w.join([f"because {r['reason']}" for r in others])
        out.append(
            sentence(
                text + ".",
                "item_ani_reason",
                table,
                item=item["item"],
                ani=ani,
                reason_count=top,
                reasons=[r["reason"] for r in leading],
            )
        )
    return out


def _person_sentence(person: dict, table: str) -> dict:
    applicable, sufficient = person["applicable"], person["sufficient"]
    share = w.percent(sufficient, applicable)
    text = (
        f"{w.capitalise(_cases(applicable))} {'was' if applicable == 1 else 'were'} applicable for "
        f"{person['subject']}; {person['aspect']} was sufficient in {w.pct(share)} ({sufficient:,})."
    )
    return sentence(
        text,
        "person",
        table,
        question=person["question"],
        applicable=applicable,
        sufficient=sufficient,
        percent=str(share),
    )


def _outcome_sentence(outcome: dict, table: str) -> dict:
    label = f"Outcome {outcome['outcome']} ({outcome['title'].rstrip('.')})"
    applicable, achieved = outcome["applicable"], outcome["substantially_achieved"]
    if not applicable:
        return sentence(
            f"{label} was not rated in any case review of the quarter.",
            "outcome_no_data",
            table,
            outcome=outcome["outcome"],
            applicable=0,
        )
    share = w.percent(achieved, applicable)
    if applicable == 1:
        text = f"{label} was {'' if achieved else 'not '}substantially achieved in the one case where it was rated."
    else:
        text = (
            f"{label} was substantially achieved in {_some_of(achieved, applicable, 'case')} where it was rated "
            f"({w.pct(share)})."
        )
    return sentence(
        text,
        "outcome_achieved",
        table,
        outcome=outcome["outcome"],
        substantially_achieved=achieved,
        applicable=applicable,
        percent=str(share),
    )


# --------------------------------------------------------------------------------------------
# Surveys
# --------------------------------------------------------------------------------------------


def survey_sentences(measure: str, surveys: dict, ctx: dict) -> list[dict]:
    table = surveys_table(measure)
    if not surveys.get("tagged"):
        return [sentence("No stakeholder survey question is linked to this measure.", "surveys_none", table)]
    results = surveys.get("results", [])
    if not results:
        return [sentence("No survey data is available for this measure this period.", "surveys_no_data", table)]
    out = []
    min_cell = ctx["min_cell"]
    for result in results:
        who = w.GROUP_NOUNS.get(result["group"], result["group_label"].lower())
        question = f"“{result['text'].rstrip()}”"
        if result["suppressed"]:
            # Nothing but the fact of suppression: no count, not even "fewer than n of m".
            out.append(
                sentence(
                    f"Answers of {who} to {question} are not shown: fewer than {min_cell} responded.",
                    "survey_suppressed",
                    table,
                    question=result["question"],
                    group=result["group"],
                    suppressed=True,
                    min_cell=min_cell,
                )
            )
            continue
        if not result.get("n") or result.get("favourable") is None:
            continue
        favourable, n = result["favourable"], result["n"]
        share = w.percent(favourable, n)
        out.append(
            sentence(
                f"Of the {n:,} {who} who answered {question}, {favourable:,} ({w.pct(share)}) answered favourably.",
                "survey_favourable",
                table,
                question=result["question"],
                group=result["group"],
                favourable=favourable,
                n=n,
                percent=str(share),
            )
        )
    if surveys.get("withheld"):
        out.append(
            sentence(
                f"Statewide survey figures count only agencies with at least {min_cell} responses in a group, so "
                "no agency's small count can be worked out from them.",
                "survey_pooling",
                table,
                min_cell=min_cell,
            )
        )
    if not out:
        out.append(sentence("No survey data is available for this measure this period.", "surveys_no_data", table))
    return out


# --------------------------------------------------------------------------------------------
# A measure
# --------------------------------------------------------------------------------------------


def measure_sentences(measure: dict, ctx: dict) -> list[dict]:
    """Every analysis sentence of one measure, in the report's order: metrics, reviews, surveys."""
    out = []
    for metric in measure["metrics"]:
        out += metric_sentences(measure["code"], metric, ctx)
    out += review_sentences(measure["code"], measure["reviews"])
    out += survey_sentences(measure["code"], measure["surveys"], ctx)
    return out
