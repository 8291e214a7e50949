"""Data in two agencies (6ZA and 6ZB) for the scoping tests: reviews, a sample, computed metrics,
survey waves with responses, invitations and follow-up requests, an import run, and written quarterly
reports (drafts, one in review, published versions, the statewide draft).

Each piece of an agency's data carries a marker string (MARKS) that appears on a page only when the page
shows that data (a case id, a child id, a wave name, a comment, a contact's name, a follow-up e-mail),
so a test can tell "leaked" from "hidden" by reading the page. All data is synthetic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from accounts.models import STATE_AGENCY_CODE, Agency, Membership, Role, User
from metrics.dates import Month
from metrics.models import ImportRun, MetricRun
from reports import publishing
from reports.models import Report
from reports.quarterly import Quarter, Scope
from reviews.models import DualReview, Participant, QANote, Review, Sample, SampleCase
from surveys import sampling
from surveys.models import FollowUpRequest, Invitation, Survey, Wave
from tests.metrics.bundle import load
from tests.metrics.helpers import assignment
from tests.reviews_ui.helpers import complete_review
from tests.surveys.helpers import add_question, make_survey, make_wave, submitted_response

# Markers of each agency's data, and the capabilities whose holders (in that agency) may see them;
# a marker may show for any one of the listed capabilities.
MARKER_CAPABILITIES: dict[str, set[str]] = {
    "case": {"review.view"},  # case ids of the agency's reviews
    "child": {"metrics.view"},  # a child in the metric drill-down
    "wave": {"surveys.view", "surveys.manage"},  # a wave fielded to that agency only
    "comment": {"surveys.view"},  # free-text survey answers
    "printed": {"surveys.manage"},  # a contact reached on paper (the printable codes page)
    "invitee": {"surveys.manage"},  # a contact reached by e-mail
    "follow_up": {"surveys.follow_up"},  # a respondent asking to be contacted: e-mail and phone
    "phone": {"surveys.follow_up"},
    "report_words": {"report.view"},  # the team's text in a published version of the agency's report
    "draft_words": {"report.edit", "report.publish"},  # the team's text in a draft never published
}
MARKS: dict[str, dict[str, str]] = {
    code: {
        "case": f"CRAWL-{x}-",
        "child": f"KID{x}4471",
        "wave": f"Crawl wave of {code}",
        "comment": f"comment-from-{code}",
        "printed": f"Printed Person {code}",
        "invitee": f"invitee-{code.lower()}@example.org",
        "follow_up": f"follow-up-{code.lower()}@example.org",
        "phone": phone,
        "agency_name": name,  # as shown in agency pickers
        "report_words": f"Published words of {code}.",
        "draft_words": f"Draft words of {code}.",
    }
    for code, x, phone, name in (
        ("6ZA", "A", "573-555-0198", "Alliance Permanency Program"),
        ("6ZB", "B", "573-555-0199", "Permanency Partnership"),
    )
}
CASE_B, CHILD_B, WAVE_B, COMMENT_B = (MARKS["6ZB"][k] for k in ("case", "child", "wave", "comment"))
PRINTED_B, INVITEE_B, FOLLOW_UP_B, FOLLOW_UP_PHONE_B = (
    MARKS["6ZB"][k] for k in ("printed", "invitee", "follow_up", "phone")
)
AGENCY_NAME_B = MARKS["6ZB"]["agency_name"]

CONTACT_HEADER = "group,agency,name,email,phone,external_id\n"


@dataclass
class World:
    a: Agency
    b: Agency
    # reviews: *_qa in second-level QA (counted in summaries, open to QA actions), *_edit in progress
    review_a_qa: Review
    review_b_qa: Review
    review_a_edit: Review
    review_b_edit: Review
    note_b_qa: QANote
    note_b_edit: QANote
    participant_b: Participant
    sample: Sample
    sample_b: Sample  # 6ZB's cases only: a 6ZB QA reviewer may draw calibration cases from it
    dual_b: DualReview  # a 6ZB calibration case not started yet
    metric_run: MetricRun
    import_run: ImportRun
    survey: Survey
    wave_statewide: Wave
    wave_a: Wave
    wave_b: Wave
    follow_up_a: FollowUpRequest
    follow_up_b: FollowUpRequest
    invitation_b: Invitation
    # written reports (see _reports)
    report_a_published: Report
    report_b_published: Report
    report_b_reissued: Report
    report_b_draft: Report
    report_b_in_review: Report
    report_statewide: Report
    extra: dict = field(default_factory=dict)


def _reviews() -> dict:
    a_qa = complete_review(None, "CRAWL-A-1", "6ZA", Review.Status.SECOND_LEVEL_QA)
    b_qa = complete_review(None, "CRAWL-B-1", "6ZB", Review.Status.SECOND_LEVEL_QA)
    a_edit = complete_review(None, "CRAWL-A-2", "6ZA")
    b_edit = complete_review(None, "CRAWL-B-2", "6ZB")
    author = User.objects.create_user("crawl_qa_author")
    note_b_qa = QANote.objects.create(review=b_qa, question_code="14A", author=author, text="QA note on CRAWL-B-1")
    note_b_edit = QANote.objects.create(review=b_edit, question_code="14A", author=author, text="Note on CRAWL-B-2")
    participant_b = Participant.objects.create(review=b_edit, key="o9", role="OTHER", label="aunt")
    sample = Sample.objects.create(quarter="2023Q2", seed=7, site_circuits=[16], site_size=2)
    for order, review in enumerate((a_qa, b_qa), start=1):
        SampleCase.objects.create(sample=sample, case=review.case, stratum="circuit 16 / FOSTER_CARE", draw_order=order)
    sample_b = Sample.objects.create(quarter="2023Q3", seed=8, site_circuits=[16], site_size=1)
    SampleCase.objects.create(sample=sample_b, case=b_edit.case, stratum="circuit 16 / FOSTER_CARE", draw_order=1)
    dual_b = DualReview.objects.create(quarter="2023Q3", case=b_qa.case, marked_by=author)
    return {
        "review_a_qa": a_qa,
        "review_b_qa": b_qa,
        "review_a_edit": a_edit,
        "review_b_edit": b_edit,
        "note_b_qa": note_b_qa,
        "note_b_edit": note_b_edit,
        "participant_b": participant_b,
        "sample": sample,
        "sample_b": sample_b,
        "dual_b": dual_b,
    }


def _metrics(folder: Path) -> dict:
    from metrics.compute import compute

    episodes = [
        {"episode_id": "EPA", "child_id": "KIDA4471", "removal_date": "2023-01-01"},
        {"episode_id": "EPB", "child_id": CHILD_B, "removal_date": "2023-01-01"},
    ]
    assignments = [
        assignment("KIDA4471", "EPA", "6ZA", "2023-01-01"),
        assignment(CHILD_B, "EPB", "6ZB", "2023-01-01", county="29113"),
    ]
    visits = [
        {
            "visit_id": "V1",
            "child_id": "KIDA4471",
            "worker_id": "W-6ZA",
            "visit_date": "2023-07-03",
            "contact_mode": "IN_PERSON",
            "location": "CHILD_RESIDENCE",
            "status": "COMPLETED",
        }
    ]
    placements = [
        {"placement_id": f"P{ep['episode_id']}", "episode_id": ep["episode_id"], "setting_type": "FFH_NONREL"}
        | {"provider_id": f"H{n}", "start_date": "2023-01-01", "end_date": ""}
        for n, ep in enumerate(episodes)
    ]
    load(
        folder,
        removal_episodes=episodes,
        worker_assignments=assignments,
        worker_child_visits=visits,
        placements=placements,
    )
    run = compute(Month.parse("2023-07"), None, metrics=["worker_child_visits", "placement_stability"])
    import_run = ImportRun.objects.create(path=str(folder / "bundle.zip"), original_name="crawl.zip")
    return {"metric_run": run, "import_run": import_run}


def _surveys(a: Agency, b: Agency) -> dict:
    survey = make_survey("resource")
    visits = add_question(survey, "visits", tags=("worker_child_visits",))
    comment = add_question(survey, "comment", "long_text", page=2)
    statewide = make_wave(survey, name="Crawl statewide wave")
    wave_a = make_wave(survey, agency=a, name="Crawl wave of 6ZA")
    wave_b = make_wave(survey, agency=b, name=WAVE_B)
    # Five responses per cell, so no cell is suppressed (SURVEYS_MIN_CELL = 5).
    for wave, agency, code in ((statewide, a, "6ZA"), (statewide, b, "6ZB"), (wave_a, a, "6ZA"), (wave_b, b, "6ZB")):
        for i in range(5):
            submitted_response(wave, survey, agency, {visits: "agree", comment: f"comment-from-{code} {wave.pk}-{i}"})
    today = dt.date(2026, 2, 1)
    for wave, rows in (
        (
            statewide,
            "resource,6ZA,Printed Person 6ZA,,5735550101,\n"
            "resource,6ZA,Mailed Person 6ZA,invitee-6za@example.org,,\n"
            f"resource,6ZB,{PRINTED_B},,5735550102,\n"
            f"resource,6ZB,Mailed Person 6ZB,{INVITEE_B},,\n",
        ),
        (wave_a, "resource,6ZA,Printed Only 6ZA,,5735550103,\n"),
        (wave_b, f"resource,6ZB,{PRINTED_B} (wave),,5735550104,\n"),
    ):
        outcome = sampling.upload_contacts(wave, CONTACT_HEADER + rows, None, filename="crawl.csv", today=today)
        assert outcome.ok, outcome.errors
    follow_up_a = FollowUpRequest.objects.create(
        wave=statewide,
        agency=a,
        group="resource",
        name="Follow Up 6ZA",
        email=MARKS["6ZA"]["follow_up"],
        phone=MARKS["6ZA"]["phone"],
    )
    follow_up_b = FollowUpRequest.objects.create(
        wave=statewide,
        agency=b,
        group="resource",
        name="Follow Up 6ZB",
        email=FOLLOW_UP_B,
        phone=FOLLOW_UP_PHONE_B,
    )
    invitation_b = Invitation.objects.get(wave=statewide, contact__email=INVITEE_B)
    return {
        "survey": survey,
        "wave_statewide": statewide,
        "wave_a": wave_a,
        "wave_b": wave_b,
        "follow_up_a": follow_up_a,
        "follow_up_b": follow_up_b,
        "invitation_b": invitation_b,
    }


def _reports(a: Agency, b: Agency) -> dict:
    """Written reports taken through reports.publishing by the people who would: each agency's
    supervisor drafts, a second supervisor publishes, CD staff draft the statewide report.

    - 6ZA 2023Q3 and 6ZB 2022Q4: published (version 1), their text MARKS[code]["report_words"];
    - 6ZB 2023Q3: published (version 1, "report_words"), then re-issued: a draft of version 2 with
      "draft_words" is open beside it;
    - 6ZB 2023Q2: a draft never published ("draft_words"): only its editors know it exists;
    - 6ZB 2023Q1: in review (submitted, not published);
    - statewide 2023Q3: a draft.
    """

    def supervisor(username: str, agency: Agency) -> User:
        user = User.objects.create_user(username, first_name="Crawl", last_name=username.title())
        Membership.objects.create(user=user, agency=agency, role=Role.SUPERVISOR)
        return user

    cd = Agency.objects.get(code=STATE_AGENCY_CODE)
    editors = {
        code: supervisor(f"crawl_report_editor_{code.lower()}", agency) for code, agency in (("6ZA", a), ("6ZB", b))
    }
    publishers = {
        code: supervisor(f"crawl_report_publisher_{code.lower()}", agency) for code, agency in (("6ZA", a), ("6ZB", b))
    }
    q1, q2, q3 = (Quarter(2023, n) for n in (1, 2, 3))
    q4_2022 = Quarter(2022, 4)

    def draft(code: str, agency: Agency, quarter: Quarter, words: str) -> Report:
        report = publishing.start(editors[code], quarter, Scope(agency))
        publishing.edit(report, editors[code], {"introduction": words})
        return report

    def published(code: str, agency: Agency, quarter: Quarter) -> Report:
        report = draft(code, agency, quarter, MARKS[code]["report_words"])
        publishing.publish(publishing.submit(report, editors[code]), publishers[code])
        return Report.objects.get(pk=report.pk)

    report_a = published("6ZA", a, q3)
    report_b_published = published("6ZB", b, q4_2022)
    report_b = published("6ZB", b, q3)
    publishing.reissue(report_b, editors["6ZB"], "Figures corrected after a recompute.")
    publishing.edit(report_b, editors["6ZB"], {"introduction": MARKS["6ZB"]["draft_words"]})
    report_b_draft = draft("6ZB", b, q2, MARKS["6ZB"]["draft_words"])
    report_b_in_review = publishing.submit(draft("6ZB", b, q1, MARKS["6ZB"]["draft_words"]), editors["6ZB"])
    statewide = publishing.start(supervisor("crawl_report_editor_cd", cd), q3, Scope(None))
    return {
        "report_a_published": report_a,
        "report_b_published": report_b_published,
        "report_b_reissued": Report.objects.get(pk=report_b.pk),
        "report_b_draft": Report.objects.get(pk=report_b_draft.pk),
        "report_b_in_review": Report.objects.get(pk=report_b_in_review.pk),
        "report_statewide": statewide,
    }


def build_world(folder: Path) -> World:
    a, b = Agency.objects.get(code="6ZA"), Agency.objects.get(code="6ZB")
    return World(a=a, b=b, **_reviews(), **_metrics(folder), **_surveys(a, b), **_reports(a, b))


def assign(world: World, users: list[User]) -> None:
    """Assign everyone to the in-progress reviews, so only the capability decides who may change them."""
    for review in (world.review_a_edit, world.review_b_edit):
        review.reviewers.add(*users)
