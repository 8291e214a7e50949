"""Contact-list upload: every row checked, errors name row and field, nothing half-saved; sampling."""

from __future__ import annotations

from datetime import date

import pytest

from surveys import sampling
from surveys.models import Contact, ContactUpload, Invitation, InvitationLedger

from .helpers import make_survey, make_wave

pytestmark = pytest.mark.django_db

HEADER = "group,agency,name,email,phone,external_id\n"


def test_every_bad_row_is_reported_with_row_field_and_rule_and_nothing_is_saved(agency, personas):
    wave = make_wave(make_survey("resource"), make_survey("youth"), agency=agency("6ZA"))
    text = HEADER + (
        "resource,6ZA,Good Row,good@example.org,,\n"  # row 2: fine
        "foster,6ZA,Bad Group,a@example.org,,\n"  # row 3
        "judge,6ZA,No Judge Survey,b@example.org,,\n"  # row 4
        "resource,XYZ,Bad Agency,c@example.org,,\n"  # row 5
        "resource,6ZB,Other Agency,d@example.org,,\n"  # row 6
        "youth,6ZA,No Contact,,,\n"  # row 7
        "youth,6ZA,Bad Email,not-an-email,,\n"  # row 8
        "youth,6ZA,Bad Phone,,555-01,\n"  # row 9
    )

    outcome = sampling.upload_contacts(wave, text, personas.supervisor_a)

    assert [str(e) for e in outcome.errors] == [
        "Row 3, group: 'foster' is not a respondent group (youth, resource, adoptive, parent, jo, judge)",
        "Row 4, group: this wave has no survey for 'judge'",
        "Row 5, agency: 'XYZ' is not an agency code",
        "Row 6, agency: this wave is for 6ZA only",
        "Row 7, email: give an e-mail address or a phone number",
        "Row 8, email: 'not-an-email' is not a valid e-mail address",
        "Row 9, phone: '555-01' is not a 10-digit US phone number",
    ]
    assert outcome.upload is None
    assert (Invitation.objects.count(), Contact.objects.count(), ContactUpload.objects.count()) == (0, 0, 0)
    assert InvitationLedger.objects.count() == 0


def test_an_agency_user_may_not_upload_contacts_of_another_agency_to_a_statewide_wave(agency, personas):
    wave = make_wave(make_survey("resource"))
    outcome = sampling.upload_contacts(wave, HEADER + "resource,6ZB,X,x@example.org,,\n", personas.supervisor_a)
    assert [str(e) for e in outcome.errors] == ["Row 2, agency: you may not invite contacts for 6ZB"]


def test_missing_columns_are_reported_on_the_header_row(personas):
    wave = make_wave(make_survey("resource"))
    outcome = sampling.upload_contacts(wave, "group,agency,name\nresource,6ZA,X\n", personas.state_admin)
    assert [str(e) for e in outcome.errors] == ["Row 1, header: missing column(s): email, phone"]


def test_an_empty_list_is_refused(personas):
    wave = make_wave(make_survey("resource"))
    assert [str(e) for e in sampling.upload_contacts(wave, HEADER, personas.state_admin).errors] == [
        "File, rows: the file has no contact rows"
    ]


def test_valid_rows_become_invitations_with_unique_tokens_and_codes_and_hashed_ledger_entries(agency, personas):
    wave = make_wave(make_survey("resource"), make_survey("youth"))
    text = HEADER + "resource,6za,Ann,ANN@example.org,,R-1\nyouth,6ZB,Ben,,(573) 555-0101,\n"

    outcome = sampling.upload_contacts(wave, text, personas.state_admin, filename="list.csv", today=date(2026, 2, 2))

    assert outcome.ok
    ann, ben = Invitation.objects.order_by("pk")
    assert (ann.group, ann.agency.code, ann.contact.email, ann.invited_on) == (
        "resource",
        "6ZA",
        "ann@example.org",
        date(2026, 2, 2),
    )
    assert (ben.group, ben.agency.code, ben.contact.phone) == ("youth", "6ZB", "5735550101")
    assert len(ann.token) >= 40 and ann.token != ben.token and ann.code != ben.code and len(ann.code) == 8
    ledger = list(InvitationLedger.objects.values_list("person_key", flat=True))
    assert len(ledger) == 3  # Ann: e-mail and external id; Ben: phone
    assert all(len(k) == 64 and "example" not in k and "573" not in k for k in ledger)


