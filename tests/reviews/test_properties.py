"""Property tests: any answer set scores without error, and ratings obey the rules' invariants."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.instrument import ROUND4
from reviews.instrument.items import ITEM_RATINGS
from reviews.instrument.outcomes import OUTCOME_RATINGS
from reviews.instrument.questions import Kind

CHOICE_KINDS = (Kind.GATE, Kind.YN, Kind.YNNA, Kind.PATTERN, Kind.CHOICE)
QUESTIONS = [q for q in ROUND4.questions.questions if q.kind in CHOICE_KINDS]


@st.composite
def answer_sets(draw):
    chosen = draw(st.lists(st.sampled_from(QUESTIONS), unique_by=lambda q: q.code, max_size=len(QUESTIONS)))
    answers = {q.code: draw(st.sampled_from(q.allowed)) for q in chosen}
    if draw(st.booleans()):
        answers["4A"] = draw(st.integers(min_value=1, max_value=6))
    case_type = draw(st.sampled_from(["FOSTER_CARE", "IN_HOME", "IN_HOME_DR_AR"]))
    return case_type, answers


@settings(max_examples=300, deadline=None)
@given(answer_sets())
def test_any_answer_set_scores_and_respects_the_invariants(case):
    case_type, answers = case
    result = ROUND4.score(case_type, answers)
    assert set(result.items.values()) <= set(ITEM_RATINGS)
    assert set(result.outcomes.values()) <= set(OUTCOME_RATINGS)
    # Items 3, 12 and 14 are never NA; permanency items are NA in in-home cases.
    assert "NA" not in {result.items["3"], result.items["12"], result.items["14"]}
    if case_type != "FOSTER_CARE":
        assert {result.items[k] for k in ("4", "5", "6", "7", "8", "9", "10", "11")} == {"NA"}
        assert result.outcomes["P1"] == result.outcomes["P2"] == "NA"
    # A Strength or ANI always says why.
    for key, rating in result.calculated.items():
        if rating.value in ("STRENGTH", "ANI"):
            assert rating.reasons, key
    # In-home cases are never rated on foster-care-only answers.
    if case_type != "FOSTER_CARE":
        assert result.items["12C"] == "NA"


@settings(max_examples=200, deadline=None)
@given(answer_sets())
def test_a_valid_answer_set_stays_valid_when_scored_again_with_its_derived_answers(case):
    case_type, answers = case
    first = ROUND4.score(case_type, answers)
    if first.problems:
        return
    # Feeding the filled-in answers back changes nothing: derivation is stable.
    filled = {
        code: value
        for code, value in first.answers.values.items()
        if "not asked" not in first.answers.derived.get(code, "")  # NA stand-ins for questions of the other case type
    }
    again = ROUND4.score(case_type, filled)
    assert again.problems == []
    assert again.items == first.items
