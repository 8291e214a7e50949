"""Drafting, reviewing and publishing the quarterly report: who may, and the state machine.

    draft --submit--> in review --publish--> published --reissue(reason)--> draft ...
                 <--return to draft--

- Children's Division staff draft and edit the statewide report; an agency's supervisor or
  administrator drafts that agency's report. Permission is asked per agency through
  accounts.scoping ("may this user do report.edit in CD / in 6ZA?"): a role counts only where it
  is held.
- Texts change only in a draft. Submitting freezes the figures (reports.document.build) with the
  texts into the report's review snapshot: the reviewer publishes exactly what they read.
- Publishing needs report.publish and a second person: the publisher is not the last editor.
- A published version is a frozen snapshot (ReportVersion); re-issuing opens a new draft whose
  publication becomes the next version, with the reason given.
- Every change is audited (accounts.audit.log_action, actions `reports.report.*`).
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.audit import log_action
from accounts.models import STATE_AGENCY_CODE, Agency, User
from accounts.scoping import has_capability
from config.background import enqueue
from reports import document
from reports.measures import MEASURES_BY_CODE
from reports.models import Report, ReportVersion
from reports.quarterly import Quarter, Scope
from reports.tasks import render_version_files_task

EDIT, PUBLISH, VIEW = "report.edit", "report.publish", "report.view"
MAX_TEXT = 20_000
MAX_ITEMS = 30
TEXT_FIELDS = ("introduction", "additional_data", "conclusion")
LIST_FIELDS = ("successes", "challenges")


class PublishingError(Exception):
    """A step that cannot be taken now (wrong status, two-person rule, bad input): says why."""


# --------------------------------------------------------------------------------------------
# Who may
# --------------------------------------------------------------------------------------------


def scope_agency(scope: Scope | Report) -> Agency | None:
    """The agency in which a capability is asked: the report's agency, or CD for the statewide one."""
    agency = scope.agency
    if agency is not None:
        return agency
    return Agency.objects.filter(code=STATE_AGENCY_CODE).first()


def may(user: User, capability: str, scope: Scope | Report) -> bool:
    """May `user` do `capability` for this scope's report (in its agency; in CD when statewide)?"""
    agency = scope_agency(scope)
    return agency is not None and has_capability(user, capability, agency)


def require(user: User, capability: str, scope: Scope | Report) -> None:
    if not may(user, capability, scope):
        what = {EDIT: "edit", PUBLISH: "publish", VIEW: "read"}.get(capability, capability)
        where = "the statewide report" if scope.agency is None else f"{scope.agency.code}'s report"
        raise PermissionDenied(f"You may not {what} {where}.")


def may_see_drafts(user: User, report: Report) -> bool:
    return may(user, EDIT, report) or may(user, PUBLISH, report)


# --------------------------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------------------------


def _scope(report: Report) -> Scope:
    return Scope(report.agency)


def _audit(action: str, user: User, report: Report, **data: Any) -> None:
    log_action(
        f"reports.report.{action}",
        user=user,
        obj=report,
        agency=report.agency,
        data={"quarter": report.quarter, "scope": report.scope_parameter, **data},
    )


def start(user: User, quarter: Quarter, scope: Scope) -> Report:
    """The quarter's report for the scope, created as a draft with the default texts if new."""
    require(user, EDIT, scope)
    with transaction.atomic():
        # No ordering: the default one joins the agency, and PostgreSQL cannot lock an outer join.
        report = (
            Report.objects.select_for_update().filter(quarter=str(quarter), agency=scope.agency).order_by("pk").first()
        )
        if report is not None:
            return report
        report = Report.objects.create(
            quarter=str(quarter),
            agency=scope.agency,
            texts=document.default_texts(quarter, scope),
            created_by=user,
            last_edited_by=user,
            last_edited_at=timezone.now(),
        )
        _audit("created", user, report)
    return report


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().order_by().get(pk=report.pk)


