"""The menu and the home page's cards: both from the user's capabilities, and the menu fits the window."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.navigation import FLAT_MENU_MAX, entries_for, menu_for

pytestmark = pytest.mark.django_db


def cards(client) -> dict[str, str]:
    """Home-page cards: title -> the card's text (description and where)."""
    body = client.get(reverse("home")).content.decode()
    found = re.findall(r'class="stretched-link">([^<]+)</a></h3>\s*<p class="card-text[^"]*">(.*?)</p>', body, re.S)
    return {title: " ".join(re.sub(r"<[^>]+>", "", text).split()) for title, text in found}


def menu_titles(client) -> list[str]:
    body = client.get(reverse("home")).content.decode()
    start = body.index('<ul class="navbar-nav me-auto">')
    nav = body[start : body.index("</ul>\n      <ul", start)]
    return re.findall(r'class="(?:nav-link|dropdown-item)[^"]*" href="[^"]+"[^>]*>([^<]+)</a>', nav)


def test_the_state_administrator_menu_is_grouped_by_section(personas):
    personas.state_admin.is_staff = True
    menu = menu_for(entries_for(personas.state_admin))
    assert [item["title"] for item in menu] == ["Reviews", "Reports", "Metrics", "Surveys", "Administration"]
    reviews = next(item for item in menu if item["title"] == "Reviews")
    assert [e["title"] for e in reviews["entries"]] == ["Case reviews", "Samples", "The instrument"]


def test_a_short_menu_stays_a_row_of_links(personas):
    menu = menu_for(entries_for(personas.reviewer_a))
    assert len(menu) <= FLAT_MENU_MAX
    assert [item["title"] for item in menu] == ["Case reviews", "My reviews", "My calibration record", "The instrument"]
    assert all("url" in item for item in menu)


@pytest.mark.parametrize(
    "persona", ["reviewer_a", "qa_a", "supervisor_a", "viewer_a", "admin_a", "state_admin", "state_supervisor"]
)
def test_the_home_cards_are_the_menu_entries(personas, client_for, persona):
    client = client_for(getattr(personas, persona))
    assert sorted(cards(client)) == sorted(menu_titles(client))


def test_only_those_who_enter_reviews_are_told_they_can_start_them(personas, client_for):
    assert "Start and continue reviews" in cards(client_for(personas.reviewer_a))["Case reviews"]
    for persona in ("supervisor_a", "viewer_a", "admin_a", "qa_a", "state_supervisor"):
        text = cards(client_for(getattr(personas, persona)))["Case reviews"]
        assert "start" not in text.lower(), (persona, text)


def test_cards_say_in_which_agencies(personas, client_for):
    assert cards(client_for(personas.supervisor_a))["Dashboard"].endswith("In 6ZA.")
    assert cards(client_for(personas.state_supervisor))["Dashboard"].endswith("In all agencies.")
    assert cards(client_for(personas.state_admin))["Import extract"].endswith("In all agencies.")


def test_a_user_with_roles_in_two_agencies_reads_where_each_applies(personas, client_for, agency):
    from accounts.models import Membership

    Membership.objects.create(user=personas.reviewer_a, agency=agency("6ZB"), role="agency_viewer")
    text = cards(client_for(personas.reviewer_a))["Case reviews"]
    assert text == "Open cases and read their OSRI reviews. Start and continue reviews (in 6ZA). In 6ZA, 6ZB."


def test_no_home_page_overstates_a_role(personas, client_for):
    admin = client_for(personas.admin_a).get(reverse("home")).content.decode()
    assert "manage users" not in admin.lower() and "import extract" not in admin.lower()
    state = client_for(personas.state_supervisor).get(reverse("home")).content.decode()
    assert "your agency" not in state.lower()


def test_every_page_names_the_favicon_and_it_exists(personas, client_for, client):
    from django.contrib.staticfiles import finders

    body = client_for(personas.viewer_a).get(reverse("home")).content.decode()
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', body)
    assert icon and finders.find(icon.group(1))
    # Pages without the link (the Django admin) make browsers ask for /favicon.ico.
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.ico"
    assert finders.find("favicon.ico")
