import pytest

from accounts.audit import entries_for, log_action
from accounts.models import AuditEntry, Membership

pytestmark = pytest.mark.django_db


def test_log_action_records_who_what_and_which_object(personas):
    membership = Membership.objects.get(user=personas.reviewer_a)
    entry = log_action("accounts.membership.checked", user=personas.qa_a, obj=membership, data={"why": "test"})
    assert entry.action == "accounts.membership.checked"
    assert entry.user == personas.qa_a
    assert entry.agency.code == "6ZA"  # taken from the object
    assert entry.object_type == "accounts.membership"
    assert entry.object_id == str(membership.pk)
    assert entry.data == {"why": "test"}
    assert list(entries_for(membership)) == [entry]
    assert AuditEntry.objects.count() == 1
