"""Survey results: response rates, answer counts, percent favourable, suppression, trends.

Rules (spec/surveys.md, "Results")
- Response rate = submitted invitations / invitations, as a percentage with one decimal.
- Per question: count and percentage of each answer among those who answered it.
- Percent favourable = answers on a favourable choice (agree, strongly agree; for yes/no the
  choice marked favourable) / answers on choices that count in the base. "Does not apply" does
  not count in the base, and a skipped question has no answer at all, so both are out of the
  denominator; n is that denominator.
- Small-cell protection (surveys.suppression): every figure is a sum over cells (wave, quarter of
  submission, agency, respondent group). Cells and boxes of cells with fewer than MIN_CELL (5)
  respondents are hidden, and so many more (complementary suppression) that no sum or difference
  of published figures gives the answers of fewer than MIN_CELL respondents. The pattern is
  computed once over all submitted responses, the same for every user, page and export: the
  respondents per cell decide which response counts, comments and exported rows are shown; the
  respondents who answered each question decide which of that question's figures are shown.
  Totals above a hidden breakdown still count its responses.
- Only submitted responses count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncQuarter

from accounts.models import Agency, User
from accounts.scoping import scope_queryset
from surveys import suppression
from surveys.models import Answer, Choice, Invitation, Question, RespondentGroup, Response, ResultsVersion, Wave


def min_cell() -> int:
    return getattr(settings, "SURVEYS_MIN_CELL", 5)


# --- small-cell protection ------------------------------------------------------------------

WAVE, QUARTER, AGENCY, GROUP = 0, 1, 2, 3
# The boxes some page or export publishes (by their free coordinates): the results page, its
# breakdowns, the measure page and the aggregates export fix any of wave, agency and group and
# never the quarter; the quarterly report fixes the quarter, never the wave. Single cells are the
# rows of the responses export.
CELL_FAMILY = suppression.Family(
    dims=("wave", "quarter", "agency", "group"),
    published=frozenset(
        frozenset(free)
        for free in [
            *({QUARTER, *rest} for rest in ((), (WAVE,), (AGENCY,), (GROUP,), (WAVE, AGENCY), (WAVE, GROUP))),
            {QUARTER, AGENCY, GROUP},
            {WAVE, QUARTER, AGENCY, GROUP},
            *({WAVE, *rest} for rest in ((), (AGENCY,), (GROUP,), (AGENCY, GROUP))),
        ]
    ),
    # A wave and its quarter change together (another wave, usually in another quarter).
    axes=((WAVE, QUARTER), (WAVE,), (QUARTER,), (AGENCY,), (GROUP,)),
)
COUNTED_KINDS = (Question.Kind.AGREEMENT, Question.Kind.YES_NO, Question.Kind.SINGLE, Question.Kind.MULTIPLE,
                 Question.Kind.NUMBER)  # fmt: skip
CELL_FIELDS = ("wave", "agency", "group", "submitted_on__year", "submitted_on__quarter")


def _cell(wave: int, agency: int, group: str, year: int | None, quarter: int | None) -> suppression.Cell:
    return (wave, f"{year}Q{quarter}" if year else "-", agency, group)


def response_cell(response: Response) -> suppression.Cell:
    day = response.submitted_on
    return _cell(
        response.wave_id, response.agency_id, response.group, day.year if day else None,
        (day.month - 1) // 3 + 1 if day else None,
    )  # fmt: skip


def cell_sizes(responses: QuerySet[Response]) -> dict[suppression.Cell, int]:
    """Submitted responses per cell (wave, quarter of submission, agency, group)."""
    rows = responses.filter(status=Response.Status.SUBMITTED).values(*CELL_FIELDS).annotate(n=Count("id"))
    return {_cell(*(r[f] for f in CELL_FIELDS)): r["n"] for r in rows}


@lru_cache(maxsize=128)
def _pattern(masses: frozenset, threshold: int) -> suppression.Pattern:
    return suppression.protect(dict(masses), threshold, CELL_FAMILY)


@dataclass
class Disclosure:
    """What may be shown, decided once over every submitted response (not per user or page)."""

    threshold: int
    respondents: suppression.Pattern
    answered: dict[str, dict[suppression.Cell, int]]
    # The answers counted per cell, from the same data (None: built when first needed).
    cube: AnswerCube | None = None
    _patterns: dict[str, suppression.Pattern] = field(default_factory=dict)

    def answers(self) -> AnswerCube:
        if self.cube is None:
            self.cube = answer_cube()
        return self.cube

    def question(self, code: str) -> suppression.Pattern:
        if code not in self._patterns:
            masses = frozenset(self.answered.get(code, {}).items())
            self._patterns[code] = _pattern(masses, self.threshold)
        return self._patterns[code]

    def covers_whole_cells(self, sizes: dict[suppression.Cell, int]) -> bool:
        """A figure may only be over whole cells; a part of a cell is a figure the pattern never saw."""
        return all(self.respondents.masses.get(c) == n for c, n in sizes.items())

    def shows_responses(self, cells: Iterable[suppression.Cell]) -> bool:
        return self.respondents.shows(cells)

    def shows_answers(self, code: str, cells: Iterable[suppression.Cell], answered: int) -> bool:
        """The figures of one question over these respondents' cells (and their exact answer count)."""
        cells = list(cells)
        if not self.respondents.shows(cells):
            return False
        per_cell = self.answered.get(code, {})
        answering = [c for c in cells if per_cell.get(c, 0) > 0]
        if sum(per_cell[c] for c in answering) != answered:
            return False  # answers of a subset of the question's versions: not a published box
        return self.question(code).shows(answering)

    def hides_cell(self, cell: suppression.Cell) -> bool:
        return cell in self.respondents.hidden_cells

    def hides_answer(self, code: str, cell: suppression.Cell) -> bool:
        return cell in self.question(code).hidden_cells


