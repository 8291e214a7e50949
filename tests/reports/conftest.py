"""The merged-report fixture for 2023Q3: agencies 6ZA and 6ZB, every source with exact numbers.

Expected figures (worked by hand; see tests/reports/test_quarterly.py):
- worker/child visits, 6ZA: Jul 19/20 = 95.0 (E), Aug 18/20 = 90.0 (C), Sep 17/20 = 85.0 (C),
  quarter 54/60 = 90.0 (C), previous quarter 45/60 = 75.0 (B); an older run's July value and a
  non-current extract are ignored.
- item 14, 6ZA: Strength in 2 of 3 applicable reviews (one after a QA override) = 66.7%;
  statewide 2 of 4 = 50.0%. Reviews still in progress, in first-level QA, or ending outside
  the quarter do not count.
- survey question tagged worker_child_visits, youth, 6ZA: 4 favourable of 5 (one "does not
  apply" left out) = 80.0%, n 5; 6ZB alone has 3 responses: suppressed. Statewide counts only the
  agencies' published cells, never 5 of 8 (which would give away 6ZB's 1 of 3). And 6ZA's figure
  is suppressed too: the surveys page's wave total minus the quarter would give 6ZA's 3 June
  answers (complementary suppression, surveys.suppression), so statewide has no published cell.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.reports import helpers as h


@pytest.fixture
def q3(db):
    extract = h.make_extract()
    old = h.make_run(extract)
    h.result(old, "worker_child_visits", "2023-07", "6ZA", 1, 20, "5.0", meets=False, band="A")
    run = h.make_run(extract)
    wcv = "worker_child_visits"
    h.result(run, wcv, "2023-06", "6ZA", 10, 20, "50.0", meets=False, band="A")  # before the quarter
    h.result(run, wcv, "2023-07", "6ZA", 19, 20, "95.0", meets=True, band="E")
    h.result(run, wcv, "2023-08", "6ZA", 18, 20, "90.0", meets=False, band="C")
    h.result(run, wcv, "2023-09", "6ZA", 17, 20, "85.0", meets=False, band="C")
    h.result(run, wcv, "2023-Q3", "6ZA", 54, 60, "90.0", meets=False, band="C")
    h.result(run, wcv, "2023-Q2", "6ZA", 45, 60, "75.0", meets=False, band="B")  # the previous quarter
    h.result(run, wcv, "2023-07", "6ZB", 10, 10, "100.0", meets=True, band="E", small_n=True)
    h.result(run, wcv, "2023-Q3", "6ZB", 10, 10, "100.0", meets=True, band="E", small_n=True)
    h.result(run, wcv, "2023-07", "MO", 29, 30, "96.7", meets=True, band="E", dimension="STATE")
    h.result(run, wcv, "2023-08", "MO", 18, 20, "90.0", meets=False, band="C", dimension="STATE")
    h.result(run, wcv, "2023-09", "MO", 17, 20, "85.0", meets=False, band="C", dimension="STATE")
    h.result(run, wcv, "2023-Q3", "MO", 64, 70, "91.4", meets=False, band="D", dimension="STATE")
    h.result(run, "hcy_exam_30_days", "2023-07", "6ZA", 0, 0, None, benchmark="98.0", status="NO_DENOMINATOR")
    stale = h.make_run(h.make_extract(current=False))
    h.result(stale, wcv, "2023-08", "6ZA", 2, 20, "10.0", meets=False, band="A")
    running = h.make_run(extract, status="RUNNING")
    h.result(running, wcv, "2023-09", "6ZA", 3, 20, "15.0", meets=False, band="A")

    S, A, N = "STRENGTH", "ANI", "NA"
    h.rated_review("6ZA", "finalized", "2023-07-18", {"14": S, "8": N}, {"WB1": "SUBSTANTIALLY_ACHIEVED", "P2": N})
    h.rated_review(
        "6ZA",
        "approved",
        "2023-08-02",
        {"14": A, "8": S},
        {"WB1": "PARTIALLY_ACHIEVED", "P2": "SUBSTANTIALLY_ACHIEVED"},
    )
    h.rated_review(
        "6ZA", "second_level_qa", "2023-09-30", {"14": (A, S), "8": A}, {"WB1": "NOT_ACHIEVED", "P2": "NOT_ACHIEVED"}
    )
    h.rated_review("6ZA", "in_progress", None, {"14": S})
    h.rated_review("6ZA", "first_level_qa", "2023-08-10", {"14": S})
    h.rated_review("6ZA", "returned", "2023-08-11", {"14": S})
    h.rated_review("6ZA", "finalized", "2023-06-30", {"14": S})
    h.rated_review("6ZA", "finalized", "2023-10-01", {"14": S})
    h.rated_review(
        "6ZB", "finalized", "2023-07-20", {"14": A, "8": S}, {"WB1": "NOT_ACHIEVED", "P2": "SUBSTANTIALLY_ACHIEVED"}
    )

    youth, visits = h.tagged_survey("youth", "cm_visits", ("worker_child_visits", "item14"))
    resource, family_time = h.tagged_survey("resource", "family_time", ("parent_child_visits",))
    wave = h.make_wave(youth, resource)
    h.answers(wave, youth, visits, "6ZA", "2023-07-15", "strongly_agree", "strongly_agree", "strongly_agree")
    h.answers(wave, youth, visits, "6ZA", "2023-09-30", "agree", "disagree", "does_not_apply")
    h.answers(wave, youth, visits, "6ZA", "2023-06-30", "strongly_agree", "strongly_agree", "strongly_agree")
    h.answers(wave, youth, visits, "6ZB", "2023-09-15", "disagree", "disagree", "agree")
    h.answers(wave, resource, family_time, "6ZA", "2023-08-01", "agree", "agree")
    return SimpleNamespace(run=run, wave=wave, youth=youth, visits=visits)
