"""Every main staff page runs as many queries on a large world as on a small one (issue 14, "Pages").

The module builds the two-agency world of the scoping crawl (tests/accounts/world.py) and adds a
little of every kind of data in two agencies (4 reviews with QA notes, 30 survey responses, an extract
of 6 children, computed), opens every page once to warm caches and once counting its queries; then it
grows the world (36 more reviews with notes and 2,000 survey responses in six agencies, an extract of
60 children in six agencies, computed again) and each test opens its page under
`django_assert_max_num_queries(<the count on the small world>)`. A page whose count grows with the
data (an N+1, a query per agency, wave or review) fails here. The counts are printed with `pytest -s`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Agency, Membership, Role, User
from metrics.dates import Month
from reviews.models import QANote, Review
from surveys.models import Answer as SurveyAnswer
from surveys.models import Question
from surveys.models import Response as SurveyResponse
from surveys.results import forget_disclosure
from tests.accounts import world as w
from tests.metrics.bundle import load
from tests.metrics.helpers import assignment
from tests.reviews_ui.helpers import complete_review

pytestmark = pytest.mark.django_db

SMALL_AGENCIES = ("6ZA", "6ZB")
LARGE_AGENCIES = ("6ZA", "6ZB", "6ZC", "6ZO", "6ZM", "6ZL")


@dataclass(frozen=True)
class Page:
    id: str
    user: str  # a key of USERS
    url: Callable[[w.World], str]
    method: str = "GET"
    data: Callable[[w.World], dict] | None = None
    expect: int = 200


def _review_url(name: str, attr: str, *rest) -> Callable[[w.World], str]:
    return lambda world: reverse(name, args=[getattr(world, attr).pk, *rest])


def _answer_data(world: w.World) -> dict:
    review = Review.objects.get(pk=world.review_b_edit.pk)
    value = "YES" if review.answers.filter(question_code="14A", value="NO").exists() else "NO"
    return {"code": "14A", "q14A-case-value": value, "version": review.version}


PAGES = [
    Page("home-agency", "supervisor_b", lambda _: reverse("home")),
    Page("home-state", "state_supervisor", lambda _: reverse("home")),
    Page("home-reviewer", "reviewer_b", lambda _: reverse("home")),
    Page("dashboard", "state_supervisor", lambda _: reverse("metrics:dashboard") + "?period=2023-07"),
    Page("dashboard-agency", "supervisor_b", lambda _: reverse("metrics:dashboard") + "?period=2023-07"),
    Page("metric", "state_supervisor", lambda _: reverse("metrics:metric", args=["worker_child_visits"]) + "?period=2023-07"),
    Page("metric-units", "supervisor_b", lambda _: reverse("metrics:units", args=["worker_child_visits", "2023-07", "6ZB"])),
    Page("case-list", "state_supervisor", lambda _: reverse("reviews:case_list")),
    Page("review-list", "reviewer_b", lambda _: reverse("reviews:review_list")),
    Page("qa-queue", "qa_b", lambda _: reverse("reviews:qa_queue")),
    Page("qa-queue-state", "state_qa", lambda _: reverse("reviews:qa_queue")),
    Page("summary", "state_supervisor", lambda _: reverse("reviews:summary")),
    Page("summary-drill", "state_supervisor", lambda _: reverse("reviews:summary_drill") + "?item=14&measure=applicable"),
    Page("review-detail", "supervisor_b", _review_url("reviews:review_detail", "review_b_qa")),
    Page("review-item", "reviewer_b", _review_url("reviews:item", "review_b_edit", "14")),
    Page("answer-save", "reviewer_b", _review_url("reviews:answer", "review_b_edit"), "POST", _answer_data),
    Page("survey-results-agency", "supervisor_b", lambda _: reverse("surveys:results")),
    Page("survey-results-state", "state_supervisor", lambda _: reverse("surveys:results")),
    Page("survey-results-wave", "state_supervisor", lambda world: reverse("surveys:results") + f"?wave={world.wave_statewide.pk}"),
    Page("survey-measure", "state_supervisor", lambda _: reverse("surveys:measure", args=["worker_child_visits"])),
    Page("quarterly-agency", "supervisor_b", lambda _: reverse("reports:quarterly") + "?quarter=2023Q3"),
    Page("quarterly-state", "state_supervisor", lambda _: reverse("reports:quarterly") + "?quarter=2023Q3&agency=all"),
    Page("written-list", "supervisor_b", lambda _: reverse("reports:report_list")),
    Page("written-report", "supervisor_b", lambda _: reverse("reports:report", args=["2023Q3", "6ZB"])),
]  # fmt: skip

USERS = {
    "supervisor_b": [(Role.SUPERVISOR, "6ZB")],
    "reviewer_b": [(Role.REVIEWER, "6ZB")],
    "qa_b": [(Role.QA_REVIEWER, "6ZB")],
    "state_supervisor": [(Role.SUPERVISOR, "CD")],
    "state_admin": [(Role.ADMINISTRATOR, "CD")],
    "state_qa": [(Role.QA_REVIEWER, "CD")],
}


@dataclass
class Measured:
    world: w.World
    clients: dict[str, Client]
    small: dict[str, int] = field(default_factory=dict)
    large: dict[str, int] = field(default_factory=dict)


def _request(measured: Measured, page: Page):
    client = measured.clients[page.user]
    url = page.url(measured.world)
    if page.method == "POST":
        return client.post(url, page.data(measured.world) if page.data else {}, headers={"HX-Request": "true"})
    return client.get(url)


def _count(measured: Measured, page: Page) -> int:
    _request(measured, page)  # warm-up: sessions, per-process caches
    # Not the survey suppression pattern cached by the warm-up: each test starts without it, so the
    # counts compared are those of computing it (surveys.results.disclosure).
    forget_disclosure()
    with CaptureQueriesContext(connection) as queries:
        response = _request(measured, page)
    assert response.status_code == page.expect, (page.id, response.status_code)
    return len(queries)


# --- growing the world ----------------------------------------------------------------------


def _grow_reviews(world: w.World, author: User, count: int, prefix: str, codes: tuple[str, ...]) -> None:
    statuses = (Review.Status.SECOND_LEVEL_QA, Review.Status.IN_PROGRESS, Review.Status.FIRST_LEVEL_QA)
    reviewers = list(User.objects.filter(username__in=("reviewer_b",)))
    for n in range(count):
        code = codes[n % len(codes)]
        review = complete_review(None, f"{prefix}-{n:03d}", code, statuses[n % 3])
        if code == "6ZB":
            review.reviewers.add(*reviewers)
        QANote.objects.create(review=review, question_code="14A", author=author, text=f"Note {n}")
        QANote.objects.create(review=review, question_code="15A1", author=author, text=f"Second note {n}")


def _grow_surveys(world: w.World, responses: int, codes: tuple[str, ...]) -> None:
    """`responses` submitted responses spread over the world's waves and several agencies (bulk rows)."""
    agencies = list(Agency.objects.filter(code__in=codes).order_by("code"))
    questions = {q.code: q for q in Question.objects.filter(survey=world.survey)}
    closed = [q for q in questions.values() if q.is_closed]
    texts = [q for q in questions.values() if q.kind == "long_text"]
    waves = (world.wave_statewide, world.wave_a, world.wave_b)
    rows = []
    for n in range(responses):
        wave = waves[n % 3]
        agency = world.a if wave == world.wave_a else world.b if wave == world.wave_b else agencies[n % len(agencies)]
        rows.append(
            SurveyResponse(
                survey=world.survey,
                wave=wave,
                agency=agency,
                group=world.survey.group,
                status=SurveyResponse.Status.SUBMITTED,
                submitted_on=dt.date(2023, 7 + n % 3, 1 + n % 28),
            )
        )
    created = SurveyResponse.objects.bulk_create(rows)
    choices = {q.pk: list(q.choices.all()) for q in closed}
    answers = []
    for n, response in enumerate(created):
        for q in closed:
            answers.append(SurveyAnswer(response=response, question=q, choice=choices[q.pk][n % len(choices[q.pk])]))
        for q in texts:
            answers.append(SurveyAnswer(response=response, question=q, text=f"grown comment {n}"))
    SurveyAnswer.objects.bulk_create(answers, batch_size=2000)


