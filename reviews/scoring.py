"""Answers in the database -> the instrument -> stored rating rows, in one transaction.

`rescore(review)` is called after every change to answers, participants or overrides. It
recomputes every ItemRating, OutcomeRating and ParticipantRating row of the review from its
answers with the instrument version the review was entered with, keeping QA overrides.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from reviews.instrument import Override, Participant, Problem, Scoring, get_instrument
from reviews.instrument.document import ReviewDocument
from reviews.instrument.items import ITEMS_BY_KEY
from reviews.models import Answer, ItemRating, OutcomeRating, ParticipantRating, Review


class InvalidAnswers(Exception):
    """The answer set breaks the instrument's rules; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class StaleReview(Exception):
    """Someone else saved the review since it was read (optimistic locking)."""


def raw_answers(review: Review) -> tuple[dict[str, Any], dict[str, str]]:
    """Answers as the interchange format writes them (per-person answers as {key: value})."""
    return raw_answers_of([review.pk])[review.pk]


def raw_answers_of(review_ids: list[int]) -> dict[int, tuple[dict[str, Any], dict[str, str]]]:
    """`raw_answers` for several reviews in one query: review pk -> (answers, narratives)."""
    result: dict[int, tuple[dict[str, Any], dict[str, str]]] = {pk: ({}, {}) for pk in review_ids}
    rows = Answer.objects.filter(review_id__in=review_ids).select_related("participant").order_by("id")
    for row in rows:
        answers, narratives = result[row.review_id]
        if row.participant_id is None:
            if row.value is not None:
                answers[row.question_code] = row.value
            if row.narrative:
                narratives[row.question_code] = row.narrative
        else:
            if row.value is not None:
                slot = answers.setdefault(row.question_code, {})
                if isinstance(slot, dict):
                    slot[row.participant.key] = row.value
            if row.narrative:
                # Per-person narratives are joined for the role; the per-person text stays in the database.
                existing = narratives.get(row.question_code)
                text = f"{row.participant.key}: {row.narrative}"
                narratives[row.question_code] = f"{existing}\n{text}" if existing else text
    return result


def overrides_of(review: Review) -> dict[str, Override]:
    result = {}
    for row in [*review.item_ratings.all(), *review.outcome_ratings.all()]:
        if row.override:
            key = row.item if isinstance(row, ItemRating) else row.outcome
            who = row.override_by.username if row.override_by_id else row.override_by_name
            result[key] = Override(
                row.override, row.override_reason, who, row.override_at.isoformat() if row.override_at else ""
            )
    return result


def instrument_participants(review: Review) -> list[Participant]:
    return [Participant(p.key, p.role, p.target) for p in review.participants.all()]


def score_review(review: Review) -> Scoring:
    """Score a stored review without writing anything."""
    answers, narratives = raw_answers(review)
    return get_instrument(review.instrument_version).score(
        review.case.case_type, answers, instrument_participants(review), narratives, overrides_of(review)
    )


@transaction.atomic
def rescore(review: Review) -> Scoring:
    """Recompute and store every rating row of `review`; overrides are kept."""
    # Lock the review so two saves cannot interleave their rating rows.
    Review.objects.select_for_update().filter(pk=review.pk).first()
    scoring = score_review(review)

    _store(review.item_ratings.all(), "item", ItemRating, review, scoring.calculated, scoring.items)
    _store(
        review.outcome_ratings.all(), "outcome", OutcomeRating, review, scoring.outcomes_calculated, scoring.outcomes
    )

    people = {p.key: p for p in review.participants.all()}
    review.participant_ratings.all().delete()
    ParticipantRating.objects.bulk_create(
        ParticipantRating(
            review=review,
            participant=people.get(row.participant) if row.participant else None,
            slot=row.slot,
            item=row.item,
            question_code=row.code,
            aspect=row.aspect,
            answer=row.answer,
            applicable=row.answer in ("YES", "NO"),
            sufficient=row.answer == "YES",
            na_reason=row.na_reason,
        )
        for row in scoring.participant_answers
    )
    return scoring


