"""Password reset that does not tell whether an address has an account, with limits on requests.

The request only counts the attempt and hands the address to a background job, so it does the
same work, and takes the same time, for any address. The job looks the account up and sends the
e-mail: through the Celery worker when a broker is configured, otherwise in a thread so that the
request still does not wait for the mail server.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.sites.shortcuts import get_current_site
from django.db import connections

from accounts.http import client_address
from accounts.tasks import send_password_reset
from accounts.throttle import count_attempt

logger = logging.getLogger(__name__)


class PasswordResetForm(auth_forms.PasswordResetForm):
    def save(self, domain_override=None, use_https=False, request=None, **unused):
        """Hand the address to the background job; the job uses Django's reset e-mail templates.

        Nothing is written here, so there is no commit to wait for.
        """
        domain = domain_override or get_current_site(request).domain
        send_in_background(self.cleaned_data["email"], domain, use_https)


def send_in_background(email: str, domain: str, use_https: bool) -> None:
    if not send_password_reset.app.conf.task_always_eager:
        send_password_reset.delay(email, domain, use_https)
        return
    threading.Thread(
        target=_send_in_thread, args=(email, domain, use_https), name="password-reset", daemon=True
    ).start()


def _send_in_thread(email: str, domain: str, use_https: bool) -> None:
    try:
        send_password_reset(email, domain, use_https)
    except Exception:  # noqa: BLE001 - a thread has no one to raise to: log it
        logger.exception("password reset e-mail could not be prepared")
    finally:
        connections.close_all()


def too_many_resets(request, email: str) -> bool:
    """Count this request against its address and its client; True once either is over its limit."""
    window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
    for_address = count_attempt("password-reset:address", email.strip().lower(), window)
    from_client = count_attempt("password-reset:client", client_address(request), window)
    return for_address > settings.PASSWORD_RESET_LIMIT or from_client > settings.PASSWORD_RESET_CLIENT_LIMIT
