"""Demo survey data: two statewide waves with synthetic contacts, invitations and responses.

459 responses: all six respondent groups in five agencies over both waves, and resource parents
and birth parents of the seven other active agencies in wave A, so every agency has survey figures
in the 2023Q3 report (with the reports demo's 2023Q3 wave, 492). Judges answer 2-3 per agency, and
6ZB's youth only 4 in wave A: cells below the suppression minimum on purpose, hidden on the results
pages together with the cells that would give them away.

Idempotent: waves are found by name; nothing is added when they exist. Prints one unused youth
invitation link (and its printed code) so a newcomer can answer the survey in a browser.
All people are synthetic (example.org addresses, 555 numbers).
"""

from __future__ import annotations

import os
import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency
from surveys import answering, models, question_bank, sampling
from surveys.models import Answer, FollowUpRequest, Invitation, Question, Response, Survey, Wave

DEMO_WAVES = [
    # name, when it opened (a date, or days before today), days it stays open, respondents per agency
    # by group. Wave A was fielded in July-August 2023, the quarter the metrics and reviews demos
    # cover, so the 2023Q3 quarterly report has its survey figures; wave B is open now.
    (
        "Demo wave A (closed)",
        date(2023, 7, 10),
        60,
        {"youth": 7, "resource": 9, "adoptive": 6, "parent": 7, "jo": 5, "judge": 2},
    ),
    ("Demo wave B (open)", 20, 70, {"youth": 8, "resource": 10, "adoptive": 6, "parent": 8, "jo": 6, "judge": 3}),
]
DEMO_GROUPS = ["youth", "resource", "adoptive", "parent", "jo", "judge"]
DEMO_AGENCIES = ["6ZA", "6ZB", "6ZC", "6ZM", "6ZR"]
# The other active agencies answer wave A in two groups (enough to show, not the whole survey).
MORE_AGENCIES = ["6ZJ", "6ZK", "6ZL", "6ZO", "6ZS", "6ZV", "6AW"]
MORE_ANSWERED = {"Demo wave A (closed)": {"resource": 6, "parent": 5}}
# Cells below the suppression minimum on purpose (besides every agency's judges): the results
# pages hide them and whatever would give them away.
SMALL_CELLS = {("Demo wave A (closed)", "6ZB", "youth"): 4}
# Invitations left unanswered in every cell (the open wave's first ones give the demo link).
UNANSWERED_PER_CELL = 3
COMMENTS = [
    "My case manager always calls me back the same day.",
    "Visits were cancelled twice this spring.",
    "I would like more time with my brother.",
    "Thank you for helping us get ready for court.",
    "Mi administradora de casos es muy amable.",
]


def seed(stdout) -> None:
    with transaction.atomic():
        question_bank.install({name: getattr(models, name) for name in question_bank.SURVEY_MODELS})
        surveys = [Survey.objects.filter(family=g).order_by("-version").first() for g in DEMO_GROUPS]
        rng = random.Random(2026)
        created = 0
        for name, opened, open_days, answered in DEMO_WAVES:
            if Wave.objects.filter(name=name).exists():
                continue
            opens_on = opened if isinstance(opened, date) else timezone.localdate() - timedelta(days=opened)
            wave = Wave.objects.create(
                name=name, opens_on=opens_on, closes_on=opens_on + timedelta(days=open_days), guard_days=180
            )
            wave.surveys.set(surveys)
            counts = {
                (code, group): SMALL_CELLS.get((name, code, group), n)
                for code in DEMO_AGENCIES
                for group, n in answered.items()
            }
            counts |= {(code, group): n for code in MORE_AGENCIES for group, n in MORE_ANSWERED.get(name, {}).items()}
            _invite(wave, opens_on, counts)
            _answer(wave, counts, rng)
            created += 1
    stdout.write(f"surveys: {created} demo wave(s) created, {len(DEMO_WAVES) - created} already there\n")
    demo = (
        Invitation.objects.filter(wave__name=DEMO_WAVES[-1][0], group="youth", agency__code="6ZA", used=False)
        .exclude(contact__email="")
        .order_by("pk")
        .first()
    )
    if demo is not None:
        path = reverse("surveys:welcome", args=[demo.token])
        # `make run` passes its PORT; SURVEYS_PUBLIC_BASE_URL names another server.
        base = settings.SURVEYS_PUBLIC_BASE_URL or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"
        stdout.write(
            f"surveys: demo invitation (youth, 6ZA): open {base.rstrip('/')}"
            f"{path}?lang=es or enter code {demo.printable_code} at /surveys/respond/"
        )


