"""Every URL pattern x every persona (single-agency, multi-agency, state, anonymous), against data in
6ZA and 6ZB: refused where the persona may not, and never showing an agency's data the persona may
not see there.

The table PROBES names, for each URL pattern of the project, the requests made (path parameters
filled with 6ZB objects, and some with 6ZA objects), what the view checks, and which data appear on
the page when allowed. `test_the_table_covers_every_url_pattern` fails when a pattern is added
without a probe, so the crawl stays complete. Django admin patterns (staff accounts only, not
agency-scoped) are crawled separately.

Expected answers come from the persona's memberships and the role -> capability table alone:
- 403 when the page needs a capability the persona holds in no agency, or statewide and it is not;
- 404 when the object in the path belongs to an agency where the persona lacks the capability that
  finds it (its existence is not disclosed);
- for an agency named in the URL: 404 when the persona holds no role there, 403 when their roles
  there lack the capability;
- 403 for an action (QA note, override, answer ...) on a visible object without the capability
  in its agency.
When allowed, a page shows an agency's markers (tests/accounts/world.py) exactly when the persona
holds the page's capability in that agency. Across all responses, an agency's marker never appears
for a persona holding none of the capabilities that show it there. Refused POSTs leave every 6ZB
row as it was. Each request runs in a savepoint that is rolled back, so every request sees the same
data.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import STATE_AGENCY_CODE, Membership, User
from accounts.scoping import CAPABILITIES
from metrics.models import MetricResult
from reports.models import PreparedFile, RenderedFile, Report, ReportVersion
from reviews.models import Answer as ReviewAnswer
from reviews.models import Case, ItemRating, Participant, QANote, Review, SampleCase
from surveys.models import ContactUpload, FollowUpRequest, Invitation, Wave
from tests.accounts import world as w
from tests.accounts.world import World

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
AGENCIES = ("6ZA", "6ZB")


@dataclass(frozen=True)
class Probe:
    """One request and what the view checks, in the view's order."""

    name: str  # URL name
    args: Callable[[World], list] = lambda _: []
    query: Callable[[World], dict] = lambda _: {}
    method: str = "GET"
    data: Callable[[World], dict] | None = None
    owner: str = "6ZB"  # the agency whose object or name is in the path / query
    require: str | None = None  # needed in some agency, else 403
    statewide: str | None = None  # needed statewide (a CD role), else 403
    fetch: str | None = None  # needed in `owner` to find the object, else 404
    agency: str | None = None  # the URL names `owner`: 404 without a role there, 403 without this
    act: str | None = None  # needed in `owner` for the action, else `act_refused`
    act_refused: int = 403
    act_any: tuple[str, ...] = ()  # any one of these in `owner` for the action, else `act_refused`
    ok: tuple[int, ...] = (200,)
    markers: tuple[str, ...] = ()  # an agency's data ("{case}", ">{code}<"), shown iff `shows` is held there
    shows: str | None = None  # defaults to require / fetch / agency
    public: bool = False  # no login needed
    anonymous_ok: tuple[int, ...] = ()  # statuses for anonymous users on public pages
    signed_out: tuple[int, ...] = (302,)  # anonymous users on other pages: to the login page (the API: 401)


def upload(rows: str) -> Callable[[World], dict]:
    return lambda _: {"file": SimpleUploadedFile("contacts.csv", (w.CONTACT_HEADER + rows).encode())}


def version(review_attr: str) -> Callable[[World], int]:
    return lambda world: Review.objects.get(pk=getattr(world, review_attr).pk).version


def written(quarter: str, scope: str = "6ZB", *rest) -> Callable[[World], list]:
    """The path parameters of a written report's URL: quarter, scope ("all" = statewide), then the rest."""
    return lambda _: [quarter, scope, *rest]


def prepared_b_draft(fmt: str) -> Callable[[World], list]:
    """6ZB's 2023Q2 draft (never published) with a `fmt` file prepared in the background (done, from
    a snapshot no persona has: the file URL sends everyone to the download, which starts nothing here)."""

    def args(world: World) -> list:
        now = timezone.now()
        PreparedFile.objects.update_or_create(
            report=world.report_b_draft,
            format=fmt,
            defaults={"digest": "crawl", "snapshot": {}, "status": "done", "content": b"%PDF-crawl",
                      "created_at": now, "finished_at": now},
        )  # fmt: skip
        return ["2023Q2", "6ZB", fmt]

    return args


def b_metric_result(_world: World) -> list[int]:
    """A 6ZB agency row of the crawl's metric run (the API's one-result URL)."""
    return [MetricResult.objects.filter(dimension="AGENCY", key="6ZB").values_list("pk", flat=True).first()]


def api(name: str, **kwargs) -> Probe:
    """A read API probe: JSON (compact: "key":"6ZB"), 401 without a sign-in instead of the login page."""
    return Probe(f"api:{name}", signed_out=(401,), **kwargs)


B_QA = lambda world: [world.review_b_qa.pk]  # noqa: E731 - a table of lambdas reads better
B_EDIT = lambda world: [world.review_b_edit.pk]  # noqa: E731

