"""Navigation by capability: each entry appears for users who hold its capability.

Apps add their pages here by URL name; an entry whose URL is not (yet) installed is
left out, so the menu never links to a page that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from accounts.scoping import has_capability, holds_statewide


@dataclass(frozen=True)
class NavEntry:
    title: str
    url_name: str
    capability: str
    description: str
    section: str
    # Pages for those holding the capability statewide (a CD role), whatever a role grants within an agency.
    state_only: bool = False


NAVIGATION: list[NavEntry] = [
    NavEntry(
        "Case reviews", "reviews:case_list", "review.view", "Open cases, start and continue OSRI reviews.", "Reviews"
    ),
    NavEntry(
        "My reviews", "reviews:review_list", "review.edit", "Reviews you are entering, with what is missing.", "Reviews"
    ),
    NavEntry(
        "QA queue",
        "reviews:qa_queue",
        "review.qa",
        "Reviews submitted for QA: check, note, return or approve.",
        "Reviews",
    ),
    NavEntry(
        "Review summaries",
        "reviews:summary",
        "report.view",
        "Item and outcome performance by agency, circuit and case type.",
        "Reports",
    ),
    NavEntry("Samples", "reviews:sample_list", "review.sample", "Draw the quarter's random case sample.", "Reviews"),
    NavEntry(
        "The instrument",
        "reviews:instrument",
        "review.view",
        "Every OSRI item, question, answer option and rating rule, to hold against the federal instrument.",
        "Reviews",
    ),
    NavEntry(
        "Dashboard",
        "metrics:dashboard",
        "metrics.view",
        "Monthly performance metrics with benchmarks and bands.",
        "Metrics",
    ),
    NavEntry(
        "Import extract",
        "metrics:import",
        "metrics.import",
        "Upload the monthly administrative extract.",
        "Metrics",
        state_only=True,
    ),
    NavEntry(
        "Survey results",
        "surveys:results",
        "surveys.view",
        "Stakeholder feedback by agency, group and wave.",
        "Surveys",
    ),
    NavEntry(
        "Survey waves",
        "surveys:wave_list",
        "surveys.manage",
        "Field surveys, upload contacts, send invitations.",
        "Surveys",
    ),
    NavEntry(
        "Survey follow-ups",
        "surveys:follow_up_list",
        "surveys.follow_up",
        "Respondents who asked to be contacted about their answers.",
        "Surveys",
    ),
    NavEntry(
        "Quarterly report",
        "reports:quarterly",
        "report.view",
        "Reviews, metrics and surveys merged per measure.",
        "Reports",
    ),
    NavEntry(
        "Written reports",
        "reports:report_list",
        "report.view",
        "The quarterly Response and Evaluation report: draft, review, publish, download (PDF, Word).",
        "Reports",
    ),
    NavEntry("Administration", "admin:index", "staff", "Users, memberships, agencies and reference data.", "Admin"),
]


def entries_for(user) -> list[dict]:
    """The navigation entries this user may use, with resolved URLs."""
    if not user.is_authenticated:
        return []
    visible = []
    for entry in NAVIGATION:
        if entry.capability == "staff":
            # The Django admin is not agency-scoped: only staff accounts get it.
            if not user.is_staff:
                continue
        elif not has_capability(user, entry.capability) or (
            entry.state_only and not holds_statewide(user, entry.capability)
        ):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        visible.append({"title": entry.title, "url": url, "description": entry.description, "section": entry.section})
    return visible
