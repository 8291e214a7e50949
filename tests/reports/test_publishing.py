"""Drafting, reviewing and publishing the written report: roles, the two-person rule, frozen versions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import AuditEntry
from reports import publishing, versions
from reports.models import Report, ReportVersion
from reports.quarterly import Quarter, Scope, resolve_scope
from tests.reports import helpers as h

Q3 = Quarter(2023, 3)
URL = "/reports/quarterly/2023Q3/{scope}/"


@pytest.fixture
def analyst(make_user):
    return make_user("state_analyst", ("supervisor", "CD"))


def statewide(user):
    return publishing.start(user, Q3, resolve_scope(user, "all"))


def visits_quarter(snapshot):
    measure = next(m for m in snapshot["report"]["measures"] if m["code"] == "worker_child_visits")
    return measure["metrics"][0]["quarter"]["value"]


# --- who may --------------------------------------------------------------------------------


def test_state_staff_start_the_statewide_draft_with_the_default_texts(q3, personas):
    report = statewide(personas.state_supervisor)
    assert (report.quarter, report.agency, report.status) == ("2023Q3", None, "draft")
    assert "Section 210.112 RSMo" in report.texts["introduction"]
    # the next period (October–December 2023) is due at its end plus three months and a day
    assert (report.texts["next_period"], report.texts["next_due"]) == ("2023Q4", "2024-04-01")
    assert "October–December 2023" in report.texts["conclusion"] and "April 1, 2024" in report.texts["conclusion"]
    assert statewide(personas.state_supervisor).pk == report.pk  # one report per quarter and scope
    assert AuditEntry.objects.filter(action="reports.report.created", object_id=str(report.pk)).count() == 1


@pytest.mark.parametrize("persona", ["supervisor_a", "admin_a"])
def test_an_agency_supervisor_or_administrator_drafts_the_agency_report(q3, personas, persona):
    user = getattr(personas, persona)
    report = publishing.start(user, Q3, resolve_scope(user, "6ZA"))
    assert report.agency.code == "6ZA"


@pytest.mark.parametrize(
    "persona, scope",
    [
        ("viewer_a", "6ZA"),  # report.view, not report.edit
        ("reviewer_a", "6ZA"),
        ("qa_a", "6ZA"),
        ("supervisor_a", "6ZB"),  # another agency
        ("supervisor_a", "all"),  # statewide is CD's
        ("admin_a", "all"),
    ],
)
def test_others_may_not_draft(q3, personas, agency, persona, scope):
    user = getattr(personas, persona)
    where = Scope(None) if scope == "all" else Scope(agency(scope))
    with pytest.raises(PermissionDenied):
        publishing.start(user, Q3, where)
    assert not Report.objects.exists()


def test_a_role_counts_only_in_the_agency_where_it_is_held(q3, make_user, agency):
    mixed = make_user("mixed", ("supervisor", "6ZA"), ("agency_viewer", "6ZB"))
    publishing.start(mixed, Q3, Scope(agency("6ZA")))
    with pytest.raises(PermissionDenied):
        publishing.start(mixed, Q3, Scope(agency("6ZB")))


# --- editing ------------------------------------------------------------------------------------


def test_edits_are_saved_and_audited_with_old_and_new_text(q3, personas):
    report = statewide(personas.state_supervisor)
    changed = publishing.edit(
        report,
        personas.state_admin,
        {
            "successes": "- New dashboard for supervisors\n\n• Staffing stable",
            "commentary": {"worker_child_visits": "August dipped: two workers left."},
        },
    )
    assert changed == ["commentary.worker_child_visits", "successes"]
    report.refresh_from_db()
    assert report.texts["successes"] == ["New dashboard for supervisors", "Staffing stable"]
    assert report.last_edited_by == personas.state_admin
    entry = AuditEntry.objects.get(action="reports.report.edited")
    assert entry.data["changes"]["commentary.worker_child_visits"] == {
        "old": "",
        "new": "August dipped: two workers left.",
    }


def test_bad_input_names_each_field_and_saves_nothing(q3, personas):
    report = statewide(personas.state_supervisor)
    before = dict(report.texts)
    with pytest.raises(publishing.PublishingError) as refused:
        publishing.edit(
            report,
            personas.state_supervisor,
            {"next_due": "2023-09-01", "commentary": {"visit_frequency": "x"}, "introduction": "New"},
        )
    message = str(refused.value)
    assert "next_due: the next publication date must come after the reporting quarter" in message
    assert "commentary: 'visit_frequency' is not a measure of the report" in message
    report.refresh_from_db()
    assert report.texts == before


def test_only_a_draft_can_be_edited(q3, personas):
    report = publishing.submit(statewide(personas.state_supervisor), personas.state_supervisor)
    with pytest.raises(publishing.PublishingError, match="only a draft can be edited"):
        publishing.edit(report, personas.state_supervisor, {"introduction": "late change"})


# --- the two-person rule and frozen versions -------------------------------------------------------


def test_publishing_needs_a_second_person(q3, personas, analyst):
    report = statewide(personas.state_supervisor)
    publishing.edit(report, personas.state_supervisor, {"commentary": {"worker_child_visits": "Our note."}})
    report = publishing.submit(report, personas.state_supervisor)
    with pytest.raises(publishing.PublishingError, match="needs a second person"):
        publishing.publish(report, personas.state_supervisor)
    with pytest.raises(PermissionDenied):
        publishing.publish(report, personas.viewer_a)
    with pytest.raises(PermissionDenied):  # an agency supervisor may not publish the statewide report
        publishing.publish(report, personas.supervisor_a)
    version = publishing.publish(report, analyst)
    assert (version.number, version.published_by, version.edited_by) == (1, analyst, personas.state_supervisor)
    assert version.snapshot["report"]["status"] == "published" and version.snapshot["report"]["version"] == 1
    assert version.snapshot["texts"]["commentary"] == {"worker_child_visits": "Our note."}
    report.refresh_from_db()
    assert report.status == "published" and report.review_snapshot is None
    actions = list(AuditEntry.objects.filter(object_id=str(report.pk)).values_list("action", flat=True))
    assert {"reports.report.submitted", "reports.report.published"} <= set(actions)


def test_a_published_version_is_unchanged_by_recomputes_new_reviews_and_new_answers(q3, personas, analyst):
    report = publishing.submit(statewide(personas.state_supervisor), personas.state_supervisor)
    version = publishing.publish(report, analyst)
    frozen = ReportVersion.objects.get(pk=version.pk).snapshot
    assert visits_quarter(frozen) == "91.4"
    # a later computation of the current extract, a new approved review and new survey answers
    rerun = h.make_run(q3.run.extract)
    h.result(rerun, "worker_child_visits", "2023-Q3", "MO", 69, 70, "98.6", meets=True, dimension="STATE")
    h.rated_review("6ZB", "finalized", "2023-09-15", {"14": "STRENGTH"})
    h.answers(q3.wave, q3.youth, q3.visits, "6ZA", "2023-09-20", "disagree", "disagree")
    assert ReportVersion.objects.get(pk=version.pk).snapshot == frozen
    live = publishing.snapshot_for(Report.objects.get(pk=report.pk), personas.state_supervisor)
    assert live == frozen  # a published report shows its frozen version, not the new figures
    # re-issuing reads the new figures; version 1 stays as it was
    report = publishing.reissue(
        Report.objects.get(pk=report.pk), personas.state_supervisor, "Recomputed after a correction"
    )
    draft = publishing.snapshot_for(report, personas.state_supervisor)
    assert visits_quarter(draft) == "98.6"
    report = publishing.submit(report, personas.state_supervisor)
    second = publishing.publish(report, analyst)
    assert (second.number, second.reason) == (2, "Recomputed after a correction")
    assert visits_quarter(ReportVersion.objects.get(report=report, number=1).snapshot) == "91.4"
    comparison = versions.compare(frozen, second.snapshot)
    assert ("Worker/child visits", "Worker/child visits", "Statewide", "quarter") in {
        (f.measure, f.indicator, f.whose, f.period) for f in comparison.figures
    }
    changed = next(
        f
        for f in comparison.figures
        if (f.whose, f.period, f.indicator) == ("Statewide", "quarter", "Worker/child visits")
    )
    assert (changed.old, changed.new) == ("91.4% (64 / 70), goal not met", "98.6% (69 / 70), meets the goal")
    assert any("Item 14" == f.indicator for f in comparison.figures)


def test_the_review_snapshot_is_what_gets_published(q3, personas, analyst):
    report = publishing.submit(statewide(personas.state_supervisor), personas.state_supervisor)
    h.result(h.make_run(q3.run.extract), "worker_child_visits", "2023-Q3", "MO", 1, 70, "1.4", dimension="STATE")
    version = publishing.publish(report, analyst)
    assert visits_quarter(version.snapshot) == "91.4"  # as reviewed, not as recomputed since


def test_reissuing_needs_a_reason_and_returning_to_draft_unfreezes(q3, personas, analyst):
    report = publishing.submit(statewide(personas.state_supervisor), personas.state_supervisor)
    report = publishing.return_to_draft(report, analyst, "Add the commentary on visits")
    assert (report.status, report.review_snapshot) == ("draft", None)
    report = publishing.submit(report, personas.state_supervisor)
    publishing.publish(report, analyst)
    with pytest.raises(publishing.PublishingError, match="Say why"):
        publishing.reissue(Report.objects.get(pk=report.pk), personas.state_supervisor, "  ")
    with pytest.raises(publishing.PublishingError, match="Only a report in review can be published"):
        publishing.publish(Report.objects.get(pk=report.pk), analyst)


# --- the pages ------------------------------------------------------------------------------


def test_the_draft_page_shows_the_sentences_and_saves_commentary(q3, personas, client_for):
    client = client_for(personas.state_supervisor)
    assert b"Start the draft" in client.get(URL.format(scope="all")).content
    client.post(URL.format(scope="all") + "start/")
    page = client.get(URL.format(scope="all")).content.decode()
    assert "the goal for worker/child visits (at least 95.0%) was met in July (96.7%)" in page
    assert 'id="t-worker_child_visits-worker_child_visits"' in page
    response = client.post(
        URL.format(scope="all") + "commentary/", {"measure": "worker_child_visits", "commentary": "Two workers left."}
    )
    assert response.status_code == 302
    assert "Two workers left." in client.get(URL.format(scope="all")).content.decode()


def test_pages_refuse_those_who_may_not_see_them(q3, personas, client_for, analyst):
    state = client_for(personas.state_supervisor)
    state.post(URL.format(scope="all") + "start/")
    # an agency viewer sees nothing of an unpublished report; another agency's is not disclosed
    assert client_for(personas.viewer_a).get(URL.format(scope="6ZA")).status_code == 404
    assert client_for(personas.supervisor_b).get(URL.format(scope="6ZA")).status_code == 404
    assert client_for(personas.supervisor_a).get(URL.format(scope="all")).status_code == 403
    assert client_for(personas.reviewer_a).get(URL.format(scope="6ZA")).status_code == 403
    # agency staff cannot act on the statewide report
    assert client_for(personas.supervisor_a).post(URL.format(scope="all") + "submit/").status_code == 403
    assert (
        client_for(personas.supervisor_a).post(URL.format(scope="all") + "commentary/", {"measure": "x"}).status_code
        == 403
    )
    assert Report.objects.get().status == "draft"
    # the last editor is told to find a second person, and the step is refused
    state.post(URL.format(scope="all") + "submit/")
    page = state.post(URL.format(scope="all") + "publish/", follow=True).content.decode()
    assert "Publishing needs a second person" in page
    assert not ReportVersion.objects.exists()
    client_for(analyst).post(URL.format(scope="all") + "publish/")
    assert ReportVersion.objects.get().number == 1


def test_a_viewer_reads_and_downloads_only_the_published_version(q3, personas, client_for, make_user):
    second = make_user("admin_a2", ("administrator", "6ZA"))
    report = publishing.start(personas.supervisor_a, Q3, resolve_scope(personas.supervisor_a, "6ZA"))
    publishing.edit(report, personas.supervisor_a, {"introduction": "Our agency's report."})
    publishing.submit(report, personas.supervisor_a)
    viewer = client_for(personas.viewer_a)
    assert viewer.get(URL.format(scope="6ZA") + "report.json").status_code == 404
    publishing.publish(Report.objects.get(pk=report.pk), second)
    response = viewer.get(URL.format(scope="6ZA"))
    assert response.status_code == 302 and response.url.endswith("/v1/")
    assert "Our agency&#x27;s report." in viewer.get(response.url).content.decode()
    download = viewer.get(URL.format(scope="6ZA") + "report.json")
    assert download.status_code == 200 and b'"status": "published"' in download.content
    assert AuditEntry.objects.filter(action="reports.report.downloaded", user=personas.viewer_a).count() == 1
    assert client_for(personas.viewer_b).get(URL.format(scope="6ZA") + "v1/").status_code == 404


def test_a_step_on_a_draft_never_published_does_not_disclose_it(q3, personas, client_for, make_user):
    """To a reader without report.edit, a draft never published does not exist: 404 for a step on it
    as for reading it; once a version is published the report is visible, and a step is refused (403)."""
    second = make_user("admin_a2", ("administrator", "6ZA"))
    report = publishing.start(personas.supervisor_a, Q3, resolve_scope(personas.supervisor_a, "6ZA"))
    viewer = client_for(personas.viewer_a)
    steps = {
        "texts/": {"introduction": "A viewer's text."},
        "commentary/": {"measure": "worker_child_visits", "commentary": "A viewer's note."},
        "submit/": {},
        "return/": {"note": "no"},
        "publish/": {},
        "reissue/": {"reason": "no"},
    }
    for step, data in steps.items():
        assert viewer.post(URL.format(scope="6ZA") + step, data).status_code == 404, step
    assert viewer.get(URL.format(scope="6ZA")).status_code == 404
    publishing.publish(publishing.submit(report, personas.supervisor_a), second)
    for step, data in steps.items():
        assert viewer.post(URL.format(scope="6ZA") + step, data).status_code == 403, step
    report.refresh_from_db()
    assert (report.status, report.versions.count()) == ("published", 1)
    assert "A viewer" not in str(report.texts)


def test_the_list_of_written_reports_refuses_those_without_report_view(q3, personas, client_for):
    assert client_for(personas.reviewer_a).get("/reports/written/").status_code == 403
    assert client_for(personas.qa_a).get("/reports/written/").status_code == 403
    assert client_for(personas.viewer_a).get("/reports/written/").status_code == 200


def test_the_picker_asks_for_report_view_before_reading_the_quarter(q3, personas, client_for):
    reviewer = client_for(personas.reviewer_a)
    assert reviewer.get("/reports/written/open/", {"quarter": "nonsense", "agency": "6ZA"}).status_code == 403
    supervisor = client_for(personas.supervisor_a)
    response = supervisor.get("/reports/written/open/", {"quarter": "nonsense", "agency": "6ZA"})
    assert response.status_code == 302 and response.url == "/reports/written/"
