"""Survey actions leave audit entries: wave creation, contact uploads, sends, reminders, follow-up closures.

Entries carry counts and ids, never a respondent's name, address or phone.
"""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEntry
from surveys.models import FollowUpRequest, Wave

from .helpers import make_survey, make_wave

pytestmark = pytest.mark.django_db

HEADER = "group,agency,name,email,phone,external_id\n"
PEOPLE = HEADER + (
    "resource,6ZA,Ann Example,ann@example.org,,\n"
    "resource,6ZA,Bob Example,bob@example.org,,\n"
    "resource,6ZA,Cy Example,,5735550103,\n"
    "resource,6ZA,Ann Again,ann@example.org,,\n"
)
PERSONAL = ("Ann", "Bob", "Cy ", "example.org", "5735550103")


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def no_personal_data(entry: AuditEntry) -> bool:
    text = json.dumps(entry.data) + entry.object_repr
    return not any(p in text for p in PERSONAL)


def test_creating_a_wave_on_the_page_is_audited(client_for, personas, agency):
    survey = make_survey("resource")
    data = {
        "name": "Q2",
        "surveys": [survey.pk],
        "opens_on": "2026-04-01",
        "closes_on": "2026-06-30",
        "guard_days": 180,
        "agency": agency("6ZA").pk,
    }
    assert client_for(personas.supervisor_a).post(reverse("surveys:wave_create"), data).status_code == 302
    wave = Wave.objects.get()
    [entry] = entries("surveys.wave.created")
    assert (entry.user, entry.agency.code, entry.object_id) == (personas.supervisor_a, "6ZA", str(wave.pk))
    assert entry.data == {"agency": "6ZA", "opens_on": "2026-04-01", "closes_on": "2026-06-30", "surveys": [survey.pk]}


def test_a_refused_wave_writes_no_entry(client_for, personas, agency):
    data = {"name": "Q2", "opens_on": "2026-04-01", "closes_on": "2026-06-30", "guard_days": 180}
    client_for(personas.supervisor_a).post(reverse("surveys:wave_create"), {**data, "agency": agency("6ZB").pk})
    assert not Wave.objects.exists() and entries("surveys.wave.created") == []


