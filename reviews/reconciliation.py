"""Reconciliation of a blind dual review into the consensus review (issue 15).

Once both blind reviews of a calibration case are submitted (reviews.calibration.both_submitted),
the QA lead compares them side by side and produces the consensus review:

- `differences(dual)`: every answer that differs between the first (A) and the second (B)
  review, one entry per question, or per question and person where the question is asked per
  participant (key "15A1|m1"); participants are matched by their slot key (m1, f1 …).
- `rating_differences(dual)`: every item and outcome whose calculated rating differs, with each
  reviewer's reasons and the item's narratives.
- `save_choices(dual, user, posted)`: per differing answer, take A, take B, or a new answer with
  a required note. All or nothing: a choice with a problem saves none of them (the page shows the
  input again with the problems). Saved choices are kept on the pair (DualReview.choices) so a
  half-done reconciliation resumes where it stopped. Every saved choice is audited.
- `create_consensus(dual, user)`: once every difference has a choice, the consensus is built as an
  interchange document (answers both sides agree on carried over; the chosen or new answer for
  each difference; participants of A, then those only B listed) and imported through
  reviews.interchange.import_document, so it is scored with the instrument like any review. It is
  an ordinary review (calibration=False) of the same case and period under review (start of the
  pair; end: the later of the two submissions), assigned to the pair's two reviewers, submitted
  for QA, and linked as DualReview.consensus. It then goes through normal QA and is the review
  summaries, exports, reports and the API count (reviews.calibration.counted). The two originals
  stay read-only (calibration reviews get no QA and cannot be edited once submitted). A
  consensus that would not be complete enough to submit is refused with the reasons, and nothing
  is created.

The Face Sheet and the participants are reconciled too:

- `face_differences(dual)`: every Face Sheet field whose value differs between A and B, with the
  field's label. The fields create_consensus decides itself (C_start, the pair's period start; D,
  the reviewers; E, the end of the period under review) are shown as information, not offered as
  choices. The others take the same choices as answers (take A, take B, a new value with a required
  note), saved under "face:<code>" in DualReview.choices, checked like the interchange import checks
  a Face Sheet (the field's allowed values, then the cross-field rules of
  reviews.instrument.document.check_face_sheet, each problem naming the field and the rule), and
  audited like the other choices.
- `participant_differences(dual)`: the participants (by slot key) that only one side lists or that
  the two list differently. The consensus keeps A's participants, then those only B listed; the
  page says which row the consensus holds for each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.audit import log_action
from accounts.models import User
from accounts.scoping import has_capability
from reviews import workflow
from reviews.calibration import CalibrationError, both_submitted
from reviews.completeness import submission_messages, what_is_missing
from reviews.instrument import get_instrument
from reviews.instrument.answers import Problem
from reviews.instrument.document import check_face_sheet
from reviews.instrument.questions import FaceSheetField, Kind, Question, check_value
from reviews.interchange import ImportRejected, export_document, import_document
from reviews.models import DualReview, ItemRating, OutcomeRating, Review, ReviewStatusChange
from reviews.scoring import raw_answers

TAKES = ("A", "B", "new")
FACE_PREFIX = "face:"
# Face Sheet fields create_consensus sets itself: the pair's period start, the reviewers, the period end.
DECIDED = {
    "C_start": "the period start of the pair (A's)",
    "D": "the two reviewers' names",
    "E": "the later of the two submissions",
}


@dataclass
class Difference:
    key: str  # "14A" or "15A1|m1"
    question: Question
    person: str | None
    a: Any
    b: Any
    narrative_a: str
    narrative_b: str

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def item(self) -> str:
        return self.question.item


@dataclass
class RatingDifference:
    kind: str  # "item" or "outcome"
    key: str
    a: str
    b: str
    reasons_a: list[str]
    reasons_b: list[str]
    narrative_a: str
    narrative_b: str


@dataclass
class FaceDifference:
    key: str  # "face:K"
    field: FaceSheetField
    a: Any
    b: Any
    decided: str = ""  # what create_consensus puts there, for the fields it decides itself

    @property
    def code(self) -> str:
        return self.field.code

    @property
    def label(self) -> str:
        return self.field.label

    @property
    def question(self) -> Question:
        """The field as a question, so it takes the answer checks and parsing (as the import does)."""
        return Question(self.field.code, "FS", self.field.label, self.field.kind, self.field.options)


@dataclass
class ParticipantDifference:
    key: str  # the slot key, "m1"
    a: dict[str, Any] | None
    b: dict[str, Any] | None

    @property
    def kept(self) -> str:
        """Whose row the consensus holds: A's when A lists the participant, else B's."""
        return "A" if self.a is not None else "B"


def participant_label(row: dict[str, Any] | None) -> str:
    if row is None:
        return "(not listed)"
    name = row.get("name") or "(no name)"
    extra = [str(row.get("role") or ""), str(row.get("label") or "")] + (["target child"] if row.get("target") else [])
    return f"{name} ({', '.join(x for x in extra if x)})"


def _check_qa_lead(dual: DualReview, user: User) -> None:
    if not has_capability(user, "review.qa", dual.case.agency):
        raise workflow.NotAllowed(f"Reconciliation is done by QA reviewers of {dual.case.agency.code}.")


def _check_ready(dual: DualReview) -> None:
    if not dual.first_id or not both_submitted(dual):
        raise CalibrationError(
            f"the dual review of {dual.case.case_id} can be reconciled once both reviews are submitted"
        )


def _flat(review: Review) -> tuple[dict[str, Any], dict[str, str]]:
    """Answers keyed by question code, or "code|person" for per-person answers; and the narratives."""
    answers, narratives = raw_answers(review)
    questions = get_instrument(review.instrument_version).questions
    flat: dict[str, Any] = {}
    for code, value in answers.items():
        if isinstance(value, dict) and questions[code].slot is not None:
            for person, person_value in value.items():
                flat[f"{code}|{person}"] = person_value
        else:
            flat[code] = value
    return flat, narratives


def split_key(key: str) -> tuple[str, str | None]:
    code, _, person = key.partition("|")
    return code, person or None


def differences(dual: DualReview) -> list[Difference]:
    """Every answer that differs between the two reviews, in the instrument's order."""
    a, narratives_a = _flat(dual.first)
    b, narratives_b = _flat(dual.second)
    questions = get_instrument(dual.first.instrument_version).questions
    keys = [k for k in set(a) | set(b) if a.get(k) != b.get(k)]
    keys.sort(key=lambda k: (questions.order(split_key(k)[0]), split_key(k)[1] or ""))
    result = []
    for key in keys:
        code, person = split_key(key)
        result.append(
            Difference(
                key,
                questions[code],
                person,
                a.get(key),
                b.get(key),
                narratives_a.get(code, ""),
                narratives_b.get(code, ""),
            )
        )
    return result


