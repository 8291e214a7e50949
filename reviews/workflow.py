"""The review workflow: who may do what to a review, and in which status (spec osri.md §5.4).

Every status change goes through `transition(review, action, user, note=...)`, which checks the
user's capability in the review's agency, the current status and the action's own rule, then
saves the new status, writes a ReviewStatusChange row and an audit entry, all in one
transaction. Editing answers, QA notes and overrides are guarded here too, so views only call
these functions and turn the exceptions into 403 responses or messages.

    in_progress --submit--> submitted --start_qa--> first_level_qa --approve--> approved
    returned    --submit--> submitted                first_level_qa --return--> returned
    approved --start_second_level--> second_level_qa --finalize--> finalized (read-only)
    second_level_qa --return--> returned
    finalized --unfinalize (administrator, with a reason)--> returned
    any status but finalized/eliminated --eliminate (with a reason)--> eliminated

Separation of duties (settings.REVIEWS_SEPARATE_DUTIES, on by default): no QA step on a review
one is assigned to as reviewer; second-level QA and finalization by someone other than the
first-level approver (`duty_conflict`). Starting a review (`start_review`) keeps one open review
per case and periods that neither overlap nor start in the future.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.audit import log_action
from accounts.models import User
from accounts.scoping import has_capability
from reviews.completeness import submission_messages, what_is_missing
from reviews.instrument import Scoring, get_instrument
from reviews.instrument.questions import SLOT_ROLES
from reviews.models import Case, DualReview, Participant, QANote, Review, ReviewStatusChange
from reviews.scoring import StaleReview, clear_override, record_answers, rescore, set_override

Status = Review.Status

# Statuses in which the assigned reviewers edit answers (spec §5.4).
EDITABLE = (Status.IN_PROGRESS, Status.RETURNED)
# Statuses in which the review is with QA: notes and overrides happen here.
WITH_QA = (Status.FIRST_LEVEL_QA, Status.SECOND_LEVEL_QA)
# Statuses whose ratings are counted in the supervisors' summaries by default.
REPORTED = (Status.APPROVED, Status.SECOND_LEVEL_QA, Status.FINALIZED)


class NotAllowed(PermissionDenied):
    """The user lacks the role (capability) or assignment for this action: a 403."""


class Refused(Exception):
    """The action is not possible now (wrong status, open notes, incomplete items ...)."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    capability: str
    audit: str
    needs_note: bool = False
    done: str = ""  # what the user is told when it worked


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action(
            "submit",
            "Submit for QA",
            EDITABLE,
            Status.SUBMITTED,
            "review.submit",
            "reviews.review.submitted",
            done="The review was submitted for QA. It is read-only for you until QA returns it.",
        ),
        Action(
            "start_qa",
            "Start first-level QA",
            (Status.SUBMITTED,),
            Status.FIRST_LEVEL_QA,
            "review.qa",
            "reviews.qa.started",
            done="First-level QA started: add notes on questions, override ratings, then approve or return it.",
        ),
        Action(
            "return",
            "Return to reviewer",
            WITH_QA,
            Status.RETURNED,
            "review.qa",
            "reviews.qa.returned",
            done="The review was returned to the reviewer, who can now answer the notes and change answers.",
        ),
        Action(
            "approve",
            "Approve (first level)",
            (Status.FIRST_LEVEL_QA,),
            Status.APPROVED,
            "review.qa",
            "reviews.qa.approved",
            done="The review was approved at first level; it now waits for second-level QA.",
        ),
        Action(
            "start_second_level",
            "Start second-level QA",
            (Status.APPROVED,),
            Status.SECOND_LEVEL_QA,
            "review.qa",
            "reviews.qa.second_level_started",
            done="Second-level QA started.",
        ),
        Action(
            "finalize",
            "Finalize",
            (Status.SECOND_LEVEL_QA,),
            Status.FINALIZED,
            "review.qa",
            "reviews.qa.finalized",
            done="The review is finalized: it is read-only for everyone and counted in the reports.",
        ),
        Action(
            "unfinalize",
            "Unfinalize (data change)",
            (Status.FINALIZED,),
            Status.RETURNED,
            "review.unfinalize",
            "reviews.review.unfinalized",
            needs_note=True,
            done="The review was unfinalized and returned to the reviewer for the data change.",
        ),
        Action(
            "eliminate",
            "Eliminate from the sample",
            tuple(s for s in Status.values if s not in (Status.FINALIZED, Status.ELIMINATED)),
            Status.ELIMINATED,
            "review.eliminate",
            "reviews.review.eliminated",
            needs_note=True,
            done="The review was eliminated from the sample; it is no longer counted.",
        ),
    )
}


