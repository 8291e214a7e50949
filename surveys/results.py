"""Survey results: response rates, answer counts, percent favourable, suppression, trends.

Rules (spec/surveys.md, "Results")
- Response rate = submitted invitations / invitations, as a percentage with one decimal.
- Per question: count and percentage of each answer among those who answered it.
- Percent favourable = answers on a favourable choice (agree, strongly agree; for yes/no the
  choice marked favourable) / answers on choices that count in the base. "Does not apply" does
  not count in the base, and a skipped question has no answer at all, so both are out of the
  denominator; n is that denominator.
- Small-cell protection: a breakdown with fewer than MIN_CELL (5) submitted responses shows no
  answers at all; a question answered by fewer than MIN_CELL respondents in a breakdown shows no
  counts either. Totals above the breakdown still count the suppressed responses.
- Only submitted responses count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet

from accounts.models import Agency, User
from accounts.scoping import scope_queryset
from surveys.models import Answer, Invitation, Question, RespondentGroup, Response, Wave


def min_cell() -> int:
    return getattr(settings, "SURVEYS_MIN_CELL", 5)


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
    submitted = Count("id", filter=Q(submitted_at__isnull=False))
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
        invited=Count("id"), submitted=Count("id", filter=Q(submitted_at__isnull=False))
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
        self.favourable = self.base = 0
        self.number_mean = None


def _question_catalogue(responses: QuerySet[Response], questions: QuerySet[Question] | None) -> list[Question]:
    qs = (questions if questions is not None else Question.objects.all()).filter(survey__in=responses.values("survey"))
    return list(
        qs.select_related("section", "survey")
        .prefetch_related("choices", "tags")
        .order_by("section__position", "position", "survey__group")
    )


def question_results(
    responses: QuerySet[Response],
    *,
    questions: QuerySet[Question] | None = None,
    by_group: bool = False,
    language: str = "en",
) -> list[QuestionResult]:
    """Per question code (and respondent group when by_group) results over submitted responses.

    The same question code in several groups' surveys is one question of the common core; with
    by_group=False their answers are pooled.
    """
    responses = responses.filter(status=Response.Status.SUBMITTED)
    threshold = min_cell()
    catalogue = _question_catalogue(responses, questions)
    answers = Answer.objects.filter(response__in=responses)
    if questions is not None:
        answers = answers.filter(question__in=questions)

    def key_of(code: str, group: str) -> tuple[str, str]:
        return (code, group if by_group else "")

    results: dict[tuple[str, str], QuestionResult] = {}
    choice_meta: dict[tuple[str, str], list] = defaultdict(list)
    for question in catalogue:
        key = key_of(question.code, question.survey.group)
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

    # Respondents per question (one answer row per respondent and question).
    group_field = ["response__group"] if by_group else []
    answered = answers.values("question__code", *group_field).annotate(n=Count("id"))
    for row in answered:
        key = key_of(row["question__code"], row.get("response__group", ""))
        if key in results:
            results[key].answered = row["n"]
    single = (
        answers.filter(choice__isnull=False)
        .values("question__code", *group_field, "choice__value", "choice__favourable", "choice__counts_in_base")
        .annotate(n=Count("id"))
    )
    multiple = (
        Answer.choices.through.objects.filter(answer__in=answers)
        .values("answer__question__code", *(["answer__response__group"] if by_group else []), "choice__value")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in single:
        key = key_of(row["question__code"], row.get("response__group", ""))
        counts[key][row["choice__value"]] += row["n"]
        if key in results:
            if row["choice__favourable"]:
                results[key].favourable += row["n"]
            if row["choice__counts_in_base"]:
                results[key].base += row["n"]
    for row in multiple:
        key = key_of(row["answer__question__code"], row.get("answer__response__group", ""))
        counts[key][row["choice__value"]] += row["n"]
    numbers = (
        answers.filter(number__isnull=False)
        .values("question__code", *group_field)
        .annotate(n=Count("id"), mean=Avg("number"))
    )
    for row in numbers:
        key = key_of(row["question__code"], row.get("response__group", ""))
        if key in results and row["mean"] is not None:
            results[key].number_mean = Decimal(row["mean"]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    cell_sizes: dict[str, int] = {}
    if by_group:
        cell_sizes = {r["group"]: r["n"] for r in responses.values("group").annotate(n=Count("id"))}
    total_responses = responses.count()
    for key, result in results.items():
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
        cell = cell_sizes.get(key[1], 0) if by_group else total_responses
        if cell < threshold or (result.answered and result.answered < threshold):
            result.suppress()
    return [r for r in results.values() if by_group is False or cell_sizes.get(r.group)]


# --- breakdowns and trends ------------------------------------------------------------------


@dataclass
class BreakdownRow:
    label: str
    responses: int
    result: QuestionResult | None

    @property
    def suppressed(self) -> bool:
        return self.responses < min_cell() or self.result is None or self.result.suppressed


def breakdown(responses: QuerySet[Response], code: str, by: str, language: str = "en") -> list[BreakdownRow]:
    """One question's results per agency, group or wave; small cells suppressed."""
    responses = responses.filter(status=Response.Status.SUBMITTED)
    field_name = {"agency": "agency__code", "group": "group", "wave": "wave__name"}[by]
    order = "wave__opens_on" if by == "wave" else field_name
    keys = list(responses.values_list(field_name, flat=True).order_by(order).distinct())
    labels = dict(RespondentGroup.choices) if by == "group" else {}
    rows = []
    for key in dict.fromkeys(keys):
        cell = responses.filter(**{field_name: key})
        size = cell.count()
        result = next((r for r in question_results(cell, language=language) if r.code == code), None)
        if size < min_cell() and result is not None:
            result.suppress()
        rows.append(BreakdownRow(labels.get(key, key), size, result))
    return rows


def trend(responses: QuerySet[Response], code: str, language: str = "en") -> list[BreakdownRow]:
    """Percent favourable of one question per wave, oldest wave first."""
    return breakdown(responses, code, "wave", language)


# --- comments and measures ------------------------------------------------------------------


@dataclass
class Comment:
    wave: str
    agency: str
    group: str
    question: str
    text: str


def comments(responses: QuerySet[Response], language: str = "en") -> tuple[list[Comment], int]:
    """Free-text answers of cells with at least MIN_CELL responses, and how many were withheld."""
    responses = responses.filter(status=Response.Status.SUBMITTED)
    cells = {
        (r["wave"], r["agency"], r["group"]): r["n"]
        for r in responses.values("wave", "agency", "group").annotate(n=Count("id"))
    }
    texts = (
        Answer.objects.filter(response__in=responses, question__kind=Question.Kind.LONG_TEXT)
        .exclude(text="")
        .select_related("response__wave", "response__agency", "question")
        .order_by("response__wave__opens_on", "response__agency__code", "response__group", "question__code", "id")
    )
    shown: list[Comment] = []
    withheld = 0
    groups = dict(RespondentGroup.choices)
    for answer in texts:
        r = answer.response
        if cells[(r.wave_id, r.agency_id, r.group)] < min_cell():
            withheld += 1
            continue
        shown.append(Comment(r.wave.name, r.agency.code, groups[r.group], answer.question.text(language), answer.text))
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
