"""Import and export of reviews in the interchange format (spec osri.md §9).

Import is atomic per document and idempotent by case id + period under review start: the
same document imported twice leaves one review, unchanged the second time. Export writes every
answer, narrative, participant and override so that importing the export gives identical ratings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Agency, County, User
from reviews.instrument import INSTRUMENTS, Problem, get_instrument
from reviews.instrument.document import (
    FORMAT,
    FORMAT_VERSION,
    PARTICIPANT_DETAIL_KEYS,
    ReviewDocument,
    read_document,
    score_document,
)
from reviews.instrument.questions import parse_date
from reviews.models import Answer, Case, ItemRating, OutcomeRating, Participant, Review
from reviews.scoring import document_of, rescore, score_review
from reviews.workflow import OPEN, holding


class ImportRejected(Exception):
    """The document has problems; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class ImportResult:
    review: Review
    action: str  # created, updated, unchanged


def export_document(review: Review) -> dict[str, Any]:
    """The review as an interchange document, with its scoring block."""
    doc = document_of(review)
    scoring = score_review(review)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "instrument": doc.instrument,
        "case": {
            "case_id": doc.case_id,
            "agency": doc.agency,
            "county_fips": doc.county_fips,
            "case_type": doc.case_type,
        },
        "face_sheet": doc.face_sheet,
        "participants": doc.participants,
        "answers": doc.answers,
        "narratives": doc.narratives,
        "overrides": {
            key: {"rating": o.rating, "reason": o.reason, "by": o.by, "at": o.at} for key, o in doc.overrides.items()
        },
        "review": {
            "status": review.status,
            "reviewers": sorted(u.username for u in review.reviewers.all()),
            "pur_end": review.pur_end.isoformat() if review.pur_end else None,
        },
        "scoring": scoring.block(),
        # Where this tool's codes and letters differ from the federal instrument's (item 1's A/B/C, the
        # Round 4 Face Sheet letters, codes this tool adds); ignored on import.
        "federal_codes": get_instrument(doc.instrument).federal_codes(),
    }


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    """What must match for a re-import to be a no-op (the scoring block and the code notes are derived)."""
    result = {k: v for k, v in document.items() if k not in ("scoring", "federal_codes")}
    result["overrides"] = {k: {**v, "at": ""} for k, v in (document.get("overrides") or {}).items()}
    return result


def check_document(data: Any) -> tuple[ReviewDocument | None, list[Problem]]:
    """Every problem of a document, including the ones that need the database."""
    doc, problems = read_document(data, INSTRUMENTS)
    if doc is None:
        return None, problems
    problems += score_document(doc, get_instrument(doc.instrument)).problems
    if parse_date(doc.pur_start) is None:
        problems.append(
            Problem("face_sheet.C_start", "required", "the period under review start is required to import")
        )
    if doc.agency and not Agency.objects.filter(code=doc.agency).exists():
        problems.append(Problem("case.agency", "known-agency", f"no agency with code {doc.agency!r}"))
    if doc.county_fips and not County.objects.filter(fips=doc.county_fips).exists():
        problems.append(Problem("case.county_fips", "known-county", f"no county with FIPS code {doc.county_fips!r}"))
    status = doc.review.get("status")
    if status is not None and status not in Review.Status.values:
        problems.append(Problem("review.status", "allowed-values", f"must be one of {', '.join(Review.Status.values)}"))
    reviewers = doc.review.get("reviewers") or []
    if not isinstance(reviewers, list):
        problems.append(Problem("review.reviewers", "shape", "must be a list of usernames"))
    else:
        known = set(User.objects.filter(username__in=reviewers).values_list("username", flat=True))
        for name in reviewers:
            if name not in known:
                problems.append(Problem("review.reviewers", "known-user", f"no user {name!r}"))
    pur_end = doc.review.get("pur_end")
    if pur_end is not None and parse_date(pur_end) is None:
        problems.append(Problem("review.pur_end", "date", "must be a date YYYY-MM-DD"))
    for key, override in doc.overrides.items():
        if override.at and parse_datetime(override.at) is None:
            problems.append(Problem(f"overrides.{key}", "datetime", "at must be an ISO date and time"))
    case = Case.objects.filter(case_id=doc.case_id).first()
    start = parse_date(doc.pur_start)
    if case is not None and start is not None and (status or Review.Status.IN_PROGRESS) in OPEN:
        # One open review per case, as on the page (workflow.period_start_problems): a file may update
        # its own open review (same period start) but not open a second one.
        other = holding(case.reviews.filter(status__in=OPEN)).exclude(pur_start=start).order_by("pur_start").first()
        if other is not None:
            problems.append(
                Problem(
                    "review.pur_start",
                    "one-open-review",
                    f"case {doc.case_id} already has a review in progress (period from {other.pur_start:%Y-%m-%d}, "
                    f"{other.get_status_display()}): finish or eliminate it before importing another",
                )
            )
    if case is not None and case.case_type != doc.case_type:
        others = case.reviews.exclude(pur_start=parse_date(doc.pur_start) or dt.date.min)
        if others.exists():
            problems.append(
                Problem("case.case_type", "case-type-matches", f"case {doc.case_id} is stored as {case.case_type}")
            )
    return doc, get_instrument(doc.instrument).sort_problems(problems)


