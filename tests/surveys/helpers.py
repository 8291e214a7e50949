"""Small builders for survey tests: a survey with chosen questions, a wave, submitted responses."""

from __future__ import annotations

from datetime import date

from accounts.models import Agency
from surveys.models import Answer, Choice, Invitation, Question, Response, Section, Survey, Wave
from surveys.question_bank import AGREEMENT, YES_NO

_counter = {"n": 0}


def make_survey(group: str = "resource", *, family: str | None = None, status: str = "open") -> Survey:
    _counter["n"] += 1
    survey = Survey.objects.create(
        family=family or f"test-{group}-{_counter['n']}",
        group=group,
        title_en=f"Test {group} survey",
        title_es=f"Encuesta de prueba {group}",
        intro_en="Why we ask.",
        intro_es="Por qué preguntamos.",
        status=status,
    )
    Section.objects.create(survey=survey, position=1, title_en="Visits", title_es="Visitas")
    Section.objects.create(survey=survey, position=2, title_en="Overall", title_es="En general")
    return survey


def add_question(
    survey: Survey,
    code: str,
    kind: str = "agreement",
    *,
    page: int = 1,
    required: bool = False,
    show_when: tuple[Question, str] | None = None,
    tags: tuple[str, ...] = (),
    choices: list[tuple[str, str, str]] | None = None,
    **extra,
) -> Question:
    section = survey.sections.get(position=page)
    question = Question.objects.create(
        survey=survey,
        section=section,
        position=section.questions.count() + 1,
        code=code,
        kind=kind,
        text_en=f"Question {code}",
        text_es=f"Pregunta {code}",
        required=required,
        show_when_question=show_when[0] if show_when else None,
        show_when_value=show_when[1] if show_when else "",
        **extra,
    )
    if kind == "agreement":
        rows = AGREEMENT
    elif kind == "yes_no":
        rows = [(v, en, es, v == "yes", True) for v, en, es in YES_NO]
    else:
        rows = [(v, en, es, False, True) for v, en, es in (choices or [])]
    for position, (value, en, es, favourable, base) in enumerate(rows, start=1):
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
        question.tags.create(code=tag)
    return question


def make_wave(*surveys: Survey, agency: Agency | None = None, guard_days: int = 180, **fields) -> Wave:
    wave = Wave.objects.create(
        name=fields.pop("name", "Test wave"),
        agency=agency,
        opens_on=fields.pop("opens_on", date(2026, 1, 1)),
        closes_on=fields.pop("closes_on", date(2099, 12, 31)),
        guard_days=guard_days,
        **fields,
    )
    wave.surveys.set(surveys)
    return wave


def submitted_response(wave: Wave, survey: Survey, agency: Agency, answers: dict[Question, object]) -> Response:
    """A submitted response with the given answers (choice value, list of values, number or text)."""
    response = Response.objects.create(
        survey=survey, wave=wave, agency=agency, group=survey.group, status=Response.Status.SUBMITTED
    )
    for question, value in answers.items():
        if value is None:
            continue
        answer = Answer(response=response, question=question)
        if question.kind == "multiple":
            answer.save()
            answer.choices.set(question.choices.filter(value__in=value))
            continue
        if question.is_closed:
            answer.choice = question.choices.get(value=value)
        elif question.kind == "number":
            answer.number = value
        else:
            answer.text = value
        answer.save()
    return response


def invite(wave: Wave, survey: Survey, agency: Agency, count: int, submitted: int = 0) -> list[Invitation]:
    invitations = [
        Invitation.objects.create(wave=wave, survey=survey, agency=agency, group=survey.group) for _ in range(count)
    ]
    for invitation in invitations[:submitted]:
        invitation.used = True
        invitation.save(update_fields=["used"])
    return invitations
