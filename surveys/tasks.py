"""Sending invitations and reminders, in the background, through Django's e-mail backend.

Each invitation is locked, sent and marked in its own small transaction, so a failure half-way
never marks unsent mail as sent and a retry never sends twice. Contacts without an e-mail address
get their printed code from the wave's code list instead.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.audit import log_action
from accounts.models import User
from surveys.models import Invitation, Wave

log = logging.getLogger(__name__)


def public_base(fallback: str = "") -> str:
    """The base of the links respondents get: SURVEYS_PUBLIC_BASE_URL when set (the address the
    public reaches), else `fallback` (the address of the page that sent them), else localhost."""
    configured = getattr(settings, "SURVEYS_PUBLIC_BASE_URL", "") or ""
    return (configured or fallback or "http://localhost:8000").rstrip("/")


def pending(wave_id: int, agency_ids: list[int] | None, reminder: bool):
    qs = Invitation.objects.filter(wave_id=wave_id, used=False, contact__isnull=False).exclude(contact__email="")
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    return qs.filter(sent_at__isnull=not reminder)


@shared_task
def send_invitations(
    wave_id: int,
    agency_ids: list[int] | None = None,
    reminder: bool = False,
    base_url: str = "",
    user_id: int | None = None,
) -> int:
    """Send a wave's invitations (or reminders) and write one audit entry: how many, by whom."""
    kind = "reminders" if reminder else "invitations"
    user = User.objects.filter(pk=user_id).first() if user_id else None
    scope = {"agencies": "all" if agency_ids is None else agency_ids}
    wave = Wave.objects.get(pk=wave_id)
    try:
        sent = deliver(wave_id, agency_ids, reminder, base_url)
    except Exception as exc:
        # Mails sent before the failure are marked on their invitations; a retry skips them.
        log_action(f"surveys.{kind}.failed", user=user, obj=wave, data={**scope, "error": type(exc).__name__})
        raise
    log_action(f"surveys.{kind}.sent", user=user, obj=wave, data={**scope, "sent": sent})
    return sent


def deliver(wave_id: int, agency_ids: list[int] | None = None, reminder: bool = False, base_url: str = "") -> int:
    """E-mail each not-yet-sent invitation (or, for reminders, each sent but unanswered one)."""
    base = public_base(base_url)
    sent = 0
    connection = get_connection()
    for invitation_id in pending(wave_id, agency_ids, reminder).values_list("id", flat=True):
        with transaction.atomic():
            invitation = (
                pending(wave_id, agency_ids, reminder)
                .select_for_update()
                .select_related("wave", "survey", "agency", "contact")
                .filter(pk=invitation_id)
                .first()
            )
            if invitation is None:  # answered or sent meanwhile
                continue
            context = {
                "invitation": invitation,
                "link": base + reverse("surveys:welcome", args=[invitation.token]),
                "code_url": base + reverse("surveys:enter_code"),
                "reminder": reminder,
            }
            subject = (
                "Reminder: " if reminder else ""
            ) + f"{invitation.survey.title_en} / {invitation.survey.title_es}"
            body = render_to_string("surveys/email/invitation.txt", context)
            EmailMessage(subject, body, to=[invitation.contact.email], connection=connection).send()
            now = timezone.now()
            if reminder:
                invitation.reminders_sent += 1
                invitation.last_reminded_at = now
            else:
                invitation.sent_at = now
            invitation.save(update_fields=["sent_at", "reminders_sent", "last_reminded_at"])
            sent += 1
    log.info("surveys.invitation.%s wave=%s count=%s", "reminded" if reminder else "sent", wave_id, sent)
    return sent