def _store(existing_rows, field: str, model, review: Review, calculated: Mapping, effective: Mapping) -> None:
    """Upsert rating rows; only rows whose values changed are written (so history shows real changes)."""
    existing = {getattr(row, field): row for row in existing_rows}
    for key, rating in calculated.items():
        row = existing.pop(key, None) or model(review=review, **{field: key})
        values = {"calculated": rating.value, "effective": effective[key], "reasons": list(rating.reasons)}
        if row.pk and all(getattr(row, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
    model.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()


@transaction.atomic
def record_answers(
    review: Review,
    values: Mapping[str, Any],
    narratives: Mapping[str, str] | None = None,
    expected_version: int | None = None,
) -> Scoring:
    """Save answers (None deletes one; a dict gives per-person answers) and rescore, atomically.

    The whole resulting answer set must pass the instrument's checks, else nothing is saved.
    `expected_version` is the review version the editor read; a newer one raises StaleReview.
    """
    if expected_version is not None and not review.claim_version(expected_version):
        raise StaleReview(f"review {review.pk} was changed by someone else; reload it")
    try:
        return _record(review, values, narratives, expected_version)
    except InvalidAnswers:
        if expected_version is not None:
            review.version = expected_version  # the transaction rolls the database back too
        raise


def _record(
    review: Review, values: Mapping[str, Any], narratives: Mapping[str, str] | None, expected_version: int | None
) -> Scoring:
    current, current_narratives = raw_answers(review)
    merged = {**current}
    for code, value in values.items():
        if value is None:
            merged.pop(code, None)
        else:
            merged[code] = value
    merged_narratives = {**current_narratives, **(narratives or {})}
    instrument = get_instrument(review.instrument_version)
    check = instrument.score(review.case.case_type, merged, instrument_participants(review), merged_narratives)
    if check.problems:
        raise InvalidAnswers(check.problems)

    people = {p.key: p for p in review.participants.all()}
    for code, value in values.items():
        review.answers.filter(question_code=code).exclude(participant=None).delete()
        per_person = isinstance(value, dict) and instrument.questions[code].slot is not None
        if value is None or per_person:
            # The case-level row keeps its narrative; its value moves to the per-person rows.
            review.answers.filter(question_code=code, participant=None, narrative="").delete()
            review.answers.filter(question_code=code, participant=None).update(value=None)
        if per_person:
            for key, person_value in value.items():
                Answer.objects.create(review=review, question_code=code, participant=people[key], value=person_value)
        elif value is not None:
            Answer.objects.update_or_create(
                review=review, question_code=code, participant=None, defaults={"value": value}
            )
    for code, text in (narratives or {}).items():
        Answer.objects.update_or_create(
            review=review, question_code=code, participant=None, defaults={"narrative": text}
        )
    if expected_version is None:
        Review.objects.filter(pk=review.pk).update(version=review.version + 1)
        review.version += 1
    Review.objects.filter(pk=review.pk).update(updated_at=timezone.now())
    return rescore(review)


@transaction.atomic
def set_override(review: Review, key: str, rating: str, reason: str, user: User) -> Scoring:
    """QA replaces a calculated item or outcome rating; the calculated value stays visible.

    The instrument's override checks apply: a rating it allows for the key, a reason, and no NA for an
    item that is never NA (3, 12A, 12, 14; 4 and 6 in foster care).
    """
    instrument = get_instrument(review.instrument_version)
    problems = instrument.check_overrides({key: Override(rating, reason)}, review.case.case_type)
    if problems:
        raise InvalidAnswers(problems)
    model, field = (ItemRating, "item") if key in ITEMS_BY_KEY else (OutcomeRating, "outcome")
    rescore(review)  # make sure the row exists
    row = model.objects.get(review=review, **{field: key})
    row.override, row.override_reason, row.override_by, row.override_by_name = rating, reason, user, ""
    row.override_at = timezone.now()
    row.save()
    return rescore(review)


@transaction.atomic
def clear_override(review: Review, key: str) -> Scoring:
    """Undo an override: the calculated rating becomes effective again."""
    for model, field in ((ItemRating, "item"), (OutcomeRating, "outcome")):
        # Saved row by row (not .update()) so the history records who undid what.
        for row in model.objects.filter(review=review, **{field: key}).exclude(override=""):
            row.override, row.override_reason, row.override_by, row.override_by_name = "", "", None, ""
            row.override_at = None
            row.save()
    return rescore(review)


def document_of(review: Review) -> ReviewDocument:
    """The review as an interchange document (no scoring block)."""
    answers, narratives = raw_answers(review)
    return ReviewDocument(
        instrument=review.instrument_version,
        case_id=review.case.case_id,
        agency=review.case.agency.code,
        county_fips=review.case.county_id or "",
        case_type=review.case.case_type,
        face_sheet=dict(review.face_sheet),
        participants=[
            {
                "key": p.key,
                "role": p.role,
                **({"target": True} if p.target else {}),
                **({"label": p.label} if p.label else {}),
                **p.details,
            }
            for p in review.participants.all()
        ],
        answers=answers,
        narratives=narratives,
        overrides=overrides_of(review),
    )
