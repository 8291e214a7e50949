"""The audit log: one call per action people take (Wagtail-style `log_action`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from accounts.models import Agency, AuditEntry, User


def log_action(
    action: str,
    user: User | None = None,
    obj: Model | None = None,
    agency: Agency | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record `action` (namespaced, e.g. ``reviews.qa.returned``) by `user` on `obj`.

    Called inside the caller's transaction, so a rolled-back action leaves no entry.
    """
    if agency is None and obj is not None:
        agency = getattr(obj, "agency", None) if isinstance(getattr(obj, "agency", None), Agency) else None
    return AuditEntry.objects.create(
        action=action,
        user=user if (user is not None and user.is_authenticated) else None,
        agency=agency,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=data or {},
    )


def entries_for(obj: Model):
    """The audit entries about one object, newest first."""
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related("user")
