"""Per-user API tokens: Django REST Framework's authtoken (one token per user), created and revoked by
the user on their profile page or by an operator with `manage.py api_token USERNAME`.

A new token replaces the old one (which stops working at once). Every creation, revocation and use
is in the audit log: `api.token.created`, `api.token.revoked`, and one `api.read` entry per API
request (path, query, status, and whether a token or the session signed it).
"""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.audit import log_action
from accounts.models import AuditEntry, User

READ_ACTION = "api.read"


@transaction.atomic
def create_token(user: User, *, by: str) -> str:
    """A new token for `user` (replacing any other); the key is returned to be shown once."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    log_action("api.token.created", user=user, data={"by": by})
    return token.key


@transaction.atomic
def revoke_token(user: User, *, by: str) -> bool:
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        log_action("api.token.revoked", user=user, data={"by": by})
    return bool(deleted)


def token_of(user: User) -> Token | None:
    return Token.objects.filter(user=user).first()


def last_use(user: User) -> AuditEntry | None:
    """The user's latest API request signed with a token."""
    return AuditEntry.objects.filter(user=user, action=READ_ACTION, data__via="token").order_by("-created_at").first()
