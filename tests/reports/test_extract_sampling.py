"""A review sample drawn from the extract: the frame, reproducibility, eliminations and the page."""

from __future__ import annotations

import pytest

from accounts.models import AuditEntry
from reports.extract_sampling import SamplingError, build_frame, draw_from_extract
from reports.models import CaseExtractLink, ExtractSample
from reviews.models import Case, Sample, SampleCase
from reviews.sampling import Quarter, eliminate, frame_of, reproduces
from tests.metrics.bundle import load
from tests.metrics.helpers import assignment
from tests.reviews.factories import make_case

pytestmark = pytest.mark.django_db

Q3 = Quarter(2023, 3)


@pytest.fixture
def extract(tmp_path):
    """6ZA: eight children in Jackson (circuit 16), four in Boone (13) in care in 2023Q3, one discharged in
    June, one removed in October, one moved to 6ZB in August; 6ZB: two children of its own."""
    episodes, assignments = [], []

    def child(cid, county="29095", removal="2023-01-10", discharge="", agency="6ZA"):
        episodes.append(
            {
                "episode_id": f"E-{cid}",
                "child_id": cid,
                "removal_date": removal,
                "discharge_date": discharge,
                "discharge_reason": "REU" if discharge else "",
                "jurisdiction_county_fips": county,
            }
        )
        assignments.append(assignment(cid, f"E-{cid}", agency, removal, county=county))

    for n in range(1, 9):
        child(f"J{n}")
    for n in range(1, 5):
        child(f"B{n}", county="29019")
    child("GONE", discharge="2023-06-15")
    child("LATE", removal="2023-10-02")
    episodes.append(
        {
            "episode_id": "E-MOVED",
            "child_id": "MOVED",
            "removal_date": "2023-01-10",
            "jurisdiction_county_fips": "29095",
        }
    )
    assignments += [
        assignment("MOVED", "E-MOVED", "6ZA", "2023-01-10", "2023-07-31"),
        assignment("MOVED", "E-MOVED", "6ZB", "2023-08-01", county="29047"),
    ]
    child("OTHER1", agency="6ZB")
    child("OTHER2", agency="6ZB")
    load(tmp_path, removal_episodes=episodes, worker_assignments=assignments)


def test_the_frame_is_the_agencys_children_in_care_during_the_quarter(extract, agency):
    frame = build_frame(Q3, [agency("6ZA")])
    assert frame == sorted([f"J{n}" for n in range(1, 9)] + [f"B{n}" for n in range(1, 5)])
    case = Case.objects.get(case_id="B2")
    assert (case.agency.code, case.county_id, case.case_type, str(case.opened_on), case.closed_on) == (
        "6ZA",
        "29019",
        "FOSTER_CARE",
        "2023-01-10",
        None,
    )
    link = CaseExtractLink.objects.get(case=case)
    assert (link.child_id, link.episode_id, link.source) == ("B2", "E-B2", "sample")
    assert build_frame(Q3, [agency("6ZB")]) == ["MOVED", "OTHER1", "OTHER2"]
    # building again creates nothing new
    assert build_frame(Q3, [agency("6ZA")]) == frame
    assert Case.objects.count() == 15 and CaseExtractLink.objects.count() == 15


def test_a_case_already_linked_by_hand_stands_for_its_child(extract, agency):
    case = make_case("HAND-1")
    CaseExtractLink.objects.create(case=case, child_id="J3", episode_id="E-J3")
    frame = build_frame(Q3, [agency("6ZA")])
    assert "HAND-1" in frame and "J3" not in frame
    assert not Case.objects.filter(case_id="J3").exists()