def test_creating_a_wave_in_the_admin_is_audited(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(root)
    survey = make_survey("resource")
    data = {"name": "Admin wave", "surveys": [survey.pk], "opens_on": "2026-04-01", "closes_on": "2026-06-30"}
    response = client.post("/admin/surveys/wave/add/", {**data, "guard_days": 180})
    assert response.status_code == 302, response.content.decode()[:2000]
    wave = Wave.objects.get()
    [entry] = entries("surveys.wave.created")
    assert (entry.user, entry.object_id, entry.data["agency"], entry.data["surveys"]) == (
        root,
        str(wave.pk),
        "all",
        [survey.pk],
    )
    assert wave.created_by == root


def test_a_contact_upload_is_audited_with_counts_only(client_for, personas, agency):
    wave = make_wave(make_survey("resource"), agency=agency("6ZA"))
    response = client_for(personas.supervisor_a).post(
        reverse("surveys:wave_upload", args=[wave.pk]),
        {"file": SimpleUploadedFile("Ann-and-Bob.csv", PEOPLE.encode()), "sample_size": "4", "seed": "7"},
    )
    assert response.status_code == 302
    [entry] = entries("surveys.contacts.uploaded")
    upload = wave.uploads.get()
    assert (entry.user, entry.agency.code, entry.object_id) == (personas.supervisor_a, "6ZA", str(wave.pk))
    assert entry.data == {"upload": upload.pk, "rows": 4, "invited": 3, "skipped": 1, "sample_size": 4, "seed": 7}
    assert no_personal_data(entry)  # not even the file name, which here names people


def test_a_rejected_contact_list_writes_no_entry(client_for, personas, agency):
    wave = make_wave(make_survey("resource"), agency=agency("6ZA"))
    bad = HEADER + "resource,6ZA,Bob,bob@,,\n"
    client_for(personas.supervisor_a).post(
        reverse("surveys:wave_upload", args=[wave.pk]), {"file": SimpleUploadedFile("l.csv", bad.encode())}
    )
    assert entries("surveys.contacts.uploaded") == []


def test_sending_invitations_and_reminders_is_audited_with_counts(
    client_for, personas, agency, django_capture_on_commit_callbacks
):
    wave = make_wave(make_survey("resource"), agency=agency("6ZA"))
    supervisor = client_for(personas.supervisor_a)
    supervisor.post(
        reverse("surveys:wave_upload", args=[wave.pk]), {"file": SimpleUploadedFile("l.csv", PEOPLE.encode())}
    )
    with django_capture_on_commit_callbacks(execute=True):
        supervisor.post(reverse("surveys:wave_send", args=[wave.pk]), {"kind": "invitations"})
    assert len(mail.outbox) == 2
    [requested] = entries("surveys.invitations.requested")
    [sent] = entries("surveys.invitations.sent")
    a = agency("6ZA").pk
    assert (requested.user, requested.object_id, requested.data) == (
        personas.supervisor_a,
        str(wave.pk),
        {"agencies": [a]},
    )
    assert (sent.user, sent.agency.code, sent.data) == (personas.supervisor_a, "6ZA", {"agencies": [a], "sent": 2})

    with django_capture_on_commit_callbacks(execute=True):
        client_for(personas.state_admin).post(reverse("surveys:wave_send", args=[wave.pk]), {"kind": "reminders"})
    [reminded] = entries("surveys.reminders.sent")
    assert (reminded.user, reminded.data) == (personas.state_admin, {"agencies": "all", "sent": 2})
    assert all(no_personal_data(e) for e in AuditEntry.objects.all())


def test_a_send_that_fails_is_audited_and_the_error_kept_short(
    client_for, personas, agency, django_capture_on_commit_callbacks, monkeypatch
):
    wave = make_wave(make_survey("resource"), agency=agency("6ZA"))
    supervisor = client_for(personas.supervisor_a)
    supervisor.post(
        reverse("surveys:wave_upload", args=[wave.pk]), {"file": SimpleUploadedFile("l.csv", PEOPLE.encode())}
    )

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp.example.org refused mail for ann@example.org")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(ConnectionRefusedError), django_capture_on_commit_callbacks(execute=True):
        supervisor.post(reverse("surveys:wave_send", args=[wave.pk]), {"kind": "invitations"})
    [failed] = entries("surveys.invitations.failed")
    assert failed.data == {"agencies": [agency("6ZA").pk], "error": "ConnectionRefusedError"}
    assert no_personal_data(failed)


def test_closing_a_follow_up_is_audited_without_the_respondent(client_for, personas, agency):
    wave = make_wave(make_survey("resource"), agency=agency("6ZA"))
    request = FollowUpRequest.objects.create(
        wave=wave, agency=agency("6ZA"), group="resource", name="Ann Example", email="ann@example.org"
    )
    assert client_for(personas.qa_a).post(reverse("surveys:follow_up_list"), {"pk": request.pk}).status_code == 302
    [entry] = entries("surveys.follow_up.closed")
    assert (entry.user, entry.agency.code, entry.object_id) == (personas.qa_a, "6ZA", str(request.pk))
    assert entry.data == {"wave": wave.pk, "group": "resource"}
    assert no_personal_data(entry)


def test_the_admin_closes_follow_ups_only_through_the_audited_action(client, django_user_model, agency):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(root)
    wave = make_wave(make_survey("resource"), agency=agency("6ZA"))
    request = FollowUpRequest.objects.create(wave=wave, agency=agency("6ZA"), group="resource", name="Ann Example")
    form = client.get(f"/admin/surveys/followuprequest/{request.pk}/change/").context["adminform"].form
    assert "status" not in form.fields and "closed_by" not in form.fields
    response = client.post("/admin/surveys/followuprequest/", {"action": "mark_done", "_selected_action": [request.pk]})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.closed_by) == ("closed", root)
    [entry] = entries("surveys.follow_up.closed")
    assert entry.user == root and no_personal_data(entry)
