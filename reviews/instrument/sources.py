"""Where each rule of the instrument comes from: every question, item and check names one of these keys.

The confidence tags ([S] confirmed, [R] recollection, [I] this tool's rule) say how sure a rule is;
the source says which text it was checked against. The Round 4 FAQ pages win over the draft
Round 3 instrument where they differ (issue 12).
"""

from __future__ import annotations

PORTAL = "https://www.cfsrportal.acf.hhs.gov/osri-faq"

# key -> (title, address)
SOURCES: dict[str, tuple[str, str]] = {
    "SPEC": (
        "The project's instrument specification (spec/osri.md), written from the draft Round 3 instrument, "
        "earlier-round FAQ pages and the Missouri 2023 report; see its section 7",
        "",
    ),
    "DRAFT-R3": (
        "Draft Round 3 OSRI and instructions (2014), HTML reproduction in the public repository "
        "huangjieSC/DSS_Summer2014_Web_Demo (Demo_27_Jie.php); not Round 4",
        "https://github.com/huangjieSC/DSS_Summer2014_Web_Demo",
    ),
    "FAQ-S1": (
        "OSRI FAQ, Safety Outcome 1 (item 1: reports table, questions A, B and C, 'time frames and requirements')",
        f"{PORTAL}/safety-outcome-1",
    ),
    "R4-FAQ-GEN": (
        "Round 4 OSRI FAQ, General questions (Face Sheet E, gender)",
        f"{PORTAL}/round-4-faqs/general-questions",
    ),
    "R4-FAQ-S2": (
        "Round 4 OSRI FAQ, Safety Outcome 2 (item 3: no NA for E and F in foster care; 'no safety concerns "
        "existed' options in E1 and F1)",
        f"{PORTAL}/round-4-faqs/safety-outcome-2",
    ),
    "R4-FAQ-P1": (
        "Round 4 OSRI FAQ, Permanency Outcome 1 (item 4 placement table reason 'not applicable, this is the "
        "current placement'; the date of the child's latest removal is Face Sheet question K)",
        f"{PORTAL}/round-4-faqs/permanency-outcome-1",
    ),
    "R4-FAQ-P2": (
        "Round 4 OSRI FAQ, Permanency Outcome 2 (items 7 and 8: a short sibling separation makes item 8 "
        "applicable, E1, E and F may be NA, 'overrides should not be needed')",
        f"{PORTAL}/round-4-faqs/permanency-outcome-2",
    ),
    "R4-FAQ-WB1": (
        "Round 4 OSRI FAQ, Well-Being Outcome 1, as reported in issue 12 (items 12B, 13, 14, 15; the page's "
        "text is not in this project's stored sources)",
        f"{PORTAL}/round-4-faqs/well-being-outcome-1",
    ),
    "ISSUE-12": (
        "Issue 12 (checked against the Round 4 FAQ pages and the draft Round 3 text); the FAQ passage it "
        "reports is not in this project's stored sources",
        "",
    ),
    "APP": ("This tool's own rule or code: no federal counterpart", ""),
}


def cite(key: str) -> str:
    """`title (address)` for the instrument document."""
    title, address = SOURCES[key]
    return f"{title} ({address})" if address else title
