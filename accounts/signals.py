"""Backstop for `User.delete` / `User.objects...delete()`: a deletion that reaches the database
by another path (e.g. `User._base_manager`) is still refused when the user left a trace.

The model methods refuse before any transaction starts; this signal fires inside the deletion's
transaction, so the caller's transaction is rolled back with it.
"""

from __future__ import annotations

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from accounts.models import User, check_user_deletable


@receiver(pre_delete, sender=User, dispatch_uid="accounts.keep_users_who_acted")
def keep_users_who_acted(sender, instance: User, **kwargs) -> None:
    check_user_deletable(instance)