# How a review's status reads in a sentence: "this review <phrase>".
STATUS_PHRASES = {
    Status.IN_PROGRESS: "is still being entered by its reviewer",
    Status.SUBMITTED: "has been submitted for QA and is waiting for a QA reviewer",
    Status.FIRST_LEVEL_QA: "is in first-level QA",
    Status.RETURNED: "was returned to its reviewer",
    Status.APPROVED: "was approved at first level and is waiting for second-level QA",
    Status.SECOND_LEVEL_QA: "is in second-level QA",
    Status.FINALIZED: "is finalized",
    Status.ELIMINATED: "was eliminated from the sample",
}

# Actions that are QA's judgement of the review, by level (separation of duties).
FIRST_LEVEL_ACTIONS = ("start_qa", "approve")
SECOND_LEVEL_ACTIONS = ("start_second_level", "finalize")


def status_phrase(review: Review) -> str:
    return STATUS_PHRASES.get(review.status, f"is {review.get_status_display()}")


def is_assigned(review: Review, user: User) -> bool:
    return user.is_superuser or review.reviewers.filter(pk=user.pk).exists()


def may(user: User, capability: str, review: Review | Case) -> bool:
    return has_capability(user, capability, review.agency)


def can_edit(review: Review, user: User) -> bool:
    """Assigned reviewers edit answers while the review is in progress or returned."""
    return review.status in EDITABLE and may(user, "review.edit", review) and is_assigned(review, user)


# --- Separation of duties -------------------------------------------------------------------


def duties_separated() -> bool:
    """settings.REVIEWS_SEPARATE_DUTIES (on unless a deployment turns it off; docs/operations.md)."""
    return bool(getattr(settings, "REVIEWS_SEPARATE_DUTIES", True))


def first_level_approver(review: Review) -> User | None:
    """Who approved the review at first level most recently (None before any approval)."""
    change = review.status_changes.filter(action="approve").select_related("user").order_by("-at", "-id").first()
    return change.user if change else None


def _name(user: User) -> str:
    return user.get_full_name() or user.username


CALIBRATION_KEPT = (
    "This is one of the two blind reviews of a calibration case: it is kept as its reviewer submitted it, "
    "for the agreement statistics, and gets no QA; the case's consensus review goes through QA."
)


CALIBRATION_RECONCILED = (
    "This blind review has been reconciled into the case's consensus review: it stays for the agreement "
    "statistics. To take the case out of the sample, eliminate the consensus review."
)


def _reconciled(review: Review) -> bool:
    """Whether a calibration review's pair already has its consensus review."""
    return DualReview.objects.filter(Q(first=review) | Q(second=review), consensus__isnull=False).exists()


def duty_conflict(review: Review, user: User, action_name: str) -> str:
    """Why separation of duties forbids `user` this QA step on `review`, or "" when it does not.

    Nobody does QA on a review they are assigned to as reviewer; second-level QA (starting it,
    returning from it, notes and overrides in it) and finalization need someone other than the
    first-level approver. `action_name` is a workflow action, or "qa" for notes and overrides.

    The two blind reviews of a calibration case (Review.calibration) get no QA at all: once
    submitted they stay as their reviewers left them, for the agreement statistics; the case's
    consensus review is the one that goes through QA (reviews/calibration.py).
    """
    if review.calibration and action_name in (*FIRST_LEVEL_ACTIONS, *SECOND_LEVEL_ACTIONS, "return", "qa"):
        return CALIBRATION_KEPT
    if review.calibration and action_name == "eliminate" and _reconciled(review):
        return CALIBRATION_RECONCILED
    if not duties_separated() or not user.is_authenticated:
        return ""
    qa_step = action_name in (*FIRST_LEVEL_ACTIONS, *SECOND_LEVEL_ACTIONS, "return", "qa")
    if qa_step and review.reviewers.filter(pk=user.pk).exists():
        return "You are a reviewer of this review: QA must be done by someone else (separation of duties)."
    second_level = action_name in SECOND_LEVEL_ACTIONS or (
        action_name in ("return", "qa") and review.status == Status.SECOND_LEVEL_QA
    )
    if second_level:
        approver = first_level_approver(review)
        if approver is not None and approver.pk == user.pk:
            return (
                "You approved this review at first level: second-level QA and finalization need another "
                "QA reviewer (separation of duties)."
            )
    return ""


