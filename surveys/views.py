"""Staff pages: waves (fielding, contacts, sending, response rates), results, exports, follow-ups.

Every page asks for a capability (403 without it) and reads data only through the scoping
helpers, with that same capability: wave pages (surveys.manage), results and exports
(surveys.view) and follow-ups (surveys.follow_up) show only the agencies where the user's role
grants it. A wave of another agency answers 404; results filtered to an agency where the user
holds no role answer 404, to one where their role there lacks surveys.view 403.
"""

from __future__ import annotations

import secrets
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts import charts
from accounts.audit import log_action
from accounts.exports import CsvWriter, csv_writer
from accounts.measure_names import name_for
from accounts.models import User
from accounts.scoping import (
    agency_ids_with_capability,
    get_for_user_or_404,
    has_capability,
    holds_statewide,
    scope_queryset,
)
from surveys import results, sampling
from surveys.access import get_wave_for_user_or_404, results_invitations, results_scope, waves_for_user
from surveys.forms import ContactUploadForm, ResultsFilterForm, WaveForm
from surveys.models import (
    Answer,
    FollowUpRequest,
    Invitation,
    Question,
    RespondentGroup,
    Response,
    SkippedContact,
)
from surveys.tasks import public_base, send_invitations


def require(user: User, capability: str) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied(f"You need the {capability} capability.")


def _rate_rows(invitations: QuerySet[Invitation]) -> list[tuple[str, list[results.RateRow]]]:
    return [
        ("Total", results.response_rates(invitations)),
        ("By respondent group", results.response_rates(invitations, by="group")),
        ("By agency", results.response_rates(invitations, by="agency")),
    ]


# --- waves ----------------------------------------------------------------------------------


@login_required
@require_GET
def wave_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "surveys.manage")
    waves = list(waves_for_user(request.user, "surveys.manage"))
    invitations = scope_queryset(Invitation.objects.filter(wave__in=waves), request.user, capability="surveys.manage")
    rates = results.response_rates_by_wave(invitations)
    rows = [{"wave": w, "rate": rates.get(w.pk, results.RateRow(w.name, 0, 0))} for w in waves]
    return render(request, "surveys/wave_list.html", {"rows": rows})


@login_required
def wave_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "surveys.manage")
    form = WaveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data["agency"]
        if agency is None and not holds_statewide(request.user, "surveys.manage"):
            raise PermissionDenied("Only state staff field a wave to all agencies.")
        if agency is not None and not has_capability(request.user, "surveys.manage", agency):
            raise PermissionDenied("You do not manage surveys for this agency.")
        with transaction.atomic():
            wave = form.save(commit=False)
            wave.created_by = request.user
            wave.save()
            form.save_m2m()
            log_action("surveys.wave.created", user=request.user, obj=wave, data=wave.audit_data())
        messages.success(request, f"Wave “{wave.name}” created. Upload its contact list next.")
        return redirect("surveys:wave_detail", pk=wave.pk)
    return render(request, "surveys/wave_form.html", {"form": form})


@login_required
@require_GET
def wave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "surveys.manage")
    wave = get_wave_for_user_or_404(request.user, pk, "surveys.manage")
    invitations = scope_queryset(wave.invitations.all(), request.user, capability="surveys.manage")
    skipped = scope_queryset(SkippedContact.objects.filter(wave=wave), request.user, capability="surveys.manage")
    skipped = skipped.select_related("agency")
    uploads = wave.uploads.all()
    if wave.agency_id is None and not holds_statewide(request.user, "surveys.manage"):
        # A statewide wave's uploads mix agencies; agency staff see the lists they uploaded.
        uploads = uploads.filter(uploaded_by=request.user)
    return render(
        request,
        "surveys/wave_detail.html",
        {
            "wave": wave,
            "rates": _rate_rows(invitations),
            "uploads": uploads.select_related("uploaded_by"),
            "skipped": skipped,
            "upload_form": ContactUploadForm(),
            "unsent": invitations.filter(sent_at__isnull=True, used=False)
            .exclude(contact__email="")
            .exclude(contact__isnull=True)
            .count(),
            "unanswered": invitations.filter(sent_at__isnull=False, used=False).count(),
            "printed": invitations.filter(contact__email="").count(),
        },
    )


