"""The home page's metric lines (accounts.attention): the latest period's goals met, and a failed import."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from accounts.attention import Attention, plural
from accounts.models import User
from accounts.scoping import agency_codes_with_capability, has_capability, holds_statewide
from metrics import pages
from metrics.compute import latest_run
from metrics.models import ImportRun


def _period_words(period: str) -> str:
    """'2023-09' -> 'September 2023'; quarters and fiscal years as they are."""
    try:
        return dt.date.fromisoformat(f"{period}-01").strftime("%B %Y")
    except ValueError:
        return period


def metric_attention(user: User) -> list[Attention]:
    lines = []
    if pages.may_import(user):
        last = ImportRun.objects.order_by("-created_at", "-pk").first()
        if last is not None and last.status in (ImportRun.Status.FAILED, ImportRun.Status.REJECTED):
            verb = "failed" if last.status == ImportRun.Status.FAILED else "was rejected"
            lines.append(
                Attention(
                    "Metrics",
                    f"The latest extract import ({last.original_name}) {verb}",
                    "metrics:import_detail",
                    args=(last.pk,),
                    urgent=True,
                )  # fmt: skip
            )
    if not has_capability(user, pages.CAPABILITY):
        return lines
    run = latest_run()
    if run is None:
        return lines
    period = pages.default_period(run.results.all())
    if not period:
        return lines
    # Results with a goal in the dashboard's opening period: statewide for state staff, else per agency.
    results = pages.scoped_results(user, run).filter(period=period, meets__isnull=False).exclude(period_type="QUARTER")
    if holds_statewide(user, pages.CAPABILITY):
        results = results.filter(dimension="STATE")
    else:
        results = results.filter(dimension="AGENCY", key__in=agency_codes_with_capability(user, pages.CAPABILITY) or ())
    rows = results.values("dimension", "key").annotate(n=Count("pk"), met=Count("pk", filter=Q(meets=True)))
    when = _period_words(period)
    for order, row in enumerate(sorted(rows, key=lambda r: r["key"])):
        if row["dimension"] == "STATE":
            text = f"Statewide, the goal was met on {row['met']} of {plural(row['n'], 'metric')} in {when}"
        else:
            text = f"{row['key']} met the goal on {row['met']} of {plural(row['n'], 'metric')} in {when}"
        lines.append(Attention("Metrics", text, "metrics:dashboard", query=f"period={period}", order=order))
    return lines
