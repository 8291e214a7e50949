"""The OSRI as data plus pure functions. No Django import anywhere in this package.

`get_instrument(version)` returns the assembled instrument a review was entered with; a review
keeps its version, so future rounds are added here next to Round 4, never in place of it.
"""

from __future__ import annotations

from .answers import Answers, Participant, Problem
from .items import ANI, INCOMPLETE, STRENGTH, Rating
from .outcomes import NOT_ACHIEVED, PARTIALLY_ACHIEVED, SUBSTANTIALLY_ACHIEVED
from .questions import FOSTER_CARE, IN_HOME, IN_HOME_DR_AR, NA, NO, YES
from .round4 import ROUND4, Instrument, Override, Scoring

CURRENT_VERSION = ROUND4.version
INSTRUMENTS: dict[str, Instrument] = {ROUND4.version: ROUND4}


def get_instrument(version: str = CURRENT_VERSION) -> Instrument:
    try:
        return INSTRUMENTS[version]
    except KeyError:
        raise KeyError(f"unknown instrument version {version!r}; known: {', '.join(INSTRUMENTS)}") from None


__all__ = [
    "ANI",
    "CURRENT_VERSION",
    "FOSTER_CARE",
    "INCOMPLETE",
    "INSTRUMENTS",
    "IN_HOME",
    "IN_HOME_DR_AR",
    "NA",
    "NO",
    "NOT_ACHIEVED",
    "PARTIALLY_ACHIEVED",
    "ROUND4",
    "STRENGTH",
    "SUBSTANTIALLY_ACHIEVED",
    "YES",
    "Answers",
    "Instrument",
    "Override",
    "Participant",
    "Problem",
    "Rating",
    "Scoring",
    "get_instrument",
]