def _check_actor(review: Review, action: Action, user: User) -> None:
    if not user.is_authenticated or not may(user, action.capability, review):
        raise NotAllowed(f"Your role in agency {review.agency.code} does not allow “{action.label}”.")
    if action.name == "submit" and not is_assigned(review, user):
        raise NotAllowed("Only a reviewer assigned to this review may submit it.")


def available_actions(review: Review, user: User) -> list[Action]:
    """Actions the user may attempt now (their rule may still refuse them, with a reason)."""
    result = []
    for action in ACTIONS.values():
        if review.status not in action.sources:
            continue
        try:
            _check_actor(review, action, user)
        except NotAllowed:
            continue
        if duty_conflict(review, user, action.name):
            continue
        result.append(action)
    return result


def withheld_actions(review: Review, user: User) -> list[str]:
    """Why an action the user's role allows is not offered to them on this review (separation of duties)."""
    reasons = []
    for action in ACTIONS.values():
        if review.status not in action.sources:
            continue
        try:
            _check_actor(review, action, user)
        except NotAllowed:
            continue
        why = duty_conflict(review, user, action.name)
        if why and why not in reasons:
            reasons.append(why)
    return reasons


def may_qa(review: Review, user: User, capability: str = "review.qa") -> bool:
    """May the user add notes (or, with review.override, override ratings) on the review now?"""
    return review.status in WITH_QA and may(user, capability, review) and not duty_conflict(review, user, "qa")


def open_notes(review: Review):
    return review.qa_notes.filter(resolved=False)


def submission_problems(review: Review, scoring: Scoring | None = None) -> list[str]:
    """Why the review cannot be submitted yet: completeness.what_is_missing, in sentences.

    The "What is missing" box lists the same entries one by one, so Submit refuses exactly when
    that box is not empty."""
    return submission_messages(what_is_missing(review, scoring))


def period_problems(review: Review, today: dt.date | None = None) -> list[str]:
    """Why the period under review cannot end today (Face Sheet E is set by the first submission)."""
    today = today or timezone.localdate()
    if review.pur_end is None and review.pur_start and review.pur_start > today:
        return [
            f"The period under review starts on {review.pur_start:%Y-%m-%d}, after today: it cannot end "
            "before it starts. Correct Face Sheet C first."
        ]
    return []


def period_warnings(review: Review, today: dt.date | None = None) -> list[str]:
    """A period under review longer than 12 months is allowed, but is most likely a wrong start date."""
    end = review.pur_end or today or timezone.localdate()
    if review.pur_start and end - review.pur_start > dt.timedelta(days=366):
        months = (end.year - review.pur_start.year) * 12 + end.month - review.pur_start.month
        ends = "ends" if review.pur_end else "would end today"
        return [
            f"The period under review starts on {review.pur_start:%Y-%m-%d} and {ends} ({end:%Y-%m-%d}): "
            f"about {months} months, more than the usual 12. Check Face Sheet C."
        ]
    return []


def _rule(review: Review, action: Action, note: str) -> list[str]:
    if action.needs_note and not note.strip():
        return [f"“{action.label}” needs a reason: write it in the box next to the button."]
    if action.name == "submit":
        return period_problems(review) + submission_problems(review)
    if action.name == "return" and not note.strip() and not open_notes(review).exists():
        return ["Add a QA note on a question (or give a reason) before returning the review."]
    if action.name in ("approve", "finalize"):
        codes = list(open_notes(review).values_list("question_code", flat=True))
        if codes:
            return [f"Resolve every QA note first (open on {', '.join(codes)})."]
    return []