PROBES: list[Probe] = [
    # --- accounts -------------------------------------------------------------------------
    Probe("home"),
    Probe("favicon", public=True, ok=(301,), anonymous_ok=(301,)),  # to the vendored icon
    Probe("login", public=True, ok=(302,), anonymous_ok=(200,)),
    Probe("logout", public=True, ok=(405,), anonymous_ok=(405,)),  # POST only; not posted: it would log out
    Probe("password_change"),
    Probe("password_change_done"),
    Probe("password_reset", public=True, anonymous_ok=(200,)),
    Probe("password_reset_done", public=True, anonymous_ok=(200,)),
    Probe("password_reset_confirm", args=lambda _: ["MQ", "bad-token"], public=True, anonymous_ok=(200,)),
    Probe("password_reset_complete", public=True, anonymous_ok=(200,)),
    Probe("profile"),
    # the API token on the profile page (POST; the new token is shown on the answer)
    Probe("api_token_create", method="POST", ok=(200,)),
    Probe("api_token_revoke", method="POST", ok=(302,)),
    # --- reviews: lists, summaries ---------------------------------------------------------
    Probe("reviews:case_list", require="review.view", markers=("{case}",)),
    Probe("reviews:review_list", require="review.view", markers=("{case}",)),
    Probe("reviews:qa_queue", require="review.qa", markers=("{case}",)),
    Probe("reviews:sample_list", require="review.sample", markers=("{case}",)),
    # calibration: the page lists the calibration and sample cases of the agencies where one does QA
    Probe("reviews:calibration", require="review.qa", markers=("{case}",)),
    Probe(
        "reviews:calibration_draw",
        method="POST",
        data=lambda world: {"sample": world.sample_b.pk, "count": "1", "seed": "5"},
        require="review.qa",
        act="review.qa",  # in every agency of the sample's cases (6ZB)
        ok=(302,),
    ),
    Probe(
        "reviews:calibration_mark",
        method="POST",
        data=lambda world: {"entry": world.sample_b.cases.get().pk},
        require="review.qa",
        fetch="review.qa",
        ok=(302,),
    ),
    Probe(
        "reviews:calibration_start",
        args=lambda world: [world.dual_b.pk],
        method="POST",
        data=lambda world: {"first": "0", "second": "0", "pur_start": "2023-04-01"},
        require="review.qa",
        fetch="review.qa",
        ok=(302,),  # no reviewers chosen: refused with a message, nothing started
    ),
    Probe(
        "reviews:calibration_reconcile",
        args=lambda world: [world.dual_b.pk],
        require="review.qa",
        fetch="review.qa",
        ok=(302,),  # not started: back to the calibration page with a message
    ),
    # agreement: QA reviewers and supervisors, one agency (named in the query) or statewide
    Probe("reviews:agreement", require="review.agreement", markers=(">{code}<",)),
    Probe(
        "reviews:agreement",
        query=lambda _: {"agency": "6ZB", "period": "2023Q3"},
        require="review.agreement",
        agency="review.agreement",
        markers=(">{code}<",),
    ),
    *[
        Probe(
            "reviews:agreement_export",
            args=lambda _, f=fmt: [f],
            query=lambda _: {"agency": "6ZB", "period": "2023Q3"},
            require="review.agreement",
            agency="review.agreement",
        )
        for fmt in ("csv", "xlsx")
    ],
    # a reviewer's own disagreement record: nobody else's
    Probe("reviews:my_agreement", require="review.edit"),
    Probe("reviews:instrument", require="review.view"),
    Probe("reviews:summary", query=lambda _: {"group_by": "agency"}, require="report.view", markers=(">{code}<",)),
    Probe("reviews:summary", query=lambda _: {"agency": "6ZB"}, require="report.view", markers=(">{code}<",)),
    *[
        Probe(
            "reviews:summary_export",
            args=lambda _, t=table: [t, "csv"],
            query=lambda _: {"group_by": "agency"},
            require="report.view",
            markers=("{code}",) if table in ("items", "outcomes") else (),
        )
        for table in ("items", "outcomes", "parents", "ani")
    ],
    Probe(
        "reviews:summary_export",
        args=lambda _: ["items", "xlsx"],
        query=lambda _: {"group_by": "agency"},
        require="report.view",
        markers=("{code}",),
    ),
    Probe(
        "reviews:summary_drill",
        query=lambda _: {"item": "14", "measure": "applicable"},
        require="report.view",
        markers=("{case}",),
    ),
    # --- reviews: one review (6ZB objects, and a 6ZA one) ----------------------------------
    Probe("reviews:review_detail", args=B_QA, fetch="review.view", markers=("{case}",)),
    Probe("reviews:review_detail", args=lambda world: [world.review_a_qa.pk], owner="6ZA", fetch="review.view"),
    Probe("reviews:face_sheet", args=B_EDIT, fetch="review.view", markers=("{case}",)),
    Probe("reviews:item", args=lambda world: [world.review_b_edit.pk, "14"], fetch="review.view", markers=("{case}",)),
    Probe("reviews:item", args=lambda world: [world.review_a_edit.pk, "14"], owner="6ZA", fetch="review.view"),
    Probe(
        "reviews:review_create",
        args=lambda world: [world.review_b_edit.case.pk],
        fetch="review.view",
        act="review.edit",
        markers=("{case}",),
    ),
    Probe(
        "reviews:review_create",
        args=lambda world: [world.review_b_edit.case.pk],
        method="POST",
        data=lambda _: {"pur_start": "2023-10-01"},
        fetch="review.view",
        act="review.edit",
        ok=(200, 302),
    ),
    Probe(
        "reviews:face_sheet_save",
        args=B_EDIT,
        method="POST",
        data=lambda world: {"code": "A", "value": "Changed", "version": version("review_b_edit")(world)},
        fetch="review.view",
        act="review.edit",
    ),
    Probe(
        "reviews:participant_add",
        args=B_EDIT,
        method="POST",
        data=lambda _: {"role": "OTHER", "label": "uncle"},
        fetch="review.view",
        act="review.edit",
        ok=(302,),
    ),
    Probe(
        "reviews:participant_remove",
        args=lambda world: [world.review_b_edit.pk, world.participant_b.pk],
        method="POST",
        fetch="review.view",
        act="review.edit",
        ok=(200,),  # without "confirm": the confirmation page, nothing removed
    ),
    Probe(
        "reviews:participant_remove",
        args=lambda world: [world.review_b_edit.pk, world.participant_b.pk],
        fetch="review.view",
        act="review.edit",
        markers=("{case}",),  # the confirmation page
    ),
    Probe(
        "reviews:participant_remove",
        args=lambda world: [world.review_b_edit.pk, world.participant_b.pk],
        method="POST",
        data=lambda world: {"confirm": "1", "version": version("review_b_edit")(world)},
        fetch="review.view",
        act="review.edit",
        ok=(302,),
    ),
    Probe(
        "reviews:participant_edit",
        args=lambda world: [world.review_b_edit.pk, world.participant_b.pk],
        method="POST",
        data=lambda world: {f"p{world.participant_b.pk}-label": "Crawl changed label"},
        fetch="review.view",
        act="review.edit",
        ok=(302,),
    ),
    Probe("reviews:review_print", args=B_QA, fetch="review.view", markers=("{case}",)),
    Probe("reviews:review_json", args=B_QA, fetch="review.view", markers=("{case}",)),
    Probe("reviews:review_pdf", args=B_QA, fetch="review.view"),
    Probe(
        "reviews:answer",
        args=B_EDIT,
        method="POST",
        data=lambda world: {"code": "14A", "q14A-case-value": "NO", "version": version("review_b_edit")(world)},
        fetch="review.view",
        act="review.edit",
    ),
    Probe(
        "reviews:narrative",
        args=B_EDIT,
        method="POST",
        data=lambda world: {
            "code": "14A",
            "narrative-14A": "A changed narrative.",
            "version": version("review_b_edit")(world),
        },
        fetch="review.view",
        act="review.edit",
    ),
    Probe(
        "reviews:transition",
        args=B_EDIT,
        method="POST",
        data=lambda _: {"action": "submit"},
        fetch="review.view",
        act="review.submit",
        ok=(302,),
    ),
    Probe(
        "reviews:transition",
        args=B_QA,
        method="POST",
        data=lambda _: {"action": "return", "note": "Please check 14A."},
        fetch="review.view",
        act="review.qa",
        ok=(302,),
    ),
    Probe(
        "reviews:note_add",
        args=B_QA,
        method="POST",
        data=lambda _: {"question_code": "14A", "text": "Another note"},
        fetch="review.view",
        act="review.qa",
        ok=(302,),
    ),
    Probe(
        "reviews:note_reply",
        args=lambda world: [world.review_b_edit.pk, world.note_b_edit.pk],
        method="POST",
        data=lambda _: {"reply": "Done."},
        fetch="review.view",
        act="review.edit",
        ok=(302,),
    ),
    Probe(
        "reviews:note_resolve",
        args=lambda world: [world.review_b_qa.pk, world.note_b_qa.pk],
        method="POST",
        fetch="review.view",
        act="review.qa",
        ok=(302,),
    ),
    Probe(
        "reviews:note_delete",
        args=lambda world: [world.review_b_qa.pk, world.note_b_qa.pk],
        method="POST",
        fetch="review.view",
        act="review.qa",
        ok=(302,),
    ),
    Probe(
        "reviews:override",
        args=B_QA,
        method="POST",
        data=lambda _: {"key": "14", "rating": "STRENGTH", "reason": "Seen in the case notes."},
        fetch="review.view",
        act="review.override",
        ok=(302,),
    ),
    # --- metrics ---------------------------------------------------------------------------
    Probe("metrics:dashboard", query=lambda _: {"period": "2023-07"}, require="metrics.view", markers=(">{code}<",)),
    Probe("metrics:import", statewide="metrics.import"),
    Probe("metrics:import", method="POST", data=lambda _: {}, statewide="metrics.import"),
    Probe("metrics:import_detail", args=lambda world: [world.import_run.pk], statewide="metrics.import"),
    Probe(
        "metrics:import_retry",
        args=lambda world: [world.import_run.pk],
        method="POST",
        statewide="metrics.import",
        ok=(302,),  # back to the run with "only a failed import can be retried"
    ),
    Probe(
        "metrics:compute",
        method="POST",
        data=lambda _: {"first": "2023-07", "last": "2023-07"},
        statewide="metrics.import",
        ok=(302,),
    ),
    *[
        Probe(
            "metrics:metric",
            args=lambda _: ["worker_child_visits"],
            query=lambda _, q=extra: {"period": "2023-07", **q},
            require="metrics.view",
            markers=(marker,),
        )
        for extra, marker in (
            ({}, ">{code}<"),
            ({"join": "1"}, ">{code}<"),
            ({"format": "csv"}, ",{code},"),
            ({"format": "trend_csv"}, ",{code},"),
        )
    ],
    Probe(
        "metrics:units",
        args=lambda _: ["worker_child_visits", "2023-07", "6ZB"],
        require="metrics.view",
        agency="metrics.view",
        markers=("{child}",),
    ),
    Probe(
        "metrics:units",
        args=lambda _: ["placement_stability", "2023-07", "6ZB"],
        require="metrics.view",
        agency="metrics.view",
        markers=("{child}",),
    ),
    Probe(
        "metrics:units",
        args=lambda _: ["worker_child_visits", "2023-07", "6ZA"],
        owner="6ZA",
        require="metrics.view",
        agency="metrics.view",
    ),
    # --- surveys: results and exports ------------------------------------------------------
    Probe("surveys:results", require="surveys.view", markers=("{comment}", "{wave}")),
    Probe(
        "surveys:results",
        query=lambda world: {"agency": world.b.pk},
        require="surveys.view",
        agency="surveys.view",
        markers=("{comment}",),
    ),
    Probe(
        "surveys:results",
        query=lambda world: {"agency": world.a.pk},
        owner="6ZA",
        require="surveys.view",
        agency="surveys.view",
    ),
    Probe(
        "surveys:results",
        query=lambda world: {"wave": world.wave_b.pk},
        require="surveys.view",
        fetch="surveys.view",
        markers=("{comment}",),
    ),
    Probe("surveys:export_aggregates", require="surveys.view", markers=(",{code},", "{wave}")),
    Probe(
        "surveys:export_aggregates",
        query=lambda world: {"agency": world.b.pk},
        require="surveys.view",
        agency="surveys.view",
        markers=(",{code},",),
    ),
    Probe("surveys:export_responses", require="surveys.view", markers=(",{code},", "{comment}")),
    Probe(
        "surveys:export_responses",
        query=lambda world: {"agency": world.b.pk},
        require="surveys.view",
        agency="surveys.view",
        markers=("{comment}",),
    ),
    Probe("surveys:measure", args=lambda _: ["worker_child_visits"], require="surveys.view"),
    Probe(
        "surveys:measure",
        args=lambda _: ["worker_child_visits"],
        query=lambda world: {"agency": world.b.pk},
        require="surveys.view",
        agency="surveys.view",
    ),
    # --- surveys: waves --------------------------------------------------------------------
    Probe("surveys:wave_list", require="surveys.manage", markers=("{wave}",)),
    Probe("surveys:wave_create", require="surveys.manage", markers=("{agency_name}",)),
    Probe(
        "surveys:wave_create",
        method="POST",
        data=lambda world: {
            "name": "Crawl new wave",
            "surveys": [world.survey.pk],
            "agency": world.b.pk,
            "opens_on": "2026-03-01",
            "closes_on": "2026-04-01",
            "guard_days": 180,
        },
        require="surveys.manage",
        act="surveys.manage",
        act_refused=200,  # the form does not offer 6ZB: "select a valid choice"
        ok=(302,),
    ),
    Probe(
        "surveys:wave_detail",
        args=lambda world: [world.wave_b.pk],
        require="surveys.manage",
        fetch="surveys.manage",
        markers=("{wave}",),
    ),
    Probe(
        "surveys:wave_detail",
        args=lambda world: [world.wave_statewide.pk],
        require="surveys.manage",
        markers=(">{code}<",),
    ),
    Probe(
        "surveys:wave_codes",
        args=lambda world: [world.wave_b.pk],
        require="surveys.manage",
        fetch="surveys.manage",
        markers=("{printed}",),
    ),
    Probe(
        "surveys:wave_codes",
        args=lambda world: [world.wave_statewide.pk],
        require="surveys.manage",
        markers=("{printed}",),
    ),
    Probe(
        "surveys:wave_upload",
        args=lambda world: [world.wave_b.pk],
        method="POST",
        data=upload("resource,6ZB,Crawl New Person,crawl-new@example.org,,\n"),
        require="surveys.manage",
        fetch="surveys.manage",
        ok=(302,),
    ),
    Probe(
        "surveys:wave_upload",
        args=lambda world: [world.wave_statewide.pk],
        method="POST",
        data=upload("resource,6ZB,Crawl New Person,crawl-new@example.org,,\n"),
        require="surveys.manage",
        act="surveys.manage",
        act_refused=400,  # "you may not invite contacts for 6ZB"
        ok=(302,),
    ),
    Probe(
        "surveys:wave_send",
        args=lambda world: [world.wave_b.pk],
        method="POST",
        require="surveys.manage",
        fetch="surveys.manage",
        ok=(302,),
    ),
    Probe(
        "surveys:wave_send",
        args=lambda world: [world.wave_statewide.pk],
        method="POST",
        require="surveys.manage",
        ok=(302,),
        markers=("{invitee}",),  # in the mail sent
    ),
    Probe("surveys:follow_up_list", require="surveys.follow_up", markers=("{follow_up}", "{phone}")),
    Probe(
        "surveys:follow_up_list",
        method="POST",
        data=lambda world: {"pk": world.follow_up_b.pk},
        require="surveys.follow_up",
        fetch="surveys.follow_up",
        ok=(302,),
    ),
    # --- surveys: respondents (no account; a token is the only key) -------------------------
    Probe("surveys:enter_code", public=True, anonymous_ok=(200,)),
    Probe("surveys:thanks", public=True, anonymous_ok=(200,)),
    *[
        Probe(name, args=lambda world, x=extra: [world.invitation_b.token, *x], public=True, ok=ok, anonymous_ok=ok)
        for name, extra, ok in (
            ("surveys:welcome", [], (200,)),
            ("surveys:page", [1], (200, 302)),
            ("surveys:saved", [], (200, 302)),
            ("surveys:finish", [], (200, 302)),
        )
    ],
    # --- reports ---------------------------------------------------------------------------
    Probe(
        "reports:quarterly", query=lambda _: {"quarter": "2023Q3"}, require="report.view", markers=("{agency_name}",)
    ),
    Probe(
        "reports:quarterly",
        query=lambda _: {"quarter": "2023Q3", "agency": "6ZB"},
        require="report.view",
        agency="report.view",
    ),
    Probe(
        "reports:quarterly",
        query=lambda _: {"quarter": "2023Q3", "agency": "all"},
        require="report.view",
        statewide="report.view",
        markers=("{agency_name}",),
    ),
    Probe(
        "reports:quarterly_export",
        args=lambda _: ["csv"],
        query=lambda _: {"quarter": "2023Q3", "agency": "6ZB"},
        require="report.view",
        agency="report.view",
    ),
    Probe(
        "reports:quarterly_export",
        args=lambda _: ["xlsx"],
        query=lambda _: {"quarter": "2023Q3", "agency": "all"},
        require="report.view",
        statewide="report.view",
    ),
    # --- reports: cases linked to the extract (issue 16) ---------------------------------------
    Probe("reports:extract_sample", require="review.sample"),
    Probe(
        "reports:extract_sample",
        method="POST",
        data=lambda world: {"quarter": "2023Q3", "agencies": [world.b.pk], "site_size": "1", "statewide_size": "0"},
        require="review.sample",
        ok=(200, 302),  # 6ZB not among the persona's agencies: the form answers again (200)
    ),
    Probe(
        "reports:extract_link",
        args=lambda world: [world.review_b_edit.case.pk],
        fetch="review.view",
        act_any=("review.qa", "report.edit", "review.sample"),
        markers=("{case}",),
    ),
    Probe(
        "reports:extract_link",
        args=lambda world: [world.review_b_edit.case.pk],
        method="POST",
        data=lambda _: {"action": "set", "child_id": "NO-SUCH-CHILD"},
        fetch="review.view",
        act_any=("review.qa", "report.edit", "review.sample"),
        ok=(200,),  # refused with the form's message: not among 6ZB's children
    ),
    Probe(
        "reports:extract_note",
        args=B_QA,
        method="POST",
        data=lambda _: {"check_key": "14-visits", "text": "The visit was on paper."},
        fetch="review.view",
        act_any=("review.edit", "review.qa"),
        ok=(302,),  # the case is not linked: back to the review with a message
    ),
    # --- reports: the written report (tests/accounts/world.py, _reports) -----------------------
    # 6ZB: 2023Q3 published and re-issued (a draft of version 2 open beside version 1), 2022Q4
    # published, 2023Q2 a draft never published, 2023Q1 in review; 6ZA: 2023Q3 published; statewide:
    # 2023Q3 a draft. The agency in the URL is resolved first (404 without a role there, 403 without
    # report.view); a report never published is found only by those who may see drafts (report.edit;
    # see test_report_publish_comes_with_report_edit), for everyone else it does not exist (404).
    Probe("reports:report_list", require="report.view", markers=("{agency_name}", "/quarterly/2023Q3/{code}/v1/")),
    Probe(
        "reports:report_open",
        query=lambda _: {"quarter": "2023Q3", "agency": "6ZB"},
        require="report.view",
        agency="report.view",
        ok=(302,),
    ),
    Probe(
        "reports:report_open",
        query=lambda _: {"quarter": "2023Q3", "agency": "all"},
        require="report.view",
        statewide="report.view",
        ok=(302,),
    ),
    Probe(
        "reports:report",
        args=written("2023Q3"),
        require="report.view",
        agency="report.view",
        act="report.edit",
        act_refused=302,  # readers who may not see drafts are sent to the latest published version
        markers=("{draft_words}",),
        shows="report.edit",
    ),
    Probe(
        "reports:report",
        args=written("2022Q4"),
        require="report.view",
        agency="report.view",
        act="report.edit",
        act_refused=302,
        markers=("{report_words}",),
    ),
    Probe(
        "reports:report",
        args=written("2023Q2"),
        require="report.view",
        agency="report.view",
        fetch="report.edit",
        markers=("{draft_words}",),
    ),
    Probe(
        "reports:report",
        args=written("2023Q1"),
        require="report.view",
        agency="report.view",
        fetch="report.edit",
        markers=("{draft_words}",),
    ),
    Probe("reports:report", args=written("2023Q3", "all"), require="report.view", statewide="report.view"),
    Probe(
        "reports:version",
        args=written("2023Q3", "6ZB", 1),
        require="report.view",
        agency="report.view",
        markers=("{report_words}",),
    ),
    Probe(
        "reports:version",
        args=written("2023Q3", "6ZA", 1),
        owner="6ZA",
        require="report.view",
        agency="report.view",
        markers=("{report_words}",),
    ),
    Probe("reports:report_changes", args=written("2023Q3"), require="report.view", agency="report.view"),
    Probe(
        "reports:report_changes",
        args=written("2023Q3"),
        query=lambda _: {"from": "1", "to": "draft"},
        require="report.view",
        agency="report.view",
        fetch="report.edit",
        markers=("{report_words}", "{draft_words}"),
    ),
    # Downloads: the working copy for those who may see drafts, the latest version for other readers.
    # PDF and Word take seconds to lay out: JSON, Excel and HTML for everyone, and one kept PDF.
    Probe(
        "reports:report_download",
        args=written("2023Q3", "6ZB", "xlsx"),
        require="report.view",
        agency="report.view",
        markers=("draft, version 2",),
        shows="report.edit",
    ),
    Probe(
        "reports:report_download",
        args=written("2023Q2", "6ZB", "json"),
        require="report.view",
        agency="report.view",
        fetch="report.edit",
        markers=('"scope": "{code}"',),
    ),
    Probe(
        "reports:report_download",
        args=written("2023Q3", "all", "json"),
        require="report.view",
        statewide="report.view",
    ),
    # A draft's PDF or Word file is prepared in the background (reports.prepared): its page (which
    # polls itself), a try-again on it (a finished file: nothing to try again), its file.
    Probe(
        "reports:report_prepared",
        args=prepared_b_draft("pdf"),
        require="report.view",
        agency="report.view",
        fetch="report.edit",
        markers=("The PDF is ready.",),
    ),
    Probe(
        "reports:report_prepared",
        args=prepared_b_draft("docx"),
        method="POST",
        require="report.view",
        agency="report.view",
        fetch="report.edit",
        ok=(302,),
    ),
    Probe(
        "reports:report_prepared_file",
        args=prepared_b_draft("pdf"),
        require="report.view",
        agency="report.view",
        fetch="report.edit",
        ok=(302,),  # prepared from another snapshot than the persona's: to the download
    ),
    Probe(
        "reports:version_download",
        args=written("2023Q3", "6ZB", 1, "json"),
        require="report.view",
        agency="report.view",
        markers=('"scope": "{code}"', '"status": "published"'),
    ),
    Probe(
        "reports:version_download",
        args=written("2023Q3", "6ZB", 1, "html"),  # the standalone document the PDF is made from
        require="report.view",
        agency="report.view",
        markers=("{report_words}",),
    ),
    Probe(
        "reports:version_download",
        args=written("2023Q3", "6ZB", 1, "pdf"),  # the kept file (kept_pdf)
        require="report.view",
        agency="report.view",
    ),
    Probe(
        "reports:version_download",
        args=written("2023Q3", "6ZA", 1, "xlsx"),
        owner="6ZA",
        require="report.view",
        agency="report.view",
        markers=("published, version 1",),
    ),
    # Steps (POST): redirected back to the report, with a message when the step cannot be taken now.
    Probe(
        "reports:report_start",
        args=written("2024Q1"),
        method="POST",
        require="report.view",
        agency="report.view",
        act="report.edit",
        ok=(302,),
    ),
    Probe(
        "reports:report_start",
        args=written("2024Q1", "all"),
        method="POST",
        require="report.view",
        statewide="report.view",
        act="report.edit",
        ok=(302,),
    ),
    Probe(
        "reports:report_texts",
        args=written("2023Q2"),
        method="POST",
        data=lambda _: {"introduction": "Changed by the crawl."},
        require="report.view",
        agency="report.view",
        fetch="report.edit",
        ok=(302,),
    ),
    Probe(
        "reports:report_texts",
        args=written("2023Q3", "all"),
        method="POST",
        data=lambda _: {"introduction": "Changed by the crawl."},
        require="report.view",
        statewide="report.view",
        act="report.edit",
        ok=(302,),
    ),
    Probe(
        "reports:report_commentary",
        args=written("2023Q3"),
        method="POST",
        data=lambda _: {"measure": "worker_child_visits", "commentary": "Changed by the crawl."},
        require="report.view",
        agency="report.view",
        act="report.edit",
        ok=(302,),
    ),
    Probe(
        "reports:report_submit",
        args=written("2023Q2"),
        method="POST",
        require="report.view",
        agency="report.view",
        fetch="report.edit",
        ok=(302,),
    ),
    Probe(
        "reports:report_return",
        args=written("2023Q1"),
        method="POST",
        data=lambda _: {"note": "Please add the commentary."},
        require="report.view",
        agency="report.view",
        fetch="report.edit",
        ok=(302,),
    ),
    Probe(
        "reports:report_publish",
        args=written("2023Q1"),
        method="POST",
        require="report.view",
        agency="report.view",
        fetch="report.edit",
        act="report.publish",
        ok=(302,),
    ),
    Probe(
        "reports:report_reissue",
        args=written("2022Q4"),
        method="POST",
        data=lambda _: {"reason": "Figures corrected."},
        require="report.view",
        agency="report.view",
        act="report.edit",
        ok=(302,),
    ),
    # --- the read API (api/): the pages' capabilities and scope, as JSON -------------------------
    api("root"),
    api("schema"),
    api(
        "metric_results",
        query=lambda _: {"period": "2023-07", "dimension": "AGENCY"},
        require="metrics.view",
        markers=('"key":"{code}"',),
    ),
    api(
        "metric_results",
        query=lambda _: {"dimension": "AGENCY", "key": "6ZB"},
        require="metrics.view",
        agency="metrics.view",
        markers=('"key":"{code}"',),
    ),
    api(
        "metric_results",
        query=lambda _: {"key": "6ZA"},
        owner="6ZA",
        require="metrics.view",
        agency="metrics.view",
        markers=('"key":"{code}"',),
    ),
    api(
        "metric_result", args=b_metric_result, require="metrics.view", fetch="metrics.view", markers=('"key":"{code}"',)
    ),
    api("metric_runs", require="metrics.view"),
    api("imports", statewide="metrics.import"),
    api("import_detail", args=lambda world: [world.import_run.pk], statewide="metrics.import"),
    api("review_summary", query=lambda _: {"group_by": "agency"}, require="report.view", markers=('"group":"{code}"',)),
    api(
        "review_summary",
        query=lambda _: {"agency": "6ZB", "group_by": "agency"},
        require="report.view",
        agency="report.view",
        markers=('"group":"{code}"',),
    ),
    api("survey_results", require="surveys.view", markers=("{comment}",)),
    api(
        "survey_results",
        query=lambda _: {"agency": "6ZB"},
        require="surveys.view",
        agency="surveys.view",
        markers=("{comment}",),
    ),
    api(
        "survey_results", query=lambda _: {"agency": "6ZA"}, owner="6ZA", require="surveys.view", agency="surveys.view"
    ),
    api(
        "survey_results",
        query=lambda world: {"wave": world.wave_b.pk},
        require="surveys.view",
        fetch="surveys.view",
        markers=("{comment}",),
    ),
    api(
        "quarterly_report",
        args=written("2023Q3"),
        require="report.view",
        agency="report.view",
        markers=('"scope":"{code}"',),
    ),
    api(
        "quarterly_report",
        args=written("2023Q3", "6ZA"),
        owner="6ZA",
        require="report.view",
        agency="report.view",
        markers=('"scope":"{code}"',),
    ),
    api("quarterly_report", args=written("2023Q3", "all"), require="report.view", statewide="report.view"),
    api(
        "published_report",
        args=written("2023Q3"),
        require="report.view",
        agency="report.view",
        markers=('"scope":"{code}"', '"status":"published"'),
    ),
    api("published_report", args=written("2023Q2"), require="report.view", agency="report.view", ok=(404,)),
]


