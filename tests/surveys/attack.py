"""An exact attacker for small-cell suppression: what can be computed from published figures.

Published figures are sums over boxes of cells. The attacker knows every published box and every
published cell; the hidden cells are unknowns. A set T of hidden cells has a computable total
exactly when its indicator vector lies in the row space of the published boxes (restricted to
the hidden cells), i.e. when it is orthogonal to every vector of the null space. Exact rational
arithmetic (fractions), so no rounding can hide a leak.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from itertools import combinations

from surveys.suppression import Cell


def null_space(rows: list[list[int]], width: int) -> list[list[Fraction]]:
    """A basis of {x : row . x = 0 for every row}, by Gauss-Jordan elimination over the rationals."""
    matrix = [[Fraction(v) for v in row] for row in rows]
    pivots: list[int] = []
    r = 0
    for col in range(width):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][col]
        matrix[r] = [v / lead for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][col] != 0:
                factor = matrix[i][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(col)
        r += 1
        if r == len(matrix):
            break
    free = [c for c in range(width) if c not in pivots]
    basis = []
    for f in free:
        vector = [Fraction(0)] * width
        vector[f] = Fraction(1)
        for row_index, col in enumerate(pivots):
            vector[col] = -matrix[row_index][f]
        basis.append(vector)
    return basis


def recoverable_small_sets(
    masses: dict[Cell, int], published_boxes: Iterable[frozenset[Cell]], hidden: Iterable[Cell], min_cell: int
) -> list[tuple[Cell, ...]]:
    """Every set of hidden cells with fewer than `min_cell` respondents whose total can be computed."""
    hidden = sorted(hidden, key=repr)
    column = {cell: i for i, cell in enumerate(hidden)}
    rows = []
    for box in published_boxes:
        row = [0] * len(hidden)
        for cell in box:
            if cell in column:
                row[column[cell]] = 1
        if any(row):
            rows.append(row)
    basis = null_space(rows, len(hidden))
    small = [c for c in hidden if masses[c] < min_cell]
    found = []
    for size in range(1, min_cell):
        for subset in combinations(small, size):
            if sum(masses[c] for c in subset) >= min_cell:
                continue
            if all(sum(vector[column[c]] for c in subset) == 0 for vector in basis):
                found.append(subset)
    return found