@transaction.atomic
def transition(
    review: Review, action_name: str, user: User, note: str = "", expected_status: str | None = None
) -> ReviewStatusChange:
    """Apply one workflow action; raises NotAllowed (403) or Refused (with the reasons).

    `expected_status` is the status the user's page showed: when the review has moved on since
    (a page kept from before, reached with Back), nothing is done and the user is told so.
    """
    action = ACTIONS.get(action_name)
    if action is None:
        raise Refused(f"There is no workflow action called {action_name!r}.")
    # Lock the row: two QA reviewers pressing "approve" at once must not both succeed.
    locked = Review.objects.select_for_update().get(pk=review.pk)
    review.status, review.version = locked.status, locked.version
    _check_actor(review, action, user)
    if expected_status and expected_status != review.status:
        raise Refused(
            f"Nothing was done: your page was out of date. Since you opened it, this review "
            f"{status_phrase(review)}. The page now shows it as it is."
        )
    if review.status not in action.sources:
        raise Refused(f"“{action.label}” is not possible now: this review {status_phrase(review)}.")
    if why := duty_conflict(review, user, action.name):
        raise Refused(why)
    problems = _rule(review, action, note)
    if problems:
        raise Refused(problems)

    previous = review.status
    review.status = action.target
    fields = ["status", "updated_at"]
    if action.name == "submit" and review.pur_end is None:
        # Face Sheet E: the first submission ends the period under review and is frozen from then on.
        review.pur_end = timezone.localdate()
        review.face_sheet = {**review.face_sheet, "E": review.pur_end.isoformat()}
        fields += ["pur_end", "face_sheet"]
    review.save(update_fields=fields)
    # Bump the version so an editor still holding the old page cannot save over the new status.
    Review.objects.filter(pk=review.pk).update(version=F("version") + 1)
    review.version += 1
    change = ReviewStatusChange.objects.create(
        review=review, action=action.name, from_status=previous, to_status=review.status, user=user, note=note
    )
    log_action(action.audit, user=user, obj=review, data={"from": previous, "to": review.status, "note": note})
    return change


# --- Starting a review ----------------------------------------------------------------------

# Reviews that still hold their case: a new review of the case waits until these are finalized.
OPEN = tuple(s for s in Status.values if s not in (Status.FINALIZED, Status.ELIMINATED))


def holding(reviews):
    """`reviews` less the blind calibration reviews of a reconciled pair: their consensus review holds
    the case (and its period) for them; they stay submitted, read-only, for the agreement statistics."""
    return reviews.exclude(calibration=True, dual_as_first__consensus__isnull=False).exclude(
        calibration=True, dual_as_second__consensus__isnull=False
    )


def open_review(case: Case) -> Review | None:
    """The case's review still being entered or in QA, if any (there is at most one)."""
    return holding(case.reviews.filter(status__in=OPEN)).order_by("-pur_start").first()


def period_start_problems(case: Case, pur_start: dt.date, review: Review | None = None) -> list[str]:
    """Why a review of `case` cannot have its period under review start on `pur_start`.

    One open review per case; a new period starts after the end of every finalized one (periods do
    not overlap); and no period starts in the future. `review` is the review being changed, if any.
    """
    today = timezone.localdate()
    problems = []
    if pur_start > today:
        problems.append(
            f"The period under review cannot start in the future: {pur_start:%Y-%m-%d} is after today "
            f"({today:%Y-%m-%d})."
        )
    others = holding(case.reviews.exclude(status=Status.ELIMINATED))
    if review is not None:
        others = others.exclude(pk=review.pk)
    for other in others.order_by("pur_start"):
        if other.status in OPEN:
            problems.append(
                f"Case {case.case_id} already has a review in progress (period from {other.pur_start:%Y-%m-%d}, "
                f"{other.get_status_display()}): finish or eliminate it before starting another."
            )
        elif other.pur_end is None or other.pur_end >= pur_start:
            end = f"{other.pur_end:%Y-%m-%d}" if other.pur_end else "its submission"
            problems.append(
                f"The period would overlap the finalized review of case {case.case_id} "
                f"({other.pur_start:%Y-%m-%d} to {end}): a new period starts after {end}."
            )
    return problems


def _site(case: Case) -> str:
    """Face Sheet A: the review site, from the case's county and agency."""
    if case.county_id:
        county = case.county.name if case.county.name.endswith("City") else f"{case.county.name} County"
        return f"Missouri, {county} (circuit {case.county.circuit_id}), agency {case.agency.code}"
    return f"Missouri, agency {case.agency.code} ({case.agency.name})"


def _names(users) -> str:
    return ", ".join(_name(u) for u in users)


@transaction.atomic
def start_review(case: Case, user: User, pur_start: dt.date) -> Review:
    """Start a review of `case` with `user` as its reviewer; Face Sheet A, B, C, D and G are filled in."""
    if not may(user, "review.edit", case):
        raise NotAllowed(f"Your role in agency {case.agency.code} does not allow starting reviews.")
    # Lock the case: two reviewers pressing "Start" at once must not both create a review.
    Case.objects.select_for_update().filter(pk=case.pk).first()
    problems = period_start_problems(case, pur_start)
    if problems:
        raise Refused(problems)
    return create_review(case, user, pur_start)


