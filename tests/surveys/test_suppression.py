"""Small-cell suppression cannot be undone by subtraction (issue 10, finding 2).

Three layers:
- the finding's own subtractions, through the pages and exports a user downloads;
- an exact attacker over every figure the pages and exports publish for every filter: each figure
  is a sum over a set of respondents; with the rows of the responses export as knowns, no set of
  fewer than SURVEYS_MIN_CELL hidden respondents may have a computable total (rational linear
  algebra, tests/surveys/attack.py);
- the pure module on random tables (hypothesis), checked by the same attacker.
"""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import suppression
from surveys.models import Answer, Response
from surveys.results import CELL_FAMILY

from .attack import null_space, recoverable_small_sets
from .helpers import add_question, make_survey, make_wave, submitted_response

MIN = 5


def rows_of(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def fielded(agency):
    """Three statewide waves; the third has one youth respondent (the finding's case).

    youth: W1 6ZA 6, 6ZB 4; W2 6ZA 7 (5 in April, 2 in July: the wave straddles two quarters);
    W3 6ZA 1. resource parents: W1 6ZA 5, 6ZB 6; W3 6ZB 5. A conditional question is answered by few.
    """
    rng = random.Random(10)
    youth, resource = make_survey("youth"), make_survey("resource")
    questions = {}
    for survey in (youth, resource):
        sat = add_question(survey, "overall_satisfaction", tags=("worker_child_visits",))
        visits = add_question(survey, "cm_alone", "yes_no")
        changed = add_question(survey, "cm_changed_why", show_when=(visits, "no"))
        count = add_question(survey, "cm_count", "number")
        comment = add_question(survey, "comment", "long_text", page=2)
        questions[survey.group] = (sat, visits, changed, count, comment)
    waves = [
        make_wave(youth, resource, name="W1", opens_on=date(2026, 1, 5)),
        make_wave(youth, resource, name="W2", opens_on=date(2026, 4, 5)),
        make_wave(youth, resource, name="W3", opens_on=date(2026, 8, 5)),
    ]
    plan = [
        (0, youth, "6ZA", [date(2026, 2, 1)] * 6),
        (0, youth, "6ZB", [date(2026, 2, 2)] * 4),
        (1, youth, "6ZA", [date(2026, 4, 20)] * 5 + [date(2026, 7, 2)] * 2),
        (2, youth, "6ZA", [date(2026, 8, 20)]),
        (0, resource, "6ZA", [date(2026, 2, 3)] * 5),
        (0, resource, "6ZB", [date(2026, 2, 4)] * 6),
        (2, resource, "6ZB", [date(2026, 8, 21)] * 5),
    ]
    for wave_index, survey, code, days in plan:
        sat, visits, changed, count, comment = questions[survey.group]
        for day in days:
            alone = rng.choice(["yes", "yes", "no"])
            answers = {
                sat: rng.choice(["agree", "strongly_agree", "disagree", "neither"]),
                visits: alone,
                changed: rng.choice(["agree", "disagree"]) if alone == "no" else None,
                count: rng.choice([1, 2, 3]),
                comment: f"{code} {survey.group} comment {rng.randint(0, 10**6)}",
            }
            response = submitted_response(waves[wave_index], survey, agency(code), answers)
            Response.objects.filter(pk=response.pk).update(submitted_on=day)
    return waves


# --- the finding's subtractions, as a user does them -----------------------------------------


def answer_counts(page, code: str) -> dict[str, int] | None:
    result = next((r for r in page.context["results"] if r.code == code), None)
    if result is None or result.suppressed:
        return None
    return {"answered": result.answered, **{c.value: c.count for c in result.choices}}


@pytest.mark.django_db
def test_all_youth_minus_each_shown_wave_never_leaves_fewer_than_five(client_for, personas, fielded):
    client = client_for(personas.state_supervisor)
    url = reverse("surveys:results")
    total = answer_counts(client.get(url, {"group": "youth"}), "overall_satisfaction")
    assert total is not None and total["answered"] == 18  # the total still counts every youth

    left = dict(total)
    hidden_waves = []
    for wave in fielded:
        part = answer_counts(client.get(url, {"group": "youth", "wave": wave.pk}), "overall_satisfaction")
        if part is None:
            hidden_waves.append(wave.name)
            continue
        left = {k: left[k] - part[k] for k in left}
    # W3's single youth is hidden, and so is another wave: what subtraction leaves covers >= 5.
    assert "W3" in hidden_waves and len(hidden_waves) >= 2
    assert left["answered"] >= MIN


@pytest.mark.django_db
def test_statewide_quarterly_csv_minus_an_agency_csv_does_not_give_the_small_agency(client_for, personas, fielded):
    url = reverse("reports:quarterly_export", args=["csv"])
    client = client_for(personas.state_supervisor)

    def survey_rows(agency: str) -> dict[tuple[str, str], dict[str, str]]:
        rows = rows_of(client.get(url, {"quarter": "2026Q1", "agency": agency}))
        return {(r["indicator_code"], r["respondent_group"]): r for r in rows if r["source"] == "Stakeholder survey"}

    state, own, small = survey_rows("all"), survey_rows("6ZA"), survey_rows("6ZB")
    youth = ("overall_satisfaction", "Youth in care (12 and over)")
    assert small[youth]["status"] == "SUPPRESSED" and small[youth]["denominator"] == ""  # 4 youth in 6ZB
    for key, row in state.items():
        if row["denominator"] and own.get(key, {}).get("denominator"):
            difference = int(row["denominator"]) - int(own[key]["denominator"])
            assert difference == 0 or difference >= MIN, key


@pytest.mark.django_db
def test_suppressed_rows_print_no_count_anywhere(client_for, personas, fielded):
    client = client_for(personas.state_supervisor)
    aggregates = rows_of(client.get(reverse("surveys:export_aggregates")))
    suppressed = [r for r in aggregates if r["suppressed"] == "yes"]
    assert suppressed, "the fixture has small cells"
    for row in suppressed:
        numbers = ("count", "percent", "percent_favourable", "n_favourable_base")
        assert all(row[k] == "" for k in numbers), row
    # The number of respondents is printed only for a cell that is itself shown (a question in it
    # may still be suppressed when few answered it); never for W3's 6ZA youth or W1's 6ZB youth.
    assert all(r["responses"] == "" or int(r["responses"]) >= MIN for r in aggregates)
    youth_counts = {(r["wave"], r["agency"]): r["responses"] for r in aggregates if r["group"] == "youth"}
    assert youth_counts[("W3", "6ZA")] == "" and youth_counts[("W1", "6ZB")] == ""

    page = client.get(reverse("surveys:results"), {"question": "overall_satisfaction"})
    for rows in page.context["breakdowns"].values():
        for row in rows:
            if row.suppressed:
                assert row.responses is None and row.result.answered == 0 and row.result.choices == []
    html = page.content.decode()
    # Only W3's 6ZB resource parents (5) are a shown cell here; every youth cell is hidden (the
    # single W3 youth, W2's 2 in July and W1's 4 in 6ZB each need partners).
    assert "6ZB resource comment" in html
    assert "youth comment" not in html and html.count("resource comment") == 5
    assert "Comments from suppressed groups of respondents are not shown." in html
    assert "comments from breakdowns" not in html  # no count of withheld comments


# --- every published figure, attacked exactly -------------------------------------------------


def published_sets(client, waves, agencies, personas) -> dict[str, list[frozenset[int]]]:
    """For each question code, the sets of respondents over which a figure was shown."""
    submitted = Response.objects.filter(status="submitted")
    figures: dict[str, list[frozenset[int]]] = defaultdict(list)

    def ids(qs) -> frozenset[int]:
        return frozenset(qs.values_list("pk", flat=True))

    url = reverse("surveys:results")
    for wave in [None, *waves]:
        for agency in [None, *agencies]:
            for group in [None, "youth", "resource"]:
                params = {k: v for k, v in (("wave", wave and wave.pk), ("agency", agency and agency.pk)) if v}
                if group:
                    params["group"] = group
                selection = submitted
                if wave:
                    selection = selection.filter(wave=wave)
                if agency:
                    selection = selection.filter(agency=agency)
                if group:
                    selection = selection.filter(group=group)
                for question in ("overall_satisfaction", "cm_changed_why"):
                    page = client.get(url, {**params, "question": question})
                    assert page.status_code == 200
                    for result in page.context["results"]:
                        if not result.suppressed and result.kind != "long_text":
                            figures[result.code].append(ids(selection))
                    field = {"agency": "agency__code", "group": "group", "wave": "wave__name"}
                    for by, rows in page.context["breakdowns"].items():
                        for row in rows:
                            if not row.suppressed:
                                label = {"Youth in care (12 and over)": "youth"}.get(row.label, row.label)
                                label = {"Foster and resource parents": "resource"}.get(label, label)
                                figures[question].append(ids(selection.filter(**{field[by]: label})))
                measure = client.get(reverse("surveys:measure", args=["worker_child_visits"]), params)
                for row in measure.context["rows"]:
                    if not row.result.suppressed:
                        figures[row.result.code].append(ids(selection.filter(group=row.group)))
    for row in rows_of(client.get(reverse("surveys:export_aggregates"))):
        if row["suppressed"] == "no":
            cell = submitted.filter(wave__name=row["wave"], agency__code=row["agency"], group=row["group"])
            figures[row["question"]].append(ids(cell))
    report_url = reverse("reports:quarterly_export", args=["csv"])
    groups = {"Youth in care (12 and over)": "youth", "Foster and resource parents": "resource"}
    for quarter, (start, end) in {
        "2026Q1": (date(2026, 1, 1), date(2026, 3, 31)),
        "2026Q2": (date(2026, 4, 1), date(2026, 6, 30)),
        "2026Q3": (date(2026, 7, 1), date(2026, 9, 30)),
    }.items():
        for scope in ["all", *(a.code for a in agencies)]:
            rows = rows_of(client.get(report_url, {"quarter": quarter, "agency": scope}))
            for row in rows:
                if row["source"] == "Stakeholder survey" and row["denominator"]:
                    selection = submitted.filter(
                        submitted_on__gte=start, submitted_on__lte=end, group=groups[row["respondent_group"]]
                    )
                    if scope != "all":
                        selection = selection.filter(agency__code=scope)
                    figures[row["indicator_code"]].append(ids(selection))
    return figures


def known_answers(client) -> dict[str, set[int]]:
    """Respondents whose answer to each question the responses export gives (rows are anonymous,
    but a cell's rows are all there or none, so a non-empty column names all its answerers)."""
    rows = rows_of(client.get(reverse("surveys:export_responses")))
    known: dict[str, set[int]] = defaultdict(set)
    by_cell: dict[tuple, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_cell[(row["wave"], row["agency"], row["group"], row["submitted_month"])].append(row)
    for (wave, agency, group, month), cell_rows in by_cell.items():
        year, number = map(int, month.split("-"))
        cell = Response.objects.filter(
            status="submitted",
            wave__name=wave,
            agency__code=agency,
            group=group,
            submitted_on__year=year,
            submitted_on__month=number,
        )
        assert cell.count() == len(cell_rows)  # a cell is exported whole or not at all
        for code in cell_rows[0]:
            answered = Answer.objects.filter(response__in=cell, question__code=code)
            given = sum(1 for r in cell_rows if r[code] != "")
            if code in ("row", "wave", "agency", "group", "language", "submitted_month"):
                continue
            assert given in (0, answered.count()), (code, wave, agency, group, month)
            if given:
                known[code] |= set(answered.values_list("response_id", flat=True))
    return known


@pytest.mark.django_db
def test_no_sum_or_difference_of_published_figures_reveals_fewer_than_five(client_for, personas, fielded, agency):
    client = client_for(personas.state_supervisor)
    agencies = [agency("6ZA"), agency("6ZB")]
    figures = published_sets(client, fielded, agencies, personas)
    known = known_answers(client)
    assert figures["overall_satisfaction"] and known["overall_satisfaction"]

    for code, sets in figures.items():
        answerers = set(Answer.objects.filter(question__code=code).values_list("response_id", flat=True))
        hidden = sorted(answerers - known[code])
        masses = {(r,): 1 for r in hidden}
        boxes = [frozenset((r,) for r in s & answerers) for s in sets]
        leaks = recoverable_small_sets(masses, boxes, [(r,) for r in hidden], MIN)
        # Only whole sets of respondents of size < 5 are a leak; one respondent is size 1.
        assert not [leak for leak in leaks if len(leak) < MIN], (code, leaks[:3])


@pytest.mark.django_db
def test_the_cells_behind_a_multi_agency_users_total_must_all_be_shown(client_for, make_user, fielded, agency):
    """'All my agencies' of a user in 6ZA and 6ZB is not a box of the pattern: shown only as a sum."""
    both = make_user("both", ("supervisor", "6ZA"), ("supervisor", "6ZB"))
    page = client_for(both).get(reverse("surveys:results"), {"group": "youth", "wave": fielded[0].pk})
    # W1 youth: 6ZA 6, 6ZB 4: the 6ZB part is hidden, so the two-agency total is not shown either
    # (here it is also the statewide box, which is protected the same way).
    [sat] = [r for r in page.context["results"] if r.code == "overall_satisfaction"]
    by_agency = {row.label: row.suppressed for row in page.context["breakdowns"]["agency"]}
    assert by_agency["6ZB"] is True
    if not sat.suppressed:
        assert by_agency["6ZA"] is True  # then 6ZA must be hidden, or total - 6ZA = 6ZB


# --- the pure module on random tables ---------------------------------------------------------


def published_boxes(pattern: suppression.Pattern, family: suppression.Family) -> list[frozenset]:
    boxes = set()
    for mask in family.masks():
        buckets: dict[tuple, set] = defaultdict(set)
        for cell in pattern.masses:
            buckets[suppression.box_key(cell, mask)].add(cell)
        boxes |= {frozenset(b) for b in buckets.values() if pattern.shows(b)}
    return list(boxes)


cells_strategy = st.dictionaries(
    keys=st.tuples(st.integers(0, 2), st.sampled_from(["q1", "q2"]), st.integers(0, 2), st.sampled_from(["y", "r"])),
    values=st.sampled_from([1, 2, 3, 4, 5, 6, 9, 20]),
    min_size=1,
    max_size=14,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(masses=cells_strategy, threshold=st.sampled_from([3, 5]))
def test_no_small_set_of_hidden_cells_is_computable_from_what_is_shown(masses, threshold):
    pattern = suppression.protect(masses, threshold, CELL_FAMILY)
    shown = published_boxes(pattern, CELL_FAMILY)

    assert all(sum(masses[c] for c in box) >= threshold for box in shown)
    assert {c for c, m in masses.items() if m < threshold} <= pattern.hidden_cells
    assert recoverable_small_sets(masses, shown, pattern.hidden_cells, threshold) == []
    # Sums over agency subsets ("all my agencies" of a user in two agencies) add nothing new.
    subsets = [frozenset(c for c in masses if c[2] in agencies) for agencies in ({0, 1}, {1, 2}, {0, 2})]
    extra = [s for s in subsets if s and pattern.shows(s)]
    assert recoverable_small_sets(masses, shown + extra, pattern.hidden_cells, threshold) == []


def test_the_attacker_finds_a_leak_when_only_the_small_cell_is_hidden():
    """The attacker is not blind: primary suppression alone leaks, as in the finding."""
    masses = {("w1", "q", "6ZA", "y"): 6, ("w1", "q", "6ZB", "y"): 4}
    total = frozenset(masses)
    only_big = frozenset([("w1", "q", "6ZA", "y")])
    assert recoverable_small_sets(masses, [total, only_big], [("w1", "q", "6ZB", "y")], MIN) == [
        (("w1", "q", "6ZB", "y"),)
    ]
    assert null_space([[1, 1]], 2) == [[-1, 1]]


def test_a_small_cell_and_its_complement_in_a_two_agency_table():
    masses = {("w1", "q", "6ZA", "y"): 6, ("w1", "q", "6ZB", "y"): 4}
    pattern = suppression.protect(masses, MIN, CELL_FAMILY)
    assert pattern.hidden_cells == frozenset(masses)  # 6ZB (4) and, complementary, 6ZA
    assert pattern.shows(masses)  # the total of 10 still counts both
    assert not pattern.shows([("w1", "q", "6ZA", "y")])
