"""The agreement page (QA reviewers and supervisors, scoped), its exports, per-pair and against-consensus
figures, and each reviewer's own disagreement record."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from reviews import calibration
from reviews.models import DualReview, ItemRating, Review
from tests.reviews.factories import make_case

pytestmark = pytest.mark.django_db
S = Review.Status


def pair(n, r14_a, r14_b, users, consensus_14=None, agency="6ZA", quarter="2023Q3", r3=("STRENGTH", "STRENGTH")):
    """A submitted calibration pair: item 14 and item 3 as given; reviewers users[0] (A) and users[1] (B)."""
    case = make_case(f"AGP-{agency}-{quarter}-{n:02d}", agency=agency)
    sides = []
    for user, r14, rv3 in zip(users, (r14_a, r14_b), r3, strict=True):
        review = Review.objects.create(
            case=case, pur_start=dt.date(2023, 4, 1), calibration=True, status=S.SUBMITTED, pur_end=dt.date(2023, 8, 1)
        )
        review.reviewers.add(user)
        ItemRating.objects.create(review=review, item="14", calculated=r14, effective=r14)
        ItemRating.objects.create(review=review, item="3", calculated=rv3, effective=rv3)
        sides.append(review)
    dual = DualReview.objects.create(quarter=quarter, case=case, marked_by=users[0], first=sides[0], second=sides[1])
    if consensus_14:
        consensus = Review.objects.create(case=case, pur_start=dt.date(2023, 4, 1), status=S.SUBMITTED)
        ItemRating.objects.create(review=consensus, item="14", calculated=consensus_14, effective=consensus_14)
        ItemRating.objects.create(review=consensus, item="3", calculated="STRENGTH", effective="STRENGTH")
        dual.consensus = consensus
        dual.save()
    return dual


@pytest.fixture
def world(personas, make_user):
    """6ZA: reviewer_a with reviewer_a2 on 4 cases; reviewer_a2 with reviewer_a3 on 2 cases. 6ZB: one pair."""
    a2 = make_user("reviewer_a2", ("reviewer", "6ZA"), first_name="Alex", last_name="Second")
    a3 = make_user("reviewer_a3", ("reviewer", "6ZA"), first_name="Ana", last_name="Third")
    ra = personas.reviewer_a
    # reviewer_a vs reviewer_a2 on item 14: S/S, A/A, S/A, A/S; consensus S, A, A, S.
    pair(1, "STRENGTH", "STRENGTH", (ra, a2), "STRENGTH")
    pair(2, "ANI", "ANI", (ra, a2), "ANI")
    pair(3, "STRENGTH", "ANI", (ra, a2), "ANI")
    pair(4, "ANI", "STRENGTH", (ra, a2), "STRENGTH")
    # reviewer_a2 vs reviewer_a3: perfect agreement, both categories.
    pair(5, "STRENGTH", "STRENGTH", (a2, a3))
    pair(6, "ANI", "ANI", (a2, a3))
    pair(7, "ANI", "STRENGTH", (personas.reviewer_b, make_user("reviewer_b2", ("reviewer", "6ZB"))), agency="6ZB")
    return {"a2": a2, "a3": a3}


def by_key(rows):
    return {row["key"]: row for row in rows}


def test_per_pair_and_against_the_consensus(world, agency):
    stats = calibration.reviewer_statistics("2023Q3", agency("6ZA"))
    pairs = by_key(stats["pairs"])
    assert set(pairs) == {"Alex Second and Rita Reviewer", "Alex Second and Ana Third"}
    # Rita and Alex: item 14 agrees 2 of 4, item 3 always Strength: 6 of 8 pooled.
    ra = pairs["Alex Second and Rita Reviewer"]
    assert (ra["cases"], ra["pairs"], ra["percent_agreement"]) == (4, 8, "75.0")
    # Hand computed: first S 2+4=6 of 8 (item 3 four S; item 14 S, A, S, A), second 6 of 8: p_e = 0.75^2 + 0.25^2
    # = 0.625; p_o = 0.75; kappa = 0.125 / 0.375 = 1/3.
    assert ra["kappa"] == "0.33" and ra["flagged"]
    # Alex and Ana: perfect agreement over two categories: kappa 1, but fewer than 10 pairs: flagged.
    aa = pairs["Alex Second and Ana Third"]
    assert (aa["pairs"], aa["percent_agreement"], aa["kappa"], aa["flagged"]) == (4, "100.0", "1.00", True)
    reviewers = by_key(stats["reviewers"])
    # Only the reconciled cases count against the consensus: Rita's 14 matches 2 of 4 (S, A, -, -).
    assert set(reviewers) == {"Rita Reviewer", "Alex Second"}
    rita, alex = reviewers["Rita Reviewer"], reviewers["Alex Second"]
    assert (rita["cases"], rita["pairs"], rita["percent_agreement"]) == (4, 8, "75.0")
    assert (alex["cases"], alex["pairs"], alex["percent_agreement"]) == (4, 8, "100.0")
    assert alex["kappa"] == "1.00"


def test_one_category_only_leaves_kappa_undefined(personas, make_user):
    a2 = make_user("reviewer_a2", ("reviewer", "6ZA"))
    for n in range(3):
        pair(n, "STRENGTH", "STRENGTH", (personas.reviewer_a, a2), "STRENGTH")
    stats = calibration.reviewer_statistics("2023Q3")
    (row,) = stats["pairs"]
    assert (row["percent_agreement"], row["kappa"], row["kappa_ci"], row["flagged"]) == ("100.0", None, None, True)


def test_a_federal_fiscal_year_covers_its_four_quarters(world, agency):
    pair(8, "ANI", "ANI", (world["a2"], world["a3"]), quarter="2022Q4")
    pair(9, "ANI", "ANI", (world["a2"], world["a3"]), quarter="2023Q4")  # FFY2024
    assert calibration.period_quarters("ffy2023") == ["2022Q4", "2023Q1", "2023Q2", "2023Q3"]
    assert calibration.agreement_statistics("FFY2023", agency("6ZA"))["pairs"] == 7
    assert calibration.agreement_statistics("2023Q3", agency("6ZA"))["pairs"] == 6
    with pytest.raises(calibration.CalibrationError):
        calibration.period_quarters("2023")


def test_the_agreement_page_for_a_qa_reviewer(world, personas, client_for):
    client = client_for(personas.qa_a)
    page = client.get(reverse("reviews:agreement")).content.decode()
    # Their agency by default, the latest quarter with calibration cases.
    assert 'id="agreement-pairs">6<' in page
    assert 'data-kappa="14"' in page and "Flagged: fewer than 10 pairs (6)" in page
    assert "Alex Second and Rita Reviewer" in page
    assert 'id="chart-kappa"' in page
    assert "AGP-6ZB" not in page
    # Another agency: 404; statewide: 403 without a statewide role.
    assert client.get(reverse("reviews:agreement"), {"agency": "6ZB"}).status_code == 404
    assert client.get(reverse("reviews:agreement"), {"agency": "all"}).status_code == 403
    bad = client.get(reverse("reviews:agreement"), {"period": "2023"})
    assert bad.status_code == 200 and "must be a quarter like 2023Q3 or a federal fiscal year" in bad.content.decode()
    assert 'value="2023"' in bad.content.decode()  # the input is kept


def test_who_may_open_the_agreement_page(world, personas, client_for):
    url = reverse("reviews:agreement")
    for user in (personas.reviewer_a, personas.admin_a):
        assert client_for(user).get(url).status_code == 403
    assert client_for(personas.supervisor_a).get(url).status_code == 200
    state = client_for(personas.state_supervisor).get(url, {"agency": "all", "period": "2023Q3"})
    assert 'id="agreement-pairs">7<' in state.content.decode()
    # A supervisor in 6ZA who reviews in 6ZB: 6ZA's figures only.
    mixed = client_for(personas.supervisor_a_reviewer_b)
    assert mixed.get(url, {"agency": "6ZB"}).status_code == 403
    assert 'id="agreement-pairs">6<' in mixed.get(url).content.decode()


def test_the_exports(world, personas, client_for):
    client = client_for(personas.qa_a)
    response = client.get(reverse("reviews:agreement_export", args=["csv"]), {"period": "2023Q3", "agency": "6ZA"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Kind", "Item or outcome", "Pairs", "% agreement", "Kappa"]
    item_14 = next(r for r in rows if r[:2] == ["item", "14"])
    # 6 pairs: S/S, A/A, S/A, A/S, S/S, A/A: p_o = 4/6; each reviewer 3 S, 3 A: p_e = 0.5; kappa = 1/3.
    assert item_14[2:5] == ["6", "66.7", "0.33"]
    assert item_14[7:] == ["yes", "fewer than 10 pairs (6); kappa below 0.6"]
    response = client.get(reverse("reviews:agreement_export", args=["xlsx"]), {"agency": "6ZA"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Inter-rater agreement"
    assert any(row[:3] == ["item", "14", 6] for row in values)
    assert client.get(reverse("reviews:agreement_export", args=["csv"]), {"agency": "6ZB"}).status_code == 404


def test_each_reviewer_sees_only_their_own_record(world, personas, client_for):
    rows = by_key(calibration.feedback(personas.reviewer_a))
    assert (rows["14"]["cases"], rows["14"]["partner"], rows["14"]["reconciled"], rows["14"]["consensus"]) == (
        4,
        2,
        4,
        2,
    )
    assert rows["3"]["partner"] == 0
    page = client_for(personas.reviewer_a).get(reverse("reviews:my_agreement")).content.decode()
    assert 'data-partner="14">2<' in page and "AGP-6ZA-2023Q3-03" in page
    # Ana's record holds her two cases with Alex, none of Rita's.
    ana = client_for(world["a3"]).get(reverse("reviews:my_agreement")).content.decode()
    assert "AGP-6ZA-2023Q3-05" not in ana  # agreed: not listed
    assert "AGP-6ZA-2023Q3-03" not in ana and 'data-partner="14">0<' in ana
    assert client_for(personas.qa_a).get(reverse("reviews:my_agreement")).status_code == 403
    assert not User.objects.get(username="reviewer_b2").assigned_reviews.filter(case__agency__code="6ZA").exists()


def test_reviewers_who_share_a_name_are_counted_apart(personas, make_user):
    """Figures are grouped by user, not by display name: two "Alex Second"s are two reviewers."""
    one = make_user("alex_one", ("reviewer", "6ZA"), first_name="Alex", last_name="Second")
    two = make_user("alex_two", ("reviewer", "6ZA"), first_name="Alex", last_name="Second")
    pair(1, "STRENGTH", "STRENGTH", (personas.reviewer_a, one), "STRENGTH")
    pair(2, "ANI", "STRENGTH", (personas.reviewer_a, two), "ANI")
    stats = calibration.reviewer_statistics("2023Q3")
    pairs = by_key(stats["pairs"])
    assert set(pairs) == {"Alex Second (alex_one) and Rita Reviewer", "Alex Second (alex_two) and Rita Reviewer"}
    assert pairs["Alex Second (alex_one) and Rita Reviewer"]["percent_agreement"] == "100.0"
    assert pairs["Alex Second (alex_two) and Rita Reviewer"]["percent_agreement"] == "50.0"
    reviewers = by_key(stats["reviewers"])
    assert reviewers["Alex Second (alex_two)"]["percent_agreement"] == "50.0"
    assert reviewers["Rita Reviewer"]["cases"] == 2