def create_review(
    case: Case, reviewer: User, pur_start: dt.date, calibration: bool = False, started_by: User | None = None
) -> Review:
    """The new review row, assigned to `reviewer`; the callers check the rules first.

    `start_review` for an ordinary review, `reviews.calibration.start_dual_review` for the two
    blind reviews of a calibration case (calibration=True).
    """
    review = Review.objects.create(
        case=case,
        pur_start=pur_start,
        calibration=calibration,
        face_sheet={
            "A": _site(case),
            "B": case.case_id,
            "C_start": pur_start.isoformat(),
            "D": _names([reviewer]),
            "G": case.case_type,
        },
    )
    review.reviewers.add(reviewer)
    rescore(review)
    log_action(
        "reviews.review.created",
        user=started_by or reviewer,
        obj=review,
        data={"case": case.case_id, **({"calibration": True} if calibration else {})},
    )
    return review


def qa_names(review: Review) -> str:
    """Face Sheet D's "QA completed by": whoever approved or finalized the review, in order."""
    changes = review.status_changes.filter(action__in=("approve", "finalize")).select_related("user")
    seen: list[User] = []
    for change in changes.order_by("at", "id"):
        if change.user and change.user not in seen:
            seen.append(change.user)
    return _names(seen)


# --- Answers --------------------------------------------------------------------------------


def check_can_edit(review: Review, user: User) -> None:
    if review.status not in EDITABLE:
        raise Refused(f"This review {status_phrase(review)}: its answers cannot be changed now.")
    if not may(user, "review.edit", review) or not is_assigned(review, user):
        raise NotAllowed("Only a reviewer assigned to this review may change its answers.")


def save_answers(
    review: Review,
    user: User,
    values: Mapping[str, Any],
    narratives: Mapping[str, str] | None = None,
    expected_version: int | None = None,
) -> Scoring:
    """Record answers through scoring.record_answers after the edit guard.

    Raises StaleReview when someone saved since `expected_version`, InvalidAnswers when the
    resulting answer set breaks a rule; both leave the database unchanged.
    """
    check_can_edit(review, user)
    # Answering a question again is looking at it: a "check this answer" flag is cleared.
    return record_answers(review, values, narratives, expected_version, clear_flags=True)


@transaction.atomic
def keep_answers(review: Review, user: User, code: str, expected_version: int) -> None:
    """The reviewer looked at an answer flagged for a check and keeps it as it is."""
    check_can_edit(review, user)
    if not review.claim_version(expected_version):
        raise StaleReview(f"review {review.pk} was changed by someone else; reload it")
    cleared = review.answers.filter(question_code=code, needs_review=True).update(
        needs_review=False, needs_review_reason=""
    )
    if cleared:
        log_action("reviews.review.answer_kept", user=user, obj=review, data={"question": code})


# --- Participants ---------------------------------------------------------------------------


ROLE_KEYS = {
    "CHILD": "c",
    "SIBLING": "s",
    "MOTHER": "m",
    "FATHER": "f",
    "FOSTER_PARENT": "fp",
    "CASEWORKER": "cw",
    "SUPERVISOR": "sv",
    "OTHER": "o",
}


def _case_name_from_target(review: Review, person: Participant) -> None:
    """Face Sheet B of a foster care case is the target child's full name: fill it in while B still
    holds the case number it was started with."""
    name = (person.details or {}).get("name")
    if person.target and name and review.case.case_type == "FOSTER_CARE":
        if review.face_sheet.get("B") in (None, "", review.case.case_id):
            review.face_sheet = {**review.face_sheet, "B": name}
            review.save(update_fields=["face_sheet", "updated_at"])


@transaction.atomic
def add_participant(
    review: Review, user: User, role: str, label: str = "", target: bool = False, details: dict | None = None
) -> Participant:
    """List a child or case participant (Face Sheet F1/F2) under the next key of the role (f1, f2 ...)."""
    check_can_edit(review, user)
    prefix = ROLE_KEYS[role]
    taken = set(review.participants.values_list("key", flat=True))
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    person = Participant.objects.create(
        review=review,
        key=f"{prefix}{number}",
        role=role,
        target=bool(target) and role == "CHILD",
        label=label,
        details=details or {},
    )
    _case_name_from_target(review, person)
    Review.objects.filter(pk=review.pk).update(version=F("version") + 1)
    rescore(review)
    log_action("reviews.review.participant_added", user=user, obj=review, data={"key": person.key, "role": role})
    return person


