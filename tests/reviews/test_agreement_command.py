"""The agreement command over hand-built calibration pairs: which pairs count, the JSON and the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from reviews import agreement
from reviews.instrument.items import SCORING_ORDER
from reviews.instrument.outcomes import OUTCOME_KEYS
from reviews.models import DualReview, ItemRating, OutcomeRating, Review

from .factories import make_case

pytestmark = pytest.mark.django_db
S = Review.Status

# Item 14 over ten pairs: 5 Strength/Strength, 3 ANI/ANI, 1 Strength/ANI, 1 ANI/Strength.
# p_o = 8/10; both reviewers 6 Strength and 4 ANI: p_e = 0.36 + 0.16 = 0.52; kappa = 0.28 / 0.48 = 7/12.
ITEM_14 = [("STRENGTH", "STRENGTH")] * 5 + [("ANI", "ANI")] * 3 + [("STRENGTH", "ANI"), ("ANI", "STRENGTH")]
# Outcome WB1 over the same ten pairs: always the same value, two values used: kappa 1.
WB1 = [("SUBSTANTIALLY_ACHIEVED", "SUBSTANTIALLY_ACHIEVED")] * 6 + [("NOT_ACHIEVED", "NOT_ACHIEVED")] * 4


def make_pair(n, item_14, wb1, agency="6ZA", quarter="2023Q3", statuses=(S.SUBMITTED, S.APPROVED)):
    """A calibration case with two reviews; item 3 Strength on both, item 14 and WB1 as given."""
    case = make_case(f"AGR-{agency}-{quarter}-{n:02d}", agency=agency)
    sides = []
    for status, r14, rwb1 in zip(statuses, item_14, wb1, strict=True):
        review = Review.objects.create(case=case, pur_start=dt.date(2023, 4, 1), calibration=True, status=status)
        ItemRating.objects.create(review=review, item="3", calculated="STRENGTH", effective="STRENGTH")
        ItemRating.objects.create(review=review, item="14", calculated=r14, effective=r14)
        OutcomeRating.objects.create(review=review, outcome="WB1", calculated=rwb1, effective=rwb1)
        sides.append(review)
    marker = User.objects.get_or_create(username="qa_marker")[0]
    return DualReview.objects.create(quarter=quarter, case=case, marked_by=marker, first=sides[0], second=sides[1])


@pytest.fixture
def pairs():
    for n, (r14, rwb1) in enumerate(zip(ITEM_14, WB1, strict=True)):
        make_pair(n, r14, rwb1)
    # Not counted: another agency (unless all), another quarter, a side still in progress or returned.
    make_pair(11, ("ANI", "STRENGTH"), ("NA", "NOT_ACHIEVED"), agency="6ZB")
    make_pair(12, ("ANI", "STRENGTH"), ("NA", "NOT_ACHIEVED"), quarter="2023Q4")
    make_pair(13, ("ANI", "STRENGTH"), ("NA", "NA"), statuses=(S.SUBMITTED, S.IN_PROGRESS))
    make_pair(14, ("ANI", "STRENGTH"), ("NA", "NA"), statuses=(S.RETURNED, S.FINALIZED))
    # A QA override on one side does not change the reviewer's own (calculated) rating.
    first_side = DualReview.objects.get(case__case_id="AGR-6ZA-2023Q3-00").first
    ItemRating.objects.filter(review=first_side, item="14").update(effective="ANI", override="ANI")


def run(*args) -> str:
    out = io.StringIO()
    call_command("agreement", *args, stdout=out)
    return out.getvalue()


def rows(result, kind):
    return {row["key"]: row for row in result[kind]}


def test_json_for_one_agency(pairs):
    result = json.loads(run("--quarter", "2023q3", "--agency", "6za"))
    assert (result["quarter"], result["scope"], result["pairs"]) == ("2023Q3", "6ZA", 10)
    assert [row["key"] for row in result["items"]] == list(SCORING_ORDER)
    assert [row["key"] for row in result["outcomes"]] == list(OUTCOME_KEYS)
    items, outcomes = rows(result, "items"), rows(result, "outcomes")
    low, high = agreement.agreement(ITEM_14).ci
    assert items["14"] == {
        "key": "14",
        "pairs": 10,
        "percent_agreement": "80.0",
        "kappa": "0.58",  # 7/12
        "kappa_ci": [agreement.round_half_up(low, 2), agreement.round_half_up(high, 2)],
        "flagged": True,  # below 0.6
    }
    # Item 3: always Strength on both sides: 100 % agreement, kappa undefined, flagged.
    assert items["3"] == {
        "key": "3",
        "pairs": 10,
        "percent_agreement": "100.0",
        "kappa": None,
        "kappa_ci": None,
        "flagged": True,
    }
    assert outcomes["WB1"] == {
        "key": "WB1",
        "pairs": 10,
        "percent_agreement": "100.0",
        "kappa": "1.00",
        "kappa_ci": ["1.00", "1.00"],
        "flagged": False,
    }
    # Items no pair rated: no pairs, flagged.
    assert items["1"]["pairs"] == 0 and items["1"]["kappa"] is None and items["1"]["flagged"]


def test_all_agencies(pairs):
    result = json.loads(run("--quarter", "2023Q3"))
    assert (result["scope"], result["pairs"]) == ("all", 11)
    assert rows(result, "items")["14"]["pairs"] == 11
    assert rows(result, "items")["14"]["percent_agreement"] == "72.7"  # 8 of 11


def test_csv(pairs):
    table = list(csv.reader(io.StringIO(run("--quarter", "2023Q3", "--agency", "6ZA", "--format", "csv"))))
    assert table[0] == [
        "kind",
        "key",
        "pairs",
        "percent_agreement",
        "kappa",
        "kappa_ci_low",
        "kappa_ci_high",
        "flagged",
    ]
    by_key = {(r[0], r[1]): r for r in table[1:]}
    assert len(table) == 1 + len(SCORING_ORDER) + len(OUTCOME_KEYS)
    assert by_key[("item", "14")][2:5] == ["10", "80.0", "0.58"]
    assert by_key[("item", "3")][2:] == ["10", "100.0", "", "", "", "yes"]
    assert by_key[("outcome", "WB1")][2:] == ["10", "100.0", "1.00", "1.00", "1.00", "no"]


def test_bad_arguments():
    with pytest.raises(CommandError, match="must look like 2023Q3"):
        run("--quarter", "2023-07")
    with pytest.raises(CommandError, match="no agency 'XYZ'"):
        run("--quarter", "2023Q3", "--agency", "XYZ")