# --- what a persona holds, from its memberships and the role table only ------------------------


@dataclass
class Holder:
    name: str
    client: Client
    memberships: list[tuple[str, str]] = field(default_factory=list)  # (role, agency code)
    anonymous: bool = False

    def caps(self, code: str | None = None) -> set[str]:
        """Capabilities held in agency `code` (a CD role counts everywhere), or anywhere when None."""
        held: set[str] = set()
        for role, agency in self.memberships:
            if code is None or agency in (code, STATE_AGENCY_CODE):
                held |= CAPABILITIES[role]
        return held

    def statewide(self, capability: str) -> bool:
        return any(
            agency == STATE_AGENCY_CODE and capability in CAPABILITIES[role] for role, agency in self.memberships
        )

    def has_role_in(self, code: str) -> bool:
        return any(agency in (code, STATE_AGENCY_CODE) for _, agency in self.memberships)


def expected_statuses(probe: Probe, who: Holder) -> tuple[int, ...]:
    if who.anonymous:
        return probe.anonymous_ok if probe.public else probe.signed_out
    if probe.require and probe.require not in who.caps():
        return (403,)
    if probe.statewide and not who.statewide(probe.statewide):
        return (403,)
    if probe.agency:  # an agency named in the URL is checked before the object found in it
        if not who.has_role_in(probe.owner):
            return (404,)
        if probe.agency not in who.caps(probe.owner):
            return (403,)
    if probe.fetch and probe.fetch not in who.caps(probe.owner):
        return (404,)
    if probe.act and probe.act not in who.caps(probe.owner):
        return (probe.act_refused,)
    if probe.act_any and not set(probe.act_any) & who.caps(probe.owner):
        return (probe.act_refused,)
    return probe.ok


