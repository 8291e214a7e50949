"""Answers in the database -> the instrument -> stored rating rows, in one transaction.

`rescore(review)` is called after every change to answers, participants or overrides. It
recomputes every ItemRating, OutcomeRating and ParticipantRating row of the review from its
answers with the instrument version the review was entered with, keeping QA overrides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cached_property
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from reviews.instrument import Override, Participant, Problem, Scoring, get_instrument
from reviews.instrument.document import ReviewDocument
from reviews.instrument.items import ITEMS_BY_KEY
from reviews.models import Answer, ItemRating, OutcomeRating, ParticipantRating, QANote, Review
from reviews.models import Participant as ParticipantRow


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
        _collect(row, *result[row.review_id], lambda row: row.participant.key)
    return result


def _collect(row: Answer, answers: dict[str, Any], narratives: dict[str, str], key_of: Callable[[Answer], str]) -> None:
    """Add one Answer row to (answers, narratives) as the interchange format writes them; rows come in id order."""
    if row.participant_id is None:
        if row.value is not None:
            answers[row.question_code] = row.value
        if row.narrative:
            narratives[row.question_code] = row.narrative
    else:
        if row.value is not None:
            slot = answers.setdefault(row.question_code, {})
            if isinstance(slot, dict):
                slot[key_of(row)] = row.value
        if row.narrative:
            # Per-person narratives are joined for the role; the per-person text stays in the database.
            existing = narratives.get(row.question_code)
            text = f"{key_of(row)}: {row.narrative}"
            narratives[row.question_code] = f"{existing}\n{text}" if existing else text


@dataclass
class StoredRows:
    """One review's answers, participants and rating rows, read once (4 queries) and shared.

    Scoring, the "What is missing" list, the sidebar and the item page of one request all read
    these instead of querying the same rows again; QA notes are read on first use. Load them
    again after a change: nothing here follows later writes. (`record_answers` and `rescore`
    leave the rows as they wrote them on `review.saved_rows`, for the page that answers a save.)
    """

    review: Review
    answers: list[Answer]  # in id order, as raw_answers reads them
    participants: list[ParticipantRow]
    item_ratings: list[ItemRating]
    outcome_ratings: list[OutcomeRating]
    _raw: tuple[dict[str, Any], dict[str, str]] | None = dataclass_field(default=None, repr=False)

    @classmethod
    def load(cls, review: Review) -> StoredRows:
        return cls(
            review,
            list(Answer.objects.filter(review=review).order_by("id")),
            list(review.participants.all()),
            list(review.item_ratings.select_related("override_by")),
            list(review.outcome_ratings.select_related("override_by")),
        )

    def raw(self) -> tuple[dict[str, Any], dict[str, str]]:
        """`raw_answers(review)` from these rows (callers must not change the dicts)."""
        if self._raw is None:
            keys = {p.pk: p.key for p in self.participants}
            answers: dict[str, Any] = {}
            narratives: dict[str, str] = {}
            for row in self.answers:
                _collect(row, answers, narratives, lambda row: keys[row.participant_id])
            self._raw = (answers, narratives)
        return self._raw

    def overrides(self) -> dict[str, Override]:
        return _overrides([*self.item_ratings, *self.outcome_ratings])

    def instrument_participants(self) -> list[Participant]:
        return [Participant(p.key, p.role, p.target) for p in self.participants]

    @cached_property
    def notes(self) -> list[QANote]:
        """The review's QA notes in their order (created, id), with author and replier."""
        return list(self.review.qa_notes.select_related("author", "replied_by").all())

    def flagged(self) -> list[Answer]:
        """Answers flagged for a re-check, in id order."""
        return [a for a in self.answers if a.needs_review]


def overrides_of(review: Review) -> dict[str, Override]:
    return _overrides([*review.item_ratings.all(), *review.outcome_ratings.all()])


def _overrides(rows: Iterable[ItemRating | OutcomeRating]) -> dict[str, Override]:
    result = {}
    for row in rows:
        if row.override:
            key = row.item if isinstance(row, ItemRating) else row.outcome
            who = row.override_by.username if row.override_by_id else row.override_by_name
            result[key] = Override(
                row.override, row.override_reason, who, row.override_at.isoformat() if row.override_at else ""
            )
    return result


def instrument_participants(review: Review) -> list[Participant]:
    return [Participant(p.key, p.role, p.target) for p in review.participants.all()]


def score_review(review: Review, rows: StoredRows | None = None) -> Scoring:
    """Score a stored review without writing anything (from `rows` when given: no query)."""
    if rows is None:
        answers, narratives = raw_answers(review)
        participants, overrides = instrument_participants(review), overrides_of(review)
    else:
        answers, narratives = rows.raw()
        participants, overrides = rows.instrument_participants(), rows.overrides()
    return get_instrument(review.instrument_version).score(
        review.case.case_type, answers, participants, narratives, overrides
    )


@transaction.atomic
def rescore(review: Review) -> Scoring:
    """Recompute and store every rating row of `review`; overrides are kept."""
    # Lock the review so two saves cannot interleave their rating rows.
    Review.objects.select_for_update().filter(pk=review.pk).first()
    return _rescore(review, StoredRows.load(review), answers_changed=False)


