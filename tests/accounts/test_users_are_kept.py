"""People who acted are deactivated, never deleted: who approved, noted or imported stays readable."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import ProtectedError

from accounts.audit import log_action
from accounts.models import AuditEntry, User
from reviews import workflow
from reviews.models import Review, ReviewStatusChange
from tests.reviews.factories import make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456789")


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def test_deleting_the_user_who_approved_is_refused_and_the_name_stays(personas):
    review = make_review()
    review.status = Review.Status.FIRST_LEVEL_QA
    review.save()
    workflow.transition(review, "approve", personas.qa_a)
    with pytest.raises(ProtectedError):
        personas.qa_a.delete()
    with pytest.raises(ProtectedError):
        User.objects.filter(username="qa_a").delete()
    change = ReviewStatusChange.objects.get(review=review, action="approve")
    assert change.user.username == "qa_a"
    assert AuditEntry.objects.get(action="reviews.qa.approved").user.username == "qa_a"


def test_an_audit_entry_alone_keeps_its_user(personas):
    log_action("accounts.test.checked", user=personas.viewer_a)
    with pytest.raises(ProtectedError):
        personas.viewer_a.delete()


def test_a_user_named_only_in_field_history_or_the_admin_log_is_kept(personas, make_user):
    # Answer history (django-simple-history sets history_user to NULL on delete): refused.
    editor = make_user("editor", ("reviewer", "6ZA"))
    review = make_review()
    review.answers.create(question_code="1", value="NO")
    answer = review.answers.get()
    answer._history_user = editor
    answer.value = "YES"
    answer.save()
    assert answer.history.filter(history_user=editor).exists()
    with pytest.raises(ProtectedError, match="deactivate the user"):
        editor.delete()
    assert answer.history.filter(history_user=editor).exists()

    # The admin's own log would be deleted with its user (CASCADE): refused too.
    clerk = make_user("clerk")
    LogEntry.objects.create(
        user=clerk,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(personas.viewer_a.pk),
        object_repr="viewer_a",
        action_flag=CHANGE,
    )
    assert clerk.traces() == ["admin.LogEntry"]
    with pytest.raises(ProtectedError):
        clerk.delete()


def test_a_user_who_never_acted_can_still_be_removed(make_user):
    # Memberships (roles) go with the user; nothing else refers to them.
    newcomer = make_user("newcomer", ("reviewer", "6ZA"), ("agency_viewer", "6ZB"))
    newcomer.groups.create(name="Testers")
    assert newcomer.traces() == []
    newcomer.delete()
    assert not User.objects.filter(username="newcomer").exists()


def test_the_admin_deactivates_users_instead_of_deleting_them(admin_client, root, personas):
    target = personas.reviewer_a
    assert admin_client.get(f"/admin/accounts/user/{target.pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/accounts/user/{target.pk}/delete/", {"post": "yes"}).status_code == 403
    changelist = admin_client.get("/admin/accounts/user/")
    actions = [value for value, _label in changelist.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions and "deactivate" in actions

    response = admin_client.post("/admin/accounts/user/", {"action": "deactivate", "_selected_action": [target.pk]})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_active is False and User.objects.filter(pk=target.pk).exists()
    entry = AuditEntry.objects.get(action="accounts.user.deactivated")
    assert (entry.user, entry.object_id) == (root, str(target.pk))


def test_the_admin_will_not_deactivate_the_signed_in_user(admin_client, root):
    admin_client.post("/admin/accounts/user/", {"action": "deactivate", "_selected_action": [root.pk]})
    root.refresh_from_db()
    assert root.is_active and not AuditEntry.objects.exists()


def test_a_deletion_past_the_model_methods_is_still_refused(personas):
    LogEntry.objects.create(
        user=personas.viewer_a,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(personas.viewer_a.pk),
        object_repr="viewer_a",
        action_flag=CHANGE,
    )
    with pytest.raises(ProtectedError, match="admin.LogEntry"):
        User._base_manager.filter(pk=personas.viewer_a.pk).delete()  # the pre_delete signal refuses