def _grow_metrics(folder, children: int, codes: tuple[str, ...]) -> None:
    from metrics.compute import compute

    episodes, assignments, visits, placements = [], [], [], []
    for n in range(children):
        child, episode, code = f"GROWKID{n:03d}", f"GEP{n:03d}", codes[n % len(codes)]
        episodes.append({"episode_id": episode, "child_id": child, "removal_date": "2023-01-01"})
        assignments.append(assignment(child, episode, code, "2023-01-01"))
        placements.append(
            {"placement_id": f"P{episode}", "episode_id": episode, "setting_type": "FFH_NONREL"}
            | {"provider_id": f"H{n}", "start_date": "2023-01-01", "end_date": ""}
        )
        if n % 2:
            visits.append(
                {
                    "visit_id": f"GV{n}",
                    "child_id": child,
                    "worker_id": f"W-{code}",
                    "visit_date": "2023-07-03",
                    "contact_mode": "IN_PERSON",
                    "location": "CHILD_RESIDENCE",
                    "status": "COMPLETED",
                }
            )
    # Keep the small world's children (the markers) in the extract.
    episodes += [
        {"episode_id": "EPB", "child_id": w.CHILD_B, "removal_date": "2023-01-01"},
    ]
    assignments.append(assignment(w.CHILD_B, "EPB", "6ZB", "2023-01-01", county="29113"))
    placements.append(
        {"placement_id": "PEPB", "episode_id": "EPB", "setting_type": "FFH_NONREL"}
        | {"provider_id": "HB", "start_date": "2023-01-01", "end_date": ""}
    )
    load(
        folder,
        removal_episodes=episodes,
        worker_assignments=assignments,
        worker_child_visits=visits,
        placements=placements,
    )
    compute(Month.parse("2023-07"), None, metrics=["worker_child_visits", "placement_stability"])


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), transaction.atomic():
        world = w.build_world(tmp_path_factory.mktemp("small"))
        users = {}
        for username, roles in USERS.items():
            user = User.objects.create_user(username)
            for role, code in roles:
                Membership.objects.create(user=user, agency=Agency.objects.get(code=code), role=role)
            users[username] = user
        world.review_b_edit.reviewers.add(users["reviewer_b"])
        clients = {}
        for username, user in users.items():
            clients[username] = Client()
            clients[username].force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        result = Measured(world, clients)
        # Small: a little of every kind of data the large world has more of (so that a page does
        # not run a query on the large world only because some kind of row exists there at all).
        _grow_reviews(world, users["state_admin"], 4, "SMALL", SMALL_AGENCIES)
        _grow_surveys(world, 30, SMALL_AGENCIES)
        _grow_metrics(tmp_path_factory.mktemp("small_extract"), 6, SMALL_AGENCIES)
        for page in PAGES:
            result.small[page.id] = _count(result, page)
        _grow_reviews(world, users["state_admin"], 36, "LARGE", LARGE_AGENCIES)
        _grow_surveys(world, 2000, LARGE_AGENCIES)
        _grow_metrics(tmp_path_factory.mktemp("large_extract"), 60, LARGE_AGENCIES)
        for page in PAGES:
            result.large[page.id] = _count(result, page)
        print("\nqueries per page (small world -> large world):")  # noqa: T201 - shown with pytest -s
        for page in PAGES:
            print(f"  {page.id:24} {result.small[page.id]:4} -> {result.large[page.id]:4}")  # noqa: T201
        yield result
        transaction.set_rollback(True)