def test_drawing_is_reproducible_and_only_from_the_frame(extract, agency):
    make_case("HAND-OPEN")  # open in the quarter by the reviews' rules, but not in the extract's frame
    Case.objects.filter(case_id="HAND-OPEN").update(opened_on="2023-01-01")
    sample = draw_from_extract("2023Q3", [agency("6ZA")], site_circuits=[16], site_size=3, statewide_size=2, seed=42)
    drawn = sorted(sample.cases.values_list("case__case_id", "stratum"))
    assert len(drawn) == 5
    assert sum(1 for _, s in drawn if s == "circuit 16 / FOSTER_CARE") == 3
    assert sum(1 for _, s in drawn if s == "statewide / FOSTER_CARE") == 2
    assert all(cid.startswith(("J", "B")) for cid, _ in drawn)
    frame = ExtractSample.objects.get(sample=sample)
    assert (frame.extract_id, frame.agency_codes, len(frame.frame)) == ("test-extract", ["6ZA"], 12)
    assert frame_of(sample) == frame.frame
    assert reproduces(sample)
    again = draw_from_extract("2023Q3", [agency("6ZA")], site_circuits=[16], site_size=3, statewide_size=2, seed=42)
    assert sorted(again.cases.values_list("case__case_id", "stratum")) == drawn
    other = draw_from_extract("2023Q3", [agency("6ZA")], site_circuits=[16], site_size=8, statewide_size=4, seed=7)
    assert "HAND-OPEN" not in set(other.cases.values_list("case__case_id", flat=True))  # the whole frame, nothing else


def test_eliminations_are_logged_and_replaced_from_the_frame(extract, agency, personas):
    sample = draw_from_extract("2023Q3", [agency("6ZA")], site_circuits=[16], site_size=2, statewide_size=0, seed=3)
    first = sample.cases.order_by("draw_order").first()
    replacement = eliminate(first, SampleCase.EliminationReason.PARTICIPANTS_UNAVAILABLE, user=personas.admin_a)
    first.refresh_from_db()
    assert first.eliminated and first.eliminated_by == personas.admin_a
    assert first.elimination_reason == "participants_unavailable"
    assert replacement.replaces == first and replacement.stratum == first.stratum
    assert replacement.case.case_id.startswith("J") and replacement.case.case_id in ExtractSample.objects.get().frame
    assert reproduces(sample)  # the original draw is still the recorded one


def test_refusals_and_errors(extract, agency):
    with pytest.raises(SamplingError, match="cannot draw 9 cases from a population of 8"):
        draw_from_extract("2023Q3", [agency("6ZA")], site_circuits=[16], site_size=9, seed=1)
    assert not Sample.objects.exists()
    with pytest.raises(SamplingError, match="no child in care in 2023Q3"):
        draw_from_extract("2023Q3", [agency("6ZC")], site_circuits=[16], site_size=1, seed=1)


def test_the_page_draws_in_the_users_agencies_only(extract, agency, personas, client_for):
    url = "/reports/extract/sample/"
    data = {
        "quarter": "2023Q3",
        "agencies": [agency("6ZA").pk],
        "site_circuits": "16",
        "site_size": "2",
        "statewide_size": "1",
        "seed": "11",
    }
    for user in (personas.reviewer_a, personas.supervisor_a, personas.state_supervisor):
        assert client_for(user).get(url).status_code == 403
    # The QA lead draws too, in their own agency only.
    page = client_for(personas.qa_a).get(url).content.decode()
    assert "test-extract" in page and "6ZA" in page and "6ZB" not in page
    admin = client_for(personas.admin_a)
    page = admin.get(url).content.decode()
    assert "test-extract" in page and "6ZB" not in page
    # another agency's children are not offered
    page = admin.post(url, {**data, "agencies": [agency("6ZB").pk]}).content.decode()
    assert "Select a valid choice" in page and not Sample.objects.exists()
    response = admin.post(url, data)
    assert response.status_code == 302 and response["Location"] == "/reviews/samples/"
    sample = Sample.objects.get()
    assert (sample.seed, sample.created_by, sample.cases.count()) == (11, personas.admin_a, 3)
    entry = AuditEntry.objects.get(action="reports.extract.sample_drawn")
    assert (entry.user, entry.data["agencies"], entry.data["frame_size"], entry.data["cases"]) == (
        personas.admin_a,
        ["6ZA"],
        12,
        3,
    )
    assert (
        client_for(personas.state_admin)
        .post(url, {**data, "agencies": [agency("6ZB").pk], "statewide_size": "0", "site_size": "1"})
        .status_code
        == 302
    )


def test_the_form_starts_on_the_last_full_quarter_the_extract_covers(extract, personas, client_for):
    # The extract is as of 2023-10-31 (tests/metrics/bundle.py): its last full quarter is 2023Q3, whatever today is.
    form = client_for(personas.qa_a).get("/reports/extract/sample/").context["form"]
    assert form.initial["quarter"] == "2023Q3"
    # A QA lead in one agency finds it chosen already.
    assert [a.code for a in form.initial["agencies"]] == ["6ZA"]
