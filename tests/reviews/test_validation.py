"""Invalid answer sets and per-person slots: each problem names the code and the rule. No database."""

from __future__ import annotations

import copy

import pytest

from reviews.instrument import INSTRUMENTS, ROUND4, Participant
from reviews.instrument.answers import slot_answer
from reviews.instrument.document import read_document, score_document

from .helpers import FC, IH, problem_rules, score

# (label, case type, answers, expected {(code, rule)})
INVALID = [
    ("wrong option", FC, {"14A": "MAYBE"}, {("14A", "allowed-values")}),
    ("NA where only YES/NO is allowed", FC, {"4C": "NA"}, {("4C", "allowed-values")}),
    ("unknown code", FC, {"99Z": "YES"}, {("99Z", "unknown-code")}),
    ("unknown checklist option", FC, {"3E1": ["LOUD_VISITS"]}, {("3E1", "allowed-values")}),
    ("integer below minimum", FC, {"4A": 0}, {("4A", "allowed-values")}),
    ("three concurrent goals", FC, {"6A1": ["ADOPTION", "GUARDIANSHIP", "APPLA"]}, {("6A1", "allowed-values")}),
    ("1B answered although 1A YES", FC, {"1A": "YES", "1B": "NO"}, {("1B", "1B-na-iff-1A-yes")}),
    ("1B NA although 1A NO", FC, {"1A": "NO", "1B": "NA"}, {("1B", "1B-na-iff-1A-yes")}),
    ("2B answered although services tried", FC, {"2A": "YES", "2B": "YES"}, {("2B", "2B-na-when-2A-yes")}),
    ("3F NO with a 3F1 box ticked", FC, {"3F1": ["OTHER"], "3F": "NO"}, {("3F", "3F1-ticked-means-yes")}),
    (
        "3D NO with a 3D1 box ticked",
        IH,
        {"3D1": ["RECURRING_SAFETY_CONCERNS"], "3D": "NO"},
        {("3D", "3D1-ticked-means-yes")},
    ),
    ("4B NA with several placements", FC, {"4A": 2, "4B": "NA"}, {("4B", "4B-na-iff-one-placement")}),
    ("4B answered with one placement", FC, {"4A": 1, "4B": "YES"}, {("4B", "4B-na-iff-one-placement")}),
    (
        "4A1 lists more placements than 4A",
        FC,
        {"4A": 1, "4A1": [{"placement_date": "2023-01-01", "placement_type": "GROUP_HOME"}] * 2},
        {("4A1", "4A1-rows-equal-4A")},
    ),
    ("4A1 row missing a required column", FC, {"4A1": [{"placement_type": "GROUP_HOME"}]}, {("4A1", "allowed-values")}),
    ("5E answered although 5D YES", FC, {"5D": "YES", "5E": "NO"}, {("5E", "5E-na-iff-5D-yes")}),
    ("5F NA although a criterion is met", FC, {"5D": "YES", "5F": "NA"}, {("5F", "5F-na-iff-no-criterion")}),
    (
        "5G answered although petition filed",
        FC,
        {"5D": "YES", "5F": "YES", "5G": "NO"},
        {("5G", "5G-na-iff-5F-yes-or-na")},
    ),
    (
        "6B answered although APPLA only",
        FC,
        {"6A1": ["APPLA"], "6B": "YES", "6C": "YES"},
        {("6B", "6B-na-iff-only-appla")},
    ),
    (
        "6C NA although APPLA",
        FC,
        {"6A1": ["APPLA", "ADOPTION"], "6B": "YES", "6C": "NA"},
        {("6C", "6C-na-iff-no-appla")},
    ),
    ("7B answered although together", FC, {"7A": "YES", "7B": "NO"}, {("7B", "7B-na-iff-7A-yes")}),
    (
        "quality judged without a visit",
        FC,
        {"8A1": "NEVER", "8A": "NO", "8C": "YES"},
        {("8C", "8A1-never-means-8C-na")},
    ),
    ("parent NA but quality judged", FC, {"15B2": "NA", "15C2": "NO"}, {("15C2", "15B2-na-means-15C2-na")}),
    (
        "never visited but frequency sufficient without narrative",
        FC,
        {"8A1": "NEVER", "8A": "YES"},
        {("8A", "8A1-never-yes-needs-narrative")},
    ),
    ("9A NA on an applicable item", FC, {"9A": "NA"}, {("9A", "9A-required-when-applicable")}),
    ("10A2 answered although not a relative", FC, {"10A1": "NO", "10A2": "YES"}, {("10A2", "10A2-na-iff-10A1-no")}),
    ("11A1 NA although 11A answered", FC, {"11A": "YES", "11A1": ["NA"]}, {("11A1", "11A1-na-iff-11A-na")}),
    (
        "services to a parent who is not applicable",
        FC,
        {"12B2": "NA", "12B4": "YES"},
        {("12B4", "12B4-na-when-12B2-na")},
    ),
    (
        "foster parent services without foster parents",
        FC,
        {"12C1": "NA", "12C2": "YES"},
        {("12C2", "12C2-na-when-12C1-na")},
    ),
    ("14A YES although never visited", FC, {"14A1": "NEVER", "14A": "YES"}, {("14A", "14A1-never-means-14A-no")}),
    ("14B NA although visited", FC, {"14A1": "WEEKLY", "14B": "NA"}, {("14B", "14B-na-only-when-never-visited")}),
    ("answers although the gate is NO", FC, {"7APP": "NO", "7A": "YES"}, {("7A", "skipped-when-gate-no")}),
    (
        "applicable item 8 with every answer NA and no sibling separation",
        FC,
        {"7A": "YES", **dict.fromkeys(("8A", "8B", "8C", "8D", "8E", "8F"), "NA")},
        {("8APP", "applicable-item-all-na")},
    ),
    (
        "applicable item 8 with every answer NA and no sibling in care",
        FC,
        {"7APP": "NO", **dict.fromkeys(("8A", "8B", "8C", "8D", "8E", "8F"), "NA")},
        {("8APP", "applicable-item-all-na")},
    ),
    ("permanency answer in an in-home case", IH, {"4C": "YES"}, {("4C", "case-type")}),
    ("permanency gate YES in an in-home case", IH, {"8APP": "YES"}, {("8APP", "case-type")}),
    ("item 17 gate NO in a foster care case", FC, {"17APP": "NO"}, {("17APP", "case-type")}),
    ("foster parent answer in an in-home case", IH, {"12C1": "YES"}, {("12C1", "case-type")}),
    ("per-person answer to a case-level question", FC, {"14A": {"c1": "YES"}}, {("14A", "not-per-participant")}),
]