def shown_capability(probe: Probe) -> str | None:
    return probe.shows or probe.require or probe.fetch or probe.agency


def text_of(response, outbox) -> str:
    """The response as text (CSV and XLSX included) plus any mail it sent."""
    content = getattr(response, "content", b"")
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(content)) as xlsx:
            body = "\n".join(xlsx.read(name).decode() for name in xlsx.namelist() if name.endswith(".xml"))
    else:
        body = content.decode("utf-8-sig", errors="replace")
    mails = "\n".join(f"{m.to} {m.subject} {m.body}" for m in outbox)
    return body + "\n" + mails


def fingerprint_6zb() -> tuple:
    """Every 6ZB row a POST could change."""
    b = {"case__agency__code": "6ZB"}
    rb = {"review__case__agency__code": "6ZB"}
    reports = Q(agency__code="6ZB") | Q(agency__isnull=True)
    return (
        Case.objects.filter(agency__code="6ZB").count(),
        sorted(Review.objects.filter(**b).values_list("pk", "status", "version", "face_sheet")),
        sorted(QANote.objects.filter(**rb).values_list("pk", "text", "reply", "resolved")),
        sorted((p.pk, p.key, p.label, str(p.details)) for p in Participant.objects.filter(**rb)),
        sorted((a.pk, str(a.value), a.narrative, a.needs_review) for a in ReviewAnswer.objects.filter(**rb)),
        sorted(ItemRating.objects.filter(**rb).values_list("pk", "effective")),
        sorted(SampleCase.objects.filter(**b).values_list("pk", "eliminated")),
        sorted(Wave.objects.filter(agency__code="6ZB").values_list("pk", "name")),
        sorted(Invitation.objects.filter(agency__code="6ZB").values_list("pk", "sent_at", "reminders_sent")),
        ContactUpload.objects.filter(wave__agency__code="6ZB").count(),
        sorted(FollowUpRequest.objects.filter(agency__code="6ZB").values_list("pk", "status")),
        # written reports of 6ZB and the statewide ones (which cover 6ZB), with their versions and files
        sorted(
            (
                r.pk,
                r.quarter,
                r.status,
                r.texts,
                r.reissue_reason,
                r.review_snapshot,
                r.last_edited_by_id,
                r.submitted_at,
            )
            for r in Report.objects.filter(reports)
        ),
        sorted(ReportVersion.objects.filter(report__in=Report.objects.filter(reports)).values_list("pk", "number")),
        RenderedFile.objects.filter(version__report__in=Report.objects.filter(reports)).count(),
    )


