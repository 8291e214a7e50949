"""Answers cannot be joined to named invitations (issue 10, finding 5).

Each test tries one join an insider could make: watch the printable-codes page or the admin for
the person who just answered, or line up invitation order (or times) with response keys and
export rows.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db.models import Min
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from surveys.models import Contact, Invitation, Response

from .helpers import add_question, make_survey, make_wave

pytestmark = pytest.mark.django_db

PEOPLE = 10


@pytest.fixture
def paper_wave(agency):
    """Ten youth invited on paper (phone only), in file order Youth 0 .. Youth 9."""
    survey = make_survey("youth")
    add_question(survey, "overall_satisfaction")
    add_question(survey, "cm_count", "number")
    wave = make_wave(survey, agency=agency("6ZA"), name="Paper wave")
    invitations = [
        Invitation.objects.create(
            wave=wave,
            survey=survey,
            agency=agency("6ZA"),
            group="youth",
            contact=Contact.objects.create(name=f"Youth {i}", phone=f"573555010{i}"),
        )
        for i in range(PEOPLE)
    ]
    return wave, invitations


def answer(invitation: Invitation, count: int = 1) -> None:
    client = Client()
    welcome = reverse("surveys:welcome", args=[invitation.token])
    assert client.post(welcome).status_code == 302
    for number in (1, 2):
        page = reverse("surveys:page", args=[invitation.token, number])
        data = {"action": "next", "q_overall_satisfaction": "agree", "q_cm_count": str(count)}
        assert client.post(page, data).status_code == 302
    assert client.post(reverse("surveys:finish", args=[invitation.token])).status_code == 302


def without_csrf(html: str) -> str:
    """The page without its CSRF tokens and Content-Security-Policy nonces (new ones per request)."""
    html = re.sub(r'nonce="[^"]*"', 'nonce="<nonce>"', html)
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "<csrf>", html)


def test_the_printable_codes_page_does_not_change_when_someone_answers(client_for, personas, paper_wave):
    wave, invitations = paper_wave
    manager = client_for(personas.supervisor_a)
    url = reverse("surveys:wave_codes", args=[wave.pk])
    before = manager.get(url)
    assert before.status_code == 200 and "Youth 3" in before.content.decode()

    answer(invitations[3])

    after = manager.get(url)
    assert without_csrf(after.content.decode()) == without_csrf(before.content.decode())


def test_answering_leaves_no_time_on_the_invitation_only_that_it_was_used(paper_wave):
    _wave, invitations = paper_wave
    invitation = invitations[0]
    before = model_to_dict(Invitation.objects.get(pk=invitation.pk))

    answer(invitation)

    after = model_to_dict(Invitation.objects.get(pk=invitation.pk))
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"used"}
    assert not {"opened_at", "submitted_at"} & {f.name for f in Invitation._meta.get_fields()}


def test_response_keys_and_export_rows_do_not_follow_the_order_people_answered(client_for, personas, paper_wave):
    _wave, invitations = paper_wave
    for number, invitation in enumerate(invitations):  # everyone answers, in file order, with their number
        answer(invitation, count=number)

    # The order of answering, rebuilt from the (sequential) answer rows.
    answering = list(Response.objects.filter(status="submitted").annotate(first=Min("answers__id")).order_by("first"))
    assert [int(r.answers.get(question__code="cm_count").number) for r in answering] == list(range(PEOPLE))
    keys = [r.pk for r in answering]
    # Random 62-bit keys: not 1..10, and sorting them does not give the order of answering (the
    # chance that it does by luck is 1 in 10!, about 1 in 3.6 million).
    assert min(keys) > 10**6
    assert sorted(keys) != keys

    export = client_for(personas.supervisor_a).get(reverse("surveys:export_responses"))
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert sorted(int(r["cm_count"]) for r in rows) == list(range(PEOPLE))
    assert [int(r["cm_count"]) for r in rows] != list(range(PEOPLE))  # same 1 in 10! chance


def test_the_admin_shows_nothing_that_changes_when_someone_answers(client_for, make_user, paper_wave):
    _wave, invitations = paper_wave
    admin = make_user("root", is_staff=True, is_superuser=True)
    client = client_for(admin)
    pages = [
        reverse("admin:surveys_invitation_changelist"),
        reverse("admin:surveys_invitation_change", args=[invitations[5].pk]),
    ]
    before = [without_csrf(client.get(page).content.decode()) for page in pages]
    assert "Youth 5" in before[1] or invitations[5].printable_code in before[1]

    answer(invitations[5])

    after = [without_csrf(client.get(page).content.decode()) for page in pages]
    assert after == before
    for html in after:
        for word in ("Opened at", "Submitted at", "opened_at", "submitted_at"):
            assert word not in html