def _rescore(review: Review, rows: StoredRows, answers_changed: bool) -> Scoring:
    """`rescore` inside a transaction that holds the review's row lock.

    `rows` gives the participants and rating rows as they are in the database; with
    `answers_changed` its answers are out of date and are read again, so the ratings follow
    exactly what was stored.
    """
    if answers_changed:
        answers_now = list(Answer.objects.filter(review=review).order_by("id"))
    else:
        answers_now = rows.answers
    # The rows as they are once this transaction commits (the rating lists are filled below).
    after = StoredRows(review, answers_now, rows.participants, [], [])
    answers, narratives = after.raw()
    scoring = get_instrument(review.instrument_version).score(
        review.case.case_type, answers, after.instrument_participants(), narratives, rows.overrides()
    )

    after.item_ratings = _store(rows.item_ratings, "item", ItemRating, review, scoring.calculated, scoring.items)
    after.outcome_ratings = _store(
        rows.outcome_ratings, "outcome", OutcomeRating, review, scoring.outcomes_calculated, scoring.outcomes
    )

    people = {p.key: p for p in rows.participants}
    ratings = [
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
    ]
    # Rewritten only when they changed (most saves leave every per-person answer as it was).
    stored = list(review.participant_ratings.order_by("id"))
    if [_participant_rating(r) for r in stored] != [_participant_rating(r) for r in ratings]:
        review.participant_ratings.all().delete()
        ParticipantRating.objects.bulk_create(ratings)
    review.saved_rows = after
    return scoring


def _participant_rating(row: ParticipantRating) -> tuple:
    return (
        row.participant_id,
        row.slot,
        row.item,
        row.question_code,
        row.aspect,
        row.answer,
        row.applicable,
        row.sufficient,
        row.na_reason,
    )


def _store(existing_rows, field: str, model, review: Review, calculated: Mapping, effective: Mapping) -> list:
    """Upsert rating rows; only rows whose values changed are written (so history shows real changes).

    Returns the review's rows as they now are, in id order."""
    existing = {getattr(row, field): row for row in existing_rows}
    kept = []
    for key, rating in calculated.items():
        row = existing.pop(key, None) or model(review=review, **{field: key})
        kept.append(row)
        values = {"calculated": rating.value, "effective": effective[key], "reasons": list(rating.reasons)}
        if row.pk and all(getattr(row, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
    model.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    return sorted(kept, key=lambda row: row.pk)


@transaction.atomic
def record_answers(
    review: Review,
    values: Mapping[str, Any],
    narratives: Mapping[str, str] | None = None,
    expected_version: int | None = None,
    clear_flags: bool = False,
) -> Scoring:
    """Save answers (None deletes one; a dict gives per-person answers) and rescore, atomically.

    The whole resulting answer set must pass the instrument's checks, else nothing is saved.
    `expected_version` is the review version the editor read; a newer one raises StaleReview.
    `clear_flags` clears the "check this answer" flag of the questions answered.
    """
    if expected_version is not None and not review.claim_version(expected_version, touch=True):
        raise StaleReview(f"review {review.pk} was changed by someone else; reload it")
    try:
        return _record(review, values, narratives, expected_version, clear_flags)
    except InvalidAnswers:
        if expected_version is not None:
            review.version = expected_version  # the transaction rolls the database back too
        raise


def _record(
    review: Review,
    values: Mapping[str, Any],
    narratives: Mapping[str, str] | None,
    expected_version: int | None,
    clear_flags: bool,
) -> Scoring:
    rows = StoredRows.load(review)
    current, current_narratives = rows.raw()
    merged = {**current}
    for code, value in values.items():
        if value is None:
            merged.pop(code, None)
        else:
            merged[code] = value
    merged_narratives = {**current_narratives, **(narratives or {})}
    instrument = get_instrument(review.instrument_version)
    check = instrument.score(review.case.case_type, merged, rows.instrument_participants(), merged_narratives)
    if check.problems:
        raise InvalidAnswers(check.problems)
    if expected_version is None:
        # (With an expected version, claim_version already did this.) The review's row stays locked
        # to the end of the transaction, so two saves cannot interleave their rating rows.
        Review.objects.filter(pk=review.pk).update(version=review.version + 1, updated_at=timezone.now())
        review.version += 1

    people = {p.key: p for p in rows.participants}
    stored: dict[str, list[Answer]] = {}
    for row in rows.answers:
        stored.setdefault(row.question_code, []).append(row)
    for code, value in values.items():
        # The statements below run only where the rows read above say they change something.
        case_row = next((row for row in stored.get(code, []) if row.participant_id is None), None)
        if any(row.participant_id is not None for row in stored.get(code, [])):
            review.answers.filter(question_code=code).exclude(participant=None).delete()
        per_person = isinstance(value, dict) and instrument.questions[code].slot is not None
        if (value is None or per_person) and case_row is not None:
            # The case-level row keeps its narrative; its value moves to the per-person rows.
            if not case_row.narrative:
                case_row.delete()
            elif case_row.value is not None:
                review.answers.filter(pk=case_row.pk).update(value=None)
        if per_person:
            for key, person_value in value.items():
                Answer.objects.create(review=review, question_code=code, participant=people[key], value=person_value)
        elif value is not None:
            if case_row is None:
                Answer.objects.create(review=review, question_code=code, participant=None, value=value)
            else:
                case_row.value = value
                case_row.save(update_fields=["value", "updated_at"])
    for code, text in (narratives or {}).items():
        Answer.objects.update_or_create(
            review=review, question_code=code, participant=None, defaults={"narrative": text}
        )
    if clear_flags and any(row.needs_review for code in values for row in stored.get(code, [])):
        # Answering a question again is looking at it: a "check this answer" flag is cleared.
        review.answers.filter(question_code__in=list(values), needs_review=True).update(
            needs_review=False, needs_review_reason=""
        )
    return _rescore(review, rows, answers_changed=True)


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