def send(holder: Holder, probe: Probe, world: World, check_rows: bool) -> tuple[Any, str, tuple | None]:
    path = reverse(probe.name, args=probe.args(world))
    query = probe.query(world)
    with transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            if probe.method == "GET":
                response = holder.client.get(path, query)
            else:
                if query:
                    path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
                response = holder.client.post(path, probe.data(world) if probe.data else {})
        rows = fingerprint_6zb() if check_rows else None
        text = text_of(response, mail.outbox)
        mail.outbox.clear()
        transaction.set_rollback(True)
    return response, text, rows


def crawl(holder: Holder, world: World) -> list[str]:
    """Every probe for one persona; the list of everything that did not hold."""
    problems = []
    before = fingerprint_6zb()
    for probe in PROBES:
        label = f"{probe.method} {probe.name} {probe.args(world)} {probe.query(world)}"
        expected = expected_statuses(probe, holder)
        refused = not set(expected) & set(probe.ok) or holder.anonymous
        response, text, rows = send(holder, probe, world, check_rows=probe.method == "POST" and refused)
        status = response.status_code
        if status not in expected:
            problems.append(f"{label}: answered {status}, expected {expected}")
        if holder.anonymous and not probe.public and status == 302 and not response["Location"].startswith(LOGIN):
            problems.append(f"{label}: redirected to {response['Location']}, not to the login page")
        if rows is not None and rows != before:
            problems.append(f"{label}: a refused POST changed 6ZB data")
        # Markers of this page: present when allowed in the agency, absent otherwise (for an object or
        # agency in the path, only that agency's; for lists, both agencies').
        capability = shown_capability(probe)
        if status in probe.ok and not probe.public and not holder.anonymous and capability:
            for code in [probe.owner] if (probe.fetch or probe.agency) else AGENCIES:
                allowed = capability in holder.caps(code)
                for template in probe.markers:
                    marker = template.format(code=code, **w.MARKS[code])
                    if allowed and marker not in text:
                        problems.append(f"{label}: {code} data {marker!r} missing although allowed")
                    if not allowed and marker in text:
                        problems.append(f"{label}: shows {code} data {marker!r} without {capability} in {code}")
        # No page ever shows an agency's data the persona holds none of the capabilities for there.
        for code in AGENCIES:
            for key, capabilities in w.MARKER_CAPABILITIES.items():
                marker = w.MARKS[code][key]
                if marker not in text or capabilities & holder.caps(code):
                    continue
                if probe.public and key == "invitee":
                    continue  # a respondent's page may show their own address; never another's
                problems.append(f"{label}: shows {code} data {marker!r} (needs one of {sorted(capabilities)})")
        if status >= 500:
            problems.append(f"{label}: server error {status}")
    return problems


