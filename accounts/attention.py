"""What needs a user's attention, for the home page: each app registers a provider.

A provider is a function of the user returning `Attention` lines: counts and links, never a child's
or a respondent's details. Providers live with the apps that own the data (reviews/attention.py,
metrics/attention.py, surveys/attention.py, reports/attention.py) and register when Django starts,
so accounts imports none of them (apps depend one way). Each provider scopes its counts by the
capability that opens the page it links to, in the agencies where the user holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse

from accounts.models import User


@dataclass(frozen=True)
class Attention:
    section: str  # the menu section: Reviews, Metrics, Surveys, Reports
    text: str  # a sentence in plain words, with its count
    url_name: str
    args: tuple = ()
    query: str = ""  # e.g. "period=2023-09"
    urgent: bool = False  # someone waits on this user (returned to them, failed, waiting to publish)
    order: int = 0  # within its section

    @property
    def url(self) -> str:
        url = reverse(self.url_name, args=self.args)
        return f"{url}?{self.query}" if self.query else url


Provider = Callable[[User], Iterable[Attention]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def attention_for(user: User) -> list[Attention]:
    """Every provider's lines for `user`: urgent ones first, then by section as the menu orders them."""
    if not user.is_authenticated:
        return []
    lines = [line for provider in _PROVIDERS for line in provider(user)]
    sections = ("Reviews", "Metrics", "Surveys", "Reports")
    return sorted(
        lines,
        key=lambda a: (not a.urgent, sections.index(a.section) if a.section in sections else 99, a.order),
    )


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 review', '3 reviews'."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
