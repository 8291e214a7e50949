"""The instrument as a readable Markdown document, to hold against the federal OSRI."""

from __future__ import annotations

from .questions import FOSTER_CARE, VISIT_PATTERN_LABELS, Kind, Question
from .round4 import Instrument
from .sources import SOURCES, cite

TAGS = {
    "S": "confirmed from a published source",
    "R": "from recollection of the published OSRI; verify the wording and code",
    "I": "an application rule, not an official OSRI rule",
}


def _answers(question: Question) -> str:
    if question.kind in (Kind.GATE, Kind.YN):
        return "Yes / No"
    if question.kind is Kind.YNNA:
        return "Yes / No / NA"
    if question.kind is Kind.PATTERN:
        return "Visit pattern (see legend)" + (" or NA" if question.pattern_na else "; no NA")
    if question.kind is Kind.MULTI:
        limit = f", at most {question.max_choices}" if question.max_choices else ""
        return f"Tick any{limit}: " + ", ".join(question.options)
    if question.kind is Kind.CHOICE:
        return "One of: " + ", ".join(question.options)
    if question.kind is Kind.DATE:
        return "Date" + (" or " + " / ".join(question.options) if question.options else "")
    if question.kind is Kind.INTEGER:
        return "Whole number" + (f" (at least {question.minimum})" if question.minimum is not None else "")
    if question.kind is Kind.TABLE:
        return "Table: " + ", ".join(c.name for c in question.columns)
    if question.kind is Kind.EXCEPTIONS:
        return "NA, or each of " + ", ".join(question.options) + " Yes / No"
    return "Text"


def _cases(question: Question) -> str:
    if question.case_types == frozenset({FOSTER_CARE}):
        return "Foster care"
    if FOSTER_CARE not in question.case_types:
        return "In-home"
    return "All"


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def describe(instrument: Instrument) -> str:
    lines = [
        f"# {instrument.title} (`{instrument.version}`)",
        "",
        "Question codes are the OSRI codes (item number + question letter); `<item>APP` is an item's "
        "applicability question. Answers marked *per person* may be given once for the role or once for each "
        "mother, father or sibling; the official answer is then NO if anyone is NO, else YES if anyone is YES, "
        "else NA. Confidence tags:",
        "",
        *[f"- **[{tag}]** {meaning}" for tag, meaning in TAGS.items()],
        "",
        "Visit patterns: " + "; ".join(f"`{k}` {v}" for k, v in VISIT_PATTERN_LABELS.items()) + ".",
        "",
        "Item ratings: Strength, Area Needing Improvement (ANI), Not applicable (NA), Incomplete (an answer the "
        "rule needs is missing). QA may override an item or outcome rating with a reason; outcomes use the "
        "effective (overridden or calculated) ratings. " + _never_na_sentence(instrument),
        "",
        "Every question, item and check names its **source** (the text it was checked against; see *Sources* at "
        "the end). Where a Round 4 FAQ page and the draft Round 3 instrument differ, the FAQ wins.",
        "",
        "## Face Sheet (not rated)",
        "",
        "Letters are Round 4's: the Round 4 FAQ calls the date of the child's latest removal Face Sheet question K "
        "(the draft Round 3 instrument's J), and the fields after it follow. Round 4's J is not in the stored "
        "sources and is not used here. Files in format_version 1 use the draft letters and are read as these.",
        "",
        "| Code | Field | Draft R3 letter | Answer | Tag | Source |",
        "|---|---|---|---|---|---|",
    ]
    for field in instrument.face_sheet:
        answer = _answers(Question(field.code, "FS", field.label, field.kind, field.options))
        lines.append(
            f"| {field.code} | {_cell(field.label)} | {field.draft or field.code} | {_cell(answer)} | {field.tag} "
            f"| {field.source} |"
        )
    lines += [
        "",
        "Participants: one row per child (`CHILD`, one flagged target in foster care cases) and per case "
        "participant (`MOTHER`, `FATHER`, `SIBLING`, `FOSTER_PARENT`, `CASEWORKER`, `SUPERVISOR`, `OTHER`); "
        "several people may share a role.",
        "",
    ]
    for outcome in instrument.outcomes:
        lines += [
            f"## {outcome.key}: {outcome.statement}",
            "",
            f"*{outcome.domain}.* Items {', '.join(outcome.items)}.",
            "",
        ]
        lines += [f"**Outcome rule** [{outcome.tag}]: {outcome.rule_text}", ""]
        for item_key in outcome.items:
            item = instrument.item(item_key)
            keys = [item_key, *item.parts]
            for key in keys:
                lines += _describe_item(instrument, key, sub=key != item_key)
    lines += [
        "## Consistency checks",
        "",
        "Answers that contradict these are refused with the code and the rule name. Where a check fixes an answer "
        "(for example a ticked 3E1 box makes 3E YES), a missing answer is filled in by the instrument.",
        "",
        *[f"- {check} (source: {source})" for check, source in CONSISTENCY_CHECKS],
        "",
        "## Codes and letters that differ from the federal instrument",
        "",
        "Question codes are the federal ones except where this table says otherwise; exports carry the same table "
        "as `federal_codes`.",
        "",
        "| Code | Federal instrument |",
        "|---|---|",
        *[f"| {code} | {_cell(text)} |" for code, text in instrument.federal_codes().items()],
        "",
        "## Sources",
        "",
        *[f"- **{key}**: {cite(key)}" for key in SOURCES],
        "",
    ]
    return "\n".join(lines)


