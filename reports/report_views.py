"""The written quarterly report: the page, editing, the workflow, versions, changes and downloads.

Views are thin: access through reports.quarterly.resolve_scope (403 without report.view, 404 for
an agency outside the user's scope) and reports.publishing (report.edit / report.publish per
agency); the rules live in reports.publishing, the figures in reports.document.

A report never published is known only to those who may see its drafts (report.edit or
report.publish in its agency): to everyone else every URL of it answers 404, as if it did not
exist, whether they read it or try a step on it. A report with a published version is visible to
report.view holders; a step on it without the capability is refused (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import entries_for, log_action
from accounts.scoping import has_capability, holds_statewide
from config.security import STANDALONE_DOCUMENT_POLICY
from reports import prepared, publishing, rendering, versions
from reports.models import PreparedFile, RenderedFile, Report, ReportVersion
from reports.quarterly import (
    STATEWIDE,
    Quarter,
    Scope,
    default_quarter,
    quarter_choices,
    report_agencies,
    resolve_scope,
)

DOWNLOADS = [("pdf", "PDF"), ("docx", "Word"), ("xlsx", "Excel"), ("json", "JSON")]
FORMAT_NAMES = dict(DOWNLOADS)


def _open(request: HttpRequest, quarter: str, scope: str) -> tuple[Quarter, Scope, Report | None]:
    scope_ = resolve_scope(request.user, scope)
    period = Quarter.parse(quarter)
    report = Report.objects.filter(quarter=str(period), agency=scope_.agency).select_related("agency").first()
    return period, scope_, report


def _url(name: str, quarter: Quarter | str, scope: Scope | str, **kwargs) -> str:
    parameter = scope.parameter if isinstance(scope, Scope) else scope
    return reverse(f"reports:{name}", kwargs={"quarter": str(quarter), "scope": parameter, **kwargs})


def _published(report: Report | None) -> list[ReportVersion]:
    if report is None:
        return []
    return list(report.versions.select_related("published_by").order_by("-number"))


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """Every quarterly report the user may open, and a picker to open (or start) another."""
    user = request.user
    if not has_capability(user, publishing.VIEW):
        raise PermissionDenied("Reports need the report.view capability.")
    agencies = report_agencies(user)
    reports = Report.objects.filter(agency__in=agencies)
    if holds_statewide(user, "report.view"):
        reports = reports | Report.objects.filter(agency__isnull=True)
    rows = []
    for report in reports.select_related("agency").order_by("-quarter", "agency__code"):
        latest = report.latest_version
        drafts = publishing.may_see_drafts(user, report)
        if latest is None and not drafts:
            continue
        rows.append({"report": report, "latest": latest, "drafts": drafts})
    choices = [(a.code, f"{a.code} — {a.name}") for a in agencies]
    if holds_statewide(user, "report.view"):
        choices.insert(0, (STATEWIDE, "Statewide (all agencies)"))
    today = timezone.localdate()
    return render(
        request,
        "reports/report_list.html",
        {
            "rows": rows,
            "quarters": quarter_choices(today),
            "default_quarter": default_quarter(today),
            "agencies": choices,
        },
    )


@login_required
@require_GET
def report_open(request: HttpRequest) -> HttpResponse:
    """The picker's target: the report page of the chosen quarter and scope."""
    scope = resolve_scope(request.user, request.GET.get("agency"))
    try:
        quarter = Quarter.parse(request.GET.get("quarter", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("reports:report_list")
    return redirect(_url("report", quarter, scope))


@login_required
@require_GET
def report_page(request: HttpRequest, quarter: str, scope: str) -> HttpResponse:
    period, scope_, report = _open(request, quarter, scope)
    user = request.user
    may_draft = publishing.may_see_drafts(user, scope_)
    published = _published(report)
    if report is None or not may_draft:
        if not may_draft and published:
            return redirect(_url("version", period, scope_, number=published[0].number))
        if not may_draft:
            raise Http404("No published report for this quarter yet.")
        return render(
            request,
            "reports/report_page.html",
            {
                "quarter": period,
                "scope": scope_,
                "report": None,
                "may_edit": publishing.may(user, publishing.EDIT, scope_),
            },
        )
    snapshot = publishing.snapshot_for(report, user)
    editable = report.status == Report.Status.DRAFT and publishing.may(user, publishing.EDIT, report)
    return render(
        request,
        "reports/report_page.html",
        {
            "quarter": period,
            "scope": scope_,
            "report": report,
            "snap": snapshot,
            "editable": editable,
            "may_edit": publishing.may(user, publishing.EDIT, report),
            "may_publish": publishing.may(user, publishing.PUBLISH, report),
            "last_editor_is_me": report.last_edited_by_id == user.pk,
            "versions": published,
            "history": entries_for(report)[:30],
            "edit_url": _url("report_texts", period, scope_),
            "commentary_url": _url("report_commentary", period, scope_),
            "working_copy": True,
            "download_formats": DOWNLOADS,
        },
    )


@login_required
@require_GET
def version_page(request: HttpRequest, quarter: str, scope: str, number: int) -> HttpResponse:
    period, scope_, report = _open(request, quarter, scope)
    version = _version(report, number)
    return render(
        request,
        "reports/report_page.html",
        {
            "quarter": period,
            "scope": scope_,
            "report": report,
            "version": version,
            "snap": version.snapshot,
            "editable": False,
            "may_edit": publishing.may(request.user, publishing.EDIT, report),
            "versions": _published(report),
            "working_copy": False,
            "download_formats": DOWNLOADS,
        },
    )


def _version(report: Report | None, number: int) -> ReportVersion:
    version = report.versions.filter(number=number).first() if report else None
    if version is None:
        raise Http404("No such version of this report.")
    return version


@login_required
@require_GET
def changes_page(request: HttpRequest, quarter: str, scope: str) -> HttpResponse:
    """Which figures, sentences and texts changed between two versions (or the latest and the draft)."""
    period, scope_, report = _open(request, quarter, scope)
    published = _published(report)
    if not published:
        raise Http404("No published version to compare.")
    numbers = [v.number for v in published]
    to = request.GET.get("to") or str(numbers[0])
    default_from = str(numbers[1]) if len(numbers) > 1 and to == str(numbers[0]) else str(numbers[0])
    from_ = request.GET.get("from") or default_from

    def pick(value: str):
        if value == "draft":
            if not publishing.may_see_drafts(request.user, report):
                raise Http404("No such version of this report.")
            return "the current draft", publishing.snapshot_for(report, request.user)
        if not value.isdigit():
            raise Http404("No such version of this report.")
        version = _version(report, int(value))
        return f"version {version.number}", version.snapshot

    old_label, old = pick(from_)
    new_label, new = pick(to)
    return render(
        request,
        "reports/changes.html",
        {
            "quarter": period,
            "scope": scope_,
            "report": report,
            "old_label": old_label,
            "new_label": new_label,
            "comparison": versions.compare(old, new),
            "versions": published,
            "may_see_drafts": publishing.may_see_drafts(request.user, report),
            "from_": from_,
            "to": to,
        },
    )


# --------------------------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------------------------


def _file_response(request, report: Report, snapshot: dict, fmt: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=rendering.CONTENT_TYPES[fmt])
    disposition = "inline" if fmt == "html" else "attachment"
    if fmt == "html":
        # The standalone document (print.html) is no app page: its styles are inline, it has no script.
        response["Content-Security-Policy"] = STANDALONE_DOCUMENT_POLICY
    response["Content-Disposition"] = f'{disposition}; filename="{rendering.filename(snapshot, fmt)}"'
    log_action(
        "reports.report.downloaded",
        user=request.user,
        obj=report,
        agency=report.agency,
        data={
            "quarter": report.quarter,
            "scope": report.scope_parameter,
            "format": fmt,
            "status": snapshot["report"]["status"],
            "version": snapshot["report"]["version"],
        },
    )
    return response


@login_required
@require_GET
def download(request: HttpRequest, quarter: str, scope: str, fmt: str) -> HttpResponse:
    """The working copy (draft or in review) for its editors and reviewers; others get the latest version."""
    period, scope_, report = _open(request, quarter, scope)
    if report is None:
        raise Http404("No report for this quarter yet.")
    if not publishing.may_see_drafts(request.user, report) or report.status == Report.Status.PUBLISHED:
        latest = report.latest_version
        if latest is None:
            raise Http404("No published report for this quarter yet.")
        return version_download(request, quarter, scope, latest.number, fmt)
    snapshot = publishing.snapshot_for(report, request.user)
    if fmt in prepared.FORMATS:
        # PDF and Word take up to a minute: prepared in the background, served once ready.
        entry, _started = prepared.obtain(report, snapshot, fmt, request.user)
        if entry.status == PreparedFile.Status.DONE:
            return _file_response(request, report, entry.snapshot, fmt, bytes(entry.content))
        return _prepared_page(request, period, scope_, report, entry)
    return _file_response(request, report, snapshot, fmt, rendering.render(snapshot, fmt))


def _draft_or_404(request: HttpRequest, quarter: str, scope: str) -> tuple[Quarter, Scope, Report]:
    """The working copy, for those who may see drafts (as `download`); to everyone else it does not exist."""
    period, scope_, report = _open(request, quarter, scope)
    if (
        report is None
        or report.status == Report.Status.PUBLISHED
        or not publishing.may_see_drafts(request.user, report)
    ):
        raise Http404("No draft of this report.")
    return period, scope_, report


def _prepared_page(request, period: Quarter, scope_: Scope, report: Report, entry: PreparedFile) -> HttpResponse:
    template = "reports/_prepared_status.html" if request.htmx else "reports/prepared.html"
    return render(
        request,
        template,
        {
            "quarter": period,
            "scope": scope_,
            "report": report,
            "entry": entry,
            "format_name": FORMAT_NAMES[entry.format],
            "page_url": _url("report_prepared", period, scope_, fmt=entry.format),
            "file_url": _url("report_prepared_file", period, scope_, fmt=entry.format),
            "report_url": _url("report", period, scope_),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def prepared_page(request: HttpRequest, quarter: str, scope: str, fmt: str) -> HttpResponse:
    """Where a draft's PDF or Word file is being prepared; it updates itself (htmx) until the file is
    ready or the job failed. POST: try a failed job again."""
    period, scope_, report = _draft_or_404(request, quarter, scope)
    if request.method == "POST":
        prepared.retry(report, fmt, request.user)
        return redirect(_url("report_prepared", period, scope_, fmt=fmt))
    entry = prepared.current(report, fmt)
    if entry is None:
        raise Http404("Nothing is being prepared for this report.")
    return _prepared_page(request, period, scope_, report, entry)


@login_required
@require_GET
def prepared_file(request: HttpRequest, quarter: str, scope: str, fmt: str) -> HttpResponse:
    """The prepared file, if made from the snapshot this user would download; else back to the page
    (not ready) or to the download (prepared from another snapshot)."""
    period, scope_, report = _draft_or_404(request, quarter, scope)
    entry = prepared.current(report, fmt)
    if entry is None:
        raise Http404("Nothing is being prepared for this report.")
    if entry.status != PreparedFile.Status.DONE:
        return redirect(_url("report_prepared", period, scope_, fmt=fmt))
    if entry.digest != prepared.digest(publishing.snapshot_for(report, request.user)):
        # Prepared from another snapshot (the draft changed, or another reader's figures, read with
        # their scoping): only this user's own snapshot is served, through the download.
        return redirect(_url("report_download", period, scope_, fmt=fmt))
    return _file_response(request, report, entry.snapshot, fmt, bytes(entry.content))


@login_required
@require_GET
def version_download(request: HttpRequest, quarter: str, scope: str, number: int, fmt: str) -> HttpResponse:
    """A published version's file; PDF and Word are rendered once and kept (the snapshot never changes)."""
    period, scope_, report = _open(request, quarter, scope)
    version = _version(report, int(number))
    if fmt in RenderedFile.KEPT:
        stored = version.files.filter(format=fmt).first()
        if stored is None:
            content = rendering.render(version.snapshot, fmt)
            with transaction.atomic():
                stored, _ = RenderedFile.objects.get_or_create(
                    version=version, format=fmt, defaults={"content": content}
                )
        content = bytes(stored.content)
    else:
        content = rendering.render(version.snapshot, fmt)
    return _file_response(request, report, version.snapshot, fmt, content)


# --------------------------------------------------------------------------------------------
# Changes: POST only, rules in reports.publishing
# --------------------------------------------------------------------------------------------


def _back(period: Quarter, scope: Scope, anchor: str = "") -> HttpResponse:
    return redirect(_url("report", period, scope) + (f"#{anchor}" if anchor else ""))


def _step(request: HttpRequest, quarter: str, scope: str, action, success: str, anchor: str = "") -> HttpResponse:
    period, scope_, report = _open(request, quarter, scope)
    # A draft never published is not disclosed to those who may not see drafts: 404, as when there
    # is no report, rather than a 403 that would tell them it exists.
    if report is None or not (publishing.may_see_drafts(request.user, report) or report.versions.exists()):
        raise Http404("No report for this quarter yet.")
    try:
        action(report)
    except publishing.PublishingError as exc:
        messages.error(request, str(exc))
    else:
        if success:
            messages.success(request, success)
    return _back(period, scope_, anchor)


@login_required
@require_POST
def report_start(request: HttpRequest, quarter: str, scope: str) -> HttpResponse:
    period, scope_, _report = _open(request, quarter, scope)
    publishing.start(request.user, period, scope_)
    messages.success(request, f"The {period.label} report is a draft: add the team's texts, then submit it for review.")
    return _back(period, scope_)


@login_required
@require_POST
def report_texts(request: HttpRequest, quarter: str, scope: str) -> HttpResponse:
    fields = [*publishing.TEXT_FIELDS, *publishing.LIST_FIELDS, "next_due"]
    data = {name: request.POST[name] for name in fields if name in request.POST}
    anchor = next((name for name in data), "")
    anchor = {"successes": "successes-challenges", "challenges": "successes-challenges", "next_due": "conclusion"}.get(
        anchor, {"additional_data": "additional"}.get(anchor, anchor)
    )
    return _step(
        request,
        quarter,
        scope,
        lambda report: publishing.edit(report, request.user, data),
        "Saved.",
        anchor,
    )


@login_required
@require_POST
def report_commentary(request: HttpRequest, quarter: str, scope: str) -> HttpResponse:
    measure = request.POST.get("measure", "")
    data = {"commentary": {measure: request.POST.get("commentary", "")}}
    return _step(
        request,
        quarter,
        scope,
        lambda report: publishing.edit(report, request.user, data),
        "Commentary saved.",
        f"commentary-{measure}",
    )


@login_required
@require_POST
def report_submit(request: HttpRequest, quarter: str, scope: str) -> HttpResponse:
    return _step(
        request,
        quarter,
        scope,
        lambda report: publishing.submit(report, request.user),
        "Submitted for review: the figures are frozen as they are now. A second person publishes it.",
    )


@login_required
@require_POST
def report_return(request: HttpRequest, quarter: str, scope: str) -> HttpResponse:
    note = request.POST.get("note", "")
    return _step(
        request,
        quarter,
        scope,
        lambda report: publishing.return_to_draft(report, request.user, note),
        "Returned to draft.",
    )


@login_required
@require_POST
def report_publish(request: HttpRequest, quarter: str, scope: str) -> HttpResponse:
    return _step(
        request,
        quarter,
        scope,
        lambda report: publishing.publish(report, request.user),
        "Published. This version is frozen: later recomputations, reviews or survey answers do not change it.",
    )


@login_required
@require_POST
def report_reissue(request: HttpRequest, quarter: str, scope: str) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _step(
        request,
        quarter,
        scope,
        lambda report: publishing.reissue(report, request.user, reason),
        "A new draft is open; its publication will be the next version, with your reason.",
    )
