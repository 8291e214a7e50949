"""Panels other apps add to a review's pages, and flag counts for the QA queue.

reviews renders whatever is registered and knows nothing of where it comes from (reports registers
the review-versus-extract panel in its AppConfig.ready(); reviews never imports reports).

- A panel provider is `provider(request, review, item_key) -> str`: safe HTML for the review's
  summary page (item_key None) or for one item's page (item_key "4", "14" ...), or "" for nothing.
  The provider checks what the user may see itself (accounts.scoping).
- A flag counter is `counter(user, reviews) -> {review pk: count}`: things that need a QA
  reviewer's look on each review of the queue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

PanelProvider = Callable[[HttpRequest, object, "str | None"], str]
FlagCounter = Callable[[object, list], dict[int, int]]

_PANELS: list[PanelProvider] = []
_FLAG_COUNTERS: list[FlagCounter] = []


def register_panel(provider: PanelProvider) -> PanelProvider:
    if provider not in _PANELS:
        _PANELS.append(provider)
    return provider


def register_flag_counter(counter: FlagCounter) -> FlagCounter:
    if counter not in _FLAG_COUNTERS:
        _FLAG_COUNTERS.append(counter)
    return counter


def panels_for(request: HttpRequest, review, item_key: str | None = None) -> list[SafeString]:
    """Every registered panel's HTML for this page, the empty ones left out."""
    html = [provider(request, review, item_key) for provider in _PANELS]
    return [mark_safe(h) for h in html if h]  # noqa: S308 - providers render through templates


def flag_counts(user, reviews: Iterable) -> dict[int, int]:
    """Review pk -> the registered counters' flags, summed."""
    reviews = list(reviews)
    totals: dict[int, int] = {}
    for counter in _FLAG_COUNTERS:
        for pk, count in counter(user, reviews).items():
            totals[pk] = totals.get(pk, 0) + count
    return totals