def _never_na_sentence(instrument: Instrument) -> str:
    always = [item.key for item in instrument.items if item.never_na == "always"]
    foster_care = [item.key for item in instrument.items if item.never_na == "foster care"]
    return (
        f"An override to NA is refused for items {_and(always)}, and for items {_and(foster_care)} in foster care "
        "cases: those items are never NA."
    )


def _and(keys: list[str]) -> str:
    return keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} and {keys[-1]}"


def _describe_item(instrument: Instrument, key: str, sub: bool) -> list[str]:
    item = instrument.item(key)
    heading = "####" if sub else "###"
    lines = [f"{heading} Item {key}: {item.title}", "", item.purpose, ""]
    if item.gate:
        lines += [f"Applicability: `{item.gate}` (a NO rates the item NA and skips its questions).", ""]
    questions = [q for q in instrument.questions.questions if q.item == key]
    if questions:
        lines += [
            "| Code | Question | Answer | Cases | Per person | Rated | Tag | Source |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for q in questions:
            person = q.slot.lower() if q.slot else ""
            rated = "yes" if q.rated else ("required" if q.required else "")
            if q.explains:
                rated = f"when {q.explains} is NA"
            text = q.text + (f" *{q.help}*" if q.help else "") + (f" **Federal:** {q.federal}." if q.federal else "")
            lines.append(
                f"| {q.code} | {_cell(text)} | {_cell(_answers(q))} | {_cases(q)} | {person} | {rated} | {q.tag} "
                f"| {q.source} |"
            )
        lines.append("")
    lines += [f"**Rating** [{item.tag}; source: {item.source}]: {item.rule_text}", ""]
    return lines


# (check, source key)
CONSISTENCY_CHECKS: tuple[tuple[str, str], ...] = (
    ("`1B-na-iff-1A-yes`: 1B is NA exactly when 1A is YES (federal: C is NA when A and B are 0).", "FAQ-S1"),
    (
        "`1A1-timeliness`: when every report row carries both timeliness flags, 1A is YES only if all are YES [I].",
        "APP",
    ),
    ("`2B-na-when-2A-yes`: 2B is NA when 2A is YES [I].", "SPEC"),
    (
        "`3D1-ticked-means-yes`, `3E1-ticked-means-yes`, `3F1-ticked-means-yes`: a ticked concern box makes 3D / 3E / "
        "3F YES (3D is [I]).",
        "SPEC",
    ),
    (
        "`3E1-no-concerns-means-no`, `3F1-no-concerns-means-no`: the 'no safety concerns existed' box makes 3E / 3F "
        "NO and cannot be ticked with a concern; `3E-no-na-in-foster-care`, `3F-no-na-in-foster-care`: no NA for "
        "3E / 3F in foster care cases.",
        "R4-FAQ-S2",
    ),
    (
        "`4B-na-iff-one-placement`: 4B is NA exactly when 4A is 1; `4A1-rows-equal-4A`: the placement table has no "
        "more rows than 4A counts, and fewer rows are listed as missing until it has 4A [I]; `4C1-ticked-means-no`: "
        "a ticked 4C1 box makes 4C NO.",
        "SPEC",
    ),
    (
        "`4A1-current-placement-last`: 'not applicable, this is the current placement' is the reason of the last "
        "placement row only [I].",
        "R4-FAQ-P1",
    ),
    ("`5E-na-iff-5D-yes`, `5F-na-iff-no-criterion`, `5G-na-iff-5F-yes-or-na`, `5G1-exception-means-5G-yes`.", "SPEC"),
    ("`6B-na-iff-only-appla`, `6C-na-iff-no-appla`, `6A2-only-for-appla` (when 6A1 is answered).", "SPEC"),
    ("`7B-na-iff-7A-yes`.", "SPEC"),
    (
        "`<pattern>-never-means-<quality>-na` (8A1/8C, 8B1/8D, 8E1/8F, 15A1/15C1, 15A2/15C2), "
        "`<pattern>-na-means-<frequency>-na` (8E1, 15A1, 15A2: 8A1, 8B1 and 14A1 have no NA), "
        "`<frequency>-na-means-<quality>-na`, per person where answered per person; "
        "`8A1-never-yes-needs-narrative` (and 8B1, 8E1) [I].",
        "SPEC",
    ),
    ("`9A-required-when-applicable`: 9A cannot be NA when 9APP is YES [I].", "SPEC"),
    ("`10A2-na-iff-10A1-no`.", "SPEC"),
    ("`11A1-na-iff-11A-na`, `11B1-na-iff-11B-na`.", "SPEC"),
    ("`12B3-na-when-12B1-na`, `12B4-na-when-12B2-na`, `12C2-na-when-12C1-na` [I].", "SPEC"),
    (
        "`<code>NA-only-when-<code>-na` (12B1NA, 12B2NA, 13BNA, 13CNA, 15B1NA, 15B2NA): why a parent is not "
        "applicable is given only for a person whose answer is NA; a missing reason is listed as unanswered, and "
        "OTHER needs a comment.",
        "R4-FAQ-WB1",
    ),
    ("`13APP-yes-in-in-home`: item 13 is applicable in every in-home case.", "R4-FAQ-WB1"),
    ("`14A1-never-means-14A-no`, `14B-na-only-when-never-visited` [I].", "SPEC"),
    ("`skipped-when-gate-no`: no YES/NO answers in an item whose gate is NO.", "SPEC"),
    (
        "`applicable-item-all-na`: items 8, 11, 13, 15 cannot be applicable with every answer NA [I]; item 8 can when "
        "item 7 records a sibling separation (7A = NO): a short separation with no visits needed is NA.",
        "R4-FAQ-P2",
    ),
    ("`case-type`: questions asked only in foster care (or only in-home) cases accept only NA otherwise.", "SPEC"),
    (
        "`override-never-na`: no override to NA for items that are never NA (3, 12A, 12, 14; 4 and 6 in foster care).",
        "ISSUE-12",
    ),
    (
        "Face Sheet: `case-type-matches` (G is the case type); `K-na-iff-in-home` (K, the latest removal, is NA "
        "exactly for in-home cases); `K-before-L`; `I-before-M`; `C-before-E`; `N2-in-N1`.",
        "R4-FAQ-P1",
    ),
)
