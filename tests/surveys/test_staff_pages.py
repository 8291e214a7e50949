"""Staff pages: capability checks (403), agency scoping (404), uploads, sending, results, exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys.models import Contact, FollowUpRequest, Invitation, Wave

from .helpers import add_question, make_survey, make_wave, submitted_response

pytestmark = pytest.mark.django_db

HEADER = "group,agency,name,email,phone,external_id\n"


@pytest.fixture
def fielded(agency):
    """A statewide wave with 6 responses in 6ZA, 5 in 6ZB and 2 in 6ZC, each with a comment."""
    survey = make_survey("resource")
    visits = add_question(survey, "visits", tags=("worker_child_visits",))
    comment = add_question(survey, "comment", "long_text", page=2)
    wave = make_wave(survey, name="Spring 2026")
    for code, count in (("6ZA", 6), ("6ZB", 5), ("6ZC", 2)):
        for i in range(count):
            submitted_response(wave, survey, agency(code), {visits: "agree", comment: f"Comment {code} {i}"})
    return wave


def test_pages_refuse_users_without_the_capability(client_for, personas, fielded):
    reviewer = client_for(personas.reviewer_a)
    for name in ("surveys:results", "surveys:wave_list", "surveys:follow_up_list", "surveys:export_responses"):
        assert reviewer.get(reverse(name)).status_code == 403, name
    viewer = client_for(personas.viewer_a)
    assert viewer.get(reverse("surveys:results")).status_code == 200
    assert viewer.get(reverse("surveys:wave_list")).status_code == 403
    assert client_for(personas.supervisor_a).get(reverse("surveys:follow_up_list")).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get(reverse("surveys:results"))["Location"].startswith("/accounts/login/")


def test_results_and_comments_show_only_the_users_agencies(client_for, personas, fielded, agency):
    page = client_for(personas.supervisor_a).get(reverse("surveys:results"))
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["responses_count"] == 6
    assert "Comment 6ZA 0" in html and "Comment 6ZB" not in html and "Comment 6ZC" not in html

    state = client_for(personas.state_supervisor).get(reverse("surveys:results")).content.decode()
    assert "Comment 6ZA 0" in state
    assert "Comment 6ZC" not in state  # 2 responses: below the minimum cell
    assert "Comment 6ZB" not in state  # suppressed with 6ZC (complementary): 13 - 6 would give 6ZC's 2
    assert "Comments from suppressed groups of respondents are not shown." in state


def test_filtering_results_to_another_agency_or_its_wave_is_refused(client_for, personas, fielded, agency):
    supervisor = client_for(personas.supervisor_a)
    other = agency("6ZB")
    for name in ("surveys:results", "surveys:export_responses", "surveys:export_aggregates"):
        assert supervisor.get(reverse(name), {"agency": other.pk}).status_code == 404, name
    wave_b = make_wave(make_survey("resource"), agency=other, name="6ZB only")
    assert supervisor.get(reverse("surveys:results"), {"wave": wave_b.pk}).status_code == 404
    assert supervisor.get(reverse("surveys:results"), {"agency": "abc"}).status_code == 404


def test_percent_favourable_and_breakdown_suppression_on_the_results_page(client_for, personas, fielded):
    page = client_for(personas.state_supervisor).get(reverse("surveys:results"), {"question": "visits"})
    [visits] = [r for r in page.context["results"] if r.code == "visits"]
    assert (visits.percent_favourable, visits.n) == (100, 13)
    by_agency = {row.label: (row.suppressed, row.responses) for row in page.context["breakdowns"]["agency"]}
    assert by_agency == {"6ZA": (False, 6), "6ZB": (True, None), "6ZC": (True, None)}


def test_the_responses_export_has_no_contact_data_and_drops_small_cells(client_for, personas, fielded):
    Contact.objects.create(name="Secret Person", email="secret@example.org")
    export = client_for(personas.state_supervisor).get(reverse("surveys:export_responses"))
    text = export.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["row", "wave", "agency", "group", "language", "submitted_month", "visits", "comment"]
    assert [r[2] for r in rows[1:]] == ["6ZA"] * 6  # 6ZC (2) and, complementary, 6ZB (5) left out
    assert "Secret" not in text and "@" not in text

    mine = list(
        csv.reader(
            io.StringIO(
                client_for(personas.supervisor_a).get(reverse("surveys:export_responses")).content.decode("utf-8-sig")
            )
        )
    )
    assert {r[2] for r in mine[1:]} == {"6ZA"}


def test_the_aggregates_export_suppresses_cells_under_five(client_for, personas, fielded):
    export = client_for(personas.state_supervisor).get(reverse("surveys:export_aggregates"))
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    for code in ("6ZB", "6ZC"):  # 6ZC has 2 responses; 6ZB is suppressed with it (complementary)
        [row] = [r for r in rows if r["agency"] == code]
        assert (row["suppressed"], row["count"], row["responses"], row["n_favourable_base"]) == ("yes", "", "", "")
    za_agree = next(r for r in rows if r["agency"] == "6ZA" and r["answer"] == "agree")
    assert (za_agree["count"], za_agree["percent"], za_agree["percent_favourable"], za_agree["n_favourable_base"]) == (
        "6",
        "100.0",
        "100.0",
        "6",
    )


def test_the_measure_page_lists_tagged_questions_in_scope(client_for, personas, fielded):
    page = client_for(personas.supervisor_a).get(reverse("surveys:measure", args=["worker_child_visits"]))
    [row] = page.context["rows"]
    assert (row.group, row.result.n, row.result.percent_favourable) == ("resource", 6, 100)


def test_wave_pages_are_scoped_to_the_managers_agencies(client_for, personas, agency):
    own = make_wave(make_survey("resource"), agency=agency("6ZA"), name="Own wave")
    statewide = make_wave(make_survey("resource"), name="Statewide wave")
    other = make_wave(make_survey("resource"), agency=agency("6ZB"), name="Other wave")
    supervisor = client_for(personas.supervisor_a)
    listed = [row["wave"].name for row in supervisor.get(reverse("surveys:wave_list")).context["rows"]]
    assert sorted(listed) == ["Own wave", "Statewide wave"]
    assert supervisor.get(reverse("surveys:wave_detail", args=[own.pk])).status_code == 200
    assert supervisor.get(reverse("surveys:wave_detail", args=[statewide.pk])).status_code == 200
    for name in ("surveys:wave_detail", "surveys:wave_codes"):
        assert supervisor.get(reverse(name, args=[other.pk])).status_code == 404
    assert supervisor.post(reverse("surveys:wave_send", args=[other.pk])).status_code == 404


def test_a_manager_creates_a_wave_for_their_agency_but_not_for_all(client_for, personas, agency):
    survey = make_survey("resource")
    data = {
        "name": "Q2",
        "surveys": [survey.pk],
        "opens_on": "2026-04-01",
        "closes_on": "2026-06-30",
        "guard_days": 180,
    }
    supervisor = client_for(personas.supervisor_a)
    refused = supervisor.post(reverse("surveys:wave_create"), data)
    assert refused.status_code == 200 and "agency" in refused.context["form"].errors
    other = supervisor.post(reverse("surveys:wave_create"), {**data, "agency": agency("6ZB").pk})
    assert "agency" in other.context["form"].errors
    created = supervisor.post(reverse("surveys:wave_create"), {**data, "agency": agency("6ZA").pk})
    wave = Wave.objects.get()
    assert created["Location"] == reverse("surveys:wave_detail", args=[wave.pk])
    assert (wave.agency.code, wave.created_by, list(wave.surveys.all())) == ("6ZA", personas.supervisor_a, [survey])
    state = client_for(personas.state_admin).post(reverse("surveys:wave_create"), {**data, "name": "All"})
    assert state.status_code == 302 and Wave.objects.get(name="All").agency is None


def test_a_wave_needs_one_fully_translated_version_per_group(client_for, personas, agency):
    first, second = make_survey("resource"), make_survey("resource")
    data = {
        "name": "Q2",
        "opens_on": "2026-04-01",
        "closes_on": "2026-06-30",
        "guard_days": 180,
        "agency": agency("6ZA").pk,
    }
    page = client_for(personas.supervisor_a).post(
        reverse("surveys:wave_create"), {**data, "surveys": [first.pk, second.pk]}
    )
    assert page.context["form"].errors["surveys"] == ["Choose one version per group; more than one for: resource."]


def test_uploading_contacts_through_the_page_reports_row_errors_or_creates_invitations(client_for, personas, agency):
    wave = make_wave(make_survey("resource"), agency=agency("6ZA"))
    supervisor = client_for(personas.supervisor_a)
    bad = HEADER + "resource,6ZA,Ann,ann@example.org,,\nresource,6ZA,Bob,bob@,,\n"
    page = supervisor.post(
        reverse("surveys:wave_upload", args=[wave.pk]), {"file": SimpleUploadedFile("list.csv", bad.encode())}
    )
    assert page.status_code == 400
    assert "Row 3, email: &#x27;bob@&#x27; is not a valid e-mail address" in page.content.decode()
    assert Invitation.objects.count() == 0

    good = HEADER + "resource,6ZA,Ann,ann@example.org,,\nresource,6ZA,Bob,,5735550102,\n"
    page = supervisor.post(
        reverse("surveys:wave_upload", args=[wave.pk]),
        {"file": SimpleUploadedFile("list.csv", good.encode()), "sample_size": "2", "seed": "7"},
    )
    assert page.status_code == 302
    assert Invitation.objects.count() == 2
    codes = supervisor.get(reverse("surveys:wave_codes", args=[wave.pk])).content.decode()
    bob = Invitation.objects.get(contact__name="Bob")
    assert bob.printable_code in codes and Invitation.objects.get(contact__name="Ann").printable_code not in codes


def test_invitations_and_reminders_are_sent_by_e_mail_in_a_task(
    client_for, personas, agency, django_capture_on_commit_callbacks
):
    wave = make_wave(make_survey("resource"), agency=agency("6ZA"))
    supervisor = client_for(personas.supervisor_a)
    text = (
        HEADER + "".join(f"resource,6ZA,P{i},p{i}@example.org,,\n" for i in range(3)) + "resource,6ZA,Q,,5735550103,\n"
    )
    supervisor.post(
        reverse("surveys:wave_upload", args=[wave.pk]), {"file": SimpleUploadedFile("l.csv", text.encode())}
    )

    with django_capture_on_commit_callbacks(execute=True):
        supervisor.post(reverse("surveys:wave_send", args=[wave.pk]), {"kind": "invitations"})
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p1@example.org", "p2@example.org"]
    first = Invitation.objects.get(contact__email="p0@example.org")
    [to_first] = [m for m in mail.outbox if m.to == ["p0@example.org"]]
    assert f"/surveys/respond/t/{first.token}/" in to_first.body and first.printable_code in to_first.body
    assert "Abra la encuesta" in to_first.body
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 3

    first.used = True
    first.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        supervisor.post(reverse("surveys:wave_send", args=[wave.pk]), {"kind": "reminders"})
    assert sorted(m.to[0] for m in mail.outbox) == ["p1@example.org", "p2@example.org"]
    assert all(m.subject.startswith("Reminder:") for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        supervisor.post(reverse("surveys:wave_send", args=[wave.pk]), {"kind": "invitations"})
    assert len(mail.outbox) == 2  # nobody is invited twice


def test_follow_up_requests_are_seen_only_by_the_agencys_qa_lead(client_for, personas, fielded, agency):
    for code in ("6ZA", "6ZB"):
        FollowUpRequest.objects.create(wave=fielded, agency=agency(code), group="resource", name=f"Person {code}")
    qa_a = client_for(personas.qa_a)
    html = qa_a.get(reverse("surveys:follow_up_list")).content.decode()
    assert "Person 6ZA" in html and "Person 6ZB" not in html
    other = FollowUpRequest.objects.get(agency__code="6ZB")
    assert qa_a.post(reverse("surveys:follow_up_list"), {"pk": other.pk}).status_code == 404
    own = FollowUpRequest.objects.get(agency__code="6ZA")
    assert qa_a.post(reverse("surveys:follow_up_list"), {"pk": own.pk}).status_code == 302
    own.refresh_from_db()
    assert (own.status, own.closed_by) == ("closed", personas.qa_a)
    assert client_for(personas.viewer_a).get(reverse("surveys:follow_up_list")).status_code == 403


def test_on_a_statewide_wave_agency_staff_see_only_their_own_uploads(client_for, personas):
    wave = make_wave(make_survey("resource"), name="Statewide")
    for user, code in ((personas.supervisor_a, "6ZA"), (personas.supervisor_b, "6ZB")):
        text = HEADER + f"resource,{code},Person {code},p-{code}@example.org,,\n"
        client_for(user).post(
            reverse("surveys:wave_upload", args=[wave.pk]), {"file": SimpleUploadedFile(f"{code}.csv", text.encode())}
        )
    page = client_for(personas.supervisor_b).get(reverse("surveys:wave_detail", args=[wave.pk]))
    assert [u.filename for u in page.context["uploads"]] == ["6ZB.csv"]
    assert [(row.label, row.invited) for row in dict(page.context["rates"])["By agency"]] == [("6ZB", 1)]
    state = client_for(personas.state_admin).get(reverse("surveys:wave_detail", args=[wave.pk]))
    assert sorted(u.filename for u in state.context["uploads"]) == ["6ZA.csv", "6ZB.csv"]


def test_a_wave_cannot_close_before_it_opens(client_for, personas, agency):
    data = {
        "name": "Backwards",
        "surveys": [make_survey("resource").pk],
        "opens_on": "2026-06-30",
        "closes_on": "2026-04-01",
        "guard_days": 180,
        "agency": agency("6ZA").pk,
    }
    page = client_for(personas.supervisor_a).post(reverse("surveys:wave_create"), data)
    assert page.context["form"].errors["closes_on"] == ["The wave closes before it opens."]
    assert not Wave.objects.exists()


def test_links_sent_from_the_web_page_use_surveys_public_base_url(
    client_for, personas, agency, django_capture_on_commit_callbacks, settings
):
    """Issue 10, finding 11: the setting wins over the host the manager's request came in on."""
    settings.SURVEYS_PUBLIC_BASE_URL = "https://surveys.example.gov/"
    wave = make_wave(make_survey("resource"), agency=agency("6ZA"))
    supervisor = client_for(personas.supervisor_a)
    text = HEADER + "resource,6ZA,P,p@example.org,,\nresource,6ZA,Q,,5735550103,\n"
    supervisor.post(
        reverse("surveys:wave_upload", args=[wave.pk]), {"file": SimpleUploadedFile("l.csv", text.encode())}
    )

    with django_capture_on_commit_callbacks(execute=True):
        supervisor.post(
            reverse("surveys:wave_send", args=[wave.pk]), {"kind": "invitations"}, HTTP_HOST="internal:8000"
        )

    [message] = mail.outbox
    token = Invitation.objects.get(contact__name="P").token
    assert f"https://surveys.example.gov/surveys/respond/t/{token}/" in message.body
    assert "Or go to https://surveys.example.gov/surveys/respond/ and type" in message.body
    assert "internal" not in message.body and "testserver" not in message.body
    codes = supervisor.get(reverse("surveys:wave_codes", args=[wave.pk]), HTTP_HOST="internal:8000").content.decode()
    assert "https://surveys.example.gov/surveys/respond/" in codes and "internal:8000" not in codes


