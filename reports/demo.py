"""Demo data for the quarterly report: a survey wave fielded in July–September 2023.

The metrics demo computes July–September 2023 and the reviews demo submits its reviews in July
2023, but the surveys demo fields its waves around today's date. This adds one synthetic wave in
2023Q3 for youth, resource parents and parents of 6ZA and 6ZB, so the demo report for 2023Q3
shows all three sources. 6ZB's youth cell gets only 4 responses, to show small-cell suppression.

It goes through the surveys app's own contact upload and submission, so the rows are the ones a
real wave produces. Idempotent: the wave is found by name; nothing is added when it exists.
All people are synthetic (example.org addresses).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from surveys import answering, models, question_bank, sampling
from surveys.models import Answer, Invitation, Question, Response, Survey, Wave

DEMO_WAVE = "Demo wave 2023Q3 (quarterly report)"
OPENS_ON = dt.date(2023, 7, 1)
CLOSES_ON = dt.date(2023, 9, 30)
GROUPS = ("youth", "resource", "parent")
INVITED_PER_CELL = 8
# Submitted responses per (agency, group); 4 < 5 shows a suppressed cell.
ANSWERED = {("6ZA", "youth"): 7, ("6ZA", "resource"): 6, ("6ZA", "parent"): 6, ("6ZB", "youth"): 4}
ANSWERED_DEFAULT = 5


def seed(stdout) -> None:
    with transaction.atomic():
        if Wave.objects.filter(name=DEMO_WAVE).exists():
            stdout.write(f"reports: {DEMO_WAVE!r} already there\n")
            return
        question_bank.install({name: getattr(models, name) for name in question_bank.SURVEY_MODELS})
        surveys = [Survey.objects.filter(family=g).order_by("-version").first() for g in GROUPS]
        wave = Wave.objects.create(name=DEMO_WAVE, opens_on=OPENS_ON, closes_on=CLOSES_ON, guard_days=180)
        wave.surveys.set(surveys)
        lines = ["group,agency,name,email,phone,external_id"]
        for code in ("6ZA", "6ZB"):
            for group in GROUPS:
                for i in range(INVITED_PER_CELL):
                    person = f"q3-{group}-{code}-{i}".lower()
                    lines.append(f"{group},{code},Demo {group.title()} {code} Q3 {i + 1},{person}@example.org,,")
        outcome = sampling.upload_contacts(
            wave, "\n".join(lines) + "\n", None, filename="demo-2023q3.csv", today=OPENS_ON
        )
        if not outcome.ok:
            raise RuntimeError("demo contact list rejected: " + "; ".join(map(str, outcome.errors)))
        rng = random.Random(20230930)
        submitted = 0
        for code in ("6ZA", "6ZB"):
            for group in GROUPS:
                count = ANSWERED.get((code, group), ANSWERED_DEFAULT)
                invitations = Invitation.objects.filter(wave=wave, agency__code=code, group=group).order_by("pk")
                for invitation in invitations[:count]:
                    _respond(invitation, rng)
                    submitted += 1
    stdout.write(f"reports: {DEMO_WAVE!r} created with {submitted} submitted responses\n")


def _respond(invitation: Invitation, rng: random.Random) -> None:
    response = Response.objects.create(
        survey=invitation.survey, wave=invitation.wave, agency=invitation.agency, group=invitation.group
    )
    questions = answering.survey_questions(invitation.survey)
    by_id = {q.pk: q for q in questions}
    values: dict[int, object] = {}
    for question in questions:
        if not answering.is_visible(question, values, by_id) or not question.is_closed:
            continue
        choices = list(question.choices.all())
        if question.kind == Question.Kind.MULTIPLE:
            answer = Answer.objects.create(response=response, question=question)
            picked = rng.sample(choices[:-1], 1)
            answer.choices.set(picked)
            values[question.pk] = [c.value for c in picked]
            continue
        weights = [3 if c.favourable else (1 if c.counts_in_base else 0.5) for c in choices]
        choice = rng.choices(choices, weights=weights)[0]
        Answer.objects.create(response=response, question=question, choice=choice)
        values[question.pk] = choice.value
    answering.submit(invitation, response)
    # Date the submission inside the wave (submit() stamps today).
    day = OPENS_ON + dt.timedelta(days=rng.randint(3, 80))
    Response.objects.filter(pk=response.pk).update(submitted_on=day, started_on=day)
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=dt.datetime.combine(OPENS_ON, dt.time(9), tzinfo=dt.UTC))