@transaction.atomic
def update_participant(
    review: Review, user: User, person: Participant, label: str, target: bool, details: dict
) -> Participant:
    """Change a participant's description, demographics or interview flag (the role and key stay)."""
    check_can_edit(review, user)
    before = {"label": person.label, "target": person.target, **person.details}
    person.label, person.target, person.details = label, bool(target) and person.role == "CHILD", details
    person.save(update_fields=["label", "target", "details"])
    _case_name_from_target(review, person)
    Review.objects.filter(pk=review.pk).update(version=F("version") + 1)
    rescore(review)
    after = {"label": person.label, "target": person.target, **person.details}
    changes = {k: [before.get(k), after.get(k)] for k in set(before) | set(after) if before.get(k) != after.get(k)}
    if changes:
        log_action(
            "reviews.review.participant_changed", user=user, obj=review, data={"key": person.key, "changes": changes}
        )
    return person


def participant_dependents(review: Review, person: Participant) -> tuple[list[str], list[str]]:
    """What removing `person` touches: (their own answers' codes, the codes whose answers need a check).

    Per-person questions (items 8, 11, 12B, 13, 15) asked about the person's role depend on who is
    listed: an answer given once for "the fathers" covered this father too, and the answers kept
    for the other fathers now decide the role's answer alone.
    """
    instrument = get_instrument(review.instrument_version)
    codes = {
        q.code
        for q in instrument.questions.questions
        if q.slot is not None and person.role in SLOT_ROLES[q.slot] and not (q.slot == "SIBLING" and person.target)
    }
    stored = review.answers.filter(question_code__in=codes)
    own = sorted({a.question_code for a in stored if a.participant_id == person.pk}, key=instrument.questions.order)
    others = {a.question_code for a in stored if a.participant_id != person.pk and (a.value is not None or a.narrative)}
    return own, sorted(others, key=instrument.questions.order)


@transaction.atomic
def remove_participant(review: Review, user: User, person: Participant, expected_version: int) -> list[str]:
    """Remove a participant after the reviewer confirmed; returns the codes flagged for a check.

    The person's own per-person answers go with them (the answer history keeps them). The
    remaining answers to the questions about their role stay, flagged "check this answer": they
    block submission until the reviewer answers the question again or keeps the answer (the list
    of what is missing says which). Deleting those answers instead would lose the other people's
    answers, which are usually still right.
    """
    check_can_edit(review, user)
    if not review.claim_version(expected_version):
        raise StaleReview(f"review {review.pk} was changed by someone else; reload it")
    own, dependent = participant_dependents(review, person)
    who = f"{person.key} ({person.get_role_display().lower()}{', ' + person.label if person.label else ''})"
    person.delete()
    flagged = sorted(
        set(review.answers.filter(question_code__in=dependent).values_list("question_code", flat=True)),
        key=get_instrument(review.instrument_version).questions.order,
    )
    review.answers.filter(question_code__in=flagged).update(
        needs_review=True, needs_review_reason=f"{who} was removed from the participants"[:200]
    )
    rescore(review)
    log_action(
        "reviews.review.participant_removed",
        user=user,
        obj=review,
        data={"key": person.key, "role": person.role, "answers_removed": own, "answers_to_check": flagged},
    )
    return flagged


@transaction.atomic
def save_face_sheet(review: Review, user: User, values: Mapping[str, Any], expected_version: int) -> None:
    """Face Sheet fields by code; E (and the period end) is frozen once set by the first submission."""
    check_can_edit(review, user)
    if not review.claim_version(expected_version):
        raise StaleReview(f"review {review.pk} was changed by someone else; reload it")
    sheet = dict(review.face_sheet)
    for code, value in values.items():
        if code == "E":
            continue
        if value in (None, "", []):
            sheet.pop(code, None)
        else:
            sheet[code] = value
    old = dict(review.face_sheet)
    review.face_sheet = sheet
    if sheet.get("C_start") and sheet.get("C_start") != old.get("C_start"):
        pur_start = dt.date.fromisoformat(sheet["C_start"])
        problems = period_start_problems(review.case, pur_start, review)
        if problems:
            raise Refused(problems)
        review.pur_start = pur_start
    review.save(update_fields=["face_sheet", "pur_start", "updated_at"])
    changed = {k: [old.get(k), sheet.get(k)] for k in set(old) | set(sheet) if old.get(k) != sheet.get(k)}
    if changed:
        log_action("reviews.review.face_sheet_changed", user=user, obj=review, data={"changes": changed})


