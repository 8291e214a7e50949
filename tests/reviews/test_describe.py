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
    assert "| M2 | Primary reason for agency involvement (one of M1) | One of: PHYSICAL_ABUSE," in text
    assert "| 15B2 | Same as 15B1 for the father. | Yes / No / NA | All | father | yes | R |" in text


def test_describe_instrument_refuses_an_unknown_version():
    with pytest.raises(CommandError, match="unknown instrument version 'osri-r9'"):
        call_command("describe_instrument", "--instrument", "osri-r9", stdout=io.StringIO())
