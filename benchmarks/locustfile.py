"""The page mix of issue 14 for Locust: ten clients without think time against a running server.

Set-up and the exact commands are in docs/performance.md ("Load test: the page mix"). In short:
seed the demo data, import and compute a 25,000-children extract for a quarter, start gunicorn with
3 workers, then

    .venv-load/bin/locust -f benchmarks/locustfile.py --host http://127.0.0.1:8000 \
        --headless --users 10 --spawn-rate 10 --run-time 3m --csv /tmp/pages

Two kinds of users (weights 1 : 3), each signed in once with the demo password:
- ReviewerUser (reviewer_6za): opens an item page of one of their in-progress reviews and saves an
  answer on it (htmx POST, the version read from the page), alternately YES and NO;
- SupervisorUser (state_supervisor): dashboard, a metric page, review summaries, survey results
  (statewide), the quarterly report; each request is named by page so that Locust reports each
  page's percentiles.
No wait between requests (`constant(0)`): the issue's "10 clients without think time".
"""

from __future__ import annotations

import itertools
import os
import re

from locust import HttpUser, constant, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "demo-pass-2026")  # accounts/demo.py DEMO_PASSWORD
PERIOD = os.environ.get("LOAD_PERIOD", "2023-07")
QUARTER = os.environ.get("LOAD_QUARTER", "2023Q3")
METRIC = os.environ.get("LOAD_METRIC", "worker_child_visits")


class SignedIn(HttpUser):
    abstract = True
    wait_time = constant(0)
    username = ""

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        response = self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not sign in ({response.status_code})")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")


class ReviewerUser(SignedIn):
    weight = 1
    username = os.environ.get("LOAD_REVIEWER", "reviewer_6za")

    def on_start(self) -> None:
        super().on_start()
        mine = self.client.get("/reviews/mine/", name="my reviews")
        ids = sorted(set(re.findall(r'href="/reviews/(\d+)/"', mine.text)))
        if not ids:
            raise RuntimeError(f"{self.username} has no review to edit: run seed_demo")
        self.review = ids[0]
        self.values = itertools.cycle(["YES", "NO"])

    @task
    def item_page_and_answer_save(self) -> None:
        page = self.client.get(f"/reviews/{self.review}/items/14/", name="review item page")
        version = re.search(r'id="review-version" name="version" value="(\d+)"', page.text)
        self.client.post(
            f"/reviews/{self.review}/answer/",
            {"code": "14A", "q14A-case-value": next(self.values), "version": version.group(1) if version else ""},
            headers={"HX-Request": "true", "X-CSRFToken": self.csrf(), "Referer": page.url},
            name="answer save",
        )


class SupervisorUser(SignedIn):
    weight = 3
    username = os.environ.get("LOAD_SUPERVISOR", "state_supervisor")

    @task
    def dashboard(self) -> None:
        self.client.get(f"/metrics/?period={PERIOD}", name="dashboard")

    @task
    def metric_page(self) -> None:
        self.client.get(f"/metrics/{METRIC}/?period={PERIOD}", name="metric page")

    @task
    def summaries(self) -> None:
        self.client.get("/reviews/summary/", name="review summaries")

    @task
    def survey_results(self) -> None:
        self.client.get("/surveys/", name="survey results (statewide)")

    @task
    def quarterly_report(self) -> None:
        self.client.get(f"/reports/quarterly/?quarter={QUARTER}&agency=all", name="quarterly report")