@login_required
@require_POST
def wave_upload(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "surveys.manage")
    wave = get_wave_for_user_or_404(request.user, pk, "surveys.manage")
    form = ContactUploadForm(request.POST, request.FILES)
    errors: list[str] = []
    filename = ""
    if form.is_valid():
        filename, text = form.cleaned_data["file"]
        outcome = sampling.upload_contacts(
            wave,
            text,
            request.user,
            filename=filename,
            sample_size=form.cleaned_data["sample_size"],
            seed=form.cleaned_data["seed"],
        )
        if outcome.ok:
            upload = outcome.upload
            seed = f" (sample of {upload.sample_size}, seed {upload.seed})" if upload.sample_size else ""
            messages.success(
                request, f"{upload.invited} invitation(s) created, {upload.skipped} contact(s) skipped{seed}."
            )
            return redirect("surveys:wave_detail", pk=wave.pk)
        errors = [str(e) for e in outcome.errors]
    else:
        errors = [f"{field}: {message}" for field, msgs in form.errors.items() for message in msgs]
    return render(
        request, "surveys/upload_errors.html", {"wave": wave, "errors": errors, "filename": filename}, status=400
    )


@login_required
@require_POST
def wave_send(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "surveys.manage")
    wave = get_wave_for_user_or_404(request.user, pk, "surveys.manage")
    reminder = request.POST.get("kind") == "reminders"
    ids = agency_ids_with_capability(request.user, "surveys.manage")
    agency_ids = None if ids is None else sorted(ids)
    base_url = public_base(request.build_absolute_uri("/"))
    user_id = request.user.pk
    log_action(
        f"surveys.{'reminders' if reminder else 'invitations'}.requested",
        user=request.user,
        obj=wave,
        data={"agencies": "all" if agency_ids is None else agency_ids},
    )
    # Sent after the request's transaction commits, by a worker (or in-process without a broker).
    transaction.on_commit(
        lambda: send_invitations.delay(
            wave.pk, agency_ids=agency_ids, reminder=reminder, base_url=base_url, user_id=user_id
        )
    )
    messages.success(request, "Reminders are being sent." if reminder else "Invitations are being sent.")
    return redirect("surveys:wave_detail", pk=wave.pk)


@login_required
@require_GET
def wave_codes(request: HttpRequest, pk: int) -> HttpResponse:
    """Printable codes for contacts reached on paper or by phone (no e-mail address).

    Every such invitation is listed, answered or not: a list that shrank when someone answered
    would tell who had just sent the newest response.
    """
    require(request.user, "surveys.manage")
    wave = get_wave_for_user_or_404(request.user, pk, "surveys.manage")
    invitations = (
        scope_queryset(
            wave.invitations.filter(contact__email=""),
            request.user,
            capability="surveys.manage",
        )
        .select_related("contact", "agency")
        .order_by("agency__code", "group", "contact__name")
    )
    code_url = public_base(request.build_absolute_uri("/")) + reverse("surveys:enter_code")
    return render(request, "surveys/wave_codes.html", {"wave": wave, "invitations": invitations, "code_url": code_url})


# --- results --------------------------------------------------------------------------------


COMMENTS_PER_PAGE = 100


def _results_scope(request: HttpRequest) -> tuple[QuerySet[Response], ResultsFilterForm, dict]:
    return results_scope(request.user, request.GET)


