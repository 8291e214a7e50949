"""Navigation by capability: each entry appears for users who hold its capability.

Apps add their pages here by URL name; an entry whose URL is not (yet) installed is
left out, so the menu never links to a page that does not exist. The menu (base.html) and the
home page's cards are both made from `entries_for`: a card says what the user can do there and
in which agencies, from the same capabilities that put the entry in the menu.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from accounts.scoping import agency_codes_with_capability, has_capability, holds_statewide

# Up to this many entries the menu is a row of links; more are grouped by section into
# drop-downs so that the menu fits a 1280 px window (the state administrator has 13).
FLAT_MENU_MAX = 5
ALL_AGENCIES = "all agencies"


@dataclass(frozen=True)
class NavEntry:
    title: str
    url_name: str
    capability: str
    description: str
    section: str
    # Pages for those holding the capability statewide (a CD role), whatever a role grants within an agency.
    state_only: bool = False
    # More the page lets a user do who also holds these capabilities: (capability, sentence).
    more: tuple[tuple[str, str], ...] = ()


NAVIGATION: list[NavEntry] = [
    NavEntry(
        "Case reviews",
        "reviews:case_list",
        "review.view",
        "Open cases and read their OSRI reviews.",
        "Reviews",
        more=(("review.edit", "Start and continue reviews."),),
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
        "Calibration",
        "reviews:calibration",
        "review.qa",
        "Blind dual reviews: draw calibration cases, start each pair, follow their progress.",
        "Reviews",
    ),
    NavEntry(
        "Agreement",
        "reviews:agreement",
        "review.agreement",
        "Inter-rater agreement of the calibration reviews: percent agreement and kappa per item and outcome.",
        "Reviews",
    ),
    NavEntry(
        "My calibration record",
        "reviews:my_agreement",
        "review.edit",
        "Where your blind dual reviews differed from your partner's and from the consensus, item by item.",
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


def agencies_where(user, capability: str) -> str:
    """Where `user` may do `capability`: "all agencies" (a state role, a superuser) or agency codes
    (accounts.scoping: a capability counts in the agencies of the roles that grant it)."""
    codes = agency_codes_with_capability(user, capability)
    return ALL_AGENCIES if codes is None else ", ".join(sorted(codes))


def entries_for(user) -> list[dict]:
    """The navigation entries this user may use, with resolved URLs, what they can do there and where."""
    if not user.is_authenticated:
        return []
    visible = []
    for entry in NAVIGATION:
        if entry.capability == "staff":
            # The Django admin is not agency-scoped: only staff accounts get it.
            if not user.is_staff:
                continue
            where = ""
        elif not has_capability(user, entry.capability) or (
            entry.state_only and not holds_statewide(user, entry.capability)
        ):
            continue
        else:
            where = agencies_where(user, entry.capability)
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        sentences = [entry.description]
        for capability, sentence in entry.more:
            if has_capability(user, capability):
                also = agencies_where(user, capability)
                sentences.append(sentence if also == where else f"{sentence[:-1]} (in {also}).")
        visible.append(
            {
                "title": entry.title,
                "url": url,
                "description": " ".join(sentences),
                "section": entry.section,
                "where": where,
            }
        )
    return visible


def menu_for(entries: list[dict]) -> list[dict]:
    """The menu: the entries as links, or, when there are many, one drop-down per section of two or more."""
    if len(entries) <= FLAT_MENU_MAX:
        return [{"title": e["title"], "url": e["url"]} for e in entries]
    sections: dict[str, list[dict]] = {}
    for entry in entries:
        sections.setdefault(entry["section"], []).append(entry)
    menu = []
    for section, members in sections.items():
        if len(members) == 1:
            menu.append({"title": members[0]["title"], "url": members[0]["url"]})
        else:
            menu.append({"title": section, "entries": [{"title": e["title"], "url": e["url"]} for e in members]})
    return menu
