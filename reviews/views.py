"""Pages of the reviews app: cases, review entry, the QA workflow, summaries.

Views stay thin: they fetch through reviews.access (out of scope -> 404), ask accounts.scoping
for the capability (missing -> 403), call reviews.workflow / reviews.entry / reviews.summaries,
and render. Answers are saved one at a time with htmx. Review pages are never cached, so Back
fetches them again rather than showing actions that are no longer possible.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import markdown
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.audit import entries_for, log_action
from accounts.navigation import agencies_where
from accounts.scoping import agencies_with_capability, has_capability, scope_queryset
from config.security import PRINT_PAGE_POLICY
from reviews import completeness, entry, exports, panels, printout, summaries, workflow
from reviews.access import cases_for_user, get_case_for_user_or_404, get_review_for_user_or_404, reviews_for_user
from reviews.forms import (
    AnswerForm,
    FaceSheetForm,
    NoteForm,
    OverrideForm,
    ParticipantForm,
    ReplyForm,
    StartReviewForm,
    TransitionForm,
    parse_exceptions,
    parse_table,
    prefix_for,
)
from reviews.instrument import CURRENT_VERSION, INSTRUMENTS, get_instrument
from reviews.instrument.describe import describe
from reviews.instrument.questions import Kind
from reviews.instrument.round4 import OUTCOME_OVERRIDE_VALUES, OVERRIDE_VALUES
from reviews.interchange import export_document
from reviews.models import CaseType, Participant, QANote, Review, Sample
from reviews.scoring import InvalidAnswers, StaleReview, StoredRows, raw_answers, score_review

STALE_MESSAGE = (
    "Someone else saved this review after you opened it, so your change was NOT saved. "
    "It is still shown here: reload the page to see their changes, then enter it again."
)


ANSWER_CHANGES_PER_PAGE = 50

# Face Sheet fields not typed on the Face Sheet page, and why.
FIXED_FACE_SHEET = {
    "C_start": "C is the period under review's first day, set when the review was started from the sample.",
    "E": "E is set when the review is first submitted to QA and cannot change.",
    "G": "G is the case's type, recorded on the case.",
}


def _require(user, capability: str, agency=None) -> None:
    if not has_capability(user, capability, agency):
        raise PermissionDenied(f"requires {capability}")


def _review(request: HttpRequest, pk: int) -> Review:
    return get_review_for_user_or_404(request.user, pk, "review.view")


# --- Cases and reviews ----------------------------------------------------------------------


@login_required
@never_cache
def case_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, "review.view")
    cases = cases_for_user(request.user, "review.view").annotate(review_count=Count("reviews"))
    query = request.GET.get("q", "").strip()
    if query:
        cases = cases.filter(Q(case_id__icontains=query) | Q(county__name__icontains=query))
    case_type = request.GET.get("case_type", "")
    if case_type:
        cases = cases.filter(case_type=case_type)
    reviews = {}
    for review in reviews_for_user(request.user, "review.view").filter(case__in=cases[:200]).order_by("-pur_start"):
        reviews.setdefault(review.case_id, []).append(review)
    # "Start a review" only where the user may and the case has no review still open.
    rows = [
        (
            case,
            reviews.get(case.pk, []),
            has_capability(request.user, "review.edit", case.agency)
            and not any(r.status in workflow.OPEN for r in reviews.get(case.pk, [])),
        )
        for case in cases[:200]
    ]
    return render(
        request,
        "reviews/case_list.html",
        {
            "rows": rows,
            "query": query,
            "case_type": case_type,
            "total": cases.count(),
            "case_types": CaseType.choices,
        },
    )


@login_required
def review_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_user_or_404(request.user, case_pk, "review.view")
    _require(request.user, "review.edit", case.agency)
    form = StartReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = workflow.start_review(case, request.user, form.cleaned_data["pur_start"])
        except workflow.Refused as refused:
            for problem in refused.problems:
                form.add_error("pur_start", problem)
        except IntegrityError:
            form.add_error("pur_start", "This case already has a review for that period.")
        else:
            messages.success(
                request,
                f"Review of {case.case_id} started. Check the Face Sheet, add the participants, then answer the items.",
            )
            return redirect("reviews:face_sheet", review.pk)
    return render(
        request, "reviews/review_create.html", {"case": case, "form": form, "open_review": workflow.open_review(case)}
    )


@login_required
@never_cache
def review_list(request: HttpRequest) -> HttpResponse:
    """The reviewer's own reviews (assigned), with status and what is missing."""
    _require(request.user, "review.view")
    reviews = (
        reviews_for_user(request.user, "review.view")
        .filter(reviewers=request.user)
        .annotate(
            incomplete=Count("item_ratings", filter=Q(item_ratings__effective="INCOMPLETE"), distinct=True),
            open_notes=Count("qa_notes", filter=Q(qa_notes__resolved=False), distinct=True),
        )
    )
    rows = [(review, review.incomplete, review.open_notes) for review in reviews[:200]]
    return render(request, "reviews/review_list.html", {"rows": rows})