@login_required
@require_GET
def results_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "surveys.view")
    responses, form, chosen = _results_scope(request)
    shown_by = results.disclosure()
    question_results = results.question_results(responses, shown_by=shown_by)
    closed = [r for r in question_results if r.has_favourable]
    selected = chosen.get("question") or (closed[0].code if closed else "")
    comments, withheld = results.comments(responses, shown_by=shown_by)
    # Comments a page at a time: thousands of them made the page slow to render and to read.
    comments_page = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("comments_page"))
    other_params = request.GET.copy()
    other_params.pop("comments_page", None)
    invitations = results_invitations(request.user, chosen)
    breakdowns = {}
    if selected:
        breakdowns = {
            by: results.breakdown(responses, selected, by, shown_by=shown_by) for by in ("agency", "group", "wave")
        }
    trend = [
        row for row in breakdowns.get("wave", []) if not row.suppressed and row.result.percent_favourable is not None
    ]
    query = request.GET.urlencode()
    selected_text = next((r.text for r in question_results if r.code == selected), "")
    return render(
        request,
        "surveys/results.html",
        {
            "form": form,
            "responses_count": results.response_count(responses, shown_by),
            "results": question_results,
            "closed": closed,
            "selected": selected,
            "selected_text": selected_text,
            "breakdowns": breakdowns,
            "comments": comments_page,
            "comments_query": other_params.urlencode(),
            "withheld": withheld,
            "rates": _rate_rows(invitations),
            "chart": _favourable_chart(closed) if closed else None,
            "trend": _trend_chart(trend, selected_text) if len(trend) > 1 else None,
            "query": query,
            "min_cell": results.min_cell(),
            "measures": sorted(
                ({"code": t, "name": name_for(t)} for t in {t for r in question_results for t in r.tags}),
                key=lambda m: m["name"],
            ),
            # each question with the measures it informs, by name
            "tagged": [(r, [(t, name_for(t)) for t in r.tags]) for r in question_results],
        },
    )


def _favourable_chart(closed: list[results.QuestionResult]) -> dict:
    """Percent favourable per closed question, labelled with the question (shortened), with n."""
    return charts.chart(
        title="Percent favourable by question",
        labels=[r.text for r in closed],
        series=[
            charts.Series(
                "% favourable",
                [r.percent_favourable for r in closed],
                n=[None if r.suppressed else r.n for r in closed],
                missing=["suppressed (fewer responses than the minimum)" if r.suppressed else "" for r in closed],
            )
        ],
        unit="%",
        axis_title="% favourable (agree or strongly agree)",
        horizontal=True,
        label_title="Question",
    )


def _trend_chart(rows: list, question: str) -> dict:
    return charts.chart(
        title=f"Percent favourable by wave: {charts.shorten(question, 80)}",
        kind="line",
        labels=[row.label for row in rows],
        series=[
            charts.Series(
                "% favourable", [row.result.percent_favourable for row in rows], n=[row.result.n for row in rows]
            )
        ],
        unit="%",
        axis_title="% favourable",
        label_title="Wave",
    )


