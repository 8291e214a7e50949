"""The 18 items and their rating rules (spec osri.md §3).

Each rule is a pure function `rate(answers) -> Rating`. A rule reads answers with
`answers[code]`; a missing answer it needs makes the item INCOMPLETE. Rules decide as soon as
the answers read so far settle the rating (a NO in item 8 is ANI whatever the other parent's
answers are), which is what "answers not listed are irrelevant" means in the worked examples.
`reasons` names the answers that decided the rating.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .answers import Answers, Unanswered, short_separation
from .questions import NA, NO, YES

STRENGTH = "STRENGTH"
ANI = "ANI"
INCOMPLETE = "INCOMPLETE"
ITEM_RATINGS = (STRENGTH, ANI, NA, INCOMPLETE)
ITEM_RATING_LABELS = {
    STRENGTH: "Strength",
    ANI: "Area Needing Improvement",
    NA: "Not applicable",
    INCOMPLETE: "Incomplete",
}


@dataclass(frozen=True)
class Rating:
    value: str
    reasons: tuple[str, ...] = ()


def _r(value: str, *reasons: str) -> Rating:
    return Rating(value, tuple(reasons))


@dataclass(frozen=True)
class Item:
    key: str  # "1".."18", "12A", "12B", "12C"
    title: str
    outcome: str | None  # sub-items roll up into item 12, not into an outcome directly
    purpose: str
    rule: Callable[[Answers], Rating]
    gate: str | None = None
    rule_text: str = ""
    tag: str = "S"
    parts: tuple[str, ...] = field(default=())
    source: str = "SPEC"  # key of reviews.instrument.sources.SOURCES
    # Never NA (an override to NA is refused): "always", "foster care", or "" when NA is possible.
    never_na: str = ""

    def rate(self, answers: Answers) -> Rating:
        return _settled(self.rule, answers)


# --- Shared pieces -------------------------------------------------------------------------------


def _gate(answers: Answers, gate: str | None, foster_care_only: bool) -> Rating | None:
    """NA for a permanency item in an in-home case or a gate answered NO; None when applicable."""
    if foster_care_only and not answers.foster_care:
        return _r(NA, f"case type {answers.case_type}: permanency items are not rated in in-home cases")
    if gate is not None and answers[gate] == NO:
        return _r(NA, f"{gate} = NO")
    return None


def _any_no_else_yes(answers: Answers, codes: Sequence[str]) -> Rating:
    """Any NO is ANI; otherwise at least one YES (the rest NA) is Strength (items 6, 8, 11, 13, 15)."""
    noes = [answers.say(c) for c in codes if answers.get(c) == NO]
    if noes:
        return _r(ANI, *noes)
    for code in codes:
        answers[code]  # every answer must be in before a Strength can be given
    yeses = [answers.say(c) for c in codes if answers[c] == YES]
    if yeses:
        return _r(STRENGTH, *yeses)
    # Applicable with every answer NA: validation reports it; the rating stays open.
    return _r(INCOMPLETE, f"all of {', '.join(codes)} are NA although the item is applicable")


# --- Safety --------------------------------------------------------------------------------------


def rate_1(a: Answers) -> Rating:
    if na := _gate(a, "1APP", False):
        return na
    if a["1A"] == YES:
        return _r(STRENGTH, a.say("1A"))
    if a["1B"] == YES:
        return _r(STRENGTH, a.say("1A"), a.say("1B"))
    return _r(ANI, a.say("1A"), a.say("1B"))


def rate_2(a: Answers) -> Rating:
    if na := _gate(a, "2APP", False):
        return na
    first, second = a["2A"], a["2B"]
    if first == YES and second == NA:
        return _r(STRENGTH, a.say("2A"), a.say("2B"))
    if first == NO and second == YES:
        return _r(STRENGTH, a.say("2A"), a.say("2B"))
    if first == NO:
        return _r(ANI, a.say("2A"), a.say("2B"))
    # 2A = YES with 2B answered: a consistency problem, reported by validation; rate on 2A.
    return _r(STRENGTH, a.say("2A"))


def rate_3(a: Answers) -> Rating:
    # 3A-3C are efforts (NO is a concern); 3D-3F ask whether a concern existed (YES is a concern).
    concerns = [a.say(c) for c in ("3A", "3B", "3C") if a.get(c) == NO]
    concerns += [a.say(c) for c in ("3D", "3E", "3F") if a.get(c) == YES]
    if concerns:
        return _r(ANI, *concerns)
    for code in ("3A", "3B", "3C", "3D", "3E", "3F"):
        a[code]
    return _r(STRENGTH, "3A-3C are YES or NA and 3D-3F are NO or NA")


# --- Permanency ----------------------------------------------------------------------------------


def rate_4(a: Answers) -> Rating:
    if na := _gate(a, None, True):
        return na
    if a["4A"] == 1:
        return _r(STRENGTH, a.say("4A"), a.say("4C")) if a["4C"] == YES else _r(ANI, a.say("4C"))
    if a.get("4B") == NO:
        return _r(ANI, a.say("4B"))
    if a["4C"] == NO:
        return _r(ANI, a.say("4C"))
    if a["4B"] == YES:
        return _r(STRENGTH, a.say("4A"), a.say("4B"), a.say("4C"))
    return _r(ANI, a.say("4B"))


def rate_5(a: Answers) -> Rating:
    if na := _gate(a, "5APP", True):
        return na
    failed = [a.say(c) for c in ("5A2", "5B", "5C") if a.get(c) == NO]
    if failed:
        return _r(ANI, *failed)
    for code in ("5A2", "5B", "5C"):
        a[code]
    if a["5D"] == NO and a["5E"] == NO:
        return _r(STRENGTH, "5A2, 5B, 5C are YES or NA", a.say("5D"), a.say("5E"))
    criterion = a.say("5D") if a["5D"] == YES else a.say("5E")
    if a["5F"] == YES:
        return _r(STRENGTH, criterion, a.say("5F"))
    if a["5G"] == YES:
        return _r(STRENGTH, criterion, a.say("5F"), a.say("5G"))
    return _r(ANI, criterion, a.say("5F"), a.say("5G"))


def rate_6(a: Answers) -> Rating:
    if na := _gate(a, None, True):
        return na
    # When 6B and 6C disagree (concurrent APPLA and another goal) ANI wins [I].
    return _any_no_else_yes(a, ("6B", "6C"))


def rate_7(a: Answers) -> Rating:
    if na := _gate(a, "7APP", True):
        return na
    if a["7A"] == YES:
        return _r(STRENGTH, a.say("7A"))
    if a["7B"] == YES:
        return _r(STRENGTH, a.say("7A"), a.say("7B"))
    return _r(ANI, a.say("7A"), a.say("7B"))


def rate_8(a: Answers) -> Rating:
    if na := _gate(a, "8APP", True):
        return na
    codes = ("8A", "8B", "8C", "8D", "8E", "8F")
    rating = _any_no_else_yes(a, codes)
    if rating.value != INCOMPLETE:
        return rating
    # Every answer NA: Round 4 rates a short sibling separation (7A = NO) NA, with no override.
    separated = short_separation(a)
    if separated:
        return _r(NA, "8A-8F are all NA with a short sibling separation (7A = NO): rated NA, no override needed")
    if separated is None:
        return _r(INCOMPLETE, "8A-8F are all NA: answer 7A (a short sibling separation makes item 8 NA)")
    return rating


def rate_9(a: Answers) -> Rating:
    if na := _gate(a, "9APP", True):
        return na
    # 9B is recorded for data only and never read here.
    if a["9A"] == NO:
        return _r(ANI, a.say("9A"))
    failed = [a.say(c) for c in ("9C", "9D") if a.get(c) == NO]
    if failed:
        return _r(ANI, *failed)
    if a["9A"] == YES and a["9C"] in (YES, NA) and a["9D"] in (YES, NA):
        return _r(STRENGTH, a.say("9A"), a.say("9C"), a.say("9D"))
    return _r(INCOMPLETE, "9A = NA although item 9 is applicable")


def rate_10(a: Answers) -> Rating:
    if na := _gate(a, "10APP", True):
        return na
    if a["10A1"] == YES and a["10A2"] == YES:
        return _r(STRENGTH, a.say("10A1"), a.say("10A2"))
    failed = [a.say(c) for c in ("10B", "10C") if a.get(c) == NO]
    if failed:
        return _r(ANI, *failed)
    if a["10B"] in (YES, NA) and a["10C"] in (YES, NA):
        return _r(STRENGTH, a.say("10B"), a.say("10C"))
    raise AssertionError("unreachable")  # pragma: no cover


def rate_11(a: Answers) -> Rating:
    if na := _gate(a, "11APP", True):
        return na
    return _any_no_else_yes(a, ("11A", "11B"))


# --- Well-being ----------------------------------------------------------------------------------


def rate_12a(a: Answers) -> Rating:
    if a["12A1"] == NO:
        return _r(ANI, a.say("12A1"))
    if a["12A2"] == NO:
        return _r(ANI, a.say("12A2"))
    return _r(STRENGTH, a.say("12A1"), a.say("12A2"))


def _why_na(a: Answers, codes: Sequence[str]) -> list[str]:
    """Why the parents answered NA are not applicable (12B, 13, 15): `12B2NA = DECEASED (f2)`."""
    notes = []
    for code in codes:
        reason = f"{code}NA"
        people = a.persons.get(reason)
        if people:
            given = [f"{value} ({person})" for person, value in people.items() if value]
            if given:
                notes.append(f"{reason} = {', '.join(given)}")
        elif a.get(reason) and NA in (a.get(code), *(a.persons.get(code) or {}).values()):
            notes.append(f"{reason} = {a.get(reason)}")
    return notes


def rate_12b(a: Answers) -> Rating:
    codes = ("12B1", "12B2", "12B3", "12B4")
    noes = [a.say(c) for c in codes if a.get(c) == NO]
    if noes:
        return _r(ANI, *noes)
    for code in codes:
        a[code]
    yeses = [a.say(c) for c in codes if a[c] == YES]
    if not yeses:
        return _r(NA, "12B1-12B4 are all NA", *_why_na(a, ("12B1", "12B2")))
    return _r(STRENGTH, *yeses, *_why_na(a, ("12B1", "12B2")))


def rate_12c(a: Answers) -> Rating:
    if not a.foster_care:
        return _r(NA, f"case type {a.case_type}: no foster parents")
    noes = [a.say(c) for c in ("12C1", "12C2") if a.get(c) == NO]
    if noes:
        return _r(ANI, *noes)
    if a["12C1"] == NA and a["12C2"] == NA:
        return _r(NA, "12C1 and 12C2 are NA")
    if a["12C1"] == YES:
        return _r(STRENGTH, a.say("12C1"), a.say("12C2"))
    # 12C1 = NA with services answered YES: nothing was assessed, so the sub-item cannot be a Strength.
    return _r(INCOMPLETE, "12C1 = NA although 12C2 is answered")


def rate_12(a: Answers) -> Rating:
    return combine_12(*(_settled(rule, a) for rule in (rate_12a, rate_12b, rate_12c)))


def _settled(rule: Callable[[Answers], Rating], a: Answers) -> Rating:
    try:
        return rule(a)
    except Unanswered as missing:
        return _r(INCOMPLETE, f"{missing.code} unanswered")


def combine_12(r12a: Rating, r12b: Rating, r12c: Rating) -> Rating:
    """Item 12 from its sub-items (also used with overridden sub-item ratings)."""
    subs = {"12A": r12a, "12B": r12b, "12C": r12c}
    weak = [f"{k}: {reason}" for k, r in subs.items() if r.value == ANI for reason in r.reasons]
    if weak:
        return Rating(ANI, tuple(weak))
    open_ = [f"{k}: {reason}" for k, r in subs.items() if r.value == INCOMPLETE for reason in r.reasons]
    if open_:
        return Rating(INCOMPLETE, tuple(open_))
    rated = [f"{k} = {r.value}" for k, r in subs.items()]
    if all(r.value == NA for r in subs.values()):
        return Rating(NA, tuple(rated))
    return Rating(STRENGTH, tuple(rated))


def rate_13(a: Answers) -> Rating:
    # In-home cases are always applicable (Round 4): a NO gate there is refused by validation, not honoured.
    if a.foster_care and (na := _gate(a, "13APP", False)):
        return na
    return _with_why_na(_any_no_else_yes(a, ("13A", "13B", "13C")), a, ("13B", "13C"))


def rate_14(a: Answers) -> Rating:
    noes = [a.say(c) for c in ("14A", "14B") if a.get(c) == NO]
    if noes:
        return _r(ANI, *noes)
    if a["14A"] == YES and a["14B"] == YES:
        return _r(STRENGTH, a.say("14A"), a.say("14B"))
    return _r(ANI, a.say("14B"))


def rate_15(a: Answers) -> Rating:
    if na := _gate(a, "15APP", False):
        return na
    return _with_why_na(_any_no_else_yes(a, ("15B1", "15B2", "15C1", "15C2")), a, ("15B1", "15B2"))


def _with_why_na(rating: Rating, a: Answers, codes: Sequence[str]) -> Rating:
    if rating.value != STRENGTH:
        return rating
    return Rating(rating.value, (*rating.reasons, *_why_na(a, codes)))


def rate_16(a: Answers) -> Rating:
    if na := _gate(a, "16APP", False):
        return na
    if a["16A"] == NO:
        return _r(ANI, a.say("16A"))
    if a["16B"] == NO:
        return _r(ANI, a.say("16B"))
    return _r(STRENGTH, a.say("16A"), a.say("16B"))


def rate_17(a: Answers) -> Rating:
    # Foster care cases are always applicable; in-home cases only through 17APP [R].
    if not a.foster_care and (na := _gate(a, "17APP", False)):
        return na
    codes = ("17A1", "17A2", "17B1", "17B2", "17B3")
    noes = [a.say(c) for c in codes if a.get(c) == NO]
    if noes:
        return _r(ANI, *noes)
    for code in codes:
        a[code]
    return _r(STRENGTH, a.say("17A1"), "no answer is NO")


def rate_18(a: Answers) -> Rating:
    if na := _gate(a, "18APP", False):
        return na
    codes = ("18A", "18B", "18C")
    noes = [a.say(c) for c in codes if a.get(c) == NO]
    if noes:
        return _r(ANI, *noes)
    for code in codes:
        a[code]
    return _r(STRENGTH, a.say("18A"), "no answer is NO")


ITEMS: tuple[Item, ...] = (
    Item(
        "1",
        "Timeliness of Initiating Investigations of Reports of Child Maltreatment",
        "S1",
        "Were responses to all accepted maltreatment reports received during the period initiated, and "
        "face-to-face contact with the child(ren) made, within the time frames and requirements of state policy "
        "or statute?",
        rate_1,
        gate="1APP",
        rule_text="NA if 1APP = NO. Strength if 1A = YES, or 1A = NO and 1B = YES (every delay beyond the "
        "agency's control). ANI if 1A = NO and 1B = NO. In federal letters: Strength if A = 0 and B = 0, or "
        "C = YES.",
        source="FAQ-S1",
    ),
    Item(
        "2",
        "Services to Family to Protect Child(ren) in the Home and Prevent Removal or Re-Entry Into Foster Care",
        "S2",
        "Did the agency make concerted efforts to provide services that prevent entry into foster care or "
        "re-entry after reunification?",
        rate_2,
        gate="2APP",
        rule_text="NA if 2APP = NO. Strength if 2A = YES and 2B = NA, or 2A = NO and 2B = YES [R]. ANI if 2A = NO "
        "and 2B is NO or NA.",
        tag="R",
    ),
    Item(
        "3",
        "Risk and Safety Assessment and Management",
        "S2",
        "Did the agency make concerted efforts to assess and address risk and safety for the children at home "
        "or in foster care? Never NA.",
        rate_3,
        rule_text="Strength if 3A, 3B, 3C are each YES or NA and 3D, 3E, 3F are each NO or NA; otherwise ANI. In "
        "foster care 3E and 3F are never NA (Round 4).",
        source="R4-FAQ-S2",
        never_na="always",
    ),
    Item(
        "4",
        "Stability of Foster Care Placement",
        "P1",
        "Is the child in a stable placement, and were any placement changes in the child's best interest?",
        rate_4,
        rule_text="NA in in-home cases. One placement: Strength if 4C = YES, else ANI. More than one: Strength if "
        "4B = YES and 4C = YES, else ANI.",
        never_na="foster care",
    ),
    Item(
        "5",
        "Permanency Goal for Child",
        "P1",
        "Were appropriate permanency goals established timely?",
        rate_5,
        gate="5APP",
        rule_text="NA in in-home cases or if 5APP = NO. ANI if 5A2, 5B or 5C is NO. Otherwise Strength if 5D and 5E "
        "are NO; or if a criterion is met and 5F = YES; or 5F = NO and 5G = YES (documented exception). Else ANI.",
    ),
    Item(
        "6",
        "Achieving Reunification, Guardianship, Adoption, or Other Planned Permanent Living Arrangement",
        "P1",
        "Were concerted efforts made by the agency and the court to achieve the permanency goal timely?",
        rate_6,
        rule_text="NA in in-home cases. ANI if 6B or 6C is NO (ANI wins when they disagree [I]); Strength if at "
        "least one is YES.",
        never_na="foster care",
    ),
    Item(
        "7",
        "Placement With Siblings",
        "P2",
        "Were concerted efforts made to keep siblings in foster care together unless separation was necessary?",
        rate_7,
        gate="7APP",
        rule_text="NA in in-home cases or if 7APP = NO. Strength if 7A = YES, or 7B = YES. Otherwise ANI.",
    ),
    Item(
        "8",
        "Visiting With Parents and Siblings in Foster Care",
        "P2",
        "Were visits with the mother, father and siblings in care frequent enough and of good enough quality to "
        "maintain the relationships?",
        rate_8,
        gate="8APP",
        rule_text="NA in in-home cases or if 8APP = NO. ANI if any of 8A-8F is NO (per-person answers combine: any "
        "NO, else any YES, else NA). Strength if at least one is YES and the rest NA. All NA: NA when item 7 "
        "records a sibling separation (7A = NO; Round 4: a short separation with no visits needed, no override), "
        "otherwise refused (revisit 8APP).",
        source="R4-FAQ-P2",
    ),
    Item(
        "9",
        "Preserving Connections",
        "P2",
        "Were concerted efforts made to maintain the child's connections to community, faith, language, extended "
        "family, Tribe, school and friends?",
        rate_9,
        gate="9APP",
        rule_text="NA in in-home cases or if 9APP = NO. Strength if 9A = YES and 9C, 9D are YES or NA; otherwise "
        "ANI. 9B does not affect the rating.",
    ),
    Item(
        "10",
        "Relative Placement",
        "P2",
        "Were concerted efforts made to place the child with relatives when appropriate?",
        rate_10,
        gate="10APP",
        rule_text="NA in in-home cases or if 10APP = NO. Strength if 10A1 = YES and 10A2 = YES; or if 10B and 10C "
        "are YES or NA. Otherwise ANI.",
    ),
    Item(
        "11",
        "Relationship of Child in Care With Parents",
        "P2",
        "Beyond visits, were concerted efforts made to support a positive relationship between the child and the "
        "mother and father?",
        rate_11,
        gate="11APP",
        rule_text="NA in in-home cases or if 11APP = NO. ANI if 11A or 11B is NO; Strength if at least one is YES.",
    ),
    Item(
        "12A",
        "Needs Assessment and Services to Children",
        None,
        "Were the children's needs assessed and appropriate services provided?",
        rate_12a,
        rule_text="Strength if 12A1 = YES and 12A2 is YES or NA; otherwise ANI. Never NA.",
        never_na="always",
    ),
    Item(
        "12B",
        "Needs Assessment and Services to Parents",
        None,
        "Were the mother's and father's needs assessed and appropriate services provided?",
        rate_12b,
        rule_text="NA if 12B1-12B4 are all NA; ANI if any is NO; otherwise Strength. Why a parent is NA is "
        "recorded per person (12B1NA, 12B2NA) and does not change the rating.",
    ),
    Item(
        "12C",
        "Needs Assessment and Services to Foster Parents",
        None,
        "Were the foster parents' needs assessed and appropriate services provided?",
        rate_12c,
        rule_text="NA in in-home cases or if 12C1 and 12C2 are NA; ANI if either is NO; Strength if 12C1 = YES and "
        "12C2 is YES or NA.",
    ),
    Item(
        "12",
        "Needs and Services of Child, Parents, and Foster Parents",
        "WB1",
        "Did the agency assess the needs of children, parents and foster parents and provide appropriate "
        "services? Never NA.",
        rate_12,
        rule_text="ANI if any of 12A, 12B, 12C is ANI; otherwise Strength.",
        parts=("12A", "12B", "12C"),
        never_na="always",
    ),
    Item(
        "13",
        "Child and Family Involvement in Case Planning",
        "WB1",
        "Were concerted efforts made to involve the parents and (when appropriate) the child in case planning?",
        rate_13,
        gate="13APP",
        rule_text="NA if 13APP = NO (foster care only: in-home cases are always applicable). ANI if any of 13A, "
        "13B, 13C is NO; Strength if at least one is YES and the rest NA. Why a parent is NA: 13BNA, 13CNA.",
        source="R4-FAQ-WB1",
    ),
    Item(
        "14",
        "Caseworker Visits With Child",
        "WB1",
        "Were the frequency and quality of caseworker visits with the child(ren) sufficient? Never NA.",
        rate_14,
        rule_text="Strength if 14A = YES and 14B = YES; otherwise ANI.",
        never_na="always",
    ),
    Item(
        "15",
        "Caseworker Visits With Parents",
        "WB1",
        "Were the frequency and quality of caseworker visits with the mother and father sufficient?",
        rate_15,
        gate="15APP",
        rule_text="NA if 15APP = NO. ANI if any of 15B1, 15B2, 15C1, 15C2 is NO; Strength if at least one is YES "
        "and the rest NA. Why a parent is NA: 15B1NA, 15B2NA.",
        tag="R",
    ),
    Item(
        "16",
        "Educational Needs of the Child",
        "WB2",
        "Did the agency make concerted efforts to assess and address the child's educational needs?",
        rate_16,
        gate="16APP",
        rule_text="NA if 16APP = NO (foster care: only a child 2 or younger with no apparent developmental delays). "
        "Strength if 16A = YES and 16B is YES or NA; otherwise ANI.",
        tag="R",
        source="ISSUE-12",
    ),
    Item(
        "17",
        "Physical Health of the Child",
        "WB3",
        "Did the agency address the child's physical and dental health needs?",
        rate_17,
        gate="17APP",
        rule_text="Foster care: always applicable; in-home: NA if 17APP = NO. ANI if any of 17A1, 17A2, 17B1, 17B2, "
        "17B3 is NO; otherwise Strength.",
        tag="R",
    ),
    Item(
        "18",
        "Mental/Behavioral Health of the Child",
        "WB3",
        "Did the agency address the child's mental and behavioural health needs?",
        rate_18,
        gate="18APP",
        rule_text="NA if 18APP = NO. ANI if any of 18A, 18B, 18C is NO; otherwise Strength.",
        tag="R",
    ),
)

ITEM_KEYS: tuple[str, ...] = tuple(item.key for item in ITEMS)
ITEMS_BY_KEY: dict[str, Item] = {item.key: item for item in ITEMS}
# Order of items in the scoring block: 1..18 with 12A-12C after 12.
SCORING_ORDER: tuple[str, ...] = (
    *[str(n) for n in range(1, 12)],
    "12A",
    "12B",
    "12C",
    "12",
    *[str(n) for n in range(13, 19)],
)