@login_required
@never_cache
def qa_queue(request: HttpRequest) -> HttpResponse:
    _require(request.user, "review.qa")
    statuses = [Review.Status.SUBMITTED, *workflow.WITH_QA, Review.Status.APPROVED, Review.Status.RETURNED]
    reviews = list(
        reviews_for_user(request.user, "review.qa")
        .filter(status__in=statuses, calibration=False)  # a calibration review gets no QA (workflow)
        .annotate(open_notes=Count("qa_notes", filter=Q(qa_notes__resolved=False)))
        .order_by("status", "updated_at")
    )
    # Flags other apps raise on a review (reports: the review disagrees with the extract).
    flags = panels.flag_counts(request.user, reviews)
    for review in reviews:
        review.flags = flags.get(review.pk, 0)
    groups = [
        (label, [r for r in reviews if r.status == value])
        for value, label in Review.Status.choices
        if value in statuses
    ]
    return render(request, "reviews/qa_queue.html", {"groups": groups, "show_flags": bool(flags)})


def _review_context(request: HttpRequest, review: Review, rows: StoredRows | None = None) -> dict[str, Any]:
    # The review's answers, participants, ratings and notes, read once for the whole page (or as the
    # save that this page answers left them).
    rows = rows or StoredRows.load(review)
    scoring = score_review(review, rows)
    # One list decides what is missing: the sidebar, the navigator, the tabs and Submit read it.
    missing = completeness.what_is_missing(review, scoring, rows)
    return {
        "review": review,
        "rows": rows,
        "scoring": scoring,
        "missing_entries": missing,
        # A refused stale save keeps the page's old version, so every later save is refused until a reload.
        "stale_message": STALE_MESSAGE,
        "sidebar": entry.sidebar(review, scoring, missing),
        "missing": entry.navigator(review, scoring, missing),
        "editable": workflow.can_edit(review, request.user),
        "is_qa": workflow.may_qa(review, request.user),
        "can_override": workflow.may_qa(review, request.user, "review.override"),
    }


@login_required
@never_cache
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case summary: status, actions, item and outcome ratings with reasons, notes, history."""
    review = _review(request, pk)
    context = _review_context(request, review)
    context.update(
        {
            "actions": workflow.available_actions(review, request.user),
            "withheld": workflow.withheld_actions(review, request.user),
            "period_warnings": workflow.period_warnings(review) if review.status in workflow.EDITABLE else [],
            "item_ratings": context["rows"].item_ratings,
            "outcome_ratings": context["rows"].outcome_ratings,
            "notes": review.qa_notes.select_related("author", "replied_by", "resolved_by"),
            "changes": review.status_changes.select_related("user"),
            "audit": entries_for(review)[:30],
            "answer_changes": Paginator(entry.answer_changes(review), ANSWER_CHANGES_PER_PAGE).get_page(
                request.GET.get("changes_page")
            ),
            "changes_open": "changes_page" in request.GET,
            "submission_problems": completeness.submission_messages(context["missing_entries"])
            if review.status in workflow.EDITABLE
            else [],
            "item_values": OVERRIDE_VALUES,
            "outcome_values": OUTCOME_OVERRIDE_VALUES,
            "instrument": get_instrument(review.instrument_version),
            "panels": panels.panels_for(request, review),
        }
    )
    return render(request, "reviews/review_detail.html", context)


# --- The review as one document: print, PDF, JSON -------------------------------------------------


def _file_name(review: Review, ext: str) -> str:
    case = re.sub(r"[^A-Za-z0-9_-]+", "-", review.case.case_id)
    return f"review-{case}-{review.pur_start:%Y-%m-%d}.{ext}"


@login_required
@never_cache
def review_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole review on one printable page (instrument, answers, ratings, reasons, narratives, QA notes)."""
    review = _review(request, pk)
    response = HttpResponse(printout.to_html(review, for_print=False))
    # A standalone document with its print styles inline: no script, nothing loaded (config.security).
    response["Content-Security-Policy"] = PRINT_PAGE_POLICY
    return response