def _csv_response(filename: str) -> tuple[HttpResponse, CsvWriter]:
    """A CSV download whose every cell (wave names, question texts, answers) is spreadsheet-safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8 (Spanish accents)
    return response, csv_writer(response)


@login_required
@require_GET
def export_aggregates(request: HttpRequest) -> HttpResponse:
    """Counts per answer for each wave x agency x group cell; cells under the minimum are suppressed."""
    require(request.user, "surveys.view")
    responses, _form, _chosen = _results_scope(request)
    out, writer = _csv_response("survey-aggregates.csv")
    writer.writerow(
        [
            "wave",
            "agency",
            "group",
            "responses",
            "question",
            "question_text",
            "answer",
            "answer_label",
            "count",
            "percent",
            "percent_favourable",
            "n_favourable_base",
            "suppressed",
        ]
    )
    shown_by = results.disclosure()
    cells = (
        responses.values_list("wave", "wave__name", "agency", "agency__code", "group")
        .distinct()
        .order_by("wave__name", "wave", "agency__code", "group")
    )
    for wave_id, wave_name, agency_id, agency_code, group in cells:
        cell = responses.filter(wave=wave_id, agency=agency_id, group=group)
        size = results.response_count(cell, shown_by)
        for result in results.question_results(cell, shown_by=shown_by):
            if result.kind in Question.TEXT_KINDS:
                continue
            head = [wave_name, agency_code, group, "" if size is None else size, result.code, result.text]
            if result.suppressed:
                writer.writerow([*head, "", "", "", "", "", "", "yes"])
                continue
            if result.kind == Question.Kind.NUMBER:
                writer.writerow([*head, "mean", "", result.number_mean, "", "", result.answered, "no"])
                continue
            for choice in result.choices:
                writer.writerow(
                    [
                        *head,
                        choice.value,
                        choice.label,
                        choice.count,
                        choice.percent,
                        result.percent_favourable if result.percent_favourable is not None else "",
                        result.n if result.has_favourable else "",
                        "no",
                    ]
                )
    return out


@login_required
@require_GET
def export_responses(request: HttpRequest) -> HttpResponse:
    """One row per submitted response, no contact data; rows of cells under the minimum are left out."""
    require(request.user, "surveys.view")
    responses, _form, _chosen = _results_scope(request)
    shown_by = results.disclosure()
    everyone = list(responses.select_related("wave", "agency"))
    cells = {r.pk: results.response_cell(r) for r in everyone}
    kept = [r for r in everyone if cells[r.pk] in shown_by.respondents.masses and not shown_by.hides_cell(cells[r.pk])]
    # Rows in a random order within each cell: neither the database id nor the time of answering
    # (which could be matched with an invitation) orders them.
    shuffle = secrets.SystemRandom()
    kept.sort(key=lambda r: (r.wave.opens_on, r.wave.name, r.agency.code, r.group, shuffle.random()))
    codes = list(
        dict.fromkeys(
            Question.objects.filter(survey__in={r.survey_id for r in kept})
            .order_by("section__position", "position")
            .values_list("code", flat=True)
        )
    )
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    for answer in (
        Answer.objects.filter(response__in=kept).select_related("question", "choice").prefetch_related("choices")
    ):
        if answer.question.kind in results.COUNTED_KINDS and shown_by.hides_answer(
            answer.question.code, cells[answer.response_id]
        ):
            continue  # too few answered this question in the row's cell: left empty
        if answer.question.kind == Question.Kind.MULTIPLE:
            value = ";".join(sorted(c.value for c in answer.choices.all()))
        elif answer.choice_id:
            value = answer.choice.value
        elif answer.number is not None:
            value = f"{answer.number.normalize():f}"
        else:
            value = answer.text
        answers[answer.response_id][answer.question.code] = value
    out, writer = _csv_response("survey-responses.csv")
    writer.writerow(["row", "wave", "agency", "group", "language", "submitted_month", *codes])
    for number, response in enumerate(kept, start=1):
        month = response.submitted_on.strftime("%Y-%m") if response.submitted_on else ""
        row = [number, response.wave.name, response.agency.code, response.group, response.language, month]
        writer.writerow([*row, *(answers[response.pk].get(code, "") for code in codes)])
    return out


@login_required
@require_GET
def measure(request: HttpRequest, code: str) -> HttpResponse:
    """Every question tagged with one measure (metric code or OSRI item), per respondent group."""
    require(request.user, "surveys.view")
    _responses, form, chosen = _results_scope(request)
    rows = results.results_for_measure(
        code, request.user, wave=chosen.get("wave"), agency=chosen.get("agency"), group=chosen.get("group") or None
    )
    return render(request, "surveys/measure.html", {"code": code, "name": name_for(code), "rows": rows, "form": form})


# --- follow-up requests ---------------------------------------------------------------------


@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """Respondents who asked to be contacted; only QA leads of the agency see them."""
    require(request.user, "surveys.follow_up")
    qs = scope_queryset(
        FollowUpRequest.objects.select_related("wave", "agency", "closed_by"),
        request.user,
        capability="surveys.follow_up",
    )
    if request.method == "POST":
        follow_up = get_for_user_or_404(
            qs, request.user, capability="surveys.follow_up", pk=request.POST.get("pk", "0") or 0
        )
        follow_up.close(request.user)
        messages.success(request, "Follow-up marked as done.")
        return redirect("surveys:follow_up_list")
    groups = dict(RespondentGroup.choices)
    return render(request, "surveys/follow_up_list.html", {"follow_ups": [(f, groups[f.group]) for f in qs]})