def clean_texts(report: Report, data: dict[str, Any]) -> dict[str, Any]:
    """The texts to store, checked: every problem named by field; nothing stored when one fails."""
    problems = []
    texts = dict(report.texts)
    for name in TEXT_FIELDS:
        if name in data:
            value = str(data[name] or "").replace("\r\n", "\n").strip()
            if len(value) > MAX_TEXT:
                problems.append(f"{name}: at most {MAX_TEXT:,} characters ({len(value):,} given)")
            texts[name] = value
    for name in LIST_FIELDS:
        if name in data:
            value = data[name]
            lines = value if isinstance(value, list) else str(value or "").splitlines()
            lines = [str(line).strip().lstrip("-•* ").strip() for line in lines]
            lines = [line for line in lines if line]
            if len(lines) > MAX_ITEMS:
                problems.append(f"{name}: at most {MAX_ITEMS} items ({len(lines)} given)")
            if any(len(line) > 1000 for line in lines):
                problems.append(f"{name}: an item is longer than 1,000 characters")
            texts[name] = lines
    if "next_due" in data:
        value = data["next_due"]
        try:
            due = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
        except ValueError:
            problems.append(f"next_due: {value!r} is not a date (YYYY-MM-DD)")
        else:
            if due <= Quarter.parse(report.quarter).end:
                problems.append("next_due: the next publication date must come after the reporting quarter")
            texts["next_due"] = due.isoformat()
    commentary = dict(texts.get("commentary") or {})
    for code, value in (data.get("commentary") or {}).items():
        if code not in MEASURES_BY_CODE:
            problems.append(f"commentary: {code!r} is not a measure of the report")
            continue
        value = str(value or "").replace("\r\n", "\n").strip()
        if len(value) > MAX_TEXT:
            problems.append(f"commentary on {MEASURES_BY_CODE[code].title}: at most {MAX_TEXT:,} characters")
        if value:
            commentary[code] = value
        else:
            commentary.pop(code, None)
    texts["commentary"] = commentary
    if problems:
        raise PublishingError("; ".join(problems))
    return texts


def edit(report: Report, user: User, data: dict[str, Any]) -> list[str]:
    """Change the team's texts of a draft; returns the names of the fields that changed."""
    require(user, EDIT, report)
    with transaction.atomic():
        report = _locked(report)
        if report.status != Report.Status.DRAFT:
            raise PublishingError(f"The report is {report.get_status_display().lower()}: only a draft can be edited.")
        texts = clean_texts(report, data)
        changes = _text_changes(report.texts, texts)
        if not changes:
            return []
        report.texts = texts
        report.last_edited_by = user
        report.last_edited_at = timezone.now()
        report.save(update_fields=["texts", "last_edited_by", "last_edited_at"])
        _audit("edited", user, report, changes=changes)
    return sorted(changes)


def _text_changes(old: dict, new: dict) -> dict[str, dict]:
    changes = {}
    for key in sorted(set(old) | set(new)):
        if key == "commentary":
            before, after = old.get(key) or {}, new.get(key) or {}
            for code in sorted(set(before) | set(after)):
                if before.get(code, "") != after.get(code, ""):
                    changes[f"commentary.{code}"] = {"old": before.get(code, ""), "new": after.get(code, "")}
        elif old.get(key) != new.get(key):
            changes[key] = {"old": old.get(key), "new": new.get(key)}
    return changes


def submit(report: Report, user: User) -> Report:
    """Draft -> in review: the figures are frozen now, with the texts, for the reviewer."""
    require(user, EDIT, report)
    with transaction.atomic():
        report = _locked(report)
        if report.status != Report.Status.DRAFT:
            raise PublishingError(f"The report is {report.get_status_display().lower()}, not a draft.")
        if report.versions.exists() and not report.reissue_reason.strip():
            raise PublishingError("Say why the report is re-issued before submitting the new version.")
        quarter = Quarter.parse(report.quarter)
        report.review_snapshot = document.build(
            user,
            quarter,
            _scope(report),
            status=Report.Status.IN_REVIEW,
            version=report.next_version_number,
            texts=report.texts,
        )
        report.status = Report.Status.IN_REVIEW
        report.submitted_by = user
        report.submitted_at = timezone.now()
        report.save(update_fields=["review_snapshot", "status", "submitted_by", "submitted_at"])
        _audit("submitted", user, report, version=report.next_version_number)
    return report


