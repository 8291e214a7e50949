"""Builders for the small merged-report fixture: stored metric results, rated reviews, survey answers.

The rows are written the way each app stores them (MetricResult, ItemRating/OutcomeRating with an
effective rating, submitted survey Responses with Answers), so the report reads them exactly as it
reads real data. All data is synthetic.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from django.utils import timezone

from accounts.models import Agency
from metrics.models import Extract, MetricResult, MetricRun
from reviews.models import Case, ItemRating, OutcomeRating, Review
from surveys.models import Answer, Choice, MeasureTag, Question, Response, Section, Survey, Wave
from surveys.question_bank import AGREEMENT

_ids = count(1)


# --- metrics ------------------------------------------------------------------------------


def make_extract(current: bool = True, as_of: str = "2023-10-31") -> Extract:
    n = next(_ids)
    return Extract.objects.create(
        extract_id=f"test-extract-{n}",
        schema_version="1",
        state="MO",
        as_of_date=dt.date.fromisoformat(as_of),
        source_system="test",
        checksum=f"{n:064d}",
        is_current=current,
    )


def make_run(extract: Extract, status: str = MetricRun.Status.DONE) -> MetricRun:
    return MetricRun.objects.create(
        extract=extract, settings_version=1, period_from="2023-07", period_through="2023-09", status=status
    )


def result(
    run: MetricRun,
    metric: str,
    period: str,
    key: str,
    numerator: int | str | None,
    denominator: int | str | None,
    value: str | None,
    *,
    meets: bool | None = None,
    band: str = "",
    dimension: str = "AGENCY",
    unit: str = "PERCENT",
    benchmark: str | None = "95.0",
    comparator: str = ">=",
    status: str = "OK",
    small_n: bool = False,
) -> MetricResult:
    period_type = "QUARTER" if "Q" in period else "MONTH"
    return MetricResult.objects.create(
        run=run,
        extract_id=run.extract.extract_id,
        as_of_date=run.extract.as_of_date,
        metric=metric,
        definition_version=1,
        period_type=period_type,
        period=period,
        period_start=dt.date(2023, 7, 1),
        period_end=dt.date(2023, 9, 30),
        dimension=dimension,
        key=key,
        numerator=None if numerator is None else Decimal(str(numerator)),
        denominator=None if denominator is None else Decimal(str(denominator)),
        value=None if value is None else Decimal(value),
        value_rounded=None if value is None else Decimal(value),
        unit=unit,
        benchmark=None if benchmark is None else Decimal(benchmark),
        comparator=comparator,
        direction="HIGHER",
        meets=meets,
        band=band,
        status=status,
        small_n=small_n,
        computed_at=timezone.now(),
    )


# --- reviews ------------------------------------------------------------------------------


def rated_review(
    agency: str,
    status: str,
    pur_end: str | None,
    items: dict[str, str | tuple[str, str]],
    outcomes: dict[str, str] | None = None,
) -> Review:
    """A review with stored ratings; an item given as (calculated, effective) was overridden by QA."""
    n = next(_ids)
    case = Case.objects.create(
        case_id=f"RPT-{n:04d}", agency=Agency.objects.get(code=agency), case_type="FOSTER_CARE", county_id="29095"
    )
    review = Review.objects.create(
        case=case,
        pur_start=dt.date(2023, 1, 1),
        pur_end=dt.date.fromisoformat(pur_end) if pur_end else None,
        status=status,
    )
    for item, rating in items.items():
        calculated, effective = rating if isinstance(rating, tuple) else (rating, rating)
        override = effective if calculated != effective else ""
        ItemRating.objects.create(
            review=review, item=item, calculated=calculated, override=override, effective=effective
        )
    for outcome, rating in (outcomes or {}).items():
        OutcomeRating.objects.create(review=review, outcome=outcome, calculated=rating, effective=rating)
    return review


# --- surveys ------------------------------------------------------------------------------


def tagged_survey(group: str, code: str, tags: tuple[str, ...]) -> tuple[Survey, Question]:
    """A one-question agreement survey for `group`, the question tagged with `tags`."""
    n = next(_ids)
    survey = Survey.objects.create(
        family=f"rpt-{group}-{n}", group=group, title_en=f"Report test {group}", title_es="Prueba", status="open"
    )
    section = Section.objects.create(survey=survey, position=1, title_en="Visits", title_es="Visitas")
    question = Question.objects.create(
        survey=survey, section=section, position=1, code=code, kind="agreement", text_en=f"Question {code}"
    )
    for position, (value, en, es, favourable, base) in enumerate(AGREEMENT, start=1):
        Choice.objects.create(
            question=question,
            position=position,
            value=value,
            label_en=en,
            label_es=es,
            favourable=favourable,
            counts_in_base=base,
        )
    for tag in tags:
        MeasureTag.objects.create(question=question, code=tag)
    return survey, question


def make_wave(*surveys: Survey) -> Wave:
    wave = Wave.objects.create(
        name=f"Report wave {next(_ids)}", opens_on=dt.date(2023, 4, 1), closes_on=dt.date(2023, 12, 31)
    )
    wave.surveys.set(surveys)
    return wave


def answers(wave: Wave, survey: Survey, question: Question, agency: str, submitted_on: str, *values: str) -> None:
    """One submitted response per value (a choice value of the agreement scale)."""
    for value in values:
        response = Response.objects.create(
            survey=survey,
            wave=wave,
            agency=Agency.objects.get(code=agency),
            group=survey.group,
            status=Response.Status.SUBMITTED,
            submitted_on=dt.date.fromisoformat(submitted_on),
        )
        Answer.objects.create(response=response, question=question, choice=question.choices.get(value=value))
