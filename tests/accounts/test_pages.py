import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_home_page_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "role_label"),
    [
        ("reviewer_a", "Reviewer"),
        ("qa_a", "QA reviewer"),
        ("supervisor_a", "Supervisor"),
        ("viewer_a", "Agency viewer"),
        ("admin_a", "Administrator"),
        ("state_admin", "Administrator"),
    ],
)
def test_each_role_sees_its_home_page(personas, client_for, persona, role_label):
    response = client_for(getattr(personas, persona)).get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"<strong>{role_label}</strong>" in body


def test_state_staff_are_told_they_see_all_agencies(personas, client_for):
    body = client_for(personas.state_supervisor).get(reverse("home")).content.decode()
    assert "you see all 14 agencies" in body.lower()


def test_the_admin_link_is_only_for_staff(personas, client_for):
    personas.state_admin.is_staff = True
    personas.state_admin.save()
    assert reverse("admin:index") in client_for(personas.state_admin).get(reverse("home")).content.decode()
    assert reverse("admin:index") not in client_for(personas.admin_a).get(reverse("home")).content.decode()


def test_login_and_logout(personas, client):
    response = client.post(reverse("login"), {"username": "reviewer_a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_login_rejects_a_wrong_password_and_keeps_the_username(personas, client):
    response = client.post(reverse("login"), {"username": "reviewer_a", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please enter a correct username and password" in body
    assert 'value="reviewer_a"' in body


def test_password_change(personas, client_for):
    client = client_for(personas.reviewer_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "An0ther-long-pass!", "new_password2": "An0ther-long-pass!"},
    )
    assert response.status_code == 302
    personas.reviewer_a.refresh_from_db()
    assert personas.reviewer_a.check_password("An0ther-long-pass!")


def test_password_reset_sends_an_email(personas, client, mailoutbox, monkeypatch):
    from accounts import passwords
    from accounts.tasks import send_password_reset

    # The e-mail leaves from a background job (test_password_reset.py); run it right here.
    monkeypatch.setattr(passwords, "send_in_background", send_password_reset)
    personas.reviewer_a.email = "rita@example.org"
    personas.reviewer_a.save()
    response = client.post(reverse("password_reset"), {"email": "rita@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_unknown_pages_get_the_friendly_404(personas, client_for, settings):
    settings.DEBUG = False
    response = client_for(personas.viewer_a).get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_admin_lists_agencies_with_search(personas, client_for):
    personas.state_admin.is_staff = personas.state_admin.is_superuser = True
    personas.state_admin.save()
    client = client_for(personas.state_admin)
    response = client.get(reverse("admin:accounts_agency_changelist"), {"q": "KVC"})
    assert response.status_code == 200
    assert "6ZV" in response.content.decode()
    for name in ["circuit", "county", "membership", "user"]:
        assert client.get(reverse(f"admin:accounts_{name}_changelist")).status_code == 200


def test_admin_is_refused_to_non_staff(personas, client_for):
    response = client_for(personas.admin_a).get(reverse("admin:index"))
    assert response.status_code == 302


def test_only_state_administrators_are_offered_the_extract_import(personas, client_for):
    assert "Import extract" in client_for(personas.state_admin).get(reverse("home")).content.decode()
    assert "Import extract" not in client_for(personas.admin_a).get(reverse("home")).content.decode()