@login_required
def review_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    response = HttpResponse(printout.to_pdf(review), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(review, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    log_action("reviews.review.printed", user=request.user, obj=review, data={"format": "pdf"})
    return response


@login_required
def review_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The review in the interchange format (spec osri.md §9), as `export_reviews` writes it."""
    review = _review(request, pk)
    body = json.dumps(export_document(review), indent=2, ensure_ascii=False) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(review, "json")}"'
    response["Cache-Control"] = "private, no-store"
    log_action("reviews.review.exported", user=request.user, obj=review, data={"format": "json"})
    return response


# --- Face Sheet and participants --------------------------------------------------------------


@login_required
@never_cache
def face_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    context = _review_context(request, review)
    editable = context["editable"]
    instrument = get_instrument(review.instrument_version)
    fields = []
    for spec in instrument.face_sheet:
        # C (from the sample), E (set on submission) and G (the case's type) are not typed here.
        fixed = spec.code in FIXED_FACE_SHEET
        value = review.face_sheet.get(spec.code)
        initial = value if spec.kind is not Kind.MULTI else (value or [])
        fields.append(FaceSheetForm(spec, initial={"value": initial}, disabled=fixed or not editable))
    context.update(
        {
            "fields": fields,
            "participants": [
                (p, ParticipantForm(initial=ParticipantForm.initial_for(p), prefix=f"p{p.pk}"))
                for p in review.participants.all()
            ],
            "participant_form": ParticipantForm(),
            "qa_names": workflow.qa_names(review),
            "page": "face_sheet",
        }
    )
    return render(request, "reviews/face_sheet.html", context)


@login_required
@require_POST
def face_sheet_save(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    instrument = get_instrument(review.instrument_version)
    specs = {s.code: s for s in instrument.face_sheet}
    spec = specs.get(request.POST.get("code", ""))
    if spec is None:
        return HttpResponseBadRequest("unknown Face Sheet field")
    form = FaceSheetForm(spec, request.POST)
    error = ""
    if spec.code in FIXED_FACE_SHEET:
        error = FIXED_FACE_SHEET[spec.code]
    elif not form.is_valid():
        error = "; ".join(form.errors["value"])
    else:
        value = form.cleaned_data["value"]
        try:
            workflow.save_face_sheet(review, request.user, {spec.code: value}, _version(request))
        except StaleReview:
            error = STALE_MESSAGE
        except workflow.Refused as refused:
            error = str(refused)
    review.refresh_from_db()
    return render(
        request,
        "reviews/partials/save_feedback.html",
        {
            "review": review,
            "prefix": f"fs{spec.code}",
            "error": error,
            "oob_panels": False,
            "stale_message": STALE_MESSAGE,
        },
    )


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    form = ParticipantForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not added: " + " ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect("reviews:face_sheet", pk)
    try:
        person = workflow.add_participant(
            review,
            request.user,
            form.cleaned_data["role"],
            form.cleaned_data["label"],
            form.cleaned_data["target"],
            form.details(),
        )
    except workflow.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{person.key} ({person.get_role_display()}) added.")
    return redirect("reviews:face_sheet", pk)


@login_required
@require_POST
def participant_edit(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    review = _review(request, pk)
    person = get_object_or_404(Participant, review=review, pk=person_pk)
    prefix = f"p{person.pk}"
    data = {
        **request.POST.dict(),
        f"{prefix}-role": person.role,
        f"{prefix}-race": request.POST.getlist(f"{prefix}-race"),
    }
    form = ParticipantForm(data, prefix=prefix)
    if not form.is_valid():
        messages.error(request, "Not saved: " + " ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect("reviews:face_sheet", pk)
    try:
        workflow.update_participant(
            review, request.user, person, form.cleaned_data["label"], form.cleaned_data["target"], form.details()
        )
    except workflow.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{person.key} saved.")
    return redirect("reviews:face_sheet", pk)


@login_required
@never_cache
def participant_remove(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """Confirm (GET, or POST without confirm), then remove a participant and flag what depended on them."""
    review = _review(request, pk)
    person = get_object_or_404(Participant, review=review, pk=person_pk)
    try:
        workflow.check_can_edit(review, request.user)
    except workflow.Refused as refused:
        messages.error(request, str(refused))
        return redirect("reviews:face_sheet", pk)
    if request.method == "POST" and request.POST.get("confirm"):
        try:
            flagged = workflow.remove_participant(review, request.user, person, _version(request))
        except StaleReview:
            messages.error(request, STALE_MESSAGE)
            return redirect("reviews:face_sheet", pk)
        text = f"{person.key} ({person.get_role_display()}) removed."
        if flagged:
            text += f" Check the answers to {', '.join(flagged)}: they are listed under What is missing."
        messages.success(request, text)
        return redirect("reviews:face_sheet", pk)
    own, dependent = workflow.participant_dependents(review, person)
    context = _review_context(request, review)
    context.update({"person": person, "own": own, "dependent": dependent, "page": "face_sheet"})
    return render(request, "reviews/participant_remove.html", context)


# --- Item pages and saving answers ------------------------------------------------------------


def _page_key(key: str) -> str:
    if key not in entry.PAGE_KEYS:
        raise Http404("no such item")
    return key


@login_required
@never_cache
def item(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    review = _review(request, pk)
    key = _page_key(key)
    context = _review_context(request, review)
    page = entry.item_page(
        review, key, context["editable"], context["scoring"], missing=context["missing_entries"], rows=context["rows"]
    )
    keys = list(entry.PAGE_KEYS)
    index = keys.index(key)
    context.update(
        {
            "page": page,
            "previous_key": keys[index - 1] if index else None,
            "next_key": keys[index + 1] if index + 1 < len(keys) else None,
            "item_values": OVERRIDE_VALUES,
            "panels": panels.panels_for(request, review, key),
        }
    )
    return render(request, "reviews/item.html", context)


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # no version sent: treat as stale rather than overwrite blindly


def _posted_value(review: Review, question, person: str | None, post) -> tuple[Any, str]:
    """The domain value posted for one question (and person), or the reason it is not one."""
    prefix = prefix_for(question.code, person)
    if question.kind is Kind.TABLE:
        rows, errors = parse_table(question, post, prefix)
        return rows, "; ".join(errors)
    if question.kind is Kind.EXCEPTIONS:
        value, errors = parse_exceptions(question, post, prefix)
        return value, "; ".join(errors)
    form = AnswerForm(question, person, post)
    if not form.is_valid():
        return post.getlist(f"{prefix}-value") or post.get(f"{prefix}-value"), " ".join(form.errors["value"])
    return form.answer(), ""


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save one answer (htmx). On success the item's questions, sidebar and rating are re-rendered."""
    review = _review(request, pk)
    instrument = get_instrument(review.instrument_version)
    code = request.POST.get("code", "")
    if code not in instrument.questions:
        return HttpResponseBadRequest("unknown question")
    question = instrument.question(code)
    person = request.POST.get("person") or None
    if person and not review.participants.filter(key=person).exists():
        return HttpResponseBadRequest("unknown participant")
    prefix = prefix_for(code, person)
    clear_offer: dict[str, Any] | None = None
    if request.POST.get("keep"):
        # The reviewer looked at an answer flagged for a check and keeps it.
        error = ""
        try:
            workflow.keep_answers(review, request.user, code, _version(request))
        except StaleReview:
            error = STALE_MESSAGE
        except workflow.Refused as refused:
            error = str(refused)
        return _item_response(request, review, entry.item_number(question.item), prefix, None, error)
    if request.POST.get("clear"):
        value, error = None, ""  # the reviewer withdraws the answer
    else:
        value, error = _posted_value(review, question, person, request.POST)
    if not error:
        values: dict[str, Any] = {code: value}
        if person:
            values = {code: _merge_person(review, question, person, value)}
        try:
            try:
                workflow.save_answers(review, request.user, values, expected_version=_version(request))
            except InvalidAnswers as invalid:
                skipped = _skipped_by_gate(question, value, invalid)
                if not (skipped and request.POST.get("clear_skipped")):
                    raise
                # The reviewer confirmed: the gate's NO withdraws the item's answers (history keeps them).
                values.update(dict.fromkeys(skipped))
                workflow.save_answers(review, request.user, values, expected_version=_version(request))
        except StaleReview:
            error = STALE_MESSAGE
        except InvalidAnswers as invalid:
            error = "Not saved: " + " ".join(f"{p.code} {p.message}." for p in invalid.problems)
            if skipped := _skipped_by_gate(question, value, invalid):
                clear_offer = {"prefix": prefix, "codes": skipped}
        except workflow.Refused as refused:
            error = str(refused)
    key = entry.item_number(question.item)
    if request.POST.get("quiet"):
        # Free text and table rows are not re-rendered (the reviewer may still be typing): feedback
        # only. A table's other questions are refreshed (1A1's timeliness flags set 1A).
        _reload(review)
        context = _review_context(request, review, None if error else getattr(review, "saved_rows", None))
        context.update({"prefix": prefix, "error": error, "oob_panels": True})
        context["page"] = entry.item_page(
            review,
            key,
            context["editable"],
            context["scoring"],
            missing=context["missing_entries"],
            rows=context["rows"],
        )
        if question.kind is Kind.TABLE and not error:
            context["oob_blocks"] = [b for b in context["page"].blocks if b.question.code != code]
        return render(request, "reviews/partials/save_feedback.html", context)
    return _item_response(request, review, key, prefix, value, error, clear_offer)


def _skipped_by_gate(question, value: Any, invalid: InvalidAnswers) -> list[str]:
    """Answers that block a gate's NO (the item's questions already answered), if that is all that blocks it."""
    if not (question.is_gate and value == "NO"):
        return []
    if not all(p.rule == "skipped-when-gate-no" for p in invalid.problems):
        return []
    return sorted({p.code for p in invalid.problems})


def _merge_person(review: Review, question, person: str, value: Any) -> dict[str, Any] | None:
    """Per-person answers are stored as one {person: value} set per question."""
    current, _ = raw_answers(review)
    existing = current.get(question.code)
    people = [p.key for p in entry.holders(question, list(review.participants.all()))]
    if isinstance(existing, dict):
        merged = dict(existing)
    elif existing is not None:
        merged = dict.fromkeys(people, existing)  # one answer for the role: it held for each person
    else:
        merged = {}
    if value is None:
        merged.pop(person, None)
    else:
        merged[person] = value
    return merged or None


@login_required
@require_POST
def narrative_save(request: HttpRequest, pk: int) -> HttpResponse:
    """A "No" narrative (keyed by question code) or an item's rating rationale (keyed by item)."""
    review = _review(request, pk)
    instrument = get_instrument(review.instrument_version)
    code = request.POST.get("code", "")
    is_item = code in entry.PAGE_KEYS
    if code not in instrument.questions and not is_item:
        return HttpResponseBadRequest("unknown question")
    text = request.POST.get(f"narrative-{code}", "")
    error = ""
    pending = {} if is_item else _pending_answers(review, instrument.question(code), request.POST)
    narratives = {code: text.strip()}
    try:
        try:
            workflow.save_answers(review, request.user, pending, narratives, expected_version=_version(request))
        except InvalidAnswers:
            if not pending:
                raise
            # The pending answer is refused for another reason: the narrative must still be kept.
            pending = {}
            workflow.save_answers(review, request.user, {}, narratives, expected_version=_version(request))
    except StaleReview:
        error = STALE_MESSAGE
    except InvalidAnswers as invalid:
        error = " ".join(f"{p.code} {p.message}." for p in invalid.problems)
    except workflow.Refused as refused:
        error = str(refused)
    if pending and not error:
        # An answer refused for want of this narrative went in with it: show the whole item again.
        response = _item_response(request, review, entry.item_number(instrument.question(code).item), "", None, "")
        response["HX-Retarget"] = "#item-body"
        response["HX-Reswap"] = "outerHTML"
        return response
    _reload(review)
    context = _review_context(request, review)
    context.update({"prefix": f"narrative-{code}", "error": error, "oob_panels": True})
    if not is_item:
        key = entry.item_number(instrument.question(code).item)
    else:
        key = code
    context["page"] = entry.item_page(
        review, key, context["editable"], context["scoring"], missing=context["missing_entries"], rows=context["rows"]
    )
    return render(request, "reviews/partials/save_feedback.html", context)


def _pending_answers(review: Review, question, post) -> dict[str, Any]:
    """Answers shown on the page but not saved (refused until their narrative exists), sent with the narrative.

    8A = YES after 8A1 = NEVER needs a narrative in the same save: the narrative box posts the
    question's fields too, and any value that differs from the stored one is saved with it.
    """
    stored, _ = raw_answers(review)
    people = [p.key for p in entry.holders(question, list(review.participants.all()))]
    values: dict[str, Any] = {}
    for person in people or [None]:
        if f"{prefix_for(question.code, person)}-value" not in post:
            continue
        value, error = _posted_value(review, question, person, post)
        if error or value is None:
            continue
        if person is None:
            if value != stored.get(question.code):
                values[question.code] = value
        else:
            current = stored.get(question.code)
            current_value = current.get(person) if isinstance(current, dict) else current
            if value != current_value:
                review_values = values.get(question.code) or _merge_person(review, question, person, value)
                review_values[person] = value
                values[question.code] = review_values
    return values


def _reload(review: Review) -> None:
    """Read the review's row again after a save, keeping its case (and agency, county): they do not change."""
    case = review.case
    review.refresh_from_db()
    review.case = case


def _item_response(
    request: HttpRequest,
    review: Review,
    key: str,
    prefix: str,
    typed: Any,
    error: str,
    clear_offer: dict[str, Any] | None = None,
) -> HttpResponse:
    _reload(review)
    # After a save, the rows as it wrote them (nothing to read again); after a refusal, as stored.
    context = _review_context(request, review, None if error else getattr(review, "saved_rows", None))
    typed_map = {prefix: (typed, error)} if error else {}
    context.update(
        {
            "page": entry.item_page(
                review,
                key,
                context["editable"],
                context["scoring"],
                typed=typed_map,
                missing=context["missing_entries"],
                rows=context["rows"],
            ),
            "saved_prefix": "" if error else prefix,
            "error": error,
            "clear_offer": clear_offer,
            "item_values": OVERRIDE_VALUES,
        }
    )
    return render(request, "reviews/partials/item_response.html", context)


# --- QA: transitions, notes, overrides --------------------------------------------------------


@login_required
@require_POST
def review_transition(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("action missing")
    action = form.cleaned_data["action"]
    try:
        workflow.transition(
            review,
            action,
            request.user,
            note=form.cleaned_data["note"],
            expected_status=form.cleaned_data["expected_status"] or None,
        )
    except workflow.Refused as refused:
        for problem in refused.problems:
            messages.error(request, problem)
    else:
        messages.success(request, workflow.ACTIONS[action].done)
        if action == "submit":
            for warning in workflow.period_warnings(review):
                messages.warning(request, warning)
            return redirect("reviews:review_list")
    return redirect("reviews:review_detail", pk)


def _back(request: HttpRequest, review: Review) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith(f"/reviews/{review.pk}/"):
        return redirect(target)
    return redirect("reviews:review_detail", review.pk)


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A QA note needs a question and text.")
        return _back(request, review)
    try:
        workflow.add_note(
            review, request.user, form.cleaned_data["question_code"].strip().upper(), form.cleaned_data["text"]
        )
    except workflow.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Note added on {form.cleaned_data['question_code'].upper()}.")
    return _back(request, review)


def _note(request: HttpRequest, pk: int, note_pk: int) -> QANote:
    review = _review(request, pk)
    return get_object_or_404(QANote.objects.select_related("review__case__agency"), review=review, pk=note_pk)


@login_required
@require_POST
def note_reply(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    note = _note(request, pk, note_pk)
    form = ReplyForm(request.POST)
    try:
        if not form.is_valid():
            raise workflow.Refused("a reply needs text")
        workflow.reply_note(note, request.user, form.cleaned_data["reply"])
    except workflow.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Reply saved on the note about {note.question_code}.")
    return _back(request, note.review)


@login_required
@require_POST
def note_resolve(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    note = _note(request, pk, note_pk)
    try:
        workflow.resolve_note(note, request.user)
    except workflow.Refused as refused:
        messages.error(request, str(refused))
    return _back(request, note.review)


@login_required
@require_POST
def note_delete(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    note = _note(request, pk, note_pk)
    review = note.review
    try:
        workflow.delete_note(note, request.user)
    except workflow.Refused as refused:
        messages.error(request, str(refused))
    return _back(request, review)


@login_required
@require_POST
def override(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("override incomplete")
    key, rating = form.cleaned_data["key"], form.cleaned_data["rating"]
    try:
        if rating == "CALCULATED":
            workflow.undo_override(review, request.user, key)
        else:
            workflow.override_rating(review, request.user, key, rating, form.cleaned_data["reason"])
    except workflow.Refused as refused:
        messages.error(request, str(refused))
    except InvalidAnswers as invalid:
        for problem in invalid.problems:
            messages.error(request, f"Override of {key}: {problem.message}.")
    else:
        messages.success(
            request,
            f"Rating of {key} {'restored to the calculated value' if rating == 'CALCULATED' else 'overridden'}.",
        )
    return _back(request, review)


# --- Samples ----------------------------------------------------------------------------------


@login_required
def sample_list(request: HttpRequest) -> HttpResponse:
    """Drawn samples with their cases in the user's scope (drawing is in the admin / draw_sample)."""
    _require(request.user, "review.sample")
    samples = []
    for sample in Sample.objects.all()[:20]:
        cases = scope_queryset(
            sample.cases.select_related("case__agency", "case__county"),
            request.user,
            capability="review.sample",
            agency_field="case__agency",
        )
        # "start a review" only where the user may start one (an administrator may not)
        samples.append(
            (sample, [(entry, has_capability(request.user, "review.edit", entry.case.agency)) for entry in cases])
        )
    # A case whose review is still open links to it instead of offering a second one.
    case_ids = [entry.case_id for _, rows in samples for entry, _ in rows]
    open_reviews = {
        r.case_id: r
        for r in reviews_for_user(request.user, "review.view").filter(case__in=case_ids, status__in=workflow.OPEN)
    }
    return render(
        request,
        "reviews/sample_list.html",
        {"samples": samples, "open_reviews": open_reviews, "reviews_url": reverse("reviews:case_list")},
    )


# --- Summaries --------------------------------------------------------------------------------


def _summary_data(request: HttpRequest) -> tuple[summaries.Filters, list[str], str, Any]:
    _require(request.user, "report.view")
    filters, errors = summaries.parse_filters(request.GET)
    group_by = request.GET.get("group_by", "")
    if group_by and group_by not in summaries.GROUPS:
        errors.append(f"group_by: {group_by!r} is not one of {', '.join(summaries.GROUPS)}")
        group_by = ""
    return filters, errors, group_by, summaries.reviews_for_summary(request.user, filters)


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    filters, errors, group_by, reviews = _summary_data(request)
    items = summaries.item_performance(reviews, group_by)
    outcomes = summaries.outcome_performance(reviews, group_by)
    parents = summaries.parent_breakdown(reviews)
    ani = summaries.ani_reasons(reviews)
    overall_items = items if not group_by else summaries.item_performance(reviews)
    overall_outcomes = outcomes if not group_by else summaries.outcome_performance(reviews)
    charts = summaries.summary_charts(overall_items, overall_outcomes, parents)
    params = filters.params()
    if group_by:
        params["group_by"] = group_by
    return render(
        request,
        "reviews/summary.html",
        {
            "filters": filters,
            "errors": errors,
            "group_by": group_by,
            "groups": summaries.GROUPS,
            "review_count": reviews.count(),
            "items": items,
            "outcomes": outcomes,
            "parents": parents,
            "ani": ani,
            "charts": charts,
            "query": urlencode(params),
            "agencies": agencies_with_capability(request.user, "report.view").order_by("code"),
            "case_types": summaries.CASE_TYPE_LABELS,
            "status_sets": summaries.STATUS_SETS,
        },
    )


@login_required
def summary_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if table not in exports.TABLES or fmt not in ("csv", "xlsx"):
        raise Http404("no such export")
    filters, errors, group_by, reviews = _summary_data(request)
    if table == "items":
        header, body = exports.performance_table(summaries.item_performance(reviews, group_by), "Item", "Strength")
    elif table == "outcomes":
        header, body = exports.performance_table(
            summaries.outcome_performance(reviews, group_by), "Outcome", "Substantially achieved"
        )
    elif table == "parents":
        header, body = exports.parent_table(summaries.parent_breakdown(reviews))
    elif table == "parents_na":
        header, body = exports.parent_na_table(summaries.parent_na_reasons(reviews))
    else:
        header, body = exports.ani_table(summaries.ani_reasons(reviews))
    name = f"review-summary-{table}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(header, body), content_type="text/csv; charset=utf-8")
    else:
        # the spreadsheet says what it shows: filters, how many reviews, who exported it and when
        context = [
            *summaries.filter_context(filters, group_by, agencies_where(request.user, "report.view")),
            ("Reviews", reviews.count()),
            ("Exported", f"{timezone.localtime():%Y-%m-%d %H:%M} by {request.user.get_username()}"),
        ]
        response = HttpResponse(
            exports.to_xlsx(table, header, body, heading=f"Review summaries: {exports.TITLES[table]}", context=context),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def summary_drill(request: HttpRequest) -> HttpResponse:
    """The reviews behind a number, within the viewer's scope and the summary's filters."""
    filters, errors, group_by, reviews = _summary_data(request)
    reviews, description = summaries.drill_down(reviews, request.GET)
    return render(
        request,
        "reviews/summary_drill.html",
        {
            "reviews": reviews.order_by("case__case_id")[:500],
            "description": description,
            "errors": errors,
            "back": reverse("reviews:summary") + "?" + urlencode(filters.params()),
        },
    )


@login_required
def instrument_document(request: HttpRequest) -> HttpResponse:
    """The instrument as a readable document, to hold against the federal OSRI (any version)."""
    _require(request.user, "review.view")
    version = request.GET.get("version") or CURRENT_VERSION
    if version not in INSTRUMENTS:
        raise Http404("Unknown instrument version.")
    text = describe(get_instrument(version))
    if request.GET.get("format") == "md":
        response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{version}.md"'
        return response
    # The text is generated from the instrument's own declarations (no user input); escape it anyway.
    html = markdown.markdown(escape(text), extensions=["tables", "toc"])
    return render(
        request,
        "reviews/instrument.html",
        {"document": mark_safe(html), "version": version, "versions": sorted(INSTRUMENTS)},
    )