@transaction.atomic
def import_document(data: Any) -> ImportResult:
    """Create or replace the review of (case id, period start) from a document; all or nothing."""
    doc, problems = check_document(data)
    if problems or doc is None:
        raise ImportRejected(problems)
    pur_start = parse_date(doc.pur_start)
    case, _ = Case.objects.get_or_create(
        case_id=doc.case_id,
        defaults={"agency": Agency.objects.get(code=doc.agency), "case_type": doc.case_type},
    )
    # A document is an ordinary review: the blind calibration reviews of the case are never replaced.
    review = Review.objects.filter(case=case, pur_start=pur_start, calibration=False).first()
    if review is not None and _comparable(export_document(review)) == _comparable(_normalised(doc, review)):
        return ImportResult(review, "unchanged")

    case.agency = Agency.objects.get(code=doc.agency)
    case.county_id = doc.county_fips or None
    case.case_type = doc.case_type
    case.save()

    action = "updated"
    if review is None:
        review = Review(case=case, pur_start=pur_start, instrument_version=doc.instrument)
        action = "created"
    review.instrument_version = doc.instrument
    review.face_sheet = doc.face_sheet
    review.status = doc.review.get("status") or review.status
    pur_end = doc.review.get("pur_end") or doc.face_sheet.get("E")
    review.pur_end = parse_date(pur_end) if pur_end else None
    if review.pk:
        review.version += 1
    review.save()
    if "reviewers" in doc.review or action == "created":
        review.reviewers.set(User.objects.filter(username__in=doc.review.get("reviewers") or []))

    review.answers.all().delete()
    review.participants.all().delete()
    people = {}
    for row in doc.participants:
        people[row["key"]] = Participant.objects.create(
            review=review,
            key=row["key"],
            role=row["role"],
            target=bool(row.get("target")),
            label=row.get("label", ""),
            details={k: row[k] for k in PARTICIPANT_DETAIL_KEYS if k in row},
        )
    instrument = get_instrument(doc.instrument)
    answers = []
    for code, value in doc.answers.items():
        narrative = doc.narratives.get(code, "")
        if isinstance(value, dict) and instrument.questions[code].slot is not None:
            if narrative:
                answers.append(Answer(review=review, question_code=code, narrative=narrative))
            for key, person_value in value.items():
                answers.append(Answer(review=review, question_code=code, participant=people[key], value=person_value))
        else:
            answers.append(Answer(review=review, question_code=code, value=value, narrative=narrative))
    for code, narrative in doc.narratives.items():
        if code not in doc.answers:
            answers.append(Answer(review=review, question_code=code, narrative=narrative))
    # In one INSERT, with their audit rows (the same "+" rows a save() writes, with the same user):
    # saving a hundred answers one by one, each with its history row, was most of an import's time.
    Answer.objects.bulk_create(answers)
    Answer.history.bulk_history_create(answers)

    review.item_ratings.all().delete()
    review.outcome_ratings.all().delete()
    scoring = rescore(review)
    users = {u.username: u for u in User.objects.filter(username__in=[o.by for o in doc.overrides.values()])}
    for key, override in doc.overrides.items():
        model, field = (ItemRating, "item") if key in scoring.calculated else (OutcomeRating, "outcome")
        user = users.get(override.by)
        row = model.objects.get(review=review, **{field: key})
        row.override, row.override_reason = override.rating, override.reason
        row.override_by, row.override_by_name = user, "" if user else override.by
        row.override_at = parse_datetime(override.at) if override.at else timezone.now()
        row.save()
    if doc.overrides:
        rescore(review)
    return ImportResult(review, action)


def _normalised(doc: ReviewDocument, existing: Review) -> dict[str, Any]:
    """The incoming document in the shape `export_document` writes, for the no-op check."""
    reviewers = doc.review.get("reviewers")
    if reviewers is None:
        reviewers = [u.username for u in existing.reviewers.all()]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "instrument": doc.instrument,
        "case": {
            "case_id": doc.case_id,
            "agency": doc.agency,
            "county_fips": doc.county_fips,
            "case_type": doc.case_type,
        },
        "face_sheet": doc.face_sheet,
        "participants": [
            {
                "key": p["key"],
                "role": p["role"],
                **({"target": True} if p.get("target") else {}),
                **({"label": p["label"]} if p.get("label") else {}),
                **{k: p[k] for k in PARTICIPANT_DETAIL_KEYS if k in p},
            }
            for p in doc.participants
        ],
        "answers": doc.answers,
        "narratives": doc.narratives,
        "overrides": {
            k: {"rating": o.rating, "reason": o.reason, "by": o.by, "at": o.at} for k, o in doc.overrides.items()
        },
        "review": {
            "status": doc.review.get("status") or existing.status,
            "reviewers": sorted(reviewers),
            "pur_end": doc.review.get("pur_end") or doc.face_sheet.get("E"),
        },
    }
