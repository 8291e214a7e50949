"""A youth answers on a phone in Spanish, saves, resumes from another device by code, and submits.

axe-core (vendored, injected by the test) must report no serious or critical violations on the
welcome, question, error and thank-you pages.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def serious_violations(page) -> list[str]:
    # From this site's static files: the Content-Security-Policy refuses an inline copy.
    page.add_script_tag(url=urljoin(page.url, "/static/vendor/axe.min.js"))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def group(page, legend: str):
    return page.get_by_role("group", name=legend)  # a substring of the legend


@pytest.fixture
def youth_invitation(agency):
    from surveys import models, question_bank
    from surveys.models import Contact, Invitation, Survey, Wave

    question_bank.install({name: getattr(models, name) for name in question_bank.SURVEY_MODELS})
    survey = Survey.objects.get(family="youth", version=1)
    wave = Wave.objects.create(
        name="Primavera 2026", agency=agency("6ZA"), opens_on="2026-01-01", closes_on="2099-12-31"
    )
    wave.surveys.set([survey])
    contact = Contact.objects.create(name="Demo Youth", phone="5735550100")
    return Invitation.objects.create(wave=wave, survey=survey, agency=agency("6ZA"), group="youth", contact=contact)


def test_a_youth_answers_in_spanish_on_a_phone_saves_resumes_by_code_and_submits(
    browser, live_server, youth_invitation, tmp_path
):
    from surveys.models import Invitation, Response

    invitation = youth_invitation
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.goto(live_server.url + reverse("surveys:welcome", args=[invitation.token]))

    # Welcome, switched to Spanish with the header link.
    page.get_by_role("link", name="Ver esta página en español").click()
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == "Encuesta para jóvenes"
    page.screenshot(path=tmp_path / "1-welcome.png", full_page=True)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Comenzar la encuesta").click()

    # Page 1: visits. A follow-up question appears only after "Sí" to the change of case manager.
    assert page.get_by_role("heading", level=1).inner_text() == "Visitas y contacto con el administrador de casos"
    group(page, "¿Con qué frecuencia lo/la visita su administrador de casos?").get_by_label(
        "Aproximadamente una vez al mes"
    ).check()
    group(page, "¿Su administrador de casos habla con usted a solas").get_by_label("Sí", exact=True).check()
    follow_up = group(page, "Cuando cambió el administrador de casos")
    assert follow_up.is_hidden()
    group(page, "¿Ha cambiado el administrador de casos").get_by_label("Sí", exact=True).check()
    assert follow_up.is_visible()
    follow_up.get_by_label("De acuerdo", exact=True).check()
    page.get_by_label("¿Cuántos administradores de casos diferentes").fill("2")
    page.screenshot(path=tmp_path / "2-question.png", full_page=True)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Guardar y terminar más tarde").click()
    assert invitation.printable_code in page.get_by_role("status").locator("..").inner_text()
    phone.close()

    # Later, another phone: the printed code, then "continue where you left off".
    other = browser.new_context(**PHONE)
    page = other.new_page()
    page.goto(live_server.url + reverse("surveys:enter_code") + "?lang=es")
    page.get_by_label("Código de encuesta").fill(invitation.code.lower())
    page.get_by_role("button", name="Abrir la encuesta").click()
    page.get_by_role("button", name="Continuar donde lo dejó").click()
    assert page.get_by_label("¿Cuántos administradores de casos diferentes").input_value() == "2"
    assert group(page, "Cuando cambió el administrador de casos").get_by_label("De acuerdo", exact=True).is_checked()
    page.get_by_role("button", name="Siguiente").click()

    # Pages 2 and 3: family time and health, case plan.
    assert page.get_by_text("Página 2 de 5").is_visible()
    group(page, "¿Tiene hermanos o hermanas en cuidado").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Siguiente").click()
    group(page, "Me pidieron mis ideas").get_by_label("Totalmente de acuerdo").check()
    page.get_by_role("button", name="Siguiente").click()

    # Page 4: the required question left empty gives an error summary that links to it.
    page.get_by_role("button", name="Siguiente").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible() and summary.evaluate("el => el === document.activeElement")
    assert "Por favor, responda esta pregunta." in summary.inner_text()
    page.screenshot(path=tmp_path / "3-error.png", full_page=True)
    assert serious_violations(page) == []
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "q_age_14_plus"
    group(page, "¿Tiene 14 años o más?").get_by_label("Sí", exact=True).check()
    group(page, "Estoy recibiendo la ayuda").get_by_label("De acuerdo", exact=True).check()
    page.get_by_role("button", name="Siguiente").click()

    # Page 5: overall, then send.
    group(page, "En general, estoy satisfecho/a").get_by_label("De acuerdo", exact=True).check()
    page.get_by_label("¿Hay algo más que le gustaría decirnos?").fill("Gracias por todo.")
    page.get_by_role("button", name="Siguiente").click()
    page.get_by_role("button", name="Enviar mis respuestas").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Gracias"
    page.screenshot(path=tmp_path / "4-thanks.png", full_page=True)
    assert serious_violations(page) == []
    other.close()

    response = Response.objects.get()
    answers = {a.question.code: a for a in response.answers.select_related("choice")}
    assert (response.status, response.language) == ("submitted", "es")
    assert answers["visit_frequency"].choice.value == "monthly"
    assert answers["cm_change_explained"].choice.value == "agree"
    assert str(answers["cm_count"].number) == "2.00"
    assert answers["age_14_plus"].choice.value == "yes"
    assert answers["comment"].text == "Gracias por todo."
    assert "sibling_visits" not in answers
    assert Invitation.objects.get().used is True