@pytest.mark.parametrize(("label", "case_type", "answers", "expected"), INVALID, ids=[row[0] for row in INVALID])
def test_invalid_answer_set(label, case_type, answers, expected):
    result = score(answers, case_type)
    assert problem_rules(result) == expected
    assert all(str(p).startswith(f"{p.code}: ") and f"[rule: {p.rule}]" in str(p) for p in result.problems)


def test_gates_answered_no_are_accepted_for_items_not_asked_in_the_case_type():
    result = score({"8APP": "NO", "5APP": "NO", "17APP": "NO"}, IH)
    assert result.problems == []
    assert result.items["8"] == "NA"
    assert result.items["17"] == "NA"
    fc = score({"17APP": "YES", "17A1": "YES", "17A2": "YES", "17B1": "NA", "17B2": "NA", "17B3": "NA"}, FC)
    assert fc.problems == []
    assert fc.items["17"] == "STRENGTH"


def test_never_visited_with_a_narrative_explaining_other_contact_is_accepted():
    result = score({"8A1": "NEVER", "8A": "YES"}, narratives={"8A": "Weekly video calls from prison."})
    assert result.problems == []
    assert result.answers["8C"] == "NA"


# --- Several people in one role (spec §1.8 [I]) ---------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["YES", "NO"], "NO"),
        (["NA", "YES"], "YES"),
        (["NA", "NA"], "NA"),
        (["YES", "YES", "NA"], "YES"),
        (["NA", "NO"], "NO"),
    ],
)
def test_slot_answer(values, expected):
    assert slot_answer(values) == expected


