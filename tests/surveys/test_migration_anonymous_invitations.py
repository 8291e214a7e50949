"""Migration surveys 0004 keeps every answer with its response and only the 'used' flag of invitations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("surveys", "0003_protect_users_who_acted")]
AFTER = [("surveys", "0004_anonymous_invitations_and_random_response_keys")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_anonymous_invitations_migration_turns_times_into_a_flag_and_rekeys_responses_with_their_answers():
    apps = migrate(BEFORE)
    Agency = apps.get_model("accounts", "Agency")
    Survey = apps.get_model("surveys", "Survey")
    Section = apps.get_model("surveys", "Section")
    Question = apps.get_model("surveys", "Question")
    Wave = apps.get_model("surveys", "Wave")
    Invitation = apps.get_model("surveys", "Invitation")
    Response = apps.get_model("surveys", "Response")
    Answer = apps.get_model("surveys", "Answer")
    FollowUpRequest = apps.get_model("surveys", "FollowUpRequest")

    agency = Agency.objects.get(code="6ZA")
    survey = Survey.objects.create(family="m-youth", group="youth", title_en="T", status="open")
    section = Section.objects.create(survey=survey, position=1, title_en="S")
    question = Question.objects.create(
        survey=survey, section=section, position=1, code="note", kind="short_text", text_en="Q"
    )
    wave = Wave.objects.create(name="W", opens_on=dt.date(2026, 1, 1), closes_on=dt.date(2026, 3, 31))
    moment = dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC)
    answered = Invitation.objects.create(
        wave=wave, survey=survey, agency=agency, group="youth", token="t1", code="AAAAAAAA",
        invited_on=dt.date(2026, 1, 2), opened_at=moment, submitted_at=moment,
    )  # fmt: skip
    Invitation.objects.create(
        wave=wave, survey=survey, agency=agency, group="youth", token="t2", code="BBBBBBBB", opened_at=moment
    )
    texts = {}
    for i in range(3):
        response = Response.objects.create(survey=survey, wave=wave, agency=agency, group="youth", status="submitted")
        Answer.objects.create(response=response, question=question, text=f"answer {i}")
        texts[response.pk] = f"answer {i}"
    first = min(texts)
    FollowUpRequest.objects.create(wave=wave, agency=agency, group="youth", response_id=first, name="Pat")
    assert sorted(texts) == list(range(first, first + 3))  # a sequence before

    apps = migrate(AFTER)
    Invitation = apps.get_model("surveys", "Invitation")
    Response = apps.get_model("surveys", "Response")
    Answer = apps.get_model("surveys", "Answer")
    FollowUpRequest = apps.get_model("surveys", "FollowUpRequest")
    assert dict(Invitation.objects.values_list("token", "used")) == {"t1": True, "t2": False}
    keys = set(Response.objects.values_list("pk", flat=True))
    assert len(keys) == 3 and not keys & set(texts) and min(keys) > 10**6
    assert sorted(Answer.objects.values_list("text", flat=True)) == sorted(texts.values())
    assert all(a.response_id in keys for a in Answer.objects.all())
    follow_up = FollowUpRequest.objects.get()
    assert Answer.objects.get(response_id=follow_up.response_id).text == texts[first]

    apps = migrate(BEFORE)
    Invitation = apps.get_model("surveys", "Invitation")
    restored = Invitation.objects.get(pk=answered.pk)
    assert restored.submitted_at == dt.datetime(2026, 1, 2, 12, tzinfo=dt.UTC) and restored.opened_at is None
    assert Invitation.objects.get(token="t2").submitted_at is None
    migrate(executor_leaf_nodes())


def executor_leaf_nodes():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
