from celery import shared_task
from django.contrib.auth.forms import PasswordResetForm

from accounts.audit import log_action
from accounts.models import Agency, Membership


@shared_task
def count_memberships(agency_code: str) -> int:
    """Count the roles held in an agency and log it: a check of the broker and workers end to end."""
    agency = Agency.objects.get(code=agency_code)
    count = Membership.objects.filter(agency=agency).count()
    log_action("accounts.worker.checked", agency=agency, data={"memberships": count})
    return count


@shared_task
def send_password_reset(email: str, domain: str, use_https: bool) -> None:
    """E-mail a reset link to each active account with this address; for an unknown address, nothing."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(domain_override=domain, use_https=use_https)
