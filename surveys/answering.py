"""Answering rules: which questions are shown, how a page's input is checked and saved, submission.

- A question with a condition is shown only when the earlier question it depends on is itself
  shown and was answered with the given value (for multiple choice: the value is among those
  ticked).
- Saving a page stores typed answers and then discards every stored answer whose question is no
  longer shown, so a stale answer (given before the earlier answer changed) is never kept.
- "Next" checks required questions of the page; "save and finish later" saves what is valid
  without requiring answers; sending checks every page and can happen once per invitation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from surveys.i18n import ui
from surveys.models import Answer, FollowUpRequest, Invitation, Question, Response, Section, Survey

MAX_TEXT = {Question.Kind.SHORT_TEXT: 200, Question.Kind.LONG_TEXT: 5000}

Value = Any  # str (choice value or text) | list[str] (multiple) | Decimal (number)


def field_name(question: Question) -> str:
    return f"q_{question.code}"


def stored_values(response: Response) -> dict[int, Value]:
    """The response's answers by question id, as typed values."""
    values: dict[int, Value] = {}
    for answer in response.answers.select_related("choice", "question").prefetch_related("choices"):
        kind = answer.question.kind
        if kind == Question.Kind.MULTIPLE:
            values[answer.question_id] = [c.value for c in answer.choices.all()]
        elif answer.question.is_closed:
            values[answer.question_id] = answer.choice.value if answer.choice else None
        elif kind == Question.Kind.NUMBER:
            values[answer.question_id] = answer.number
        else:
            values[answer.question_id] = answer.text
    return {k: v for k, v in values.items() if v not in (None, "", [])}


def is_visible(question: Question, values: dict[int, Value], by_id: dict[int, Question]) -> bool:
    if not question.show_when_question_id:
        return True
    controlling = by_id.get(question.show_when_question_id)
    if controlling is None or not is_visible(controlling, values, by_id):
        return False
    given = values.get(controlling.pk)
    if isinstance(given, list):
        return question.show_when_value in given
    return given == question.show_when_value


def survey_questions(survey: Survey) -> list[Question]:
    return list(
        survey.questions.select_related("section", "show_when_question")
        .prefetch_related("choices")
        .order_by("section__position", "position")
    )


@dataclass
class PageInput:
    values: dict[int, Value] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field name -> message
    raw: dict[str, Any] = field(default_factory=dict)  # what was typed, to show it again


def parse_page(
    section: Section,
    questions: list[Question],
    data,
    stored: dict[int, Value],
    language: str,
    *,
    require: bool,
) -> PageInput:
    """Read one page's POST data into typed values, in question order so same-page conditions work."""
    words = ui(language)
    by_id = {q.pk: q for q in questions}
    page = PageInput()
    values = dict(stored)
    for question in (q for q in questions if q.section_id == section.pk):
        name = field_name(question)
        values.pop(question.pk, None)
        if not is_visible(question, values, by_id):
            continue
        value, error = _parse_value(question, data, words)
        page.raw[name] = data.getlist(name) if question.kind == Question.Kind.MULTIPLE else data.get(name, "")
        if error:
            page.errors[name] = error
            continue
        if value in (None, "", []):
            if require and question.required:
                page.errors[name] = words["err_required"]
            continue
        values[question.pk] = value
        page.values[question.pk] = value
    return page


def _parse_value(question: Question, data, words: dict[str, str]) -> tuple[Value, str]:
    name = field_name(question)
    allowed = {c.value for c in question.choices.all()}
    if question.kind == Question.Kind.MULTIPLE:
        picked = [v for v in data.getlist(name) if v]
        if any(v not in allowed for v in picked):
            return None, words["err_choice"]
        return sorted(set(picked), key=[c.value for c in question.choices.all()].index), ""
    raw = (data.get(name) or "").strip()
    if not raw:
        return None, ""
    if question.is_closed:
        return (raw, "") if raw in allowed else (None, words["err_choice"])
    if question.kind == Question.Kind.NUMBER:
        try:
            number = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            return None, words["err_number"]
        if not number.is_finite() or abs(number) >= Decimal("1e10"):
            return None, words["err_number"]
        if question.min_value is not None and number < question.min_value:
            return None, words["err_min"].format(value=_plain(question.min_value))
        if question.max_value is not None and number > question.max_value:
            return None, words["err_max"].format(value=_plain(question.max_value))
        return number.quantize(Decimal("0.01")), ""
    limit = MAX_TEXT[question.kind]
    if len(raw) > limit:
        return None, words["err_too_long"].format(value=limit)
    return raw, ""


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


@transaction.atomic
def save_page(response: Response, section: Section, questions: list[Question], page: PageInput) -> None:
    """Store the page's answers (replacing earlier ones) and discard answers now hidden."""
    page_ids = [q.pk for q in questions if q.section_id == section.pk]
    response.answers.filter(question_id__in=page_ids).exclude(question_id__in=page.values).delete()
    by_id = {q.pk: q for q in questions}
    for question_id, value in page.values.items():
        _store(response, by_id[question_id], value)
    discard_hidden(response, questions)


def _store(response: Response, question: Question, value: Value) -> None:
    answer, _ = Answer.objects.get_or_create(response=response, question=question)
    answer.choice = None
    answer.number = None
    answer.text = ""
    choices = {c.value: c for c in question.choices.all()}
    if question.kind == Question.Kind.MULTIPLE:
        answer.save()
        answer.choices.set([choices[v] for v in value])
        return
    if question.is_closed:
        answer.choice = choices[value]
    elif question.kind == Question.Kind.NUMBER:
        answer.number = value
    else:
        answer.text = value
    answer.save()
    answer.choices.clear()


def discard_hidden(response: Response, questions: list[Question]) -> int:
    """Delete answers to questions that the current answers no longer show; returns how many."""
    by_id = {q.pk: q for q in questions}
    values = stored_values(response)
    hidden = [qid for qid in values if qid in by_id and not is_visible(by_id[qid], values, by_id)]
    if hidden:
        response.answers.filter(question_id__in=hidden).delete()
    return len(hidden)


def missing_required(response: Response, questions: list[Question]) -> Question | None:
    """The first shown, required question without an answer, if any."""
    by_id = {q.pk: q for q in questions}
    values = stored_values(response)
    for question in questions:
        if question.required and is_visible(question, values, by_id) and question.pk not in values:
            return question
    return None


class AlreadySubmitted(Exception):
    pass


def submit(
    invitation: Invitation,
    response: Response,
    *,
    contact_me: bool = False,
    preferred_contact: str = "",
    questions: list[Question] | None = None,
) -> FollowUpRequest | None:
    """Send the answers: once per invitation. Unlinks the response from the invitation token.

    `questions`: the survey's questions (survey_questions), when the caller has them already."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.used:
            raise AlreadySubmitted
        discard_hidden(response, questions if questions is not None else survey_questions(response.survey))
        locked.used = True  # no time: see Invitation.used
        locked.save(update_fields=["used"])
        response.status = Response.Status.SUBMITTED
        response.submitted_on = timezone.localdate()
        response.resume_key = None
        response.save(update_fields=["status", "submitted_on", "resume_key"])
        if not contact_me:
            return None
        contact = locked.contact
        return FollowUpRequest.objects.create(
            wave=locked.wave,
            agency=locked.agency,
            group=locked.group,
            response=response,
            name=contact.name if contact else "",
            email=contact.email if contact else "",
            phone=contact.phone if contact else "",
            preferred_contact=preferred_contact[:200],
        )
