"""Migration osri_r4_corrections (0005): stored reviews take the Round 4 corrections (issue 12), and give them back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader


def _nodes():
    """The correction migration and the one before it, found by name (robust to renumbering)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    (after,) = [node for node in graph.nodes if node[0] == "reviews" and node[1].endswith("_osri_r4_corrections")]
    (before,) = [parent for parent in graph.node_map[after].parents if parent.key[0] == "reviews"]
    return [before.key], [after], graph.leaf_nodes()


BEFORE, AFTER, LATEST = _nodes()


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_osri_r4_corrections_reletters_the_face_sheet_and_clears_the_na_answers_round_4_does_not_have():
    apps = migrate(BEFORE)
    Agency = apps.get_model("accounts", "Agency")
    Case = apps.get_model("reviews", "Case")
    Review = apps.get_model("reviews", "Review")
    Participant = apps.get_model("reviews", "Participant")
    Answer = apps.get_model("reviews", "Answer")
    agency = Agency.objects.get(code="6ZA")
    fc = Review.objects.create(
        case=Case.objects.create(case_id="MIG-FC", agency=agency, case_type="FOSTER_CARE"),
        pur_start="2023-04-01",
        face_sheet={
            "C_start": "2023-04-01",
            "G": "FOSTER_CARE",
            "J": "2022-11-03",
            "K": "NOT_YET_DISCHARGED",
            "L": "NOT_CLOSED_BY_REVIEW",
            "M1": ["NEGLECT"],
            "M2": "NEGLECT",
        },
    )
    ih = Review.objects.create(
        case=Case.objects.create(case_id="MIG-IH", agency=agency, case_type="IN_HOME"),
        pur_start="2023-04-01",
        face_sheet={"G": "IN_HOME", "J": "NA"},
    )
    f1 = Participant.objects.create(review=fc, key="f1", role="FATHER")
    f2 = Participant.objects.create(review=fc, key="f2", role="FATHER")
    rows = [
        (fc, "8A1", None, "NA", ""),  # mother not applicable; 8A was left to the instrument
        (fc, "8B1", f1, "NA", ""),
        (fc, "8B", f1, None, "Legal father not involved."),  # narrative only: the value comes from 8B1
        (fc, "8B1", f2, "WEEKLY", ""),
        (fc, "8B", f2, "YES", ""),
        (fc, "14A1", None, "NA", "Seen at school."),
        (fc, "3E", None, "NA", ""),
        (fc, "3F", None, "NO", ""),
        (ih, "3E", None, "NA", ""),  # not asked in in-home cases: stays
        (ih, "14A1", None, "WEEKLY", ""),
    ]
    for review, code, person, value, narrative in rows:
        Answer.objects.create(review=review, question_code=code, participant=person, value=value, narrative=narrative)

    apps = migrate(AFTER)
    Review = apps.get_model("reviews", "Review")
    Answer = apps.get_model("reviews", "Answer")
    assert Review.objects.get(case__case_id="MIG-FC").face_sheet == {
        "C_start": "2023-04-01",
        "G": "FOSTER_CARE",
        "K": "2022-11-03",
        "L": "NOT_YET_DISCHARGED",
        "M": "NOT_CLOSED_BY_REVIEW",
        "N1": ["NEGLECT"],
        "N2": "NEGLECT",
    }
    assert Review.objects.get(case__case_id="MIG-IH").face_sheet == {"G": "IN_HOME", "K": "NA"}

    def stored(case_id):
        return {
            (a.question_code, a.participant.key if a.participant_id else ""): (a.value, a.narrative)
            for a in Answer.objects.filter(review__case__case_id=case_id).select_related("participant")
        }

    assert stored("MIG-FC") == {
        ("8A", ""): ("NA", ""),
        ("8B", "f1"): ("NA", "Legal father not involved."),
        ("8B1", "f2"): ("WEEKLY", ""),
        ("8B", "f2"): ("YES", ""),
        ("14A1", ""): (None, "Seen at school."),
        ("3E", ""): ("NO", ""),
        ("3E1", ""): (["NO_CONCERNS"], ""),
        ("3F", ""): ("NO", ""),
    }
    assert stored("MIG-IH") == {("3E", ""): ("NA", ""), ("14A1", ""): ("WEEKLY", "")}

    # Backwards: the draft letters come back and the options the older rules do not know go.
    fc = Review.objects.get(case__case_id="MIG-FC")
    Answer.objects.create(review=fc, question_code="12B2NA", value="DECEASED")
    Answer.objects.create(
        review=fc,
        question_code="4A1",
        value=[
            {"placement_date": "2023-01-01", "placement_type": "GROUP_HOME", "change_reason": "NA_CURRENT_PLACEMENT"}
        ],
    )
    apps = migrate(BEFORE)
    Review = apps.get_model("reviews", "Review")
    Answer = apps.get_model("reviews", "Answer")
    assert Review.objects.get(case__case_id="MIG-FC").face_sheet["J"] == "2022-11-03"
    codes = dict(
        Answer.objects.filter(review__case__case_id="MIG-FC", participant=None).values_list("question_code", "value")
    )
    assert "3E1" not in codes and "12B2NA" not in codes
    assert codes["4A1"] == [{"placement_date": "2023-01-01", "placement_type": "GROUP_HOME"}]
    migrate(LATEST)
