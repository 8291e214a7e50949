"""Respondent pages: no account, an invitation link or printed code, one question group per page.

Pages are never cached (a phone may be shared). Every token problem (unknown, used, expired, not yet open, too many guesses) is answered with a
clear page in the respondent's language and a 4xx status, never an error page. Failed lookups
are counted per caller (keyed hash of the client address, behind TRUSTED_PROXY_COUNT proxies) and,
past a limit, all lookups from that caller are refused for a while, so codes cannot be guessed by
trying many. The count is taken atomically before each lookup, so parallel requests do not slip
past it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.http import client_address
from surveys import answering
from surveys.i18n import pick_language, ui
from surveys.identity import client_key, resume_key
from surveys.models import CODE_ALPHABET, GuessAllowance, Invitation, Question, Response

SESSION_LANGUAGE = "survey_language"
SESSION_FOLLOW_UP = "survey_follow_up"


def guess_limit() -> int:
    return getattr(settings, "SURVEYS_GUESS_LIMIT", 10)


def guess_window() -> timedelta:
    return timedelta(minutes=getattr(settings, "SURVEYS_GUESS_WINDOW_MINUTES", 15))


# --- language -------------------------------------------------------------------------------


def language_for(request: HttpRequest, response: Response | None = None) -> str:
    """?lang= wins and is remembered; then the session; then the response's language; then English."""
    asked = request.GET.get("lang")
    if asked in ("en", "es"):
        request.session[SESSION_LANGUAGE] = asked
        return asked
    if SESSION_LANGUAGE in request.session:
        return pick_language(request.session[SESSION_LANGUAGE])
    if response is not None:
        return response.language
    return "en"


def _render(request: HttpRequest, template: str, language: str, context: dict, status: int = 200) -> HttpResponse:
    words = ui(language)
    context = {
        "lang": language,
        "t": words,
        "switch_url": f"{request.path}?lang={words['switch_lang']}",
        **context,
    }
    return render(request, f"surveys/public/{template}", context, status=status)


def _problem(request: HttpRequest, language: str, kind: str, status: int, **fmt) -> HttpResponse:
    words = ui(language)
    return _render(
        request,
        "problem.html",
        language,
        {
            "title": words[f"{kind}_title"],
            "text": words[f"{kind}_text"].format(**fmt),
            "kind": kind,
        },
        status=status,
    )


# --- token lookup with rate limiting --------------------------------------------------------


def _caller(request: HttpRequest) -> str:
    return client_key(client_address(request))


def take_guess(caller: str) -> bool:
    """Count one lookup against the caller's allowance before it is made; False when used up.

    Each step is one conditional UPDATE (atomic on PostgreSQL and SQLite): of many parallel
    requests, exactly the allowance gets through. A lookup that finds its invitation gives its
    count back (give_back_guess), so only failed lookups use the allowance up.
    """
    allowances = GuessAllowance.objects.filter(client_key=caller)
    for _attempt in range(2):  # twice: an expired row may be cleared away between the steps
        now = timezone.now()
        GuessAllowance.objects.get_or_create(client_key=caller, defaults={"window_start": now})
        if allowances.filter(window_start__lt=now - guess_window()).update(window_start=now, failures=1):
            return True  # the window had passed: a new one starts with this lookup
        if allowances.filter(failures__lt=guess_limit()).update(failures=F("failures") + 1):
            return True
        if allowances.exists():
            return False
    return False


def give_back_guess(caller: str) -> None:
    GuessAllowance.objects.filter(client_key=caller, failures__gt=0).update(failures=F("failures") - 1)


def forget_old_guesses() -> None:
    GuessAllowance.objects.filter(window_start__lt=timezone.now() - guess_window()).delete()