PEOPLE = [
    Participant("c1", "CHILD", target=True),
    Participant("c2", "CHILD"),
    Participant("s1", "SIBLING"),
    Participant("m1", "MOTHER"),
    Participant("m2", "MOTHER"),
    Participant("f1", "FATHER"),
]


def test_two_mothers_both_sufficient_make_item_15_a_strength():
    answers = {
        "15B1": {"m1": "YES", "m2": "YES"},
        "15C1": {"m1": "YES", "m2": "NA"},
        "15A1": {"m1": "WEEKLY", "m2": "NEVER"},
        "15B2": "NA",
    }
    result = score(answers, participants=PEOPLE)
    assert result.problems == []
    assert result.calculated["15"].value == "STRENGTH"
    assert result.answers["15C1"] == "YES"


def test_per_person_never_visited_forbids_that_persons_quality_answer():
    answers = {
        "15A1": {"m1": "WEEKLY", "m2": "NEVER"},
        "15B1": {"m1": "YES", "m2": "NO"},
        "15C1": {"m1": "YES", "m2": "YES"},
    }
    result = score(answers, participants=PEOPLE)
    assert problem_rules(result) == {("15C1", "15A1-never-means-15C1-na")}
    assert "for m2" in result.problems[0].message


def test_sibling_slot_accepts_other_children_and_listed_siblings_but_not_the_target_child():
    ok = score({"8E": {"c2": "YES", "s1": "NO"}, "8F": {"c2": "YES", "s1": "NA"}}, participants=PEOPLE)
    assert ok.problems == []
    assert ok.calculated["8"].value == "ANI"
    assert ok.calculated["8"].reasons == ("8E = NO (c2 = YES, s1 = NO)",)
    bad = score({"8E": {"c1": "YES"}}, participants=PEOPLE)
    assert problem_rules(bad) == {("8E", "participant-role")}


def test_per_person_answers_name_listed_people_of_the_right_role():
    result = score({"13B": {"f1": "YES", "x9": "NO"}}, participants=PEOPLE)
    assert problem_rules(result) == {("13B", "participant-role"), ("13B", "unknown-participant")}


def test_per_person_rows_for_reports_carry_each_person():
    answers = {"8A": {"m1": "YES", "m2": "NO"}, "8C": {"m1": "YES", "m2": "NA"}, "8B": "YES", "8D": "YES"}
    result = score(answers, participants=PEOPLE)
    rows = [(r.participant, r.code, r.aspect, r.answer) for r in result.participant_answers if r.item == "8"]
    assert rows == [
        ("m1", "8A", "FREQUENCY", "YES"),
        ("m2", "8A", "FREQUENCY", "NO"),
        ("f1", "8B", "FREQUENCY", "YES"),  # one father listed: the role answer is his
        ("m1", "8C", "QUALITY", "YES"),
        ("m2", "8C", "QUALITY", "NA"),
        ("f1", "8D", "QUALITY", "YES"),
    ]


def test_no_per_person_rows_for_a_skipped_item():
    result = score({"15APP": "NO"}, participants=PEOPLE)
    assert [r for r in result.participant_answers if r.item == "15"] == []


# --- The interchange document ---------------------------------------------------------------------

DOCUMENT = {
    "format": "osri-review",
    "format_version": 1,
    "instrument": "osri-r4",
    "case": {"case_id": "MO-2023-0153", "agency": "6ZA", "county_fips": "29095", "case_type": "FOSTER_CARE"},
    "face_sheet": {
        "C_start": "2023-04-01",
        "E": "2023-07-18",
        "G": "FOSTER_CARE",
        "H": "NO",
        "I": "2022-11-02",
        "J": "2022-11-03",
        "K": "NOT_YET_DISCHARGED",
        "L": "NOT_CLOSED_BY_REVIEW",
        "M1": ["NEGLECT", "SUBSTANCE_ABUSE_PARENT"],
        "M2": "NEGLECT",
    },
    "participants": [
        {"key": "c1", "role": "CHILD", "target": True, "date_of_birth": "2015-06-02"},
        {"key": "m1", "role": "MOTHER"},
        {"key": "f1", "role": "FATHER"},
        {"key": "f2", "role": "FATHER"},
    ],
    "answers": {
        "1APP": "NO",
        "14A1": "MONTHLY_PLUS",
        "14A": "YES",
        "14B": "NO",
        "15APP": "YES",
        "15B1": "YES",
        "15C1": "YES",
        "15B2": {"f1": "YES", "f2": "NO"},
        "15C2": {"f1": "YES", "f2": "NA"},
    },
    "narratives": {"14B": "Worker did not see the child alone during the period."},
    "overrides": {},
}