def return_to_draft(report: Report, user: User, note: str = "") -> Report:
    """In review -> draft (by an editor or a reviewer), e.g. to correct the commentary."""
    if not (may(user, EDIT, report) or may(user, PUBLISH, report)):
        require(user, EDIT, report)
    with transaction.atomic():
        report = _locked(report)
        if report.status != Report.Status.IN_REVIEW:
            raise PublishingError("Only a report in review can be returned to draft.")
        report.status = Report.Status.DRAFT
        report.review_snapshot = None
        report.save(update_fields=["status", "review_snapshot"])
        _audit("returned", user, report, note=note.strip()[:2000])
    return report


def publish(report: Report, user: User) -> ReportVersion:
    """In review -> published: the review snapshot becomes the next frozen version.

    The two-person rule: whoever edited the report last may not publish it."""
    require(user, PUBLISH, report)
    with transaction.atomic():
        report = _locked(report)
        if report.status != Report.Status.IN_REVIEW or report.review_snapshot is None:
            raise PublishingError("Only a report in review can be published: submit it for review first.")
        if report.last_edited_by_id == user.pk:
            raise PublishingError(
                "Publishing needs a second person: you edited this report last, so someone else must publish it."
            )
        now = timezone.now()
        number = report.next_version_number
        snapshot = copy.deepcopy(report.review_snapshot)
        snapshot["report"]["status"] = Report.Status.PUBLISHED
        snapshot["report"]["version"] = number
        snapshot["context"].update(
            {
                "published_at": now.isoformat(timespec="seconds"),
                "published_by": user.get_full_name() or user.username,
                "version_reason": report.reissue_reason if number > 1 else "",
            }
        )
        version = ReportVersion.objects.create(
            report=report,
            number=number,
            reason=report.reissue_reason if number > 1 else "",
            snapshot=snapshot,
            edited_by=report.last_edited_by,
            submitted_by=report.submitted_by,
            published_by=user,
            published_at=now,
        )
        report.status = Report.Status.PUBLISHED
        report.review_snapshot = None
        report.reissue_reason = ""
        report.save(update_fields=["status", "review_snapshot", "reissue_reason"])
        _audit("published", user, report, version=number, reason=version.reason)
        # The PDF and Word files take up to a minute to lay out: rendered in the background once the
        # version is committed, so that readers download a stored file.
        transaction.on_commit(lambda: enqueue(render_version_files_task, version.pk))
    return version


def reissue(report: Report, user: User, reason: str) -> Report:
    """Published -> draft of the next version; the reason is required and goes with the version."""
    require(user, EDIT, report)
    reason = (reason or "").strip()
    if not reason:
        raise PublishingError("Say why the report is re-issued (for example: figures corrected after a recompute).")
    if len(reason) > 2000:
        raise PublishingError("The reason is at most 2,000 characters.")
    with transaction.atomic():
        report = _locked(report)
        if report.status != Report.Status.PUBLISHED:
            raise PublishingError("Only a published report can be re-issued.")
        report.status = Report.Status.DRAFT
        report.reissue_reason = reason
        report.last_edited_by = user
        report.last_edited_at = timezone.now()
        report.save(update_fields=["status", "reissue_reason", "last_edited_by", "last_edited_at"])
        _audit("reissued", user, report, reason=reason, next_version=report.next_version_number)
    return report


def snapshot_for(report: Report, user: User) -> dict[str, Any]:
    """What the report page shows for the working copy: the frozen review snapshot when in review,
    else the figures read now (draft) with the report's texts."""
    if report.status == Report.Status.IN_REVIEW and report.review_snapshot:
        return report.review_snapshot
    if report.status == Report.Status.PUBLISHED and (version := report.latest_version):
        return version.snapshot
    return document.build(
        user,
        Quarter.parse(report.quarter),
        _scope(report),
        status=Report.Status.DRAFT,
        version=report.next_version_number,
        texts=report.texts,
    )
