"""Inter-rater agreement for calibration (dual) reviews: pure functions, no Django import.

Two reviewers rate the same cases; each pair is ``(first, second)``, two category labels
(``"STRENGTH"``, ``"ANI"``, ``"NA"`` for items; the four outcome values for outcomes).

Percent agreement
    p_o = (number of pairs with the same label) / n.

Cohen's kappa (Cohen 1960), nominal categories, unweighted
    p_e = sum_i p_i. * p_.i        (p_i. = share of the first reviewer's labels equal to i,
                                    p_.i = the same for the second reviewer)
    kappa = (p_o - p_e) / (1 - p_e)

    Kappa is undefined (``None``) when p_e = 1: both reviewers used one and the same category
    for every pair, so there is no variation to agree on beyond chance (0 / 0). With no pairs
    at all, percent agreement and kappa are both ``None``.

Standard error and 95 % confidence interval
    The large-sample standard error of Fleiss, Cohen & Everitt (1969), "Large sample standard
    errors of kappa and weighted kappa", Psychological Bulletin 72(5), 323-327 (the one
    statsmodels' ``cohens_kappa`` reports as ``std_kappa``), with p_ij the share of pairs rated
    i by the first reviewer and j by the second:

        A = sum_i p_ii * (1 - (p_i. + p_.i) * (1 - kappa))^2
        B = (1 - kappa)^2 * sum_{i != j} p_ij * (p_.i + p_j.)^2
        C = (kappa - p_e * (1 - kappa))^2
        Var(kappa) = (A + B - C) / (n * (1 - p_e)^2),     SE = sqrt(Var(kappa))

    95 % CI = kappa -/+ 1.959964 * SE, each bound clipped to [-1, 1] (kappa cannot leave that
    range; the normal approximation can). It is ``None`` when kappa is.

Flagging
    An item or outcome is flagged when it has fewer than ``MIN_PAIRS`` (10) pairs or its kappa
    is below ``KAPPA_THRESHOLD`` (0.6), or kappa is undefined: too few pairs to trust, or
    agreement not clearly beyond chance.

Rounding
    The ``stat_row`` strings are rounded half-up: percent agreement to one decimal ("85.0"),
    kappa and the CI bounds to two ("0.62").
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MIN_PAIRS = 10
KAPPA_THRESHOLD = 0.6
Z_95 = 1.959963984540054  # the 97.5 % quantile of the standard normal distribution

Pair = tuple[str, str]


@dataclass(frozen=True)
class Agreement:
    """Agreement over n pairs; kappa, se and ci are None when kappa is undefined."""

    pairs: int
    percent_agreement: Fraction | None  # 0-100, exact
    kappa: Fraction | None  # exact
    se: float | None
    ci: tuple[float, float] | None

    @property
    def flagged(self) -> bool:
        return is_flagged(self.kappa, self.pairs)


def is_flagged(kappa: Fraction | float | None, pairs: int) -> bool:
    """Fewer than MIN_PAIRS pairs, or kappa below KAPPA_THRESHOLD or undefined."""
    return pairs < MIN_PAIRS or kappa is None or kappa < KAPPA_THRESHOLD


def percent_agreement(pairs: Sequence[Pair]) -> Fraction | None:
    """Share of pairs with the same label, in percent (exact); None with no pairs."""
    if not pairs:
        return None
    return Fraction(100 * sum(1 for a, b in pairs if a == b), len(pairs))


def _proportions(pairs: Sequence[Pair]):
    n = len(pairs)
    cells = {cell: Fraction(count, n) for cell, count in Counter(pairs).items()}
    rows = {k: Fraction(v, n) for k, v in Counter(a for a, _ in pairs).items()}
    cols = {k: Fraction(v, n) for k, v in Counter(b for _, b in pairs).items()}
    categories = sorted(set(rows) | set(cols))
    return n, cells, rows, cols, categories


def cohens_kappa(pairs: Sequence[Pair]) -> Fraction | None:
    """Cohen's (1960) unweighted kappa, exact; None with no pairs or when p_e = 1."""
    return agreement(pairs).kappa


def agreement(pairs: Iterable[Pair]) -> Agreement:
    """Percent agreement, kappa, its FCE (1969) standard error and 95 % CI over the pairs.

    Percent agreement and kappa are exact fractions (so rounding half-up is exact); the
    standard error and the interval are floats.
    """
    pairs = [(str(a), str(b)) for a, b in pairs]
    if not pairs:
        return Agreement(0, None, None, None, None)
    n, cells, rows, cols, categories = _proportions(pairs)
    zero = Fraction(0)
    p_o = sum((cells.get((c, c), zero) for c in categories), zero)
    p_e = sum((rows.get(c, zero) * cols.get(c, zero) for c in categories), zero)
    if p_e == 1:
        return Agreement(n, 100 * p_o, None, None, None)
    kappa = (p_o - p_e) / (1 - p_e)
    a = sum(
        (
            cells.get((c, c), zero) * (1 - (rows.get(c, zero) + cols.get(c, zero)) * (1 - kappa)) ** 2
            for c in categories
        ),
        zero,
    )
    b = (1 - kappa) ** 2 * sum(
        (p * (cols.get(i, zero) + rows.get(j, zero)) ** 2 for (i, j), p in cells.items() if i != j), zero
    )
    c = (kappa - p_e * (1 - kappa)) ** 2
    variance = (a + b - c) / (n * (1 - p_e) ** 2)
    se = math.sqrt(max(variance, 0))
    k = float(kappa)
    ci = (max(-1.0, k - Z_95 * se), min(1.0, k + Z_95 * se))
    return Agreement(n, 100 * p_o, kappa, se, ci)


def round_half_up(value: Fraction | float | None, places: int) -> str | None:
    """Half-up decimal string: Fraction(5, 8) -> '0.63' at two places; None stays None.

    Fractions are rounded exactly; floats (the CI bounds) through their shortest repr.
    """
    if value is None:
        return None
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)  # 28 significant digits
    else:
        exact = Decimal(repr(value))
    result = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if result == 0:
        result = abs(result)  # never "-0.00"
    return format(result, "f")


def stat_row(key: str, pairs: Iterable[Pair]) -> dict:
    """The JSON row of the agreement command for one item or outcome."""
    result = agreement(pairs)
    return {
        "key": key,
        "pairs": result.pairs,
        "percent_agreement": round_half_up(result.percent_agreement, 1),
        "kappa": round_half_up(result.kappa, 2),
        "kappa_ci": None if result.ci is None else [round_half_up(x, 2) for x in result.ci],
        "flagged": result.flagged,
    }