# The last disclosure computed, by this process, with the results version it was computed at.
_memo: tuple[tuple, Disclosure] | None = None
CACHE_KEY = "surveys:results:disclosure"


def _version_key() -> tuple | None:
    """What names the counted data (the results version token, set by database triggers on every
    change to submitted responses, their answers and the questions) and the threshold; None when
    there is no token (the triggers are missing): then nothing is cached."""
    token = ResultsVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    if token is None:
        return None
    return (connection.settings_dict["NAME"], token, min_cell())


def forget_disclosure() -> None:
    """Drop the cached disclosure, in this process and in the shared cache (tests call this)."""
    global _memo
    _memo = None
    cache.delete(CACHE_KEY)


def disclosure() -> Disclosure:
    """The suppression pattern for the current data, cached under the results version.

    The token is read first, then the counts: a change committed in between gives counts newer than
    the token (stored under a token no later request reads), never a token newer than the counts. The
    cached value is this process's last one, else the shared cache's (Django's cache: Redis when
    CACHE_URL names one, shared by every worker), else computed (two grouped queries)."""
    global _memo
    key = _version_key()
    if key is None:
        return _compute_disclosure()
    memo = _memo
    if memo is not None and memo[0] == key:
        return memo[1]
    stored = cache.get(CACHE_KEY)
    if stored is not None and stored[0] == key:
        found = stored[1]
    else:
        found = _compute_disclosure()
        cache.set(CACHE_KEY, (key, found), timeout=None)
    _memo = (key, found)
    return found


@dataclass
class AnswerCube:
    """Every submitted answer counted per cell (wave, quarter, agency, group) and question: every figure
    of question_results and breakdown over whole cells is a sum of these (one scan of the answers per
    results version instead of several per page)."""

    # per cell: (question id, choice value or None, favourable, counts in base, answers)
    single: dict[suppression.Cell, list[tuple]] = field(default_factory=dict)
    # per cell: (question id, choice value, answers choosing it) of multiple-choice answers
    multiple: dict[suppression.Cell, list[tuple]] = field(default_factory=dict)
    # per cell: (question id, answers with a number, their sum)
    numbers: dict[suppression.Cell, list[tuple]] = field(default_factory=dict)
    # question id: (code, kind), for the answered counts of the suppression pattern
    questions: dict[int, tuple[str, str]] = field(default_factory=dict)


