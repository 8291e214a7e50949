"""Template helpers for review pages: answer and rating labels."""

from __future__ import annotations

from typing import Any

from django import template

from reviews.forms import label
from reviews.instrument.items import ITEM_RATING_LABELS
from reviews.instrument.labels import column_label as _column_label
from reviews.instrument.outcomes import OUTCOME_RATING_LABELS
from reviews.periods import QUARTER_RULE

register = template.Library()

SHORT = {"STRENGTH": "Strength", "ANI": "ANI", "NA": "NA", "INCOMPLETE": "Incomplete"}


@register.filter
def answer_label(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(label(str(v)) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {answer_label(v)}" for k, v in value.items())
    return label(str(value))


@register.simple_tag
def review_quarter_rule() -> str:
    """The one definition of a review's quarter (reviews.periods), stated on every page that uses it."""
    return QUARTER_RULE


@register.filter
def column_label(name: str) -> str:
    return _column_label(name)


@register.filter
def rating_label(value: str) -> str:
    return SHORT.get(value) or OUTCOME_RATING_LABELS.get(value) or ITEM_RATING_LABELS.get(value) or value


@register.filter
def reasons_text(reasons: list[str]) -> str:
    return "; ".join(reasons or [])


@register.filter
def get(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def page_key(item_key: str) -> str:
    """The item page that shows `item_key` (12A-12C are on item 12's page)."""
    return "".join(ch for ch in item_key if ch.isdigit())


@register.filter
def person(user: Any) -> str:
    """A user's full name, else username; empty when there is none (imported notes and overrides)."""
    if user is None:
        return ""
    return user.get_full_name() or user.username
