"""The instrument as a readable Markdown document, to hold against the federal OSRI."""

from __future__ import annotations

from .questions import FOSTER_CARE, IN_HOME, VISIT_PATTERN_LABELS, Kind, Question
from .round4 import Instrument

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
        return "Visit pattern (see legend) or NA"
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
        "effective (overridden or calculated) ratings.",
        "",
        "## Face Sheet (not rated)",
        "",
        "| Code | Field | Answer |",
        "|---|---|---|",
    ]
    for field in instrument.face_sheet:
        answer = _answers(Question(field.code, "FS", field.label, field.kind, field.options))
        lines.append(f"| {field.code} | {_cell(field.label)} | {_cell(answer)} |")
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
        *[f"- {check}" for check in CONSISTENCY_CHECKS],
        "",
    ]
    return "\n".join(lines)


def _describe_item(instrument: Instrument, key: str, sub: bool) -> list[str]:
    item = instrument.item(key)
    heading = "####" if sub else "###"
    lines = [f"{heading} Item {key}: {item.title}", "", item.purpose, ""]
    if item.gate:
        lines += [f"Applicability: `{item.gate}` (a NO rates the item NA and skips its questions).", ""]
    questions = [q for q in instrument.questions.questions if q.item == key]
    if questions:
        lines += ["| Code | Question | Answer | Cases | Per person | Rated | Tag |", "|---|---|---|---|---|---|---|"]
        for q in questions:
            person = q.slot.lower() if q.slot else ""
            rated = "yes" if q.rated else ("required" if q.required else "")
            text = q.text + (f" *{q.help}*" if q.help else "")
            lines.append(
                f"| {q.code} | {_cell(text)} | {_cell(_answers(q))} | {_cases(q)} | {person} | {rated} | {q.tag} |"
            )
        lines.append("")
    lines += [f"**Rating** [{item.tag}]: {item.rule_text}", ""]
    return lines


CONSISTENCY_CHECKS = (
    "`1B-na-iff-1A-yes`: 1B is NA exactly when 1A is YES.",
    "`1A1-timeliness`: when every report row carries both timeliness flags, 1A is YES only if all are YES [I].",
    "`2B-na-when-2A-yes`: 2B is NA when 2A is YES [I].",
    "`3D1-ticked-means-yes`, `3E1-ticked-means-yes`, `3F1-ticked-means-yes`: a ticked box makes 3D / 3E / 3F YES "
    "(3D is [I]).",
    "`4B-na-iff-one-placement`: 4B is NA exactly when 4A is 1; `4A1-rows-equal-4A`: the placement table has no more "
    "rows than 4A counts, and fewer rows are listed as missing until it has 4A [I]; `4C1-ticked-means-no`: a ticked 4C1 box makes 4C NO.",
    "`5E-na-iff-5D-yes`, `5F-na-iff-no-criterion`, `5G-na-iff-5F-yes-or-na`, `5G1-exception-means-5G-yes`.",
    "`6B-na-iff-only-appla`, `6C-na-iff-no-appla`, `6A2-only-for-appla` (when 6A1 is answered).",
    "`7B-na-iff-7A-yes`.",
    "`<pattern>-never-means-<quality>-na` (8A1/8C, 8B1/8D, 8E1/8F, 15A1/15C1, 15A2/15C2), "
    "`<pattern>-na-means-<frequency>-na`, `<frequency>-na-means-<quality>-na`, per person where answered per "
    "person; `8A1-never-yes-needs-narrative` (and 8B1, 8E1) [I].",
    "`9A-required-when-applicable`: 9A cannot be NA when 9APP is YES [I].",
    "`10A2-na-iff-10A1-no`.",
    "`11A1-na-iff-11A-na`, `11B1-na-iff-11B-na`.",
    "`12B3-na-when-12B1-na`, `12B4-na-when-12B2-na`, `12C2-na-when-12C1-na` [I].",
    "`14A1-never-means-14A-no`, `14B-na-only-when-never-visited` [I].",
    "`skipped-when-gate-no`: no YES/NO answers in an item whose gate is NO.",
    "`applicable-item-all-na`: items 8, 11, 13, 15 cannot be applicable with every answer NA [I].",
    "`case-type`: questions asked only in foster care (or only in-home) cases accept only NA otherwise.",
    f"Face Sheet: G matches the case type; J is NA exactly for {IN_HOME} cases; J <= K; I <= L; M2 is one of M1.",
)
