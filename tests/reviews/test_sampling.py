"""Reproducible case samples per quarter, by site circuit and case type."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Agency
from reviews.models import Case, Sample, SampleCase
from reviews.sampling import Quarter, SamplingError, allocate, draw_sample, eliminate, reproduces

pytestmark = pytest.mark.django_db

# Synthetic population: Jackson (circuit 16), Butler (36), Lincoln (45), Boone (13, statewide).
COUNTIES = {"29095": 30, "29023": 12, "29113": 8, "29019": 20}


@pytest.fixture
def cases():
    agency = Agency.objects.get(code="6ZA")
    number = 0
    for fips, count in COUNTIES.items():
        for _ in range(count):
            number += 1
            Case.objects.create(
                case_id=f"FC-{number:04d}",
                agency=agency,
                county_id=fips,
                case_type="FOSTER_CARE",
                opened_on=dt.date(2022, 1, 1) + dt.timedelta(days=number),
            )
    # Not in the 2023Q3 population: closed before the quarter, opened after it, in-home open too briefly.
    Case.objects.create(
        case_id="FC-CLOSED",
        agency=agency,
        county_id="29095",
        case_type="FOSTER_CARE",
        opened_on=dt.date(2022, 1, 1),
        closed_on=dt.date(2023, 6, 30),
    )
    Case.objects.create(
        case_id="FC-LATER", agency=agency, county_id="29095", case_type="FOSTER_CARE", opened_on=dt.date(2023, 10, 1)
    )
    Case.objects.create(
        case_id="IH-SHORT", agency=agency, county_id="29095", case_type="IN_HOME", opened_on=dt.date(2023, 9, 1)
    )
    Case.objects.create(
        case_id="IH-LONG", agency=agency, county_id="29095", case_type="IN_HOME", opened_on=dt.date(2023, 6, 1)
    )


def selection(sample: Sample) -> list[tuple[str, str]]:
    return sorted(sample.cases.values_list("stratum", "case__case_id"))


def test_quarter_bounds():
    q = Quarter.parse("2023q3")
    assert (str(q), q.start, q.end) == ("2023Q3", dt.date(2023, 7, 1), dt.date(2023, 9, 30))
    assert Quarter.parse("2024Q4").end == dt.date(2024, 12, 31)
    with pytest.raises(SamplingError):
        Quarter.parse("2023-07")


@pytest.mark.parametrize(
    ("total", "sizes", "expected"),
    [
        (40, {"a": 30, "b": 12, "c": 8}, {"a": 24, "b": 10, "c": 6}),
        (10, {"a": 1, "b": 1, "c": 1, "d": 1}, None),
        (3, {"a": 5, "b": 5, "c": 5}, {"a": 1, "b": 1, "c": 1}),
        (2, {"a": 5, "b": 5, "c": 5}, {"a": 1, "b": 1, "c": 0}),
        (0, {"a": 5}, {"a": 0}),
    ],
)
def test_allocation_is_proportional_with_largest_remainder(total, sizes, expected):
    if expected is None:
        with pytest.raises(SamplingError):
            allocate(total, sizes)
    else:
        assert allocate(total, sizes) == expected


def test_the_july_2023_draw_takes_40_from_the_sites_and_13_statewide(cases):
    sample = draw_sample("2023Q3", [16, 36, 45], 40, 13, seed=20230701)
    strata = {}
    for stratum, _ in selection(sample):
        strata[stratum] = strata.get(stratum, 0) + 1
    assert strata == {
        "circuit 16 / FOSTER_CARE": 24,
        "circuit 36 / FOSTER_CARE": 10,
        "circuit 45 / FOSTER_CARE": 6,
        "statewide / FOSTER_CARE": 13,
    }
    assert sample.seed == 20230701
    assert not sample.cases.filter(case__case_id__in=["FC-CLOSED", "FC-LATER"]).exists()


def test_same_seed_gives_the_same_sample(cases):
    first = draw_sample("2023Q3", [16, 36, 45], 20, 5, seed=42)
    second = draw_sample("2023Q3", [16, 36, 45], 20, 5, seed=42)
    assert selection(first) == selection(second)
    assert reproduces(first)


def test_a_different_seed_gives_a_different_sample(cases):
    first = draw_sample("2023Q3", [16, 36, 45], 20, 5, seed=42)
    second = draw_sample("2023Q3", [16, 36, 45], 20, 5, seed=43)
    assert selection(first) != selection(second)
    assert len(selection(first)) == len(selection(second)) == 25


def test_in_home_cases_need_45_days_open(cases):
    sample = draw_sample("2023Q3", [16], 1, 0, seed=1, case_types=["IN_HOME"])
    assert selection(sample) == [("circuit 16 / IN_HOME", "IH-LONG")]


def test_too_large_a_sample_is_refused(cases):
    with pytest.raises(
        SamplingError, match="cannot draw 60 cases from a population of 50 in the site circuits for 2023Q3"
    ):
        draw_sample("2023Q3", [16, 36, 45], 60, 0, seed=1)
    assert Sample.objects.count() == 0


def test_elimination_keeps_the_case_with_its_reason_and_draws_the_next_in_the_stratum(cases, personas):
    sample = draw_sample("2023Q3", [16, 36, 45], 40, 13, seed=7)
    entry = sample.cases.filter(stratum="circuit 45 / FOSTER_CARE").order_by("draw_order").first()
    replacement = eliminate(entry, "participants_unavailable", "Family moved out of state.", personas.admin_a)
    entry.refresh_from_db()
    assert entry.eliminated
    assert entry.elimination_reason == "participants_unavailable"
    assert entry.eliminated_by == personas.admin_a
    assert replacement.replaces == entry
    assert replacement.stratum == "circuit 45 / FOSTER_CARE"
    assert replacement.draw_order == 7  # six were drawn in circuit 45; the replacement is the seventh
    assert sample.cases.filter(stratum="circuit 45 / FOSTER_CARE", eliminated=False).count() == 6
    assert reproduces(sample)  # the original draw is still what the seed gives


def test_other_reason_needs_a_note(cases):
    sample = draw_sample("2023Q3", [16], 1, 0, seed=3)
    with pytest.raises(SamplingError, match="explain"):
        eliminate(sample.cases.get(), "other", "")
    assert not SampleCase.objects.filter(eliminated=True).exists()


def test_draw_sample_command_records_and_prints_the_seed(cases):
    out = io.StringIO()
    call_command(
        "draw_sample", "--quarter", "2023Q3", "--circuits", "16,36,45", "--statewide", "13", "--seed", "99", stdout=out
    )
    sample = Sample.objects.get()
    assert out.getvalue().startswith(f"Sample {sample.pk}: 2023Q3, seed 99, 53 case(s)")
    assert sample.site_circuits == [16, 36, 45]


def test_draw_sample_command_explains_bad_input(cases):
    with pytest.raises(CommandError, match="quarter '2023-3' must look like 2023Q3"):
        call_command("draw_sample", "--quarter", "2023-3", "--circuits", "16", "--size", "1")
    with pytest.raises(CommandError, match="--circuits must be circuit numbers"):
        call_command("draw_sample", "--quarter", "2023Q3", "--circuits", "x", "--size", "1")


def test_admin_add_draws_the_sample_and_the_action_checks_it(cases, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(admin)
    response = client.post(
        "/admin/reviews/sample/add/",
        {
            "quarter": "2023q3",
            "site_circuits": "16,36,45",
            "site_size": "40",
            "statewide_size": "13",
            "case_types": ["FOSTER_CARE"],
            "seed": "20230701",
            "cases-TOTAL_FORMS": "0",
            "cases-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    sample = Sample.objects.get()
    assert (sample.quarter, sample.seed, sample.created_by) == ("2023Q3", 20230701, admin)
    assert sample.cases.count() == 53
    assert selection(sample) == selection(draw_sample("2023Q3", [16, 36, 45], 40, 13, seed=20230701))

    response = client.post(
        "/admin/reviews/sample/", {"action": "check_reproducible", "_selected_action": [sample.pk]}, follow=True
    )
    assert "the recorded seed reproduces the draw" in response.content.decode()


def test_admin_add_refuses_an_impossible_sample(cases, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(admin)
    response = client.post(
        "/admin/reviews/sample/add/",
        {
            "quarter": "2023Q3",
            "site_circuits": "16",
            "site_size": "99",
            "statewide_size": "0",
            "case_types": ["FOSTER_CARE"],
            "cases-TOTAL_FORMS": "0",
            "cases-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "cannot draw 99 cases from a population of 30" in response.content.decode()
    assert Sample.objects.count() == 0


def test_admin_elimination_records_the_reason_and_draws_a_replacement(cases, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(admin)
    sample = draw_sample("2023Q3", [16, 36, 45], 40, 13, seed=7)
    entry = sample.cases.filter(stratum="circuit 36 / FOSTER_CARE").order_by("draw_order").first()
    url = f"/admin/reviews/samplecase/{entry.pk}/change/"

    refused = client.post(url, {"eliminated": "on", "elimination_reason": "other", "elimination_note": ""})
    assert refused.status_code == 200
    assert "Explain an" in refused.content.decode()
    assert not SampleCase.objects.filter(eliminated=True).exists()

    response = client.post(url, {"eliminated": "on", "elimination_reason": "trial_home_visit"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.eliminated, entry.elimination_reason, entry.eliminated_by) == (True, "trial_home_visit", admin)
    replacement = entry.replaced_by
    assert (replacement.stratum, replacement.draw_order) == ("circuit 36 / FOSTER_CARE", 11)