def test_the_world_grew(measured):
    assert Review.objects.count() >= 40
    assert SurveyResponse.objects.filter(status=SurveyResponse.Status.SUBMITTED).count() >= 2000
    assert QANote.objects.count() >= 70


# (Not named `page`: that is pytest-playwright's fixture, which would pull a browser parameter in.)
@pytest.mark.parametrize("case", PAGES, ids=[p.id for p in PAGES])
def test_query_count_does_not_grow_with_the_data(measured, case, django_assert_max_num_queries):
    with django_assert_max_num_queries(measured.small[case.id]):
        response = _request(measured, case)
    assert response.status_code == case.expect


# Review pages read the review's answers, participants and ratings once (reviews.scoring.StoredRows);
# the answer save builds its page from the rows it wrote. Before (issue 14): 53, 17 and 18 queries.
REVIEW_PAGE_BOUNDS = {"answer-save": 23, "review-item": 11, "review-detail": 15}


@pytest.mark.parametrize("page_id", sorted(REVIEW_PAGE_BOUNDS))
def test_review_pages_stay_within_their_query_bound(measured, page_id):
    assert measured.small[page_id] <= REVIEW_PAGE_BOUNDS[page_id]
    assert measured.large[page_id] <= REVIEW_PAGE_BOUNDS[page_id]