def _cube_rows(qs: QuerySet, prefix: str, *fields: str, **annotations) -> Iterable[tuple[suppression.Cell, dict]]:
    """Rows of `qs` grouped by `fields` and the cell of their response (`prefix`: the path to it), the
    quarter as one truncated date (cheaper to group by than a year and a quarter)."""
    rows = (
        qs.values(
            *fields,
            f"{prefix}wave_id",
            f"{prefix}agency_id",
            f"{prefix}group",
            cube_quarter=TruncQuarter(f"{prefix}submitted_on"),
        )  # fmt: skip
        .annotate(**annotations)
        .order_by()
    )
    for row in rows:
        day = row["cube_quarter"]
        cell = _cell(row[f"{prefix}wave_id"], row[f"{prefix}agency_id"], row[f"{prefix}group"],
                     day.year if day else None, (day.month - 1) // 3 + 1 if day else None)  # fmt: skip
        yield cell, row


def answer_cube() -> AnswerCube:
    """The answers of all submitted responses per cell and question (two to five grouped queries: the
    answers, their questions and choices, multiple choices, numbers)."""
    cube = AnswerCube()
    submitted = Answer.objects.filter(response__status=Response.Status.SUBMITTED)
    single = list(_cube_rows(submitted, "response__", "question_id", "choice_id", n=Count("id")))
    question_ids = {row["question_id"] for _cell_key, row in single}
    cube.questions = {pk: (code, kind) for pk, code, kind in
                      Question.objects.filter(pk__in=question_ids).values_list("pk", "code", "kind")}  # fmt: skip
    kinds = {kind for _code, kind in cube.questions.values()}
    multiple = (
        list(
            _cube_rows(
                Answer.choices.through.objects.filter(answer__response__status=Response.Status.SUBMITTED),
                "answer__response__",
                "answer__question_id",
                "choice_id",
                n=Count("id"),
            )  # fmt: skip
        )
        if Question.Kind.MULTIPLE in kinds
        else []
    )
    choice_ids = {row["choice_id"] for _cell_key, row in (*single, *multiple)} - {None}
    choices = {pk: (value, favourable, base) for pk, value, favourable, base in
               Choice.objects.filter(pk__in=choice_ids).values_list("pk", "value", "favourable", "counts_in_base")}  # fmt: skip
    for cell, row in single:
        value, favourable, base = choices[row["choice_id"]] if row["choice_id"] else (None, False, False)
        cube.single.setdefault(cell, []).append((row["question_id"], value, favourable, base, row["n"]))
    for cell, row in multiple:
        cube.multiple.setdefault(cell, []).append((row["answer__question_id"], choices[row["choice_id"]][0], row["n"]))
    if Question.Kind.NUMBER in kinds:
        numbers = submitted.filter(number__isnull=False)
        for cell, row in _cube_rows(numbers, "response__", "question_id", n=Count("id"), total=Sum("number")):
            # Numbers have two decimals: the sum is exact (SQLite sums them as floats).
            total = Decimal(str(row["total"])).quantize(Decimal("0.01"))
            cube.numbers.setdefault(cell, []).append((row["question_id"], row["n"], total))
    return cube


def _compute_disclosure() -> Disclosure:
    """The suppression pattern over every submitted response, and the answers per cell it is computed
    from: two or three grouped scans of the answers and one of the responses."""
    cube = answer_cube()
    answered: dict[str, dict[suppression.Cell, int]] = defaultdict(dict)
    # One answer row per response and question (answer_unique_per_question): the answer rows are
    # the respondents.
    for cell, rows in cube.single.items():
        for question_id, _value, _favourable, _base, n in rows:
            code, kind = cube.questions[question_id]
            if kind in COUNTED_KINDS:
                answered[code][cell] = answered[code].get(cell, 0) + n
    threshold = min_cell()
    submitted = Response.objects.filter(status=Response.Status.SUBMITTED)
    return Disclosure(
        threshold=threshold,
        respondents=_pattern(frozenset(cell_sizes(submitted).items()), threshold),
        answered=dict(answered),
        cube=cube,
    )


def response_count(responses: QuerySet[Response], shown_by: Disclosure | None = None) -> int | None:
    """Submitted responses in the selection, or None when that count is suppressed."""
    shown_by = shown_by or disclosure()
    return _count_of(cell_sizes(responses), shown_by)


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator as a percentage rounded half-up to one decimal; None when 0 / 0."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def submitted_responses_for_user(user: User, capability: str) -> QuerySet[Response]:
    """Submitted responses of the agencies where the user holds `capability` (the scoping every results
    view uses; the quarterly report passes report.view)."""
    return scope_queryset(Response.objects.filter(status=Response.Status.SUBMITTED), user, capability=capability)


def filter_responses(
    responses: QuerySet[Response],
    *,
    wave: Wave | int | None = None,
    agency: Agency | int | None = None,
    group: str | None = None,
) -> QuerySet[Response]:
    if wave:
        responses = responses.filter(wave=wave)
    if agency:
        responses = responses.filter(agency=agency)
    if group:
        responses = responses.filter(group=group)
    return responses


# --- response rates -------------------------------------------------------------------------


@dataclass
class RateRow:
    label: str
    invited: int
    submitted: int

    @property
    def rate(self) -> Decimal | None:
        return percent(self.submitted, self.invited)


def response_rates(invitations: QuerySet[Invitation], by: str | None = None) -> list[RateRow]:
    """Invited, submitted and response rate, in total (by=None) or per 'wave', 'group' or 'agency'."""
    submitted = Count("id", filter=Q(used=True))
    if by is None:
        totals = invitations.aggregate(invited=Count("id"), submitted=submitted)
        return [RateRow("All", totals["invited"], totals["submitted"])]
    field_name = {"wave": "wave__name", "group": "group", "agency": "agency__code"}[by]
    rows = invitations.values(field_name).annotate(invited=Count("id"), submitted=submitted).order_by(field_name)
    labels = dict(RespondentGroup.choices) if by == "group" else {}
    return [RateRow(labels.get(r[field_name], r[field_name]), r["invited"], r["submitted"]) for r in rows]


def response_rates_by_wave(invitations: QuerySet[Invitation]) -> dict[int, RateRow]:
    """Invited, submitted and response rate per wave id."""
    rows = invitations.values("wave", "wave__name").annotate(
        invited=Count("id"), submitted=Count("id", filter=Q(used=True))
    )
    return {r["wave"]: RateRow(r["wave__name"], r["invited"], r["submitted"]) for r in rows}


# --- answers --------------------------------------------------------------------------------


@dataclass
class ChoiceCount:
    value: str
    label: str
    count: int
    percent: Decimal | None
    favourable: bool
    counts_in_base: bool


@dataclass
class QuestionResult:
    code: str
    text: str
    kind: str
    group: str = ""
    answered: int = 0
    choices: list[ChoiceCount] = field(default_factory=list)
    favourable: int = 0
    base: int = 0
    has_favourable: bool = False
    suppressed: bool = False
    tags: list[str] = field(default_factory=list)
    number_mean: Decimal | None = None

    @property
    def percent_favourable(self) -> Decimal | None:
        if self.suppressed or not self.has_favourable:
            return None
        return percent(self.favourable, self.base)

    @property
    def n(self) -> int:
        """The percent-favourable denominator ('does not apply' and skipped left out)."""
        return self.base

    def suppress(self) -> None:
        self.suppressed = True
        self.choices = []
        self.answered = self.favourable = self.base = 0
        self.number_mean = None


def _question_catalogue(
    survey_ids: Iterable[int], questions: QuerySet[Question] | None, code: str | None = None
) -> list[Question]:
    qs = (questions if questions is not None else Question.objects.all()).filter(survey__in=list(survey_ids))
    if code is not None:
        qs = qs.filter(code=code)
    return list(
        qs.select_related("section", "survey")
        .prefetch_related("choices", "tags")
        .order_by("section__position", "position", "survey__group")
    )


def _cells_and_surveys(responses: QuerySet[Response]) -> tuple[dict[suppression.Cell, int], dict]:
    """cell_sizes(responses) and the surveys answered in each cell, from one query."""
    sizes: dict[suppression.Cell, int] = {}
    surveys: dict[suppression.Cell, set] = defaultdict(set)
    for row in responses.values(*CELL_FIELDS, "survey").annotate(n=Count("id")).order_by():
        cell = _cell(*(row[f] for f in CELL_FIELDS))
        sizes[cell] = sizes.get(cell, 0) + row["n"]
        surveys[cell].add(row["survey"])
    return sizes, surveys


def question_results(
    responses: QuerySet[Response],
    *,
    questions: QuerySet[Question] | None = None,
    by_group: bool = False,
    language: str = "en",
    shown_by: Disclosure | None = None,
) -> list[QuestionResult]:
    """Per question code (and respondent group when by_group) results over submitted responses.

    The same question code in several groups' surveys is one question of the common core; with
    by_group=False their answers are pooled. A result the suppression pattern does not show is
    returned suppressed (no counts at all). `responses` must select whole cells (filters by wave,
    agency, group, scope or calendar quarter of submission); anything else is suppressed.
    """
    responses = responses.filter(status=Response.Status.SUBMITTED)
    shown_by = shown_by or disclosure()
    parts, _sizes = _split_results(responses, None, questions=questions, by_group=by_group, language=language,
                                   shown_by=shown_by)  # fmt: skip
    return parts.get(None, [])


# The coordinate of a cell (see _cell) that each split field is.
SPLIT_DIMENSION = {"agency": AGENCY, "group": GROUP, "wave": WAVE}


def _split_results(
    responses: QuerySet[Response],
    split: str | None,
    *,
    questions: QuerySet[Question] | None = None,
    by_group: bool = False,
    language: str = "en",
    shown_by: Disclosure,
    code: str | None = None,
) -> tuple[dict, dict]:
    """question_results of each part of `responses` (submitted only) split by `split` ('agency',
    'group', 'wave' or None: one part, key None), as {key: [QuestionResult]}, and the cell sizes of
    each part; `code`: that question only. The same figures as question_results(part) for every part,
    from the responses per cell and survey (one query), the questions, and the answers per cell of the
    results version."""
    all_sizes, surveys_by_cell = _cells_and_surveys(responses)
    catalogue = _question_catalogue(set().union(*surveys_by_cell.values()), questions, code)
    if split:
        surveys_of: dict = defaultdict(set)
        for cell, surveys in surveys_by_cell.items():
            surveys_of[cell[SPLIT_DIMENSION[split]]] |= surveys
    else:
        surveys_of = {None: {q.survey_id for q in catalogue}}

    def key_of(part, code: str, group: str) -> tuple:
        return (part, code, group if by_group else "")

    results: dict[tuple, QuestionResult] = {}
    choice_meta: dict[tuple, list] = defaultdict(list)
    for part, surveys in surveys_of.items():
        for question in catalogue:
            if question.survey_id not in surveys:
                continue
            key = key_of(part, question.code, question.survey.group)
            if key not in results:
                results[key] = QuestionResult(
                    code=question.code,
                    text=question.text(language),
                    kind=question.kind,
                    group=question.survey.group if by_group else "",
                )
            result = results[key]
            result.tags = sorted(set(result.tags) | {t.code for t in question.tags.all()})
            for choice in question.choices.all():
                if choice.favourable:
                    result.has_favourable = True
                if all(c.value != choice.value for c in choice_meta[key]):
                    choice_meta[key].append(choice)

    # The figures are sums over the cells of each part, from the answers per cell of the results
    # version (shown_by.answers()): the same as scanning the part's answers when the part holds whole
    # cells (every submitted response of each of its cells), which a shown figure must anyway. A part
    # that holds only some responses of a cell is suppressed below: its figures are not computed.
    sizes_of: dict = defaultdict(dict)
    for cell, n in all_sizes.items():
        sizes_of[cell[SPLIT_DIMENSION[split]] if split else None][cell] = n
    whole_of = {part: shown_by.covers_whole_cells(sizes) for part, sizes in sizes_of.items()}
    cube = shown_by.answers()
    code_of = {q.pk: q.code for q in catalogue}
    kinds = {q.kind for q in catalogue}
    counts: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    number_sums: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0)])
    for part, sizes in sizes_of.items():
        if not whole_of[part]:
            continue
        for cell in sizes:
            group = cell[GROUP]
            for question_id, value, favourable, base, n in cube.single.get(cell, ()):
                if question_id not in code_of:
                    continue
                key = key_of(part, code_of[question_id], group)
                result = results.get(key)
                if result is not None:
                    result.answered += n
                if value is None:
                    continue  # no choice (numbers, text, a multiple choice's answer row): answered only
                counts[key][value] += n
                if result is not None:
                    if favourable:
                        result.favourable += n
                    if base:
                        result.base += n
            if Question.Kind.MULTIPLE in kinds:
                for question_id, value, n in cube.multiple.get(cell, ()):
                    if question_id in code_of:
                        counts[key_of(part, code_of[question_id], group)][value] += n
            if Question.Kind.NUMBER in kinds:
                for question_id, n, total in cube.numbers.get(cell, ()):
                    if question_id in code_of:
                        sums = number_sums[key_of(part, code_of[question_id], group)]
                        sums[0] += n
                        sums[1] += total
    for key, (n, total) in number_sums.items():
        if key in results and n:
            results[key].number_mean = (total / n).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    out: dict = {part: [] for part in surveys_of}
    for key, result in results.items():
        part = key[0]
        sizes = sizes_of.get(part, {})
        whole = shown_by.covers_whole_cells(sizes)
        for choice in choice_meta[key]:
            count = counts[key].get(choice.value, 0)
            result.choices.append(
                ChoiceCount(
                    value=choice.value,
                    label=choice.label(language),
                    count=count,
                    percent=percent(count, result.answered),
                    favourable=choice.favourable,
                    counts_in_base=choice.counts_in_base,
                )
            )
        cells = [c for c in sizes if not by_group or c[GROUP] == result.group]
        if result.kind in Question.TEXT_KINDS:
            # Free text is listed (comments) or exported row by row, never counted here.
            shown = whole and shown_by.shows_responses(cells)
        else:
            shown = whole and shown_by.shows_answers(result.code, cells, result.answered)
        if not shown:
            result.suppress()
        groups = {c[GROUP] for c in sizes}
        if not by_group or result.group in groups:
            out[part].append(result)
    return out, sizes_of


