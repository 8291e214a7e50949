"""Percent agreement, Cohen's kappa and its 95 % interval (reviews/agreement.py, no database).

The worked example is Fleiss, Levin & Paik, *Statistical Methods for Rates and Proportions*
(3rd ed., 2003), table 18.1: two psychiatrists diagnose 100 patients as psychotic, neurotic or
organic (the cell proportions below times 100). Kappa is 23/34 = 0.68 there. The standard error
is expanded below by hand, term by term, from Fleiss, Cohen & Everitt (1969), and agrees with
statsmodels' ``cohens_kappa(table).std_kappa`` = 0.08770295347521254 (checked once, outside the
suite: statsmodels is not a dependency).
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import pytest

from reviews import agreement as ag

FLEISS = {
    ("PSY", "PSY"): 75,
    ("PSY", "NEU"): 1,
    ("PSY", "ORG"): 4,
    ("NEU", "PSY"): 5,
    ("NEU", "NEU"): 4,
    ("NEU", "ORG"): 1,
    ("ORG", "ORG"): 10,
}


def expand(table: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    return [cell for cell, count in table.items() for _ in range(count)]


def test_the_fleiss_levin_paik_example_by_hand():
    result = ag.agreement(expand(FLEISS))
    # p_o = (75 + 4 + 10) / 100; rows PSY .80 NEU .10 ORG .10, columns PSY .80 NEU .05 ORG .15
    p_o, p_e = F(89, 100), F(80, 100) * F(80, 100) + F(10, 100) * F(5, 100) + F(10, 100) * F(15, 100)
    assert p_e == F(66, 100)
    kappa = (p_o - p_e) / (1 - p_e)
    assert kappa == F(23, 34)
    q = 1 - kappa
    a = (
        F(75, 100) * (1 - (F(80, 100) + F(80, 100)) * q) ** 2
        + F(4, 100) * (1 - (F(10, 100) + F(5, 100)) * q) ** 2
        + F(10, 100) * (1 - (F(10, 100) + F(15, 100)) * q) ** 2
    )
    # off-diagonal p_ij * (p_.i + p_j.)^2: PSY->NEU, PSY->ORG, NEU->PSY, NEU->ORG
    b = q**2 * (
        F(1, 100) * (F(80, 100) + F(10, 100)) ** 2
        + F(4, 100) * (F(80, 100) + F(10, 100)) ** 2
        + F(5, 100) * (F(5, 100) + F(80, 100)) ** 2
        + F(1, 100) * (F(5, 100) + F(10, 100)) ** 2
    )
    c = (kappa - p_e * q) ** 2
    se = math.sqrt((a + b - c) / (100 * (1 - p_e) ** 2))

    assert result.pairs == 100
    assert result.percent_agreement == 89
    assert result.kappa == F(23, 34)
    assert result.se == pytest.approx(se, rel=1e-12)
    assert result.se == pytest.approx(0.08770295347521254, rel=1e-12)  # statsmodels
    assert result.ci == pytest.approx((0.5045759580860855, 0.8483652183845026), rel=1e-12)
    assert ag.stat_row("14", expand(FLEISS)) == {
        "key": "14",
        "pairs": 100,
        "percent_agreement": "89.0",
        "kappa": "0.68",
        "kappa_ci": ["0.50", "0.85"],
        "flagged": False,
    }


# (description, table, percent agreement, kappa, CI as rounded strings or None)
CASES = [
    (
        "perfect agreement over three categories: kappa 1, no spread",
        {("STRENGTH", "STRENGTH"): 6, ("ANI", "ANI"): 3, ("NA", "NA"): 3},
        F(100),
        F(1),
        ["1.00", "1.00"],
    ),
    (
        "chance-level agreement: two reviewers 50/50 independent of each other, kappa 0",
        {("STRENGTH", "STRENGTH"): 5, ("STRENGTH", "ANI"): 5, ("ANI", "STRENGTH"): 5, ("ANI", "ANI"): 5},
        F(50),
        F(0),
        # by hand: A = 1/2 * (1 - 1)^2 = 0, B = 1/2 * (1/2 + 1/2)^2 = 1/2, C = (0 - 1/2)^2 = 1/4,
        # Var = (0 + 1/2 - 1/4) / (20 * (1/2)^2) = 1/20, SE = 0.2236, 1.96 * SE = 0.438
        ["-0.44", "0.44"],
    ),
    (
        "one category only, both reviewers: p_e = 1, kappa undefined",
        {("STRENGTH", "STRENGTH"): 12},
        F(100),
        None,
        None,
    ),
    (
        "complete disagreement with balanced margins: kappa -1, CI clipped at -1",
        {("STRENGTH", "ANI"): 5, ("ANI", "STRENGTH"): 5},
        F(0),
        F(-1),
        ["-1.00", "-1.00"],
    ),
    (
        "one reviewer always STRENGTH, the other not: p_e < 1, kappa 0",
        {("STRENGTH", "STRENGTH"): 8, ("STRENGTH", "ANI"): 2},
        F(80),
        F(0),
        ["0.00", "0.00"],
    ),
]


@pytest.mark.parametrize(("description", "table", "percent", "kappa", "ci"), CASES, ids=[c[0] for c in CASES])
def test_hand_computed_cases(description, table, percent, kappa, ci):
    pairs = expand(table)
    result = ag.agreement(pairs)
    assert result.pairs == len(pairs)
    assert result.percent_agreement == percent
    assert ag.percent_agreement(pairs) == percent
    assert result.kappa == kappa
    assert ag.cohens_kappa(pairs) == kappa
    row = ag.stat_row("k", pairs)
    assert row["kappa_ci"] == ci
    assert (result.se is None) == (kappa is None)


def test_chance_level_standard_error_by_hand():
    result = ag.agreement(expand(CASES[1][1]))
    assert result.se == pytest.approx(math.sqrt(1 / 20), rel=1e-12)


def test_no_pairs():
    result = ag.agreement([])
    assert (result.pairs, result.percent_agreement, result.kappa, result.ci) == (0, None, None, None)
    assert ag.stat_row("S1", []) == {
        "key": "S1",
        "pairs": 0,
        "percent_agreement": None,
        "kappa": None,
        "kappa_ci": None,
        "flagged": True,
    }


@pytest.mark.parametrize(
    ("kappa", "pairs", "flagged"),
    [
        (F(1), 10, False),
        (F(3, 5), 10, False),  # exactly 0.6 is not below it
        (F(59, 100), 10, True),
        (F(1), 9, True),  # too few pairs
        (None, 40, True),  # undefined kappa says nothing about agreement
        (-0.2, 50, True),
    ],
)
def test_flagging_rule(kappa, pairs, flagged):
    assert ag.is_flagged(kappa, pairs) is flagged


def test_flagged_through_the_result():
    ten_perfect = [("STRENGTH", "STRENGTH")] * 5 + [("ANI", "ANI")] * 5
    assert ag.agreement(ten_perfect).flagged is False
    assert ag.agreement(ten_perfect[1:]).flagged is True  # nine pairs


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (F(5, 8), 2, "0.63"),  # half-up, not half-even (0.62)
        (F(-5, 8), 2, "-0.63"),
        (F(25, 4), 1, "6.3"),  # 6.25 %
        (F(85), 1, "85.0"),
        (F(200, 3), 1, "66.7"),
        (F(-1, 1000), 2, "0.00"),  # never "-0.00"
        (0.125, 2, "0.13"),
        (None, 2, None),
    ],
)
def test_round_half_up(value, places, expected):
    assert ag.round_half_up(value, places) == expected


def test_kappa_exactly_at_a_half_rounds_up_in_the_row():
    # 32 pairs, both margins 50/50, 26 agreements: p_o = 13/16, p_e = 1/2, kappa = 5/8
    table = {("STRENGTH", "STRENGTH"): 13, ("ANI", "ANI"): 13, ("STRENGTH", "ANI"): 3, ("ANI", "STRENGTH"): 3}
    assert ag.cohens_kappa(expand(table)) == F(5, 8)
    assert ag.stat_row("4", expand(table))["kappa"] == "0.63"
    assert ag.stat_row("4", expand(table))["percent_agreement"] == "81.3"  # 81.25


def test_the_module_has_no_django_import():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(ag))
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names} | {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not any(m.startswith("django") for m in modules)
