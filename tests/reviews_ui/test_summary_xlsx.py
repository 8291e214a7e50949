"""Summary spreadsheets say what they show (filters, reviews, export date) and fit their text (issue 13)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reviews.models import Review
from tests.reviews_ui.helpers import complete_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(personas):
    complete_review(personas.reviewer_a, "XL-1", "6ZA", Review.Status.APPROVED)
    complete_review(personas.reviewer_a, "XL-2", "6ZA", Review.Status.FINALIZED)


def sheet_of(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def test_the_items_sheet_starts_with_its_title_and_filters(personas, client_for, approved):
    url = reverse("reviews:summary_export", args=["items", "xlsx"])
    sheet = sheet_of(client_for(personas.supervisor_a).get(url, {"quarter": "2023Q2", "case_type": "FOSTER_CARE"}))
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Review summaries: Item performance"
    context = {row[0]: row[1] for row in rows[1:10] if row[0]}
    assert context["Period under review from"] == "2023-04-01"
    assert context["Period under review to"] == "2023-06-30"
    assert context["Agency"] == "All you may see (6ZA)"
    assert context["Case type"] == "Foster care"
    assert context["Reviews counted"] == "Approved and later (passed first-level QA)"
    assert context["Grouped by"] == "Nothing"
    assert context["Reviews"] == 2
    assert context["Exported"].endswith("by supervisor_a")
    header = rows.index(["Group", "Item", "Title", "Applicable n", "Strength", "% Strength"])
    assert header == len(context) + 2  # title, context, one blank row
    assert sheet.freeze_panes == f"A{header + 2}"  # the header stays in view
    assert sheet.auto_filter.ref.startswith(f"A{header + 1}:F")
    assert ["All", "14", "Caseworker Visits With Child", 2, 0, 0] in rows


def test_columns_are_as_wide_as_their_text(personas, client_for, approved):
    url = reverse("reviews:summary_export", args=["items", "xlsx"])
    sheet = sheet_of(client_for(personas.state_supervisor).get(url))
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    longest_title = "Achieving Reunification, Guardianship, Adoption, or Other Planned Permanent Living Arrangement"
    # the title column is capped at 60 characters and its long titles wrap; numbers stay narrow
    assert widths["C"] == 62
    title_cell = next(c for c in sheet["C"] if c.value == longest_title)
    assert title_cell.alignment.wrap_text
    assert widths["D"] == len("Applicable n") + 2 and widths["F"] == len("% Strength") + 2
    context = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2, max_row=9)}
    assert context["Agency"] == "All you may see (all agencies)"