def sizes_by(responses: QuerySet[Response], split: str) -> dict:
    """cell_sizes of each part of `responses` split by 'agency', 'group' or 'wave' (one query)."""
    out: dict = defaultdict(dict)
    for cell, n in cell_sizes(responses).items():
        out[cell[SPLIT_DIMENSION[split]]][cell] = n
    return out


def _count_of(sizes: dict[suppression.Cell, int], shown_by: Disclosure) -> int | None:
    if not shown_by.covers_whole_cells(sizes) or not shown_by.shows_responses(sizes):
        return None
    return sum(sizes.values())


# --- breakdowns and trends ------------------------------------------------------------------


@dataclass
class BreakdownRow:
    label: str
    responses: int | None  # None: the count is suppressed too
    result: QuestionResult | None

    @property
    def suppressed(self) -> bool:
        return self.result is None or self.result.suppressed


def breakdown(
    responses: QuerySet[Response], code: str, by: str, language: str = "en", shown_by: Disclosure | None = None
) -> list[BreakdownRow]:
    """One question's results per agency, group or wave; suppressed rows show no numbers at all."""
    responses = responses.filter(status=Response.Status.SUBMITTED)
    shown_by = shown_by or disclosure()
    field_name = {"agency": "agency__code", "group": "group", "wave": "wave__name"}[by]
    id_field = {"agency": "agency", "group": "group", "wave": "wave"}[by]
    order = "wave__opens_on" if by == "wave" else field_name
    keys = list(responses.values_list(id_field, field_name).order_by(order, id_field).distinct())
    labels = dict(RespondentGroup.choices) if by == "group" else {}
    parts, sizes = _split_results(responses, id_field, language=language, shown_by=shown_by, code=code)
    rows = []
    for key, name in dict.fromkeys(keys):
        result = next((r for r in parts.get(key, []) if r.code == code), None)
        rows.append(BreakdownRow(labels.get(name, name), _count_of(sizes.get(key, {}), shown_by), result))
    return rows


