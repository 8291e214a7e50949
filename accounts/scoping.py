"""What a user may see: the one place every view filters querysets and fetches objects.

Rules
- A superuser, and anyone holding a role in the Children's Division (CD, state central
  office), sees every agency.
- Everyone else sees the agencies in which they hold a role.
- A role grants capabilities (see CAPABILITIES); `has_capability` answers "may this user
  do X (in agency A)?".
- Single objects are fetched with `get_for_user_or_404`: an object outside the user's
  scope is answered 404, so its existence is not disclosed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from accounts.models import STATE_AGENCY_CODE, Agency, Membership, Role, User

# Capabilities per role. Views ask for a capability, never for a role name.
CAPABILITIES: dict[str, set[str]] = {
    Role.REVIEWER: {"review.view", "review.edit", "review.submit"},
    Role.QA_REVIEWER: {
        "review.view",
        "review.qa",
        "review.override",
        "review.edit_notes",
        "surveys.follow_up",
        "review.eliminate",
    },
    # report.edit: draft and edit the quarterly report of an agency the role is held in (in CD: the
    # statewide report); report.publish: publish it, as the second person (reports/publishing.py).
    Role.SUPERVISOR: {
        "review.view",
        "report.view",
        "report.edit",
        "report.publish",
        "metrics.view",
        "surveys.view",
        "surveys.manage",
    },
    Role.AGENCY_VIEWER: {"review.view", "report.view", "metrics.view", "surveys.view"},
    Role.ADMINISTRATOR: {
        "review.view",
        "report.view",
        "report.edit",
        "report.publish",
        "metrics.view",
        "metrics.import",
        "surveys.view",
        "surveys.manage",
        "accounts.manage",
        "review.sample",
        "review.eliminate",
        "review.unfinalize",
    },
}


def _memberships(user: User) -> list[Membership]:
    # Cached on the user object for the request; memberships rarely exceed a handful.
    cached = getattr(user, "_scoping_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("agency"))
        user._scoping_memberships = cached
    return cached


def is_state_staff(user: User) -> bool:
    """Superusers and CD (central office) members see all agencies."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(m.agency.code == STATE_AGENCY_CODE for m in _memberships(user))


def roles(user: User, agency: Agency | None = None) -> set[str]:
    """The roles a user holds, in one agency or anywhere. State roles count everywhere."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Role.values)
    held = set()
    for m in _memberships(user):
        if agency is None or m.agency_id == agency.pk or m.agency.code == STATE_AGENCY_CODE:
            held.add(m.role)
    return held


def has_capability(user: User, capability: str, agency: Agency | None = None) -> bool:
    """May `user` do `capability` (in `agency`, or in some agency when None)?"""
    return any(capability in CAPABILITIES[role] for role in roles(user, agency))


def agencies_for_user(user: User) -> QuerySet[Agency]:
    """The agencies whose data the user may see."""
    if not user.is_authenticated:
        return Agency.objects.none()
    if is_state_staff(user):
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=[m.agency_id for m in _memberships(user)])


def agency_ids_for_user(user: User) -> set[int] | None:
    """Agency ids the user may see, or None meaning "all"."""
    if is_state_staff(user):
        return None
    return {m.agency_id for m in _memberships(user)}


def scope_queryset(qs: QuerySet, user: User, agency_field: str = "agency") -> QuerySet:
    """Filter any queryset to the user's agencies through `agency_field` (a lookup path)."""
    if not user.is_authenticated:
        return qs.none()
    ids = agency_ids_for_user(user)
    if ids is None:
        return qs
    return qs.filter(**{f"{agency_field}__in": ids})


def scope_queryset_by_codes(qs: QuerySet, user: User, code_field: str) -> QuerySet:
    """Like scope_queryset, for tables that store the agency code as text (extracts)."""
    if not user.is_authenticated:
        return qs.none()
    if is_state_staff(user):
        return qs
    codes = [m.agency.code for m in _memberships(user)]
    return qs.filter(**{f"{code_field}__in": codes})


def get_for_user_or_404(qs: QuerySet | type[Model], user: User, agency_field: str = "agency", **lookup) -> Model:
    """Fetch one object within the user's scope; 404 when absent or out of scope."""
    if isinstance(qs, type):
        qs = qs._default_manager.all()
    try:
        return scope_queryset(qs, user, agency_field).get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404(f"No {qs.model._meta.verbose_name} found.") from exc


def users_with_role(role: str, agencies: Iterable[Agency]) -> QuerySet[User]:
    """Users holding `role` in one of `agencies` (or at state level)."""
    agency_ids = [a.pk for a in agencies]
    return User.objects.filter(
        Q(memberships__role=role)
        & (Q(memberships__agency_id__in=agency_ids) | Q(memberships__agency__code=STATE_AGENCY_CODE))
    ).distinct()