def test_without_the_setting_links_use_the_address_of_the_page(
    client_for, personas, agency, django_capture_on_commit_callbacks, settings
):
    settings.SURVEYS_PUBLIC_BASE_URL = ""
    wave = make_wave(make_survey("resource"), agency=agency("6ZA"))
    supervisor = client_for(personas.supervisor_a)
    supervisor.post(
        reverse("surveys:wave_upload", args=[wave.pk]),
        {"file": SimpleUploadedFile("l.csv", (HEADER + "resource,6ZA,P,p@example.org,,\n").encode())},
    )
    with django_capture_on_commit_callbacks(execute=True):
        supervisor.post(reverse("surveys:wave_send", args=[wave.pk]), {"kind": "invitations"})
    assert "http://testserver/surveys/respond/t/" in mail.outbox[0].body


def test_comments_are_shown_a_hundred_at_a_time(client_for, personas, agency):
    survey = make_survey("resource")
    visits = add_question(survey, "visits")
    comment = add_question(survey, "comment", "long_text", page=2)
    wave = make_wave(survey, name="Busy wave")
    for i in range(130):
        submitted_response(wave, survey, agency("6ZA"), {visits: "agree", comment: f"Remark {i:03d}"})
    supervisor = client_for(personas.supervisor_a)
    first = supervisor.get(reverse("surveys:results"), {"wave": wave.pk})
    html = first.content.decode()
    assert html.count("Remark ") == 100
    assert "Comments 1–100 of 130." in html and "Page 1 of 2" in html
    # The next page keeps the filter.
    assert f'href="?wave={wave.pk}&amp;comments_page=2#comments"' in html
    second = supervisor.get(reverse("surveys:results"), {"wave": wave.pk, "comments_page": 2}).content.decode()
    assert second.count("Remark ") == 30 and "Comments 101–130 of 130." in second
    assert f'href="?wave={wave.pk}&amp;comments_page=1#comments"' in second
    # Together the two pages hold every comment once; a page out of range shows the last one.
    shown = {line for page in (html, second) for line in page.split("<blockquote") if "Remark " in line}
    assert len(shown) == 130
    last = supervisor.get(reverse("surveys:results"), {"wave": wave.pk, "comments_page": 99}).content.decode()
    assert "Comments 101–130 of 130." in last
