"""Answering without an account: link or code, pages, save and resume, submit once, clear token pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.i18n import UI
from surveys.models import Contact, FollowUpRequest, GuessAllowance, Invitation, Response

from .helpers import add_question, make_survey, make_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(agency):
    survey = make_survey("youth")
    siblings = add_question(survey, "siblings", "yes_no", required=True)
    add_question(survey, "sibling_visits", show_when=(siblings, "yes"))
    add_question(survey, "cm_count", "number", min_value=0, max_value=20)
    add_question(
        survey, "help", "multiple", page=2, choices=[("job", "A job", "Un trabajo"), ("home", "A home", "Un hogar")]
    )
    add_question(survey, "comment", "long_text", page=2)
    wave = make_wave(survey, agency=agency("6ZA"), name="Spring youth wave")
    contact = Contact.objects.create(name="Sam Youth", email="sam@example.org")
    invitation = Invitation.objects.create(
        wave=wave, survey=survey, agency=agency("6ZA"), group="youth", contact=contact
    )
    return survey, wave, invitation


def url(name: str, invitation: Invitation, *args) -> str:
    return reverse(f"surveys:{name}", args=[invitation.token, *args])


def test_a_respondent_answers_every_page_and_submits_once(client, setup):
    survey, wave, invitation = setup

    welcome = client.get(url("welcome", invitation))
    assert welcome.status_code == 200
    assert "Test youth survey" in welcome.content.decode() and "Why we ask." in welcome.content.decode()
    assert client.post(url("welcome", invitation))["Location"] == url("page", invitation, 1)

    page1 = client.post(
        url("page", invitation, 1),
        {"action": "next", "q_siblings": "yes", "q_sibling_visits": "agree", "q_cm_count": "3"},
    )
    assert page1["Location"] == url("page", invitation, 2)
    page2 = client.post(
        url("page", invitation, 2), {"action": "next", "q_help": ["job", "home"], "q_comment": "Thanks"}
    )
    assert page2["Location"] == url("finish", invitation)
    done = client.post(url("finish", invitation), {})
    assert done["Location"] == reverse("surveys:thanks")
    assert "Thank you" in client.get(done["Location"]).content.decode()

    response = Response.objects.get()
    assert (response.status, response.resume_key, response.submitted_on) == ("submitted", None, timezone.localdate())
    answers = {a.question.code: a for a in response.answers.all()}
    assert answers["siblings"].choice.value == "yes"
    assert answers["sibling_visits"].choice.value == "agree"
    assert str(answers["cm_count"].number) == "3.00"
    assert sorted(c.value for c in answers["help"].choices.all()) == ["home", "job"]
    assert answers["comment"].text == "Thanks"
    invitation.refresh_from_db()
    assert invitation.used is True

    # Single use: the link now only says it was used, whatever page is asked for.
    for again in (client.get(url("welcome", invitation)), client.post(url("finish", invitation), {})):
        assert again.status_code == 410
        assert "This survey has already been sent" in again.content.decode()
    assert Response.objects.count() == 1
    assert FollowUpRequest.objects.count() == 0


def test_a_required_question_left_empty_shows_an_error_summary_linking_to_it(client, setup):
    _survey, _wave, invitation = setup
    client.post(url("welcome", invitation))
    page = client.post(url("page", invitation, 1), {"action": "next", "q_cm_count": "many"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="error-summary"' in html
    assert '<a class="alert-link" href="#q_siblings">Question siblings: Please answer this question.</a>' in html
    assert (
        '<a class="alert-link" href="#q_cm_count">Question cm_count: Enter a whole or decimal number, for example 3.</a>'
        in html
    )
    assert 'id="q_siblings"' in html and 'aria-invalid="true"' in html
    assert Response.objects.get().answers.count() == 0


def test_a_number_outside_its_range_is_refused(client, setup):
    _survey, _wave, invitation = setup
    client.post(url("welcome", invitation))
    page = client.post(url("page", invitation, 1), {"action": "next", "q_siblings": "no", "q_cm_count": "21"})
    assert "Enter a number no higher than 20." in page.content.decode()


def test_save_and_resume_from_another_device_keeps_the_answers(client, setup):
    _survey, _wave, invitation = setup
    client.post(url("welcome", invitation))
    saved = client.post(url("page", invitation, 1), {"action": "save", "q_cm_count": "2"})
    assert saved["Location"] == url("saved", invitation)
    assert invitation.printable_code in client.get(saved["Location"]).content.decode()

    later = Client()  # no session: only the link
    welcome = later.get(url("welcome", invitation))
    assert "Continue where you left off" in welcome.content.decode()
    assert later.post(url("welcome", invitation))["Location"] == url("page", invitation, 1)
    assert 'value="2"' in later.get(url("page", invitation, 1)).content.decode()
    assert Response.objects.count() == 1


def test_a_stale_answer_to_a_question_no_longer_shown_is_discarded(client, setup):
    _survey, _wave, invitation = setup
    client.post(url("welcome", invitation))
    client.post(url("page", invitation, 1), {"action": "next", "q_siblings": "yes", "q_sibling_visits": "agree"})
    response = Response.objects.get()
    assert set(response.answers.values_list("question__code", flat=True)) == {"siblings", "sibling_visits"}

    # Back to page 1: now no siblings in care, but the browser still sends the old follow-up answer.
    client.post(url("page", invitation, 1), {"action": "next", "q_siblings": "no", "q_sibling_visits": "agree"})

    assert set(response.answers.values_list("question__code", flat=True)) == {"siblings"}


def test_a_question_on_a_later_page_is_hidden_and_its_answer_dropped_when_the_earlier_answer_changes(client, agency):
    survey = make_survey("youth")
    older = add_question(survey, "age_14_plus", "yes_no")
    add_question(survey, "older_youth_ready", page=2, show_when=(older, "yes"))
    add_question(survey, "comment", "long_text", page=2)
    invitation = Invitation.objects.create(wave=make_wave(survey), survey=survey, agency=agency("6ZA"), group="youth")
    client.post(url("welcome", invitation))
    client.post(url("page", invitation, 1), {"action": "next", "q_age_14_plus": "yes"})
    assert 'name="q_older_youth_ready"' in client.get(url("page", invitation, 2)).content.decode()
    client.post(url("page", invitation, 2), {"action": "next", "q_older_youth_ready": "agree"})

    client.post(url("page", invitation, 1), {"action": "next", "q_age_14_plus": "no"})

    assert 'name="q_older_youth_ready"' not in client.get(url("page", invitation, 2)).content.decode()
    assert list(Response.objects.get().answers.values_list("question__code", flat=True)) == ["age_14_plus"]


def test_the_survey_renders_in_spanish_and_remembers_the_choice(client, setup):
    _survey, _wave, invitation = setup
    welcome = client.get(url("welcome", invitation) + "?lang=es")
    html = welcome.content.decode()
    assert '<html lang="es">' in html
    assert "Encuesta de prueba youth" in html and "Comenzar la encuesta" in html and "Por qué preguntamos." in html
    assert 'lang="en"' in html and "English" in html  # the switch back, marked as English

    client.post(url("welcome", invitation))
    page = client.get(url("page", invitation, 1)).content.decode()
    assert "Pregunta siblings" in page and "Sí" in page and "No estoy seguro/a" in page and "Siguiente" in page
    assert "Visitas" in page and "Página 1 de 2" in page
    error = client.post(url("page", invitation, 1), {"action": "next"}).content.decode()
    assert "Hay un problema" in error and "Por favor, responda esta pregunta." in error
    client.post(url("page", invitation, 1), {"action": "next", "q_siblings": "no"})
    assert Response.objects.get().language == "es"


def test_the_respondent_words_exist_in_both_languages():
    assert set(UI["en"]) == set(UI["es"])
    assert all(UI["es"][key] for key in UI["es"])


def test_the_printed_code_opens_the_survey_however_it_is_typed(client, setup):
    _survey, _wave, invitation = setup
    typed = f"  {invitation.code[:4].lower()} - {invitation.code[4:]} "
    response = client.post(reverse("surveys:enter_code"), {"code": typed})
    assert response["Location"] == url("welcome", invitation)


@pytest.mark.parametrize(
    ("opens", "closes", "status", "text"),
    [
        (-30, -1, 410, "This survey is closed"),
        (2, 30, 403, "This survey is not open yet"),
    ],
)
def test_an_expired_or_not_yet_open_invitation_gets_a_clear_page(client, setup, opens, closes, status, text):
    _survey, wave, invitation = setup
    today = timezone.localdate()
    wave.opens_on, wave.closes_on = today + timedelta(days=opens), today + timedelta(days=closes)
    wave.save()
    for path in (url("welcome", invitation), url("page", invitation, 1), url("finish", invitation)):
        page = client.get(path)
        assert page.status_code == status
        assert text in page.content.decode()


def test_an_unknown_token_or_code_gets_a_clear_page_not_an_error(client):
    for path in ("/surveys/respond/t/nope/", "/surveys/respond/t/" + "x" * 300 + "/page/1/"):
        page = client.get(path)
        assert page.status_code == 404
        assert "We could not find this survey" in page.content.decode()
    page = client.post(reverse("surveys:enter_code"), {"code": "ZZZZ-ZZZZ"})
    assert page.status_code == 404


def test_token_guessing_is_rate_limited_per_caller(client, setup, settings):
    _survey, _wave, invitation = setup
    settings.SURVEYS_GUESS_LIMIT = 3
    for _ in range(3):
        assert client.post(reverse("surveys:enter_code"), {"code": "ZZZZ-ZZZZ"}).status_code == 404

    blocked = client.get(url("welcome", invitation))  # even a good token, from this caller
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    [allowance] = GuessAllowance.objects.filter(failures__gt=0)
    assert allowance.failures == 3 and "127.0.0.1" not in allowance.client_key  # a keyed hash
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.get(url("welcome", invitation)).status_code == 200

    GuessAllowance.objects.update(window_start=timezone.now() - timedelta(minutes=16))  # the window has passed
    assert client.get(url("welcome", invitation)).status_code == 200


def test_contact_me_creates_a_follow_up_request_with_the_contact_details(client, setup):
    _survey, wave, invitation = setup
    client.post(url("welcome", invitation))
    client.post(url("page", invitation, 1), {"action": "next", "q_siblings": "no"})
    client.post(url("finish", invitation), {"contact_me": "yes", "preferred_contact": "Evenings"})
    follow_up = FollowUpRequest.objects.get()
    assert (follow_up.agency.code, follow_up.group, follow_up.name, follow_up.email, follow_up.preferred_contact) == (
        "6ZA",
        "youth",
        "Sam Youth",
        "sam@example.org",
        "Evenings",
    )
    assert follow_up.response == Response.objects.get()


def test_submitting_with_a_required_answer_missing_links_back_to_its_page(client, setup):
    _survey, _wave, invitation = setup
    client.post(url("welcome", invitation))
    page = client.post(url("finish", invitation), {})
    assert page.status_code == 200
    assert f'href="{url("page", invitation, 1)}#q_siblings"' in page.content.decode()
    assert Invitation.objects.get().used is False


def test_a_submitted_response_cannot_be_joined_back_to_its_invitation(client, setup):
    _survey, _wave, invitation = setup
    client.post(url("welcome", invitation))
    client.post(url("page", invitation, 1), {"action": "next", "q_siblings": "no"})
    client.post(url("finish", invitation), {})
    response = Response.objects.get()
    linking = [
        f.name for f in Response._meta.get_fields() if getattr(f, "related_model", None) in (Invitation, Contact)
    ]
    assert linking == [] and response.resume_key is None
    assert response.submitted_on == timezone.localdate()


def test_respondent_pages_are_never_cached_on_a_shared_phone(client, setup):
    _survey, _wave, invitation = setup
    assert "no-store" in client.get(url("welcome", invitation))["Cache-Control"]