def _find(request: HttpRequest, language: str, **lookup) -> Invitation | HttpResponse:
    """The invitation for a token or code, or the page that explains why it cannot be used."""
    caller = _caller(request)
    if not take_guess(caller):
        minutes = int(guess_window().total_seconds() // 60)
        return _problem(request, language, "limited", 429, minutes=minutes)
    invitation = Invitation.objects.select_related("wave", "survey", "agency").filter(**lookup).first()
    if invitation is None:
        forget_old_guesses()
        return _problem(request, language, "unknown", 404)
    give_back_guess(caller)
    today = timezone.localdate()
    if invitation.is_used:
        return _problem(request, language, "used", 410)
    if invitation.is_expired(today):
        return _problem(request, language, "expired", 410, date=_date(invitation.wave.closes_on, language))
    if invitation.is_not_yet_open(today):
        return _problem(request, language, "not_open", 403, date=_date(invitation.wave.opens_on, language))
    return invitation


MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


def _date(day, language: str) -> str:
    if language == "es":
        return f"{day.day} de {MONTHS_ES[day.month - 1]} de {day.year}"
    return f"{day:%B} {day.day}, {day.year}"


def _response_for(token: str) -> Response | None:
    return Response.objects.filter(resume_key=resume_key(token)).select_related("survey").first()


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch in CODE_ALPHABET)


# --- views ----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def enter_code(request: HttpRequest) -> HttpResponse:
    language = language_for(request)
    error = ""
    code = ""
    if request.method == "POST":
        code = request.POST.get("code", "")[:32]
        normalized = normalize_code(code)
        if not normalized:
            error = ui(language)["err_required"]
        else:
            found = _find(request, language, code=normalized)
            if isinstance(found, HttpResponse):
                return found
            return redirect(reverse("surveys:welcome", args=[found.token]))
    return _render(request, "enter_code.html", language, {"error": error, "code": code})