def _invite(wave: Wave, invited_on, counts: dict[tuple[str, str], int]) -> None:
    tag = wave.name.split("(")[0].strip().split()[-1]  # "A" or "B": distinct people per wave
    lines = ["group,agency,name,email,phone,external_id"]
    for (code, group), answering_count in counts.items():
        for i in range(answering_count + UNANSWERED_PER_CELL):
            person = f"{group}-{code}-{i}-{tag}".lower()
            phone = f"573555{(hash_small(person)):04d}" if group != "resource" and i % 3 == 2 else ""
            email = "" if phone else f"{person}@example.org"
            lines.append(f"{group},{code},Demo {group.title()} {code} {i + 1},{email},{phone},")
    outcome = sampling.upload_contacts(wave, "\n".join(lines) + "\n", None, filename="demo.csv", today=invited_on)
    if not outcome.ok:
        raise RuntimeError("demo contact list rejected: " + "; ".join(map(str, outcome.errors)))
    sent = timezone.make_aware(datetime.combine(invited_on, time(9)))
    Invitation.objects.filter(wave=wave).exclude(contact__email="").update(sent_at=sent)


def hash_small(text: str) -> int:
    # A stable small number per person (Python's hash() is salted per process).
    return sum(ord(ch) * (i + 1) for i, ch in enumerate(text)) % 10000


def _answer(wave: Wave, counts: dict[tuple[str, str], int], rng: random.Random) -> None:
    """Submit counts[agency, group] responses per cell, with plausible synthetic answers."""
    questions: dict[int, list] = {}
    agencies = {agency.code: agency for agency in Agency.objects.filter(code__in={code for code, _ in counts})}
    for (code, group), answering_count in counts.items():
        # Answer from the end of the list so the first invitations stay open for the demo link.
        invitations = list(
            Invitation.objects.filter(wave=wave, agency=agencies[code], group=group)
            .select_related("survey", "wave", "agency")
            .order_by("-pk")[:answering_count]
        )
        for invitation in invitations:
            _respond(invitation, rng, questions)


def _respond(invitation: Invitation, rng: random.Random, cache: dict[int, list]) -> None:
    survey = invitation.survey
    response = Response.objects.create(
        survey=survey,
        wave=invitation.wave,
        agency=invitation.agency,
        group=invitation.group,
        language=rng.choice(["en", "en", "es"]),
    )
    if survey.pk not in cache:
        # The survey's questions with their choices, read once per survey instead of per response.
        cache[survey.pk] = [(q, list(q.choices.all())) for q in answering.survey_questions(survey)]
    by_id = {q.pk: q for q, _ in cache[survey.pk]}
    values: dict[int, object] = {}
    plain: list[Answer] = []  # saved together below; multiple-choice answers need their pk at once
    for question, choices in cache[survey.pk]:
        if not answering.is_visible(question, values, by_id) or rng.random() < 0.08:
            continue
        answer = Answer(response=response, question=question)
        if question.kind == Question.Kind.MULTIPLE:
            picked = rng.sample(choices[:-1], rng.randint(1, 3))
            answer.save()
            answer.choices.set(picked)
            values[question.pk] = [c.value for c in picked]
            continue
        if question.is_closed:
            weights = [4 if c.favourable else (1 if c.counts_in_base else 0.5) for c in choices]
            choice = rng.choices(choices, weights=weights)[0]
            answer.choice = choice
            values[question.pk] = choice.value
        elif question.kind == Question.Kind.NUMBER:
            answer.number = rng.choice([1, 1, 1, 2, 2, 3])
        elif question.kind == Question.Kind.LONG_TEXT:
            if rng.random() < 0.4:
                continue
            answer.text = rng.choice(COMMENTS)
        else:
            answer.text = rng.choice(["Greene", "Jackson", "Boone", "St. Louis City"])
        plain.append(answer)
    Answer.objects.bulk_create(plain)
    answering.submit(
        invitation,
        response,
        contact_me=rng.random() < 0.1,
        preferred_contact="Weekday afternoons",
        questions=[q for q, _ in cache[survey.pk]],
    )
    # Spread submissions over the wave instead of stamping them all today.
    day = invitation.wave.opens_on + timedelta(days=rng.randint(1, 15))
    Response.objects.filter(pk=response.pk).update(submitted_on=day, started_on=day)
    FollowUpRequest.objects.filter(response=response).update(preferred_contact="Weekday afternoons")
