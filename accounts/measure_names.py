"""Names of the measures that survey questions are tagged with, for people to read.

A measure code is a metric code (`worker_child_visits`) or an OSRI item (`item14`). The names live
with the apps that define them, which register them when Django starts (metrics/apps.py,
reviews/apps.py); surveys read them here without importing either (apps depend one way).
"""

from __future__ import annotations

_NAMES: dict[str, str] = {}


def register(code: str, name: str) -> None:
    _NAMES[code] = name


def name_for(code: str) -> str:
    """The measure's name, or the code itself when no app knows it."""
    return _NAMES.get(code, code)
