from celery import shared_task

from accounts.models import Membership


@shared_task
def count_memberships(agency_code: str) -> int:
    """How many roles are held in an agency. Used to check the broker and workers end to end."""
    return Membership.objects.filter(agency__code=agency_code).count()
