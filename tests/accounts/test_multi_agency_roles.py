"""Issue 10, finding 1: a user with roles in two agencies gets each role's rights only in its own agency.

Each test reproduces one example of the finding (they all failed before the fix): a supervisor in
6ZA who is a reviewer in 6ZB, and a QA reviewer in 6ZA who is a viewer in 6ZB, must not see 6ZB's
metrics, survey answers, waves, contacts or follow-up requests. Each also checks that someone who
does hold the capability in 6ZB still sees the same data, so the markers are real.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys.models import Invitation, Wave
from tests.accounts import world as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_hats(personas, client_for):
    """Supervisor in 6ZA, reviewer in 6ZB."""
    return client_for(personas.supervisor_a_reviewer_b)


def test_the_metrics_dashboard_has_no_column_for_the_agency_where_the_user_is_a_reviewer(
    world, two_hats, personas, client_for
):
    page = two_hats.get(reverse("metrics:dashboard"), {"period": "2023-07"}).content.decode()
    assert ">6ZA<" in page and ">6ZB<" not in page
    assert ">6ZB<" in client_for(personas.supervisor_b).get(reverse("metrics:dashboard")).content.decode()


@pytest.mark.parametrize("metric", ["placement_stability", "worker_child_visits"])
def test_the_metric_drill_down_of_that_agency_is_refused(world, two_hats, personas, client_for, metric):
    url = reverse("metrics:units", args=[metric, "2023-07", "6ZB"])
    response = two_hats.get(url)
    assert response.status_code == 403  # a role in 6ZB, but not one that shows metrics
    assert w.CHILD_B not in response.content.decode()
    assert two_hats.get(reverse("metrics:units", args=[metric, "2023-07", "6ZA"])).status_code == 200
    assert w.CHILD_B in client_for(personas.viewer_b).get(url).content.decode()


def test_the_metric_page_and_its_csv_leave_that_agency_out(world, two_hats):
    url = reverse("metrics:metric", args=["worker_child_visits"])
    csv_text = two_hats.get(url, {"period": "2023-07", "format": "csv"}).content.decode()
    keys = {row["key"] for row in csv.DictReader(io.StringIO(csv_text)) if row["dimension"] == "AGENCY"}
    assert keys == {"6ZA"}
    trend = two_hats.get(url, {"period": "2023-07", "format": "trend_csv"}).content.decode()
    assert ",6ZA," in trend and "6ZB" not in trend


@pytest.mark.parametrize("name", ["surveys:results", "surveys:export_responses", "surveys:export_aggregates"])
def test_survey_results_filtered_to_that_agency_are_refused(world, two_hats, name):
    response = two_hats.get(reverse(name), {"agency": world.b.pk})
    assert response.status_code == 403
    assert w.COMMENT_B not in response.content.decode("utf-8-sig")


def test_survey_results_and_exports_without_a_filter_hold_only_the_supervised_agency(
    world, two_hats, personas, client_for
):
    page = two_hats.get(reverse("surveys:results"))
    assert page.context["responses_count"] == 10  # 6ZA's five in the statewide wave and five in its own
    assert w.COMMENT_B not in page.content.decode() and w.WAVE_B not in page.content.decode()
    rows = list(
        csv.DictReader(io.StringIO(two_hats.get(reverse("surveys:export_responses")).content.decode("utf-8-sig")))
    )
    assert {r["agency"] for r in rows} == {"6ZA"} and len(rows) == 10
    other = client_for(personas.supervisor_b).get(reverse("surveys:export_responses")).content.decode("utf-8-sig")
    assert w.WAVE_B in other


@pytest.mark.parametrize("name", ["surveys:wave_detail", "surveys:wave_codes"])
def test_a_wave_of_that_agency_does_not_open(world, two_hats, personas, client_for, name):
    response = two_hats.get(reverse(name, args=[world.wave_b.pk]))
    assert response.status_code == 404
    assert w.PRINTED_B not in response.content.decode()
    assert (
        w.PRINTED_B
        in client_for(personas.supervisor_b).get(reverse("surveys:wave_codes", args=[world.wave_b.pk])).content.decode()
    )


def test_the_wave_list_and_the_statewide_codes_leave_that_agency_out(world, two_hats):
    listing = two_hats.get(reverse("surveys:wave_list")).content.decode()
    assert "Crawl wave of 6ZA" in listing and w.WAVE_B not in listing
    codes = two_hats.get(reverse("surveys:wave_codes", args=[world.wave_statewide.pk])).content.decode()
    assert "Printed Person 6ZA" in codes and w.PRINTED_B not in codes


def test_contacts_cannot_be_posted_to_a_wave_of_that_agency(world, two_hats):
    before = Invitation.objects.filter(wave=world.wave_b).count()
    upload = SimpleUploadedFile("list.csv", (w.CONTACT_HEADER + "resource,6ZB,New Person,new@example.org,,\n").encode())
    response = two_hats.post(reverse("surveys:wave_upload", args=[world.wave_b.pk]), {"file": upload})
    assert response.status_code == 404
    assert Invitation.objects.filter(wave=world.wave_b).count() == before


def test_contacts_of_that_agency_cannot_be_added_to_a_statewide_wave(world, two_hats):
    before = Invitation.objects.filter(wave=world.wave_statewide, agency=world.b).count()
    upload = SimpleUploadedFile("list.csv", (w.CONTACT_HEADER + "resource,6ZB,New Person,new@example.org,,\n").encode())
    response = two_hats.post(reverse("surveys:wave_upload", args=[world.wave_statewide.pk]), {"file": upload})
    assert response.status_code == 400
    assert "you may not invite contacts for 6ZB" in response.content.decode()
    assert Invitation.objects.filter(wave=world.wave_statewide, agency=world.b).count() == before


def test_a_wave_for_that_agency_cannot_be_created(world, two_hats, personas):
    survey = world.survey
    data = {"name": "Sneaky", "surveys": [survey.pk], "agency": world.b.pk, "opens_on": "2026-03-01"}
    data |= {"closes_on": "2026-04-01", "guard_days": 180}
    response = two_hats.post(reverse("surveys:wave_create"), data)
    assert response.status_code in (200, 403)
    assert not Wave.objects.filter(name="Sneaky").exists()
    form_page = two_hats.get(reverse("surveys:wave_create")).content.decode()
    assert w.AGENCY_NAME_B not in form_page


def test_follow_ups_are_listed_only_for_the_agency_where_the_user_is_qa(world, personas, client_for):
    client = client_for(personas.qa_a_viewer_b)
    page = client.get(reverse("surveys:follow_up_list")).content.decode()
    assert "follow-up-6za@example.org" in page
    assert w.FOLLOW_UP_B not in page and "Follow Up 6ZB" not in page and w.FOLLOW_UP_PHONE_B not in page
    response = client.post(reverse("surveys:follow_up_list"), {"pk": world.follow_up_b.pk})
    assert response.status_code == 404
    world.follow_up_b.refresh_from_db()
    assert world.follow_up_b.status == "open"
    assert w.FOLLOW_UP_B in client_for(personas.qa_b).get(reverse("surveys:follow_up_list")).content.decode()


def test_review_summaries_count_only_the_agency_where_the_user_holds_report_view(world, two_hats, personas, client_for):
    page = two_hats.get(reverse("reviews:summary"))
    assert page.context["review_count"] == 1
    assert [a.code for a in page.context["agencies"]] == ["6ZA"]
    drill = two_hats.get(reverse("reviews:summary_drill"), {"item": "14", "measure": "applicable"}).content.decode()
    assert "CRAWL-A-1" in drill and w.CASE_B not in drill
    export = two_hats.get(reverse("reviews:summary_export", args=["items", "csv"]), {"group_by": "agency"})
    assert "6ZB" not in export.content.decode("utf-8-sig")
    assert client_for(personas.viewer_b).get(reverse("reviews:summary")).context["review_count"] == 1


def test_the_sample_list_shows_only_cases_of_the_agency_where_the_user_is_administrator(world, personas, client_for):
    page = client_for(personas.admin_a_reviewer_b).get(reverse("reviews:sample_list")).content.decode()
    assert "CRAWL-A-1" in page and "CRAWL-B-1" not in page


def test_a_cd_reviewer_who_supervises_one_agency_gets_no_statewide_report_or_metrics(world, personas, client_for):
    client = client_for(personas.state_reviewer_supervisor_a)
    assert client.get(reverse("reports:quarterly"), {"agency": "all", "quarter": "2023Q3"}).status_code == 403
    page = client.get(reverse("reports:quarterly"), {"quarter": "2023Q3"})
    assert page.status_code == 200 and page.context["scope"].parameter == "6ZA"
    assert client.get(reverse("metrics:units", args=["worker_child_visits", "2023-07", "6ZB"])).status_code == 403
    assert ">6ZB<" not in client.get(reverse("metrics:dashboard")).content.decode()
    # Their CD reviewer role still opens every agency's reviews.
    assert client.get(reverse("reviews:review_detail", args=[world.review_b_qa.pk])).status_code == 200
