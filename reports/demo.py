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
    seed_wave(stdout)
    seed_linked_review(stdout)


def seed_wave(stdout) -> None:
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


# --- A review linked to the demo extract (issue 16) -------------------------------------------

LINKED_CASE = "DEMO-6ZA-LINK"
LINKED_PUR = (dt.date(2023, 4, 1), dt.date(2023, 7, 18))  # submitted on 2023-07-18 (Face Sheet E)


def _demo_child() -> tuple[str, str, list[dict]] | None:
    """The first 6ZA child (by id) 6ZA was responsible for during the period, removed before its end,
    with a placement setting in it."""
    from metrics.models import Placement, RemovalEpisode, ResponsibilitySpan
    from reports.case_check import PLACEMENT_TYPES

    start, end = LINKED_PUR
    spans = ResponsibilitySpan.objects.filter(
        agency_code="6ZA", start_day__lte=end.toordinal(), end_day__gte=start.toordinal()
    ).order_by("child_id", "start_day")
    for child_id, episode_id in spans.values_list("child_id", "episode_id")[:200]:
        episode = RemovalEpisode.objects.filter(episode_id=episode_id).first()
        if episode is None or episode.removal_date >= end:
            continue
        placements = [
            p
            for p in Placement.objects.filter(episode_id=episode_id)
            .order_by("start_date")
            .values("start_date", "end_date", "setting_type")
            if p["setting_type"] in PLACEMENT_TYPES
            and p["start_date"] <= end
            and (p["end_date"] is None or p["end_date"] > start)
        ]
        if placements:
            return child_id, episode_id, placements
    return None


def seed_linked_review(stdout) -> None:
    """A submitted 6ZA review of a demo-extract child, linked to it, that disagrees with the extract.

    The answers follow the extract where they can (removal date, placements), and the reviewer's table
    lists one placement more than the extract records, so the panel flags items 4 at least (other
    checks may flag too, from the synthetic visits). It goes in through the interchange import, like
    the reviews demo. Idempotent: nothing is done when the case is already linked."""
    from metrics.models import Extract, RemovalEpisode
    from reports.case_check import PLACEMENT_TYPES
    from reports.models import CaseExtractLink
    from reviews import demo as reviews_demo
    from reviews.interchange import import_document

    if CaseExtractLink.objects.filter(case__case_id=LINKED_CASE).exists():
        stdout.write(f"reports: {LINKED_CASE} already linked to the extract\n")
        return
    if not Extract.objects.filter(is_current=True).exists():
        stdout.write("reports: no extract loaded, the linked demo review is skipped\n")
        return
    found = _demo_child()
    if found is None:
        stdout.write("reports: no 6ZA child in care in the demo period, the linked demo review is skipped\n")
        return
    child_id, episode_id, placements = found
    removal = RemovalEpisode.objects.get(episode_id=episode_id).removal_date
    document = reviews_demo._document(LINKED_CASE, "6ZA", "29095", "FOSTER_CARE", "submitted", "reviewer_6za", ())
    rows = [
        {
            "placement_date": f"{p['start_date']:%Y-%m-%d}",
            "placement_type": PLACEMENT_TYPES[p["setting_type"]][0],
            "change_reason": "OTHER",
            "change_reason_text": "Demo.",
        }
        for p in placements
    ]
    # the reviewer's extra placement: a respite weekend the extract rightly leaves out
    rows.append(
        {
            "placement_date": "2023-06-02",
            "placement_type": "FOSTER_NON_RELATIVE",
            "change_reason": "NA_CURRENT_PLACEMENT",
        }
    )
    document["answers"].update({"4A": len(rows), "4A1": rows, "4B": "YES", "6A3": f"{removal:%Y-%m-%d}"})
    document["face_sheet"].update(
        {"I": f"{removal:%Y-%m-%d}", "K": f"{removal:%Y-%m-%d}", "E": f"{LINKED_PUR[1]:%Y-%m-%d}"}
    )
    with transaction.atomic():
        review = import_document(document).review
        case = review.case
        case.opened_on = removal
        case.save(update_fields=["opened_on"])
        CaseExtractLink.objects.create(case=case, child_id=child_id, episode_id=episode_id, source="demo")
    stdout.write(f"reports: {LINKED_CASE} (submitted for QA) linked to child {child_id} of the demo extract\n")