def face_differences(dual: DualReview) -> list[FaceDifference]:
    """Every Face Sheet field that differs between A and B, in the Face Sheet's order."""
    a = dual.first.face_sheet or {}
    b = dual.second.face_sheet or {}
    fields = get_instrument(dual.first.instrument_version).face_sheet
    return [
        FaceDifference(FACE_PREFIX + f.code, f, a.get(f.code), b.get(f.code), DECIDED.get(f.code, ""))
        for f in fields
        if a.get(f.code) != b.get(f.code)
    ]


def face_choices(dual: DualReview) -> dict[str, FaceDifference]:
    """The Face Sheet differences the QA lead chooses, by key."""
    return {d.key: d for d in face_differences(dual) if not d.decided}


def _participants(review: Review) -> dict[str, dict[str, Any]]:
    return {p["key"]: p for p in export_document(review)["participants"]}


def participant_differences(dual: DualReview) -> list[ParticipantDifference]:
    """Participants only one side lists, or that the two list differently (matched by slot key)."""
    a, b = _participants(dual.first), _participants(dual.second)
    keys = list(a) + [k for k in b if k not in a]
    return [ParticipantDifference(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]


def consensus_face_sheet(dual: DualReview, choices: dict[str, Any] | None = None) -> dict[str, Any]:
    """A's Face Sheet with the chosen or new value of each chosen difference (D and E are set on creation)."""
    choices = dual.choices if choices is None else choices
    sheet = dict(dual.first.face_sheet or {})
    for key, d in face_choices(dual).items():
        choice = choices.get(key)
        if choice is None:
            continue
        value = {"A": d.a, "B": d.b}.get(choice["take"], choice.get("value"))
        if value is None:
            sheet.pop(d.code, None)
        else:
            sheet[d.code] = value
    return sheet


def rating_differences(dual: DualReview) -> list[RatingDifference]:
    """Every item and outcome whose calculated rating differs, with both reviewers' reasons and narratives."""
    _, narratives_a = raw_answers(dual.first)
    _, narratives_b = raw_answers(dual.second)
    result = []
    for model, field, kind in ((ItemRating, "item", "item"), (OutcomeRating, "outcome", "outcome")):
        a = {getattr(r, field): r for r in model.objects.filter(review=dual.first)}
        b = {getattr(r, field): r for r in model.objects.filter(review=dual.second)}
        for key in a:
            if key in b and a[key].calculated != b[key].calculated:
                result.append(
                    RatingDifference(
                        kind,
                        key,
                        a[key].calculated,
                        b[key].calculated,
                        list(a[key].reasons),
                        list(b[key].reasons),
                        narratives_a.get(key, ""),
                        narratives_b.get(key, ""),
                    )
                )
    return result


def parse_new(question: Question, text: str) -> tuple[Any, str | None]:
    """A new answer typed by the QA lead -> (value, problem). Options are written as the instrument's codes."""
    text = (text or "").strip()
    if not text:
        return None, "give the new answer"
    kind = question.kind
    try:
        if kind in (Kind.GATE, Kind.YN, Kind.YNNA, Kind.PATTERN, Kind.CHOICE):
            value: Any = text.upper().replace(" ", "_")
        elif kind is Kind.MULTI:
            value = [part.strip().upper().replace(" ", "_") for part in text.split(",") if part.strip()]
        elif kind is Kind.INTEGER:
            value = int(text)
        elif kind is Kind.DATE and text.upper().replace(" ", "_") in question.options:
            value = text.upper().replace(" ", "_")
        elif kind in (Kind.TABLE, Kind.EXCEPTIONS):
            value = text if text.upper() == "NA" else json.loads(text)
            if isinstance(value, str):
                value = value.upper()
        else:
            value = text
    except ValueError:
        return None, "is not in the right form (a whole number, or JSON for a table)"
    problem = check_value(question, value)
    return value, problem


def show(value: Any) -> str:
    """An answer as the page and the audit show it."""
    if value is None:
        return "(no answer)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


@transaction.atomic
def save_choices(dual: DualReview, user: User, posted: dict[str, dict[str, str]]) -> dict[str, str]:
    """Record the QA lead's choices {key: {"take", "value", "note"}}; returns problems by key (nothing saved then).

    An entry with no "take" leaves that difference open. A choice for a key that is not a difference is refused.
    """
    dual = DualReview.objects.select_for_update(of=("self",)).select_related("case__agency").get(pk=dual.pk)
    _check_qa_lead(dual, user)
    _check_ready(dual)
    if dual.consensus_id:
        raise CalibrationError("the consensus review was already created; the choices can no longer change")
    diffs: dict[str, Difference | FaceDifference] = {d.key: d for d in differences(dual)}
    faces = face_choices(dual)
    diffs.update(faces)
    problems: dict[str, str] = {}
    chosen: dict[str, dict[str, Any]] = {}
    for key, entry in posted.items():
        take = (entry.get("take") or "").strip()
        if not take:
            continue
        if key not in diffs:
            problems[key] = "is not an answer or Face Sheet field that differs between the two reviews"
            continue
        if take not in TAKES:
            problems[key] = "choose A, B or a new answer"
            continue
        note = (entry.get("note") or "").strip()
        if take == "new":
            value, problem = parse_new(diffs[key].question, entry.get("value", ""))
            if problem:
                if key in faces:
                    where = f"face_sheet.{faces[key].code}"
                    problems[key] = str(
                        Problem(where, "required", "give the new value")
                        if not (entry.get("value") or "").strip()
                        else Problem(where, "allowed-values", f"the new value {problem}")
                    )
                else:
                    problems[key] = f"the new answer {problem}"
                continue
            if not note:
                problems[key] = "a new answer needs a note saying why"
                continue
            chosen[key] = {"take": "new", "value": value, "note": note}
        else:
            chosen[key] = {"take": take, "note": note}
    if not problems:
        problems = _face_sheet_problems(dual, faces, chosen)
    if problems:
        return problems
    changed = {k: v for k, v in chosen.items() if dual.choices.get(k) != v}
    if changed:
        dual.choices = {**dual.choices, **changed}
        dual.save(update_fields=["choices"])
        for key, choice in changed.items():
            log_action(
                "reviews.calibration.choice",
                user=user,
                obj=dual,
                agency=dual.case.agency,
                data={"case": dual.case.case_id, "key": key, **choice},
            )
    return {}


def _face_sheet_problems(
    dual: DualReview, faces: dict[str, FaceDifference], chosen: dict[str, dict[str, Any]]
) -> dict[str, str]:
    """The import's cross-field Face Sheet rules on the sheet the choices give, against the fields just chosen."""
    posted = {k for k in chosen if k in faces}
    if not posted:
        return {}
    sheet = consensus_face_sheet(dual, {**dual.choices, **chosen})
    found: list[Problem] = []
    check_face_sheet(sheet, dual.case.case_type, found)
    problems: dict[str, str] = {}
    for problem in found:
        code = problem.code.removeprefix("face_sheet.")
        involved = {FACE_PREFIX + c for c in RULE_FIELDS.get(problem.rule, (code,))}
        for key in sorted(involved & posted):
            problems.setdefault(key, str(problem))
    return problems


# The Face Sheet fields each cross-field rule of check_face_sheet looks at.
RULE_FIELDS = {
    "case-type-matches": ("G",),
    "K-na-iff-in-home": ("K",),
    "K-before-L": ("K", "L"),
    "I-before-M": ("I", "M"),
    "C-before-E": ("C_start", "E"),
    "N2-in-N1": ("N1", "N2"),
}


def open_keys(dual: DualReview) -> list[str]:
    """Differences (answers and Face Sheet fields) that have no choice yet."""
    keys = [d.key for d in differences(dual)] + list(face_choices(dual))
    return [k for k in keys if k not in dual.choices]


def consensus_answers(dual: DualReview) -> tuple[dict[str, Any], dict[str, str]]:
    """The consensus answer set (interchange shape) and narratives from the two reviews and the choices."""
    a, narratives_a = _flat(dual.first)
    b, narratives_b = _flat(dual.second)
    merged: dict[str, Any] = {}
    narratives = {**narratives_b, **{k: v for k, v in narratives_a.items() if v}}
    for key in set(a) | set(b):
        code, person = split_key(key)
        if a.get(key) == b.get(key):
            value = a[key]
        else:
            choice = dual.choices[key]
            value = {"A": a.get(key), "B": b.get(key)}.get(choice["take"], choice.get("value"))
            if choice["take"] == "B" and narratives_b.get(code):
                narratives[code] = narratives_b[code]
        if value is None:
            continue
        if person is None:
            merged[code] = value
        else:
            merged.setdefault(code, {})[person] = value
    return merged, narratives


@transaction.atomic
def create_consensus(dual: DualReview, user: User) -> Review:
    """Build, score and link the consensus review; it is submitted for QA. Raises Refused with the reasons."""
    dual = (
        DualReview.objects.select_for_update(of=("self",))
        .select_related("case__agency", "first", "second")
        .get(pk=dual.pk)
    )
    _check_qa_lead(dual, user)
    _check_ready(dual)
    if dual.consensus_id:
        raise CalibrationError(f"the consensus review of {dual.case.case_id} was already created")
    missing = open_keys(dual)
    if missing:
        raise workflow.Refused(
            f"Choose an answer or value for every difference first ({len(missing)} still open: {', '.join(missing)})."
        )
    first, second = dual.first, dual.second
    answers, narratives = consensus_answers(dual)
    document = export_document(first)
    document.pop("scoring", None)
    keys = {p["key"] for p in document["participants"]}
    document["participants"] += [p for p in export_document(second)["participants"] if p["key"] not in keys]
    reviewers = sorted({u.username for u in [*first.reviewers.all(), *second.reviewers.all()]})
    pur_end = max(first.pur_end, second.pur_end)
    document["face_sheet"] = {
        **consensus_face_sheet(dual),
        "D": ", ".join(
            u.get_full_name() or u.username for u in User.objects.filter(username__in=reviewers).order_by("username")
        ),
        "E": pur_end.isoformat(),
    }
    document["answers"], document["narratives"], document["overrides"] = answers, narratives, {}
    document["review"] = {"status": Review.Status.SUBMITTED, "reviewers": reviewers, "pur_end": pur_end.isoformat()}
    try:
        consensus = import_document(document).review
    except ImportRejected as exc:
        raise workflow.Refused([str(p) for p in exc.problems]) from exc
    missing_entries = what_is_missing(consensus)
    if missing_entries:
        raise workflow.Refused(
            ["The consensus would not be complete enough to submit for QA:"] + submission_messages(missing_entries)
        )
    ReviewStatusChange.objects.create(
        review=consensus,
        action="submit",
        from_status=Review.Status.IN_PROGRESS,
        to_status=Review.Status.SUBMITTED,
        user=user,
        note=f"Consensus of the blind dual review of {dual.case.case_id} ({dual.quarter}).",
    )
    dual.consensus, dual.reconciled_by, dual.reconciled_at = consensus, user, timezone.now()
    dual.save(update_fields=["consensus", "reconciled_by", "reconciled_at"])
    log_action(
        "reviews.calibration.reconciled",
        user=user,
        obj=dual,
        agency=dual.case.agency,
        data={
            "case": dual.case.case_id,
            "consensus": consensus.pk,
            "reviews": [first.pk, second.pk],
            "choices": dual.choices,
        },
    )
    log_action("reviews.review.created", user=user, obj=consensus, data={"case": dual.case.case_id, "consensus": True})
    return consensus
