"""The quarterly report page and its exports: figures on the page, refusals per role and agency."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from accounts.models import AuditEntry

URL = "/reports/quarterly/"
CSV_URL = "/reports/quarterly/export.csv"
XLSX_URL = "/reports/quarterly/export.xlsx"


def test_the_url_names_are_the_ones_the_menu_expects():
    from django.urls import reverse

    assert reverse("reports:quarterly") == URL
    assert reverse("reports:quarterly_export", args=["csv"]) == CSV_URL


def test_supervisor_sees_their_agency_merged_per_measure(q3, personas, client_for):
    response = client_for(personas.supervisor_a).get(URL, {"quarter": "2023Q3"})
    assert response.status_code == 200
    page = response.content.decode()
    report = response.context["report"]
    assert (str(report.quarter), report.scope.parameter) == ("2023Q3", "6ZA")
    for text in ("July–September 2023", "95.0%", "90.0%", "85.0%", "band C", "Goal met in 1 of 3 months", "75.0%"):
        assert text in page
    assert "66.7%" in page and "2 / 3" in page  # item 14
    # youth (complementary: statewide minus 6ZA would give 6ZB's 3) and resource parents (2 responses);
    # no number of responses is given at all (it could be subtracted too)
    assert page.count("suppressed (small-cell protection)") == 2
    assert "responses submitted in the quarter: " not in page
    assert "80.0%" not in page  # 6ZA's youth figure would give 6ZB's 3 answers from the statewide one
    assert "no entries" in page  # HCY July: no denominator
    assert "Educational milestones" in page  # a measure with no stored result this quarter still shows
    assert "100.0%" not in page  # 6ZB's July value never shows for 6ZA
    assert 'id="report-charts"' in page and "vendor/chart.umd.min.js" in page
    assert response.context["charts"]["worker_child_visits"]["values"] == [95.0, 90.0, 85.0]


def test_without_parameters_the_page_opens_on_the_latest_quarter_and_own_agency(q3, personas, client_for):
    response = client_for(personas.viewer_a).get(URL)
    assert response.status_code == 200
    assert (str(response.context["report"].quarter), response.context["scope"].parameter) == ("2023Q3", "6ZA")
    assert [code for code, _ in response.context["agencies"]] == ["6ZA"]


def test_state_staff_see_statewide_with_the_agency_breakdown(q3, personas, client_for):
    response = client_for(personas.state_supervisor).get(URL, {"quarter": "2023Q3", "agency": "all"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Statewide (all agencies)" in page
    assert "96.7%" in page and "91.4%" in page
    # statewide pools only the agencies' published cells; 6ZB's (3) and 6ZA's (complementary) are suppressed
    assert "62.5%" not in page and "80.0%" not in page
    assert "Worker/child visits by agency" in page and "100.0%" in page
    breakdown = page[page.index("Worker/child visits by agency") :]
    assert (
        breakdown.index("1 of 3 months")
        < breakdown.index("6ZB")
        < breakdown.index("1 of 3 months", breakdown.index("6ZB"))
    )
    assert response.context["agencies"][0] == ("all", "Statewide (all agencies)")


def test_state_staff_may_pick_any_agency(q3, personas, client_for):
    response = client_for(personas.state_admin).get(URL, {"quarter": "2023Q3", "agency": "6ZB"})
    assert response.status_code == 200
    assert response.context["report"].scope.parameter == "6ZB"


@pytest.mark.parametrize(
    "persona, params, status",
    [
        ("reviewer_a", {}, 403),
        ("qa_a", {"agency": "6ZA"}, 403),
        ("reviewer_b", {"agency": "6ZB"}, 403),
        ("supervisor_a", {"agency": "6ZB"}, 404),
        ("viewer_a", {"agency": "6ZB"}, 404),
        ("viewer_b", {"agency": "6ZA"}, 404),
        ("supervisor_b", {"agency": "all"}, 403),
        ("supervisor_a", {"agency": "NOPE"}, 404),
    ],
)
@pytest.mark.parametrize("url", [URL, CSV_URL, XLSX_URL])
def test_refusals(q3, personas, client_for, persona, params, status, url):
    response = client_for(getattr(personas, persona)).get(url, {"quarter": "2023Q3", **params})
    assert response.status_code == status
    assert b"95.0" not in response.content


@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_anonymous_users_go_to_the_login_page(db, client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_page_is_read_only(personas, client_for):
    assert client_for(personas.supervisor_a).post(URL).status_code == 405


def test_a_bad_quarter_gets_a_clear_message(personas, client_for):
    response = client_for(personas.supervisor_a).get(URL, {"quarter": "2023Q7"})
    assert response.status_code == 400
    assert "Quarter &#x27;2023Q7&#x27; is not a quarter: write it like 2023Q3." in response.content.decode()
    export = client_for(personas.supervisor_a).get(CSV_URL, {"quarter": "summer"})
    assert (export.status_code, export.content.decode()) == (
        400,
        "Quarter 'summer' is not a quarter: write it like 2023Q3.",
    )


def test_page_queries_do_not_grow_with_reviews_or_responses(q3, personas, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reports import helpers as h

    client = client_for(personas.state_supervisor)
    with CaptureQueriesContext(connection) as before:
        client.get(URL, {"quarter": "2023Q3", "agency": "all"})
    for _ in range(4):
        h.rated_review("6ZB", "finalized", "2023-09-01", {"14": "STRENGTH", "8": "STRENGTH"})
        h.answers(q3.wave, q3.youth, q3.visits, "6ZA", "2023-09-01", "agree")
    with CaptureQueriesContext(connection) as after:
        response = client.get(URL, {"quarter": "2023Q3", "agency": "all"})
    assert len(after) == len(before)
    assert "6 / 8" in response.content.decode()  # item 14 statewide: 2 + 4 Strengths of 4 + 4


def test_a_quarter_without_data_says_so(q3, personas, client_for):
    response = client_for(personas.supervisor_a).get(URL, {"quarter": "2020Q1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "No data for 2020Q1 in this scope yet" in page
    assert "No stored results for this quarter." in page
    assert "charts" in response.context and response.context["charts"] == {}


def test_the_menu_links_to_the_report_for_report_viewers(personas, client_for):
    assert b'href="/reports/quarterly/"' in client_for(personas.supervisor_a).get("/").content
    assert b'href="/reports/quarterly/"' not in client_for(personas.reviewer_a).get("/").content


# --- exports ------------------------------------------------------------------------------


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_csv_export_is_the_merged_table(q3, personas, client_for):
    response = client_for(personas.supervisor_a).get(CSV_URL, {"quarter": "2023Q3", "agency": "6ZA"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="quarterly-report_2023Q3_6ZA.csv"'
    rows = [r for r in csv_rows(response) if r["measure"] == "Worker/child visits"]
    picked = [
        (
            r["source"],
            r["indicator_code"],
            r["respondent_group"],
            r["period"],
            r["numerator"],
            r["denominator"],
            r["value"],
            r["benchmark"],
            r["meets"],
            r["band"],
            r["status"],
        )
        for r in rows
        if r["indicator_code"] != "worker_child_visits_in_residence"
    ]
    assert picked == [
        ("Dashboard metric", "worker_child_visits", "", "2023-07", "19", "20", "95.0", ">= 95", "yes", "E", "OK"),
        ("Dashboard metric", "worker_child_visits", "", "2023-08", "18", "20", "90.0", ">= 95", "no", "C", "OK"),
        ("Dashboard metric", "worker_child_visits", "", "2023-09", "17", "20", "85.0", ">= 95", "no", "C", "OK"),
        ("Dashboard metric", "worker_child_visits", "", "2023-Q3", "54", "60", "90.0", ">= 95", "no", "C", "OK"),
        ("Case review", "Item 14", "", "2023-Q3", "2", "3", "66.7", "", "", "", "OK"),
        ("Case review", "Outcome WB1", "", "2023-Q3", "1", "3", "33.3", "", "", "", "OK"),
        (
            "Stakeholder survey",
            "cm_visits",
            "Youth in care (12 and over)",
            "2023-Q3",
            "",
            "",
            "",
            "",
            "",
            "",
            "SUPPRESSED",
        ),
    ]
    residence = [r["status"] for r in rows if r["indicator_code"] == "worker_child_visits_in_residence"]
    assert residence == ["NO_RESULT"] * 4


def test_csv_export_keeps_suppressed_cells_suppressed(q3, personas, client_for):
    response = client_for(personas.supervisor_b).get(CSV_URL, {"quarter": "2023Q3"})
    survey = [r for r in csv_rows(response) if r["source"] == "Stakeholder survey"]
    assert [(r["indicator_code"], r["numerator"], r["denominator"], r["value"], r["status"]) for r in survey] == [
        ("cm_visits", "", "", "", "SUPPRESSED")
    ]


def test_csv_export_marks_planned_metrics_and_months_without_entries(q3, personas, client_for, monkeypatch):
    from tests.reports.test_quarterly import hide_education_metrics

    hide_education_metrics(monkeypatch)
    rows = csv_rows(client_for(personas.supervisor_a).get(CSV_URL, {"quarter": "2023Q3"}))
    status = {
        (r["indicator_code"], r["period"]): (r["value"], r["status"]) for r in rows if r["source"] == "Dashboard metric"
    }
    assert status[("hcy_exam_30_days", "2023-07")] == ("", "NO_DENOMINATOR")
    assert status[("hcy_exam_30_days", "2023-08")] == ("", "NO_RESULT")
    assert status[("education_enrollment", "2023-Q3")] == ("", "NOT_COMPUTED")


def test_xlsx_export_has_numbers_as_numbers(q3, personas, client_for):
    response = client_for(personas.state_supervisor).get(XLSX_URL, {"quarter": "2023Q3", "agency": "all"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Quarterly 2023Q3"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    quarter = next(r for r in rows if r["indicator_code"] == "worker_child_visits" and r["period"] == "2023-Q3")
    assert (
        quarter["scope"],
        quarter["numerator"],
        quarter["denominator"],
        float(quarter["value"]),
        quarter["band"],
    ) == ("all", 64, 70, 91.4, "D")
    item = next(r for r in rows if r["indicator_code"] == "Item 14")
    assert (item["numerator"], item["denominator"], float(item["value"])) == (2, 4, 50.0)
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about["Scope"] == "Statewide (all agencies)" and about["Reviews counted"] == 4


def test_exports_are_audited(q3, personas, client_for):
    client_for(personas.supervisor_a).get(XLSX_URL, {"quarter": "2023Q3"})
    entry = AuditEntry.objects.get(action="reports.quarterly.exported")
    assert (entry.user, entry.agency.code, entry.data) == (
        personas.supervisor_a,
        "6ZA",
        {"quarter": "2023Q3", "scope": "6ZA", "format": "xlsx"},
    )


def test_spreadsheet_formulas_in_question_texts_are_neutralised(q3, personas, client_for):
    # The survey is frozen once answered; the text is set directly, as an earlier version's would be.
    type(q3.visits).objects.filter(pk=q3.visits.pk).update(text_en='=HYPERLINK("http://example.org")')
    rows = csv_rows(client_for(personas.supervisor_a).get(CSV_URL, {"quarter": "2023Q3"}))
    assert [r["indicator"] for r in rows if r["indicator_code"] == "cm_visits"] == [
        '\'=HYPERLINK("http://example.org")'
    ]
