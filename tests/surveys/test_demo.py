"""The demo seed: idempotent, prints a working invitation, and its answers reach the supervisor's results."""

from __future__ import annotations

import io
import re

import pytest
from django.db.models import Count
from django.urls import reverse

from accounts import demo as accounts_demo
from accounts.models import User
from surveys import demo, results
from surveys.models import Invitation, Response, Wave

pytestmark = pytest.mark.django_db


def seeded() -> str:
    out = io.StringIO()
    accounts_demo.seed(io.StringIO())
    demo.seed(out)
    return out.getvalue()


def test_seeding_twice_changes_nothing():
    seeded()
    counts = (Wave.objects.count(), Invitation.objects.count(), Response.objects.count())
    second = seeded()
    assert (Wave.objects.count(), Invitation.objects.count(), Response.objects.count()) == counts
    # 382 responses from all six groups in five agencies, 77 from two groups of seven more agencies in
    # wave A; 3 invitations per cell left unanswered.
    assert counts == (2, 562 + 7 * 2 * 3 + 77, 382 + 77)
    cells = {
        (row["agency__code"], row["group"]): row["n"]
        for row in Response.objects.filter(wave__name="Demo wave A (closed)")
        .values("agency__code", "group")
        .annotate(n=Count("pk"))
    }
    assert len(cells) == 5 * 6 + 7 * 2
    assert {cells[code, "resource"] for code in demo.MORE_AGENCIES} == {6}
    assert {cells[code, "parent"] for code in demo.MORE_AGENCIES} == {5}
    # Below the suppression minimum (5) on purpose: every agency's judges and 6ZB's youth.
    assert sorted(cell for cell, n in cells.items() if n < 5) == sorted(
        [(code, "judge") for code in demo.DEMO_AGENCIES] + [("6ZB", "youth")]
    )
    assert "0 demo wave(s) created, 2 already there" in second


def test_the_printed_demo_link_can_be_answered_and_counts_in_the_supervisors_results(client, client_for):
    output = seeded()
    path = re.search(r"http://127\.0\.0\.1:8000(/surveys/respond/t/[^/]+/)\?lang=es", output).group(1)
    code = re.search(r"enter code ([A-Z0-9]{4}-[A-Z0-9]{4})", output).group(1)
    supervisor = client_for(User.objects.get(username="supervisor_6za"))
    spring = Wave.objects.get(name="Demo wave B (open)")
    before = supervisor.get(reverse("surveys:results"), {"wave": spring.pk, "group": "youth"}).context[
        "responses_count"
    ]

    spanish = Response.objects.filter(language="es", wave=spring, agency__code="6ZA", group="youth", status="submitted")
    spanish_before = spanish.count()

    assert client.post(reverse("surveys:enter_code"), {"code": code})["Location"] == path
    assert "Comenzar la encuesta" in client.get(path + "?lang=es").content.decode()
    page = client.post(path)["Location"]
    while "/page/" in page:
        page = client.post(page, {"action": "next", "q_age_14_plus": "yes"})["Location"]
    assert client.post(page, {})["Location"] == reverse("surveys:thanks")

    after = supervisor.get(reverse("surveys:results"), {"wave": spring.pk, "group": "youth"})
    assert after.context["responses_count"] == before + 1
    assert spanish.count() == spanish_before + 1
    # Every staff page renders with the demo data.
    for name, args in (
        ("surveys:wave_list", []),
        ("surveys:wave_detail", [spring.pk]),
        ("surveys:measure", ["item14"]),
    ):
        assert supervisor.get(reverse(name, args=args)).status_code == 200
    assert client_for(User.objects.get(username="qa_6za")).get(reverse("surveys:follow_up_list")).status_code == 200


def test_the_small_cells_and_their_complements_are_suppressed():
    seeded()
    wave_a = Response.objects.filter(status="submitted", wave__name="Demo wave A (closed)")

    def count(**cell):
        return results.response_count(wave_a.filter(**cell))

    # 6ZB's 4 youth are hidden, and with them at least one more agency's youth, else the statewide
    # 32 minus the published cells would give them away; resource parents (9 per agency) all show.
    youth = [count(group="youth", agency__code=code) for code in demo.DEMO_AGENCIES]
    assert youth[1] is None and youth.count(None) >= 2 and set(youth) <= {None, 7, 8}
    assert count(group="youth") == 32
    assert [count(group="resource", agency__code=code) for code in demo.DEMO_AGENCIES] == [9] * 5
    # Judges (2 per agency) never show per agency.
    assert {count(group="judge", agency__code=code) for code in demo.DEMO_AGENCIES} == {None}
