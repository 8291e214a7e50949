"""Small-cell suppression that subtraction cannot undo (primary + complementary suppression).

Pure functions, no Django. The surveys app publishes many figures about the same respondents:
totals over a filter, breakdowns by agency, group and wave, the aggregates and responses exports,
the quarterly report. Each figure is a sum over *cells*: the respondents of one wave, one quarter
of submission, one agency and one respondent group. A figure over a *box* of cells (each of the
four coordinates either one value or all values) can be subtracted from another, so hiding the
small cells alone is not enough: "all youth" minus every large wave gives the small wave back.

The rule (docs/surveys.md, "Small-cell protection")
- Primary: a cell, or any box, with fewer than `min_cell` respondents is hidden.
- Complementary: every hidden primary cell c gets a *protection*: a set of hidden cells X with
  signs v (+1/-1) such that v(c) != 0 and every published box holds as much + as - of X. Adding
  v to the hidden cells changes c but no published figure, so no sum or difference of published
  figures can give c. The usual protection is a hypercube: c and partner cells that differ from it
  in each coordinate (another agency, another group, another wave), every corner hidden, signs
  alternating; then a box is unbalanced only if it fixes every coordinate the cube varies, and
  such boxes are hidden too. When no cube fits, a pair of cells or, at last, c alone is used (then
  every box containing c is hidden).
- A protection may use other small cells only if no subset of them together with c that
  cancels out (equal + and -) has fewer than `min_cell` respondents; otherwise that subset's total
  could still be read.

Guarantee: for any set T of hidden respondents' cells with fewer than `min_cell` respondents in
total, some protection v changes the total of T while leaving every published figure (every box
not marked hidden, and every sum of them) unchanged. So nothing about fewer than `min_cell`
respondents can be computed by adding and subtracting published figures. Counts are not assumed
secret when they are published elsewhere (response rates); what is protected is the answers.

Choice among protections: the one hiding the least (respondents in newly hidden boxes), ties by
a fixed order, so the same data always gives the same pattern.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations, product

ALL = "*"  # a free coordinate in a box key; cell coordinates are never "*"

Cell = tuple[Hashable, ...]
BoxKey = tuple[Hashable, ...]
Signs = dict[Cell, int]

# How many partner values per axis and candidate cubes per small cell are tried (keeps the
# search linear in the number of small cells; the cheapest cubes come first).
PARTNERS_PER_AXIS = 3
CUBES_PER_CELL = 120
PAIRS_PER_CELL = 12


@dataclass(frozen=True)
class Family:
    """Which boxes are published, and which coordinates may vary together in a protection.

    `published` lists the sets of free coordinates (by index) of the boxes some page or export
    shows; single cells (nothing free) are always included. `axes` lists the coordinates, or
    groups of coordinates changed together (wave and its quarter), along which partners are
    sought.
    """

    dims: tuple[str, ...]
    published: frozenset[frozenset[int]]
    axes: tuple[tuple[int, ...], ...]

    def masks(self) -> list[frozenset[int]]:
        return sorted({frozenset(), *self.published}, key=lambda m: (len(m), sorted(m)))


def box_key(cell: Cell, free: Iterable[int]) -> BoxKey:
    free = set(free)
    return tuple(ALL if i in free else value for i, value in enumerate(cell))


def _order(value: Hashable) -> tuple:
    return (type(value).__name__, str(value))


def _cell_order(cell: Cell) -> tuple:
    return tuple(_order(v) for v in cell)


@dataclass
class Pattern:
    """The outcome: which cells and boxes are hidden. Ask `shows(cells)` for any figure."""

    min_cell: int
    masses: dict[Cell, int]
    hidden_cells: frozenset[Cell]
    box_of_cells: dict[frozenset[Cell], int] = field(repr=False)
    hidden_boxes: frozenset[int] = field(repr=False)
    protections: list[Signs] = field(default_factory=list, repr=False)
    dims: int = 0

    def shows(self, cells: Iterable[Cell]) -> bool:
        """May a figure summed over exactly these cells be published?

        An empty set is shown (there is nothing to hide). A set that is a box of the family is
        shown unless hidden. Any other set (an agency subset: "all my agencies" of a user in
        several agencies) is shown only when it splits, along one coordinate, into boxes that are
        all shown: then it is their sum and tells nothing new.
        """
        members = frozenset(cells)
        if not members:
            return True
        if members - self.masses.keys():
            return False  # a cell the pattern does not know: computed on other data, so refuse
        box = self.box_of_cells.get(members)
        if box is not None:
            return box not in self.hidden_boxes
        if len(members) == 1:
            return False
        for dim in range(self.dims):
            parts: dict[Hashable, set[Cell]] = defaultdict(set)
            for cell in members:
                parts[cell[dim]].add(cell)
            if len(parts) < 2:
                continue
            ids = [self.box_of_cells.get(frozenset(p)) for p in parts.values()]
            if all(i is not None and i not in self.hidden_boxes for i in ids):
                return True
        return False

    def hides_cell(self, cell: Cell) -> bool:
        return cell in self.hidden_cells


class _Lattice:
    def __init__(self, masses: Mapping[Cell, int], family: Family) -> None:
        self.masses = {c: m for c, m in masses.items() if m > 0}
        self.cells = sorted(self.masses, key=_cell_order)
        self.masks = family.masks()
        self.family = family
        self.box_id: dict[BoxKey, int] = {}
        self.box_cells: list[frozenset[Cell]] = []
        self.box_mass: list[int] = []
        self.id_of_set: dict[frozenset[Cell], int] = {}
        for mask in self.masks:
            buckets: dict[BoxKey, list[Cell]] = defaultdict(list)
            for cell in self.cells:
                buckets[box_key(cell, mask)].append(cell)
            for key, members in buckets.items():
                members_set = frozenset(members)
                box = self.id_of_set.get(members_set)
                if box is None:
                    box = len(self.box_cells)
                    self.id_of_set[members_set] = box
                    self.box_cells.append(members_set)
                    self.box_mass.append(sum(self.masses[c] for c in members))
                self.box_id[key] = box
        self.cell_box = {c: self.id_of_set[frozenset([c])] for c in self.cells}
        # The cells on each line through a cell, per axis: same coordinates outside the axis.
        self.lines: dict[tuple[int, ...], dict[BoxKey, list[Cell]]] = {}
        for axis in family.axes:
            index: dict[BoxKey, list[Cell]] = defaultdict(list)
            for cell in self.cells:
                index[box_key(cell, axis)].append(cell)
            self.lines[axis] = index

        self.order = {c: _cell_order(c) for c in self.cells}
        self._boxes_of: dict[Cell, frozenset[int]] = {}

    def boxes_of(self, cell: Cell) -> frozenset[int]:
        boxes = self._boxes_of.get(cell)
        if boxes is None:
            boxes = frozenset(self.box_id[box_key(cell, mask)] for mask in self.masks)
            self._boxes_of[cell] = boxes
        return boxes


class _Protector:
    def __init__(self, lattice: _Lattice, min_cell: int) -> None:
        self.lat = lattice
        self.min_cell = min_cell
        self.hidden_boxes: set[int] = {b for b, m in enumerate(lattice.box_mass) if m < min_cell}
        self.protections: list[Signs] = []
        self.by_cell: dict[Cell, list[int]] = defaultdict(list)

    def is_small(self, cell: Cell) -> bool:
        return self.lat.masses[cell] < self.min_cell

    # --- what a protection costs and whether it protects ---------------------------------------

    def unbalanced(self, signs: Signs) -> set[int]:
        """Boxes holding more + than - of the protection (or the reverse): they must be hidden."""
        out: set[int] = set()
        seen: set[int] = set()
        for cell in signs:
            for box in self.lat.boxes_of(cell):
                if box in seen:
                    continue
                seen.add(box)
                members = self.lat.box_cells[box]
                if sum(v for c, v in signs.items() if c in members):
                    out.add(box)
        return out

    def cost(self, signs: Signs) -> tuple[int, int]:
        new = [b for b in self.unbalanced(signs) if b not in self.hidden_boxes]
        return sum(self.lat.box_mass[b] for b in new), len(new)

    def protects(self, signs: Signs, cell: Cell) -> bool:
        """v(cell) != 0 and no cancelling subset of small cells with `cell` is below the minimum."""
        if not signs.get(cell):
            return False
        small = [c for c in signs if c != cell and self.is_small(c)]
        budget = self.min_cell - 1 - self.lat.masses[cell]

        def cancels(start: int, total: int, mass_left: int) -> bool:
            if total == 0:
                return True
            for i in range(start, len(small)):
                m = self.lat.masses[small[i]]
                if m <= mass_left and cancels(i + 1, total + signs[small[i]], mass_left - m):
                    return True
            return False

        return budget < 0 or not cancels(0, signs[cell], budget)

    # --- candidates ----------------------------------------------------------------------------

    def partners(self, cell: Cell, axis: tuple[int, ...]) -> list[Cell]:
        line = self.lat.lines[axis].get(box_key(cell, axis), [])
        others = [c for c in line if any(c[i] != cell[i] for i in axis)]
        # Cheapest first: already hidden, then the fewest respondents; a fixed order after that.
        return sorted(
            others,
            key=lambda c: (
                self.lat.cell_box[c] not in self.hidden_boxes,
                self.is_small(c),
                self.lat.masses[c],
                self.lat.order[c],
            ),
        )[:PARTNERS_PER_AXIS]

    def cubes(self, cell: Cell) -> Iterable[Signs]:
        axes = self.lat.family.axes
        axis_sets = [
            chosen
            for size in range(len(axes), 0, -1)
            for chosen in combinations(axes, size)
            if len({d for a in chosen for d in a}) == sum(len(a) for a in chosen)
        ]
        axis_sets.sort(key=lambda chosen: -sum(len(a) for a in chosen))
        tried = 0
        partners = {axis: self.partners(cell, axis) for axis in axes}
        for chosen in axis_sets:
            choices = [partners[axis] for axis in chosen]
            if any(not c for c in choices):
                continue
            for picked in product(*choices):
                signs = self._cube(cell, chosen, picked)
                if signs is not None:
                    yield signs
                tried += 1
                if tried >= CUBES_PER_CELL:
                    return

    def _cube(self, cell: Cell, axes: tuple, partners: tuple[Cell, ...]) -> Signs | None:
        signs: Signs = {}
        for flips in product((0, 1), repeat=len(axes)):
            corner = list(cell)
            for flip, axis, partner in zip(flips, axes, partners, strict=True):
                if flip:
                    for i in axis:
                        corner[i] = partner[i]
            corner_t = tuple(corner)
            if corner_t not in self.lat.masses:
                return None
            signs[corner_t] = -1 if sum(flips) % 2 else 1
        return signs

    def pairs(self, cell: Cell) -> Iterable[Signs]:
        def distance(other: Cell) -> tuple:
            return (
                sum(1 for a, b in zip(cell, other, strict=True) if a != b),
                self.is_small(other),
                self.lat.masses[other],
                self.lat.order[other],
            )

        others = sorted((c for c in self.lat.cells if c != cell), key=distance)[:PAIRS_PER_CELL]
        for other in others:
            yield {cell: 1, other: -1}

    # --- the run -------------------------------------------------------------------------------

    def covered(self, cell: Cell) -> bool:
        return any(self.protects(self.protections[i], cell) for i in self.by_cell.get(cell, []))

    def protect(self, cell: Cell) -> None:
        best: tuple | None = None
        best_signs: Signs = {cell: 1}  # alone: every box containing it is hidden
        # Pairs of cells that differ in several coordinates unbalance more boxes than any cube,
        # so they are tried only when no cube fits.
        for stage in (self.cubes(cell), self.pairs(cell), [{cell: 1}]):
            for rank, signs in enumerate(stage):
                if not self.protects(signs, cell):
                    continue
                score = (*self.cost(signs), rank)
                if best is None or score < best:
                    best, best_signs = score, signs
                if score[0] == 0:
                    break  # hides nothing new: cannot be beaten
            if best is not None:
                break
        self.apply(best_signs)

    def apply(self, signs: Signs) -> None:
        index = len(self.protections)
        self.protections.append(signs)
        for cell in signs:
            self.by_cell[cell].append(index)
            self.hidden_boxes.add(self.lat.cell_box[cell])
        self.hidden_boxes |= self.unbalanced(signs)

    def run(self) -> None:
        small = sorted(
            (c for c in self.lat.cells if self.is_small(c)), key=lambda c: (self.lat.masses[c], self.lat.order[c])
        )
        for cell in small:
            if not self.covered(cell):
                self.protect(cell)


def protect(masses: Mapping[Cell, int], min_cell: int, family: Family) -> Pattern:
    """Hide every cell and box of `masses` needed so that no published figure reveals a small cell."""
    lattice = _Lattice(masses, family)
    protector = _Protector(lattice, min_cell)
    protector.run()
    hidden_cells = frozenset(c for c in lattice.cells if lattice.cell_box[c] in protector.hidden_boxes)
    return Pattern(
        min_cell=min_cell,
        masses=dict(lattice.masses),
        hidden_cells=hidden_cells,
        box_of_cells=dict(lattice.id_of_set),
        hidden_boxes=frozenset(protector.hidden_boxes),
        protections=protector.protections,
        dims=len(family.dims),
    )
