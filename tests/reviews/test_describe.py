"""The printed instrument covers every question, item and outcome."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from reviews.instrument import ROUND4


def test_describe_instrument_prints_every_question_item_and_outcome():
    out = io.StringIO()
    call_command("describe_instrument", stdout=out)
    text = out.getvalue()
    assert text.startswith("# CFSR Onsite Review Instrument, Round 4 (`osri-r4`)")
    for question in ROUND4.questions.questions:
        assert f"\n| {question.code} | " in text, question.code
    for item in ROUND4.items:
        assert f"Item {item.key}: {item.title}" in text
    for outcome in ROUND4.outcomes:
        assert f"## {outcome.key}: {outcome.statement}" in text
    assert "| N2 | Primary reason for agency involvement (one of N1) | M2 | One of: PHYSICAL_ABUSE," in text
    assert "| 15B2 | Same as 15B1 for the father. | Yes / No / NA | All | father | yes | R |" in text


def test_describe_instrument_refuses_an_unknown_version():
    with pytest.raises(CommandError, match="unknown instrument version 'osri-r9'"):
        call_command("describe_instrument", "--instrument", "osri-r9", stdout=io.StringIO())


# --- Round 4 corrections (issue 12): what the instrument document says ---------------------------


def describe_text() -> str:
    out = io.StringIO()
    call_command("describe_instrument", stdout=out)
    return out.getvalue()


def test_item_1_says_time_frames_and_requirements_and_maps_to_the_federal_questions():
    question = ROUND4.question("1A")
    assert "within the time frames and requirements" in question.text
    assert question.federal.startswith("federal 1A and 1B")
    assert ROUND4.question("1B").federal.startswith("federal 1C")
    text = describe_text()
    assert "| 1A | federal 1A and 1B" in text
    assert "| 1B | federal 1C" in text


def test_item_16_applicability_names_the_two_year_old_exception():
    text = ROUND4.question("16APP").text
    assert "2 or younger with no apparent developmental delays" in text
    assert "school-aged" not in text


def test_the_document_marks_this_tools_own_codes_and_cites_every_source():
    text = describe_text()
    assert "| 10B1 | none: this tool's own code" in text
    assert "| 10C1 | none: this tool's own code" in text
    assert "## Sources" in text
    assert "https://www.cfsrportal.acf.hhs.gov/osri-faq/round-4-faqs/permanency-outcome-2" in text
    assert "https://www.cfsrportal.acf.hhs.gov/osri-faq/round-4-faqs/safety-outcome-2" in text
    assert "https://www.cfsrportal.acf.hhs.gov/osri-faq/round-4-faqs/permanency-outcome-1" in text
    # Every question row names its source.
    from reviews.instrument.sources import SOURCES

    for question in ROUND4.questions.questions:
        assert question.source in SOURCES, question.code
    for item in ROUND4.items:
        assert item.source in SOURCES, item.key


def test_the_face_sheet_shows_the_round_4_letters_and_the_draft_ones():
    text = describe_text()
    assert "| K | Date of the child's latest removal (entry into foster care); NA for in-home cases | J |" in text
    assert "| N2 | Primary reason for agency involvement (one of N1) | M2 |" in text


def test_overrides_that_can_never_be_na_are_listed():
    text = describe_text()
    assert "An override to NA is refused for items 3, 12A, 12 and 14, and for items 4 and 6 in foster care" in text
