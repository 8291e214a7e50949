"""Tokens (profile page, command), authentication, audit, rate limit, headers and the OpenAPI schema."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import AuditEntry

URL = "/api/v1/metrics/results/"


def test_without_a_token_401_with_the_scheme_named(db):
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_or_revoked_token_is_401(personas, api_for):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(URL).status_code == 401
    client = api_for(personas.supervisor_a)
    assert client.get(URL).status_code == 200
    Token.objects.filter(user=personas.supervisor_a).delete()
    assert client.get(URL).status_code == 401


def test_an_inactive_users_token_is_refused(personas, api_for):
    client = api_for(personas.supervisor_a)
    personas.supervisor_a.is_active = False
    personas.supervisor_a.save()
    assert client.get(URL).status_code == 401


def test_the_session_works_too_for_the_browsable_page(personas, client_for):
    client = client_for(personas.supervisor_a)
    assert client.get(URL).status_code == 200
    page = client.get(URL, HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")


def test_read_only(personas, api_for):
    client = api_for(personas.state_admin)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(URL).status_code == 405


def test_answers_are_not_stored_by_caches(personas, api_for):
    response = api_for(personas.supervisor_a).get(URL)
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response


def test_every_use_is_audited(personas, api_for):
    client = api_for(personas.supervisor_a)
    client.get(URL, {"metric": "worker_child_visits"})
    client.get("/api/v1/reviews/summary/", {"agency": "6ZB"})  # refused: audited too
    entries = list(AuditEntry.objects.filter(user=personas.supervisor_a, action="api.read").order_by("id"))
    assert [(e.data["path"], e.data["query"], e.data["status"], e.data["via"]) for e in entries] == [
        (URL, "metric=worker_child_visits", 200, "token"),
        ("/api/v1/reviews/summary/", "agency=6ZB", 404, "token"),
    ]
    assert AuditEntry.objects.filter(user=personas.supervisor_a, action="api.token.created").exists()


@override_settings(API_RATE_LIMIT="3/minute")
def test_rate_limit_per_user(personas, api_for):
    client = api_for(personas.supervisor_a)
    assert [client.get(URL).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "Retry-After" in client.get(URL)
    assert api_for(personas.viewer_a).get(URL).status_code == 200  # another user's count


# --- the profile page and the command -------------------------------------------------------------


def test_profile_creates_shows_once_and_revokes(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.viewer_a, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("profile"))
    assert b"You have no API token" in page.content
    csrf = page.cookies["csrftoken"].value
    assert client.post(reverse("api_token_create")).status_code == 403  # CSRF protected
    created = client.post(reverse("api_token_create"), {"csrfmiddlewaretoken": csrf})
    key = Token.objects.get(user=personas.viewer_a).key
    assert created.status_code == 200 and key.encode() in created.content
    again = client.get(reverse("profile"))
    assert key.encode() not in again.content and b"Revoke token" in again.content
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(URL).status_code == 200
    assert b"last used" in client.get(reverse("profile")).content
    assert client.get(reverse("api_token_revoke")).status_code == 405  # POST only
    assert client.post(reverse("api_token_revoke"), {"csrfmiddlewaretoken": csrf}).status_code == 302
    assert not Token.objects.filter(user=personas.viewer_a).exists()
    assert api.get(URL).status_code == 401
    actions = AuditEntry.objects.filter(user=personas.viewer_a).values_list("action", flat=True)
    assert {"api.token.created", "api.token.revoked", "api.read"} <= set(actions)


def test_a_new_token_replaces_the_old(personas, api_for):
    old = api_for(personas.viewer_a)
    new = api_for(personas.viewer_a)
    assert old.get(URL).status_code == 401 and new.get(URL).status_code == 200


def test_the_command_prints_a_new_token(personas):
    out = io.StringIO()
    call_command("api_token", "viewer_b", stdout=out)
    key = out.getvalue().strip()
    assert Token.objects.get(user=personas.viewer_b).key == key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(URL).status_code == 200
    with pytest.raises(CommandError):
        call_command("api_token", "nobody", stdout=io.StringIO())


# --- the OpenAPI schema ---------------------------------------------------------------------------


def test_the_schema_validates_and_names_every_endpoint(personas, api_for):
    client = api_for(personas.viewer_a)
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)  # the OpenAPI 3 JSON schema drf-spectacular ships
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/",
        "/api/v1/metrics/results/",
        "/api/v1/metrics/results/{id}/",
        "/api/v1/metrics/runs/",
        "/api/v1/metrics/imports/",
        "/api/v1/metrics/imports/{id}/",
        "/api/v1/reviews/summary/",
        "/api/v1/surveys/results/",
        "/api/v1/reports/quarterly/{quarter}/{scope}/",
        "/api/v1/reports/quarterly/{quarter}/{scope}/published/",
    }
    assert all(set(ops) == {"get"} for ops in schema["paths"].values())  # read-only
    assert {"tokenAuth"} <= set(schema["components"]["securitySchemes"])
    as_json = client.get("/api/v1/schema/", {"format": "json"})
    assert as_json.status_code == 200 and as_json.json()["info"]["title"] == "Foster Care QA read API"


def test_the_schema_needs_a_sign_in(db):
    assert APIClient().get("/api/v1/schema/").status_code == 401


def test_the_schema_is_generated_without_warnings(db, tmp_path):
    """`manage.py spectacular --validate --fail-on-warn` (what CI or a client generator would run)."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/reviews/summary/" in (tmp_path / "schema.yaml").read_text()


@override_settings(API_ANON_RATE_LIMIT="2/minute")
def test_calls_without_a_sign_in_and_wrong_tokens_are_rate_limited_per_address(db):
    assert [APIClient().get(URL).status_code for _ in range(3)] == [401, 401, 429]
    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    assert [guesser.get(URL).status_code for _ in range(3)] == [401, 401, 429]
