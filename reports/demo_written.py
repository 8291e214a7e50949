"""Demo written reports for 2023Q3, so the home pages show report work waiting (accounts.attention).

6ZA's supervisor has started the agency's report (a draft: "1 written report in draft" for 6ZA's
supervisor and administrator). The state analyst has written the statewide report and submitted it
for review, so the state supervisor, the second person the two-person rule needs, finds it waiting
to be published. Through reports.publishing, as in the app. Idempotent: an existing report is kept.
"""

from __future__ import annotations

from accounts.models import User
from reports import publishing
from reports.models import Report
from reports.quarterly import STATEWIDE, Quarter, resolve_scope

QUARTER = Quarter(2023, 3)


def seed(stdout) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["supervisor_6za", "state_analyst"])}
    if len(users) < 2:
        stdout.write("reports: demo users missing, demo written reports skipped\n")
        return
    made = []
    if not Report.objects.filter(quarter=str(QUARTER), agency__code="6ZA").exists():
        publishing.start(users["supervisor_6za"], QUARTER, resolve_scope(users["supervisor_6za"], "6ZA"))
        made.append("6ZA draft")
    if not Report.objects.filter(quarter=str(QUARTER), agency__isnull=True).exists():
        analyst = users["state_analyst"]
        report = publishing.start(analyst, QUARTER, resolve_scope(analyst, STATEWIDE))
        publishing.submit(report, analyst)
        made.append("statewide in review")
    stdout.write(f"reports: written reports for {QUARTER}: {', '.join(made) or 'already there'}\n")