def trend(
    responses: QuerySet[Response], code: str, language: str = "en", shown_by: Disclosure | None = None
) -> list[BreakdownRow]:
    """Percent favourable of one question per wave, oldest wave first."""
    return breakdown(responses, code, "wave", language, shown_by)


# --- comments and measures ------------------------------------------------------------------


@dataclass
class Comment:
    wave: str
    agency: str
    group: str
    question: str
    text: str


def comments(
    responses: QuerySet[Response], language: str = "en", shown_by: Disclosure | None = None
) -> tuple[list[Comment], bool]:
    """Free-text answers of cells that are shown, and whether any comment was withheld.

    How many were withheld is not said: that number would be a count about suppressed cells.
    """
    responses = responses.filter(status=Response.Status.SUBMITTED)
    shown_by = shown_by or disclosure()
    # Plain rows, not model instances (2,000 comments with their response, wave, agency and question
    # built as objects took longer than every query of the results page together).
    texts = (
        Answer.objects.filter(response__in=responses, question__kind=Question.Kind.LONG_TEXT)
        .exclude(text="")
        .order_by("response__wave__opens_on", "response__agency__code", "response__group", "question__code", "text")
        .values_list(
            "response__wave_id", "response__agency_id", "response__group", "response__submitted_on",
            "response__wave__name", "response__agency__code", "question__text_en", "question__text_es", "text",
        )
    )  # fmt: skip
    shown: list[Comment] = []
    withheld = False
    groups = dict(RespondentGroup.choices)
    for wave_id, agency_id, group, day, wave_name, agency_code, text_en, text_es, text in texts:
        cell = _cell(wave_id, agency_id, group, day.year if day else None, (day.month - 1) // 3 + 1 if day else None)
        if shown_by.hides_cell(cell) or cell not in shown_by.respondents.masses:
            withheld = True
            continue
        question_text = (text_es if language == "es" else "") or text_en
        shown.append(Comment(wave_name, agency_code, groups[group], question_text, text))
    return shown, withheld


@dataclass
class MeasureResult:
    measure: str
    group: str
    group_label: str
    result: QuestionResult


def results_for_measure(
    measure_code: str,
    user: User,
    *,
    wave: Wave | int | None = None,
    agency: Agency | int | None = None,
    group: str | None = None,
    language: str = "en",
) -> list[MeasureResult]:
    """Results of every question tagged `measure_code`, per respondent group, in the user's scope.

    The reports app calls this for its per-measure view. Results are per group because one
    question code may inform different measures in different groups (visit frequency is
    worker/child visits for youth, worker/parent visits for parents).
    """
    responses = filter_responses(
        submitted_responses_for_user(user, "surveys.view"), wave=wave, agency=agency, group=group
    )
    tagged = Question.objects.filter(tags__code=measure_code)
    groups = dict(RespondentGroup.choices)
    out = []
    for result in question_results(responses, questions=tagged, by_group=True, language=language):
        if measure_code in result.tags:
            out.append(MeasureResult(measure_code, result.group, groups[result.group], result))
    return out


def waves_with_responses(responses: QuerySet[Response]) -> Iterable[Wave]:
    return Wave.objects.filter(pk__in=responses.values("wave")).order_by("opens_on")
