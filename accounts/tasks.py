from celery import shared_task

from accounts.audit import log_action
from accounts.models import Agency, Membership


@shared_task
def count_memberships(agency_code: str) -> int:
    """Count the roles held in an agency and log it: a check of the broker and workers end to end."""
    agency = Agency.objects.get(code=agency_code)
    count = Membership.objects.filter(agency=agency).count()
    log_action("accounts.worker.checked", agency=agency, data={"memberships": count})
    return count