def test_the_same_person_twice_in_one_file_is_invited_once(personas):
    wave = make_wave(make_survey("resource"))
    text = HEADER + (
        "resource,6ZA,Ann,ann@example.org,,R-9\n"
        "resource,6ZA,Ann by phone,,573-555-0199,r-9\n"  # same external id, written differently
        "resource,6ZA,Ben,ben@example.org,,\n"
        "resource,6ZA,Ann again,Ann@Example.org ,,\n"  # same e-mail, other case and spacing
    )
    outcome = sampling.upload_contacts(wave, text, personas.state_admin)
    assert [i.contact.name for i in outcome.invitations] == ["Ann", "Ben"]
    assert [(s.row_number, s.reason) for s in outcome.skipped] == [
        (3, "same person as row 2 of this file"),
        (5, "same person as row 2 of this file"),
    ]


def test_a_sample_of_stated_size_is_drawn_reproducibly_from_the_seed(personas):
    rows = "".join(f"resource,6ZA,Person {i},p{i}@example.org,,\n" for i in range(30))
    draws = []
    for _ in range(2):
        wave = make_wave(make_survey("resource"), guard_days=0)
        outcome = sampling.upload_contacts(wave, HEADER + rows, personas.state_admin, sample_size=10, seed=20260401)
        assert (outcome.upload.sample_size, outcome.upload.seed, outcome.upload.invited) == (10, 20260401, 10)
        draws.append([i.contact.name for i in outcome.invitations])
    assert draws[0] == draws[1]
    assert len(set(draws[0])) == 10


def test_a_sample_without_a_seed_records_the_seed_it_used(personas):
    wave = make_wave(make_survey("resource"))
    rows = "".join(f"resource,6ZA,Person {i},p{i}@example.org,,\n" for i in range(8))
    outcome = sampling.upload_contacts(wave, HEADER + rows, personas.state_admin, sample_size=3)
    assert outcome.upload.seed is not None
    expected = [
        c.name
        for c in sampling.draw_sample(
            sampling.validate_rows(sampling.read_rows(HEADER + rows)[0], wave, None)[0], 3, outcome.upload.seed
        )
    ]
    assert [i.contact.name for i in outcome.invitations] == expected


# --- hostile files (issue 10, finding 8): refused with row and field, never a server error ----


def upload_page(client_for, personas, wave, content: bytes, filename: str = "list.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = client_for(personas.supervisor_a)
    return client.post(reverse("surveys:wave_upload", args=[wave.pk]), {"file": SimpleUploadedFile(filename, content)})


def nothing_saved() -> bool:
    return (Invitation.objects.count(), Contact.objects.count(), ContactUpload.objects.count()) == (0, 0, 0)


def test_a_200_kb_field_is_refused_with_its_row_and_field(client_for, personas, agency):
    wave = make_wave(make_survey("youth"), agency=agency("6ZA"))
    huge = "A" * 200_000
    for row, expected in [
        (f"youth,6ZA,{huge},,5735550100,\n", "Row 2, csv: a field is longer than 131072 characters (line 2)"),
        (f"youth,6ZA,{huge[:5000]},,5735550100,\n", "Row 2, name: longer than 200 characters"),
        (f"youth,6ZA,Sam,{huge[:300]}@example.org,,\n", "Row 2, email: longer than 254 characters"),
        (f"youth,{huge[:3000]},Sam,,5735550100,\n", "Row 2, agency: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…' is"),
    ]:
        page = upload_page(client_for, personas, wave, (HEADER + "youth,6ZA,Ok,,5735550111,\n" + row).encode())
        assert page.status_code == 400
        errors = page.context["errors"]
        assert any(e.startswith(expected.replace("Row 2", "Row 3")) for e in errors), errors
        assert all(len(e) < 300 for e in errors)  # the hostile value is not echoed back whole
        assert nothing_saved()


def test_a_nul_byte_or_control_character_is_refused_with_its_row_and_field(client_for, personas, agency):
    wave = make_wave(make_survey("youth"), agency=agency("6ZA"))
    content = (HEADER + "youth,6ZA,Sam\x00Youth,,5735550100,\nyouth,6ZA,Ann,,5735550101,R\x1b-1\n").encode()
    page = upload_page(client_for, personas, wave, content)
    assert page.status_code == 400
    assert page.context["errors"] == [
        "Row 2, name: contains a control character (U+0000); remove it",
        "Row 3, external_id: contains a control character (U+001B); remove it",
    ]
    assert "list.csv" in page.content.decode()  # the page names the file
    assert nothing_saved()


def test_a_control_character_in_the_file_name_is_not_stored(client_for, personas, agency):
    wave = make_wave(make_survey("youth"), agency=agency("6ZA"))
    page = upload_page(client_for, personas, wave, (HEADER + "youth,6ZA,Sam,,5735550100,\n").encode(), "li\x00st.csv")
    assert page.status_code == 302
    assert ContactUpload.objects.get().filename == "list.csv"
