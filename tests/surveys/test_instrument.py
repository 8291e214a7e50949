"""The instrument: default bank, versions frozen once answered, translation check before opening."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from surveys.models import Choice, FrozenSurveyError, MeasureTag, Question, Response, Survey
from surveys.question_bank import ALL_GROUPS

from .helpers import add_question, make_survey, make_wave

pytestmark = pytest.mark.django_db

TOPICS = {
    # spec topic -> (question code, groups that must have it)
    "case manager visit frequency": ("visit_frequency", {"youth", "resource", "parent"}),
    "youth talks with the case manager alone": ("talk_alone", {"youth"}),
    "parent-child visits": ("parent_visits", {"youth", "resource", "parent"}),
    "sibling visits": ("sibling_visits", {"youth"}),
    "health check-up after entry": ("health_checkup", {"youth", "resource", "parent"}),
    "dental check-up": ("dental_checkup", {"youth", "resource", "parent"}),
    "case plan involvement": ("plan_involved", {"youth", "resource", "parent"}),
    "knowing the permanency goal": ("knows_goal", {"youth", "resource", "parent"}),
    "case manager responsiveness": ("cm_responsive", set(ALL_GROUPS)),
    "changes of case manager": ("cm_changed", {"youth", "resource", "parent"}),
    "court reports": ("court_report_timely", {"jo", "judge"}),
    "hearings": ("hearing_prepared", {"jo", "judge"}),
    "services for older youth": ("older_youth_ready", {"youth"}),
    "overall satisfaction": ("overall_satisfaction", set(ALL_GROUPS)),
    "open comment": ("comment", set(ALL_GROUPS)),
}


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_the_default_bank_covers_each_spec_topic_for_its_groups(question_bank, topic):
    code, groups = TOPICS[topic]
    having = set(
        Question.objects.filter(code=code, survey__version=1, survey__family__in=ALL_GROUPS).values_list(
            "survey__group", flat=True
        )
    )
    assert groups <= having


def test_the_default_bank_is_open_fully_translated_and_tagged(question_bank):
    bank = Survey.objects.filter(family__in=ALL_GROUPS)
    assert sorted(bank.values_list("group", flat=True)) == sorted(ALL_GROUPS)
    assert all(s.status == "open" and s.missing_translations() == [] for s in bank)
    kinds = set(Question.objects.filter(survey__in=bank).values_list("kind", flat=True))
    assert kinds == set(Question.Kind.values)
    assert MeasureTag.objects.filter(question__survey__group="resource", code="worker_child_visits").exists()
    assert MeasureTag.objects.filter(question__survey__group="parent", code="worker_parent_visits").exists()
    # Only closed questions carry tags.
    assert not MeasureTag.objects.exclude(question__kind__in=Question.CLOSED_KINDS).exists()


def test_load_question_bank_command_is_idempotent(question_bank):
    before = Question.objects.count()
    call_command("load_question_bank")
    assert Question.objects.count() == before


def test_a_survey_with_a_response_is_frozen_and_edits_go_into_a_new_version(agency):
    survey = make_survey("resource", family="frozen-test")
    question = add_question(survey, "q1", tags=("item14",))
    follow = add_question(survey, "q2", show_when=(question, "agree"))
    wave = make_wave(survey)
    assert survey.is_frozen is False
    Response.objects.create(survey=survey, wave=wave, agency=agency("6ZA"), group="resource")

    assert survey.is_frozen is True
    question.text_en = "Changed"
    with pytest.raises(FrozenSurveyError):
        question.save()
    with pytest.raises(FrozenSurveyError):
        Choice.objects.filter(question=question).first().delete()
    with pytest.raises(FrozenSurveyError):
        add_question(survey, "q3")

    new = survey.new_version()
    assert (new.family, new.version, new.status, new.is_frozen) == ("frozen-test", 2, "draft", False)
    copied = {q.code: q for q in new.questions.all()}
    assert set(copied) == {"q1", "q2"}
    assert copied["q2"].show_when_question == copied["q1"] and copied["q2"].show_when_value == "agree"
    assert list(copied["q1"].tags.values_list("code", flat=True)) == ["item14"]
    assert copied["q1"].choices.count() == 6
    copied["q1"].text_en = "Changed in version 2"
    copied["q1"].save()
    assert Question.objects.get(pk=question.pk).text_en == "Question q1"
    assert follow.survey_id == survey.pk


def test_a_version_cannot_open_while_spanish_text_is_missing():
    survey = make_survey("youth", status="draft")
    question = add_question(survey, "q1")
    question.text_es = ""
    question.save()
    Choice.objects.filter(question=question, value="agree").update(label_es="")

    with pytest.raises(ValidationError) as raised:
        survey.open_for_waves()

    assert raised.value.messages == [
        "This version cannot open until it is fully translated.",
        "Question q1: Spanish text missing",
        "Question q1, choice agree: Spanish label missing",
    ]
    survey.refresh_from_db()
    assert survey.status == "draft"
    question.text_es = "Pregunta"
    question.save()
    Choice.objects.filter(question=question, value="agree").update(label_es="De acuerdo")
    survey.open_for_waves()
    assert Survey.objects.get(pk=survey.pk).status == "open"


@pytest.mark.parametrize(
    ("code", "valid"),
    [("worker_child_visits", True), ("item14", True), ("item18", True), ("item19", False), ("Worker Visits", False)],
)
def test_measure_tags_are_metric_codes_or_osri_items(code, valid):
    survey = make_survey("resource")
    question = add_question(survey, "q1")
    tag = MeasureTag(question=question, code=code)
    if valid:
        tag.full_clean()
    else:
        with pytest.raises(ValidationError):
            tag.full_clean()


def test_text_questions_cannot_carry_measure_tags():
    survey = make_survey("resource")
    question = add_question(survey, "comment", "long_text")
    with pytest.raises(ValidationError):
        MeasureTag(question=question, code="item14").full_clean()


def test_the_admin_refuses_to_open_an_untranslated_version_and_freezes_answered_ones(client_for, personas, agency):
    admin_user = personas.state_admin
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = client_for(admin_user)
    draft = make_survey("youth", status="draft")
    question = add_question(draft, "q1")
    Question.objects.filter(pk=question.pk).update(text_es="")

    client.post("/admin/surveys/survey/", {"action": "open_versions", "_selected_action": [draft.pk]}, follow=True)
    assert Survey.objects.get(pk=draft.pk).status == "draft"

    answered = make_survey("resource")
    add_question(answered, "q1")
    Response.objects.create(survey=answered, wave=make_wave(answered), agency=agency("6ZA"), group="resource")
    change = client.post(f"/admin/surveys/survey/{answered.pk}/change/", {"title_en": "Renamed"})
    assert change.status_code == 403
    assert Survey.objects.get(pk=answered.pk).title_en != "Renamed"
    client.post("/admin/surveys/survey/", {"action": "make_new_version", "_selected_action": [answered.pk]})
    assert Survey.objects.filter(family=answered.family).count() == 2
    assert client.get("/admin/surveys/question/").status_code == 200