def test_the_spec_example_document_scores():
    doc, problems = read_document(copy.deepcopy(DOCUMENT), INSTRUMENTS)
    assert problems == []
    result = score_document(doc, ROUND4)
    block = result.block()
    assert block["items"]["1"] == "NA"
    assert block["items"]["14"] == "ANI"
    assert block["items"]["15"] == "ANI"
    assert block["reasons"]["14"] == ["14B = NO"]
    assert block["reasons"]["15"] == ["15B2 = NO (f1 = YES, f2 = NO)"]
    assert block["outcomes"]["S1"] == "NA"
    assert list(block) == ["items", "outcomes", "reasons"]
    assert list(block["outcomes"]) == ["S1", "S2", "P1", "P2", "WB1", "WB2", "WB3"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(format="other"), {("format", "format")}),
        (lambda d: d.update(instrument="osri-r9"), {("instrument", "instrument-version")}),
        (lambda d: d["case"].update(case_type="KINSHIP"), {("case.case_type", "allowed-values")}),
        (lambda d: d["face_sheet"].update(G="IN_HOME"), {("face_sheet.G", "case-type-matches")}),
        # DOCUMENT is format_version 1 (draft letters): its J, K and M2 are read as K, L and N2.
        (lambda d: d["face_sheet"].update(J="NA"), {("face_sheet.K", "K-na-iff-in-home")}),
        (lambda d: d["face_sheet"].update(K="2022-01-01"), {("face_sheet.L", "K-before-L")}),
        (lambda d: d["face_sheet"].update(M2="ABANDONMENT"), {("face_sheet.N2", "N2-in-N1")}),
        (lambda d: d["participants"].append({"key": "m1", "role": "MOTHER"}), {("participants[5]", "unique-key")}),
        (lambda d: d["participants"][0].update(target=False), {("participants", "one-target-child")}),
        (
            lambda d: d.update(overrides={"14": {"rating": "STRENGTH", "reason": ""}}),
            {("overrides.14", "override-reason-required")},
        ),
        (
            lambda d: d.update(overrides={"14": {"rating": "GREAT", "reason": "x"}}),
            {("overrides.14", "override-value")},
        ),
        (lambda d: d.update(colour="blue"), {("colour", "unknown-key")}),
        (lambda d: d["participants"][0].update(race=["MARTIAN"]), {("participants[1]", "allowed-values")}),
        (lambda d: d["participants"][0].update(ethnicity="LATINO"), {("participants[1]", "allowed-values")}),
        (lambda d: d["participants"][1].update(shoe_size=9), {("participants[2]", "unknown-key")}),
        (lambda d: d["narratives"].update({"99": "x"}), {("narratives.99", "unknown-code")}),
    ],
)
def test_document_problems(change, expected):
    data = copy.deepcopy(DOCUMENT)
    change(data)
    doc, problems = read_document(data, INSTRUMENTS)
    if doc is not None:
        problems += score_document(doc, ROUND4).problems
    assert {(p.code, p.rule) for p in problems} == expected


def test_oppla_is_read_as_appla():
    result = score({"6A1": ["OPPLA"], "6C": "YES"})
    assert result.answers["6A1"] == ["APPLA"]
    assert result.answers["6B"] == "NA"
    assert result.calculated["6"].value == "STRENGTH"


def test_the_instrument_package_imports_no_django():
    import pathlib

    import reviews.instrument

    package = pathlib.Path(reviews.instrument.__file__).parent
    sources = {path.name: path.read_text() for path in package.glob("*.py")}
    assert len(sources) >= 7
    assert [name for name, text in sources.items() if "import django" in text or "from django" in text] == []


# --- What is still missing before submission ---------------------------------------------------------