@never_cache
@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest, token: str) -> HttpResponse:
    response = _response_for(token)
    language = language_for(request, response)
    found = _find(request, language, token=token)
    if isinstance(found, HttpResponse):
        return found
    invitation = found
    if request.method == "POST":
        if response is None:
            # get_or_create: a double tap on "Start" must not fail on the unique resume key.
            response, _ = Response.objects.get_or_create(
                resume_key=resume_key(token),
                defaults={
                    "survey": invitation.survey,
                    "wave": invitation.wave,
                    "agency": invitation.agency,
                    "group": invitation.group,
                    "language": language,
                },
            )
        return redirect(reverse("surveys:page", args=[token, response.last_page]))
    survey = invitation.survey
    return _render(
        request,
        "welcome.html",
        language,
        {
            "survey_title": survey.title(language),
            "intro": survey.intro(language),
            "agency": invitation.agency,
            "wave": invitation.wave,
            "closes_on": _date(invitation.wave.closes_on, language),
            "resuming": response is not None,
            "pages": survey.sections.count(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, token: str, number: int) -> HttpResponse:
    response = _response_for(token)
    language = language_for(request, response)
    found = _find(request, language, token=token)
    if isinstance(found, HttpResponse):
        return found
    if response is None:
        return redirect(reverse("surveys:welcome", args=[token]))
    sections = list(response.survey.sections.order_by("position"))
    if not 1 <= number <= len(sections):
        return redirect(reverse("surveys:page", args=[token, min(max(number, 1), len(sections))]))
    section = sections[number - 1]
    questions = answering.survey_questions(response.survey)
    stored = answering.stored_values(response)
    page_input = None
    if request.method == "POST":
        action = request.POST.get("action", "next")
        page_input = answering.parse_page(
            section, questions, request.POST, stored, language, require=(action == "next")
        )
        if not page_input.errors:
            answering.save_page(response, section, questions, page_input)
            response.language = language
            if action == "back":
                target = number - 1
            elif action == "save":
                target = number
            else:
                target = number + 1
            response.last_page = max(1, min(target, len(sections)))
            response.save(update_fields=["language", "last_page"])
            if action == "save":
                return redirect(reverse("surveys:saved", args=[token]))
            if target < 1:
                return redirect(reverse("surveys:welcome", args=[token]))
            if target > len(sections):
                return redirect(reverse("surveys:finish", args=[token]))
            return redirect(reverse("surveys:page", args=[token, target]))
    items = _page_items(section, questions, stored, language, page_input)
    words = ui(language)
    return _render(
        request,
        "page.html",
        language,
        {
            "survey_title": response.survey.title(language),
            "section_title": section.title(language),
            "number": number,
            "pages": len(sections),
            "progress": words["page_of"].format(page=number, pages=len(sections)),
            "items": items,
            "errors": [i for i in items if i["error"]],
        },
        status=200,
    )


def _page_items(section, questions, stored, language, page_input) -> list[dict]:
    """What the template needs per question, already in the respondent's language."""
    words = ui(language)
    by_id = {q.pk: q for q in questions}
    items = []
    for question in (q for q in questions if q.section_id == section.pk):
        condition = question.show_when_question
        same_page = condition is not None and condition.section_id == section.pk
        if condition is not None and not same_page and not answering.is_visible(question, stored, by_id):
            continue
        name = answering.field_name(question)
        if page_input is not None:
            value = page_input.raw.get(name, [] if question.kind == Question.Kind.MULTIPLE else "")
        else:
            value = stored.get(question.pk, [] if question.kind == Question.Kind.MULTIPLE else "")
        if isinstance(value, list):
            selected = set(value)
        else:
            selected = {str(value)} if value not in (None, "") else set()
        if question.kind == Question.Kind.NUMBER and value not in (None, ""):
            value = f"{value.normalize():f}" if hasattr(value, "normalize") else value
        hint = ""
        if same_page:
            chosen = next((c for c in condition.choices.all() if c.value == question.show_when_value), None)
            hint = words["only_if"].format(
                value=chosen.label(language) if chosen else question.show_when_value,
                question=condition.text(language),
            )
        items.append(
            {
                "name": name,
                "kind": question.kind,
                "text": question.text(language),
                "help": question.help(language),
                "required": question.required,
                "value": "" if isinstance(value, list) else value,
                "choices": [
                    {
                        "value": c.value,
                        "label": c.label(language),
                        "checked": c.value in selected,
                        "id": name if i == 0 else f"{name}-{i + 1}",
                    }
                    for i, c in enumerate(question.choices.all())
                ],
                "error": page_input.errors.get(name, "") if page_input else "",
                "show_when": answering.field_name(condition) if same_page else "",
                "show_value": question.show_when_value if same_page else "",
                "hint": hint,
            }
        )
    return items


@never_cache
@require_http_methods(["GET"])
def saved(request: HttpRequest, token: str) -> HttpResponse:
    response = _response_for(token)
    language = language_for(request, response)
    found = _find(request, language, token=token)
    if isinstance(found, HttpResponse):
        return found
    return _render(
        request,
        "saved.html",
        language,
        {
            "message": ui(language)["saved"].format(date=_date(found.wave.closes_on, language)),
            "code": found.printable_code,
            "resume_url": reverse("surveys:welcome", args=[token]),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def finish(request: HttpRequest, token: str) -> HttpResponse:
    response = _response_for(token)
    language = language_for(request, response)
    found = _find(request, language, token=token)
    if isinstance(found, HttpResponse):
        return found
    if response is None:
        return redirect(reverse("surveys:welcome", args=[token]))
    words = ui(language)
    sections = list(response.survey.sections.order_by("position"))
    errors = []
    contact_me = request.POST.get("contact_me") == "yes"
    preferred = request.POST.get("preferred_contact", "").strip()
    if request.method == "POST":
        questions = answering.survey_questions(response.survey)
        missing = answering.missing_required(response, questions)
        if missing is not None:
            number = [s.pk for s in sections].index(missing.section_id) + 1
            errors.append(
                {
                    "href": reverse("surveys:page", args=[token, number]) + f"#{answering.field_name(missing)}",
                    "text": missing.text(language),
                    "error": words["err_required"],
                }
            )
        else:
            try:
                follow_up = answering.submit(found, response, contact_me=contact_me, preferred_contact=preferred)
            except answering.AlreadySubmitted:
                return _problem(request, language, "used", 410)
            request.session[SESSION_LANGUAGE] = language
            request.session[SESSION_FOLLOW_UP] = follow_up is not None
            return redirect(reverse("surveys:thanks"))
    return _render(
        request,
        "finish.html",
        language,
        {
            "survey_title": response.survey.title(language),
            "errors": errors,
            "back_url": reverse("surveys:page", args=[token, len(sections)]),
            "contact_me": contact_me,
            "preferred": preferred,
        },
    )


@never_cache
@require_http_methods(["GET"])
def thanks(request: HttpRequest) -> HttpResponse:
    language = language_for(request)
    return _render(request, "thanks.html", language, {"follow_up": request.session.get(SESSION_FOLLOW_UP, False)})
