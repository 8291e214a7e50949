import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("reviews:instrument")


def test_reviewers_read_the_instrument_as_a_document(personas, client_for):
    response = client_for(personas.reviewer_a).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "osri-r4" in page
    assert "<table>" in page  # the question tables are rendered, not shown as Markdown
    for code in ("14A1", "14B", "15C2", "12B", "8A1"):
        assert code in page


def test_the_document_downloads_as_markdown(personas, client_for):
    response = client_for(personas.viewer_b).get(URL, {"format": "md"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="osri-r4.md"'
    assert response.content.decode().startswith("# ")


def test_an_unknown_version_is_not_found(personas, client_for):
    assert client_for(personas.reviewer_a).get(URL, {"version": "osri-r9"}).status_code == 404


def test_it_requires_login_and_a_role(client, make_user, client_for):
    assert client.get(URL).status_code == 302
    nobody = make_user("no_roles")
    assert client_for(nobody).get(URL).status_code == 403