def test_missing_questions_lists_required_questions_of_applicable_items_only():
    result = score(
        {"1APP": "NO", "2APP": "YES", "2A": "YES", "7APP": "NO", "14A": "YES", "9A": "YES", "9C": "NA"},
        FC,
        gates_yes=False,
    )
    missing = ROUND4.missing_questions(result.answers)
    assert "1A" not in missing and "7A" not in missing  # gates answered NO
    assert "2B" not in missing  # filled: NA because 2A = YES
    assert "17APP" not in missing  # asked only in in-home cases
    assert {"5APP", "8APP", "14B", "9B", "9D", "3A", "12A1"} <= set(missing)
    assert "14A1" not in missing  # visit patterns are flagged by the entry screens, not required for rating


def test_missing_questions_in_an_in_home_case_skips_permanency():
    result = score({}, IH, gates_yes=False)
    missing = ROUND4.missing_questions(result.answers)
    permanency = {q.code for q in ROUND4.questions.questions if q.item in {"4", "5", "6", "7", "8", "9", "10", "11"}}
    assert len(permanency) == 54
    assert permanency.isdisjoint(missing)
    assert {"17APP", "1APP", "12A1"} <= set(missing)
    assert "12C1" not in missing and "17B1" not in missing


def test_missing_narratives_lists_concern_answers_without_a_no_narrative():
    result = score({"14A": "NO", "14B": "NO", "3D1": ["OTHER"], "3E": "YES"}, FC)
    assert ROUND4.missing_narratives(result.answers, {"14A": "Monthly visits were missed."}) == ["3E", "14B"]


def test_missing_rationales_lists_rated_items_without_a_statement():
    from reviews.instrument.round4 import missing_rationales

    result = score({"1APP": "NO", "14A": "YES", "14B": "YES", "4A": 1, "4C": "NO"}, FC)
    assert missing_rationales(result, {"14": "Monthly visits, child seen alone."}) == ["4"]


def round4_letters(data: dict) -> dict:
    """DOCUMENT as format_version 2 writes it (Round 4 Face Sheet letters)."""
    data["format_version"] = 2
    sheet = data["face_sheet"]
    for old, new in (("M2", "N2"), ("M1", "N1"), ("L", "M"), ("K", "L"), ("J", "K")):
        sheet[new] = sheet.pop(old)
    return data


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: None, set()),
        (lambda d: d["face_sheet"].update(K="NA"), {("face_sheet.K", "K-na-iff-in-home")}),
        (lambda d: d["face_sheet"].update(L="2022-01-01"), {("face_sheet.L", "K-before-L")}),
        (lambda d: d["face_sheet"].update(M="2022-01-01"), {("face_sheet.M", "I-before-M")}),
        (lambda d: d["face_sheet"].update(N2="ABANDONMENT"), {("face_sheet.N2", "N2-in-N1")}),
        (lambda d: d["face_sheet"].update(J="2022-11-03"), {("face_sheet.J", "unknown-code")}),
        (lambda d: d["face_sheet"].update(M1=["NEGLECT"]), {("face_sheet.M1", "unknown-code")}),
    ],
)
def test_format_version_2_uses_the_round_4_letters(change, expected):
    data = round4_letters(copy.deepcopy(DOCUMENT))
    change(data)
    doc, problems = read_document(data, INSTRUMENTS)
    problems += score_document(doc, ROUND4).problems
    assert {(p.code, p.rule) for p in problems} == expected


def test_a_format_version_1_document_reads_as_the_same_review_in_round_4_letters():
    old, problems = read_document(copy.deepcopy(DOCUMENT), INSTRUMENTS)
    new, new_problems = read_document(round4_letters(copy.deepcopy(DOCUMENT)), INSTRUMENTS)
    assert problems == new_problems == []
    assert old.face_sheet == new.face_sheet
    assert old.face_sheet["K"] == "2022-11-03" and old.face_sheet["N1"] == ["NEGLECT", "SUBSTANCE_ABUSE_PARENT"]


def test_an_unknown_format_version_is_refused():
    data = copy.deepcopy(DOCUMENT)
    data["format_version"] = 3
    _, problems = read_document(data, INSTRUMENTS)
    assert [str(p) for p in problems if p.code == "format_version"] == [
        "format_version: must be 1 or 2 [rule: format-version]"
    ]