PERSONAS = [
    "reviewer_a",
    "qa_a",
    "supervisor_a",
    "viewer_a",
    "admin_a",
    "reviewer_b",
    "qa_b",
    "supervisor_b",
    "viewer_b",
    "state_admin",
    "state_supervisor",
    "supervisor_a_reviewer_b",
    "qa_a_viewer_b",
    "reviewer_a_viewer_b",
    "admin_a_reviewer_b",
    "state_reviewer",
    "state_reviewer_supervisor_a",
]


def test_report_publish_comes_with_report_edit():
    """A report never published is found by those who may see drafts (report.edit or report.publish,
    reports.publishing.may_see_drafts); the table asks report.edit, which every role granting
    report.publish also grants."""
    for role, capabilities in CAPABILITIES.items():
        assert "report.publish" not in capabilities or "report.edit" in capabilities, role


def test_the_persona_list_is_every_persona(personas):
    assert sorted(PERSONAS) == sorted(vars(personas))


@pytest.fixture(scope="module")
def kept_pdf(shared_world, django_db_blocker):
    """6ZB's version 1 PDF, downloaded once by its publisher, so the view keeps it (a PDF takes seconds
    to lay out; the crawl then reads the kept file for every persona)."""
    with django_db_blocker.unblock():
        client = Client()
        client.force_login(
            User.objects.get(username="crawl_report_publisher_6zb"), backend="django.contrib.auth.backends.ModelBackend"
        )
        response = client.get(reverse("reports:version_download", args=["2023Q3", "6ZB", 1, "pdf"]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert RenderedFile.objects.filter(version__report=shared_world.report_b_reissued, format="pdf").count() == 1


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_every_url_refuses_or_hides_what_the_persona_may_not_see(world, kept_pdf, personas, client_for, persona):
    if persona == "anonymous":
        holder = Holder("anonymous", Client(), anonymous=True)
    else:
        user = getattr(personas, persona)
        memberships = [(m.role, m.agency.code) for m in Membership.objects.filter(user=user).select_related("agency")]
        holder = Holder(persona, client_for(user), memberships)
    problems = crawl(holder, world)
    assert problems == [], f"{persona}:\n" + "\n".join(problems)


# --- the table is complete ----------------------------------------------------------------------


def url_names(patterns=None, namespace: str | None = None) -> set[str]:
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            names |= url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}:{pattern.name}" if namespace else str(pattern.name))
    return names


def test_the_table_covers_every_url_pattern():
    project = {name for name in url_names() if not name.startswith("admin:")}
    covered = {probe.name for probe in PROBES}
    assert project - covered == set(), "URL patterns without a probe: add them to PROBES"
    assert covered - project == set()


def test_every_admin_page_is_refused_to_agency_staff(world, personas, client_for):
    """The Django admin is not agency-scoped: only staff accounts may use it (none of the personas)."""
    admin_paths = []
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "admin":
            admin_paths.extend(_admin_paths(pattern.url_patterns, "/admin/", world))
    assert len(admin_paths) > 100
    for persona in ("supervisor_a_reviewer_b", "admin_a_reviewer_b", "state_admin"):
        client = client_for(getattr(personas, persona))
        for path in admin_paths:
            with transaction.atomic():
                response = client.get(path)
                transaction.set_rollback(True)
            if path == "/admin/login/":
                assert response.status_code == 200, path  # "you are not authorized" and a login form
            elif path == "/admin/logout/":
                assert response.status_code in (302, 405), path  # POST only, or back to the admin's login
            else:
                assert response.status_code == 302, (persona, path, response.status_code)
                assert response["Location"].startswith("/admin/login/"), (persona, path)


def _admin_paths(patterns, prefix: str, world: World) -> list[str]:
    """One concrete path per admin pattern, parameters filled with a 6ZB object where one is asked for."""
    fill = {
        "object_id": str(world.review_b_qa.pk),
        "content_type_id": "1",
        "app_label": "reviews",
        "url": "nowhere/",
    }
    paths = []
    for pattern in patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            paths.extend(_admin_paths(pattern.url_patterns, prefix + route, world))
            continue
        path = prefix + route
        for name, value in fill.items():
            path = path.replace(f"<path:{name}>", value)
        if path.endswith("(?P<url>.*)$"):
            path = prefix + fill["url"]
        elif "(?P<app_label>" in path:
            path = prefix + fill["app_label"] + "/"
        paths.append(path)
    return sorted(set(paths))
