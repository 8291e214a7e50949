"""The results chart reads at a glance: question text, n, 0 % apart from "no cases", measure names (issue 13)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.models import Question

from .helpers import add_question, make_survey, make_wave, submitted_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(agency):
    """6 responses in 6ZA: 'visits' all disagree (0 %), 'respect' all agree, 'siblings' does not apply to anyone."""
    survey = make_survey("resource")
    visits = add_question(survey, "visits", tags=("worker_child_visits", "item14"))
    respect = add_question(survey, "respect")
    siblings = add_question(survey, "siblings")
    Question.objects.filter(pk=visits.pk).update(
        text_en="How often does your case manager visit the child in your home and talk with the child alone?"
    )
    wave = make_wave(survey, name="Spring 2026")
    for _ in range(6):
        submitted_response(
            wave, survey, agency("6ZA"), {visits: "disagree", respect: "agree", siblings: "does_not_apply"}
        )
    return wave


def test_the_chart_is_labelled_with_the_questions_and_every_bar_has_its_n(client_for, personas, answered):
    spec = client_for(personas.supervisor_a).get(reverse("surveys:results")).context["chart"]
    assert spec["labels"][0] == (
        "How often does your case manager visit the child in your home and talk with the child alone?"
    )
    assert spec["short_labels"][0] == "How often does your case manager visit the…"
    assert spec["labels"][1:] == ["Question respect", "Question siblings"]
    (series,) = spec["series"]
    # 0 % of 6 is a bar of 0; a question nobody it applied to has no bar and says so
    assert series["values"] == [0.0, 100.0, None]
    assert series["texts"] == ["0.0%", "100.0%", "no cases"]
    assert series["n"] == [6, 6, 0]
    assert (spec["min"], spec["max"]) == (0, 100)


def test_the_chart_keeps_its_numbers_in_a_table(client_for, personas, answered):
    html = client_for(personas.supervisor_a).get(reverse("surveys:results")).content.decode()
    figure = html[html.index('data-chart-figure="favourable-chart"') :]
    figure = figure[: figure.index("</figure>")]
    assert 'data-qa-chart="favourable-chart-data"' in figure
    assert '<td class="text-end">0.0% (n = 6)</td>' in figure
    assert '<td class="text-end">no cases</td>' in figure
    assert "How often does your case manager visit the child in your home and talk with the child alone?" in figure


def test_measures_are_linked_by_name(client_for, personas, answered):
    html = client_for(personas.supervisor_a).get(reverse("surveys:results")).content.decode()
    url = reverse("surveys:measure", args=["worker_child_visits"])
    assert f'<a href="{url}?">Worker/child visits</a>' in html
    assert ">Item 14: Caseworker Visits With Child</a>" in html
    assert ">worker_child_visits</a>" not in html and ">item14</a>" not in html
    measure = client_for(personas.supervisor_a).get(url).content.decode()
    assert "Survey questions about Worker/child visits" in measure