# --- QA notes -------------------------------------------------------------------------------


def _check_qa(review: Review, user: User, capability: str = "review.qa") -> None:
    if not may(user, capability, review):
        raise NotAllowed("Only QA reviewers of this agency may do this.")
    if review.status not in WITH_QA:
        raise Refused(
            f"QA notes and overrides are made while a review is in first- or second-level QA; "
            f"this review {status_phrase(review)}."
        )
    if why := duty_conflict(review, user, "qa"):
        raise Refused(why)


@transaction.atomic
def add_note(review: Review, user: User, question_code: str, text: str) -> QANote:
    """A QA note anchored on a question (or item) of the review's instrument."""
    _check_qa(review, user)
    instrument = get_instrument(review.instrument_version)
    if question_code not in instrument.questions and question_code not in {i.key for i in instrument.items}:
        raise Refused(
            f"“{question_code}” is neither a question code nor an item of this instrument ({instrument.title})."
        )
    if not text.strip():
        raise Refused("A QA note needs text.")
    note = QANote.objects.create(review=review, question_code=question_code, author=user, text=text.strip())
    log_action("reviews.qa.note_added", user=user, obj=review, data={"note": note.pk, "question": question_code})
    return note


@transaction.atomic
def reply_note(note: QANote, user: User, text: str) -> QANote:
    """The assigned reviewer answers a note while the review is back with them."""
    review = note.review
    check_can_edit(review, user)
    if note.resolved:
        raise Refused("This note is already resolved: it needs no reply.")
    if not text.strip():
        raise Refused("A reply needs text.")
    note.reply, note.replied_by, note.replied_at = text.strip(), user, timezone.now()
    note.save(update_fields=["reply", "replied_by", "replied_at"])
    log_action("reviews.qa.note_replied", user=user, obj=review, data={"note": note.pk})
    return note


@transaction.atomic
def resolve_note(note: QANote, user: User) -> QANote:
    _check_qa(note.review, user)
    note.resolved, note.resolved_by, note.resolved_at = True, user, timezone.now()
    note.save(update_fields=["resolved", "resolved_by", "resolved_at"])
    log_action("reviews.qa.note_resolved", user=user, obj=note.review, data={"note": note.pk})
    return note


@transaction.atomic
def delete_note(note: QANote, user: User) -> None:
    """QA may withdraw a note, but never one the reviewer has answered (the thread is the record)."""
    _check_qa(note.review, user)
    if note.reply.strip():
        raise Refused("The reviewer has answered this note, so it cannot be deleted: resolve it instead.")
    log_action(
        "reviews.qa.note_deleted",
        user=user,
        obj=note.review,
        data={"note": note.pk, "question": note.question_code, "text": note.text},
    )
    note.delete()


# --- Overrides ------------------------------------------------------------------------------


@transaction.atomic
def override_rating(review: Review, user: User, key: str, rating: str, reason: str) -> Scoring:
    """Only QA overrides a calculated item or outcome rating, always with a reason."""
    _check_qa(review, user, "review.override")
    scoring = set_override(review, key, rating, reason, user)
    log_action("reviews.qa.override", user=user, obj=review, data={"key": key, "rating": rating, "reason": reason})
    return scoring


@transaction.atomic
def undo_override(review: Review, user: User, key: str) -> Scoring:
    _check_qa(review, user, "review.override")
    scoring = clear_override(review, key)
    log_action("reviews.qa.override_cleared", user=user, obj=review, data={"key": key})
    return scoring


__all__ = [
    "ACTIONS",
    "EDITABLE",
    "REPORTED",
    "WITH_QA",
    "NotAllowed",
    "Refused",
    "StaleReview",
    "add_note",
    "available_actions",
    "can_edit",
    "delete_note",
    "override_rating",
    "reply_note",
    "resolve_note",
    "save_answers",
    "save_face_sheet",
    "submission_problems",
    "transition",
    "undo_override",
]
