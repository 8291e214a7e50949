"""What a user may see: the one place every view filters querysets and fetches objects.

Scoping answers one question: *in which agencies may this user do X?* Every helper here takes
the capability X, and views scope their data by the capability the page needs, never by "has X
somewhere" followed by "every agency of the user".

Rules
- A role grants capabilities (see CAPABILITIES), in the agency where it is held.
- A role held in the Children's Division (CD, state central office) grants its capabilities in
  every agency; a superuser holds every capability everywhere. A CD reviewer therefore sees every
  agency's reviews, but no agency's metrics or survey results.
- A user with roles in several agencies holds each role's capabilities only where that role is
  held: a supervisor in 6ZA who is a reviewer in 6ZB sees 6ZA's metrics and 6ZB's reviews, never
  6ZB's metrics.
- Objects are fetched with `get_for_user_or_404`: an object outside the agencies where the user
  holds the capability is answered 404, so its existence is not disclosed. An agency named in a
  URL is checked with `get_agency_for_user`: 404 when the user holds no role there, 403 when
  their roles there do not grant the capability.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
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
        "review.agreement",
        # The QA lead draws the quarter's review sample (from the extract or the case list).
        "review.sample",
    },
    # report.edit: draft and edit the quarterly report of an agency the role is held in (in CD: the
    # statewide report); report.publish: publish it, as the second person (reports/publishing.py).
    # review.agreement: the inter-rater agreement of calibration reviews (QA reviewers and supervisors).
    Role.SUPERVISOR: {
        "review.view",
        "review.agreement",
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
KNOWN_CAPABILITIES: frozenset[str] = frozenset().union(*CAPABILITIES.values())


def _known(capability: str) -> str:
    # A misspelt capability would silently scope to nothing (or, for superusers, to everything).
    if capability not in KNOWN_CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}; known: {', '.join(sorted(KNOWN_CAPABILITIES))}")
    return capability


def _memberships(user: User) -> list[Membership]:
    # Cached on the user object for the request; memberships rarely exceed a handful.
    cached = getattr(user, "_scoping_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("agency"))
        user._scoping_memberships = cached
    return cached


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


def agency_ids_with_capability(user: User, capability: str) -> set[int] | None:
    """Ids of the agencies in which `user` may do `capability`; None means every agency.

    None for superusers and for a role held in CD that grants the capability; an empty set when
    no role of the user grants it.
    """
    _known(capability)
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return None
    ids: set[int] = set()
    for m in _memberships(user):
        if capability in CAPABILITIES[m.role]:
            if m.agency.code == STATE_AGENCY_CODE:
                return None
            ids.add(m.agency_id)
    return ids


def agency_codes_with_capability(user: User, capability: str) -> set[str] | None:
    """Codes of the agencies in which `user` may do `capability`; None means every agency."""
    ids = agency_ids_with_capability(user, capability)
    if ids is None:
        return None
    return {m.agency.code for m in _memberships(user) if m.agency_id in ids}


def agencies_with_capability(user: User, capability: str) -> QuerySet[Agency]:
    """The agencies in which `user` may do `capability` (every agency, CD included, when state-wide)."""
    ids = agency_ids_with_capability(user, capability)
    if ids is None:
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=ids)


def holds_statewide(user: User, capability: str) -> bool:
    """May `user` do `capability` in every agency (a CD role granting it, or a superuser)?

    Statewide figures, statewide waves and the extract import ask this, never "has a role in CD".
    """
    return agency_ids_with_capability(user, capability) is None


def has_capability(user: User, capability: str, agency: Agency | None = None) -> bool:
    """May `user` do `capability` in `agency` (or, when None, in at least one agency)?

    With agency=None this only decides whether a page opens at all (403 otherwise); the data on
    the page is then scoped with the same capability.
    """
    ids = agency_ids_with_capability(user, capability)
    if ids is None:
        return True
    if agency is None:
        return bool(ids)
    return agency.pk in ids


def scope_queryset(qs: QuerySet, user: User, *, capability: str, agency_field: str = "agency") -> QuerySet:
    """Filter `qs` to the agencies where the user may do `capability`, through `agency_field` (a lookup path)."""
    ids = agency_ids_with_capability(user, capability)
    if ids is None:
        return qs
    if not ids:
        return qs.none()
    return qs.filter(**{f"{agency_field}__in": ids})


def scope_queryset_by_codes(qs: QuerySet, user: User, *, capability: str, code_field: str) -> QuerySet:
    """Like scope_queryset, for tables that store the agency code as text (extracts, metric results)."""
    codes = agency_codes_with_capability(user, capability)
    if codes is None:
        return qs
    if not codes:
        return qs.none()
    return qs.filter(**{f"{code_field}__in": codes})


def get_for_user_or_404(
    qs: QuerySet | type[Model], user: User, *, capability: str, agency_field: str = "agency", **lookup
) -> Model:
    """Fetch one object of an agency where the user may do `capability`; 404 when absent or out of scope."""
    if isinstance(qs, type):
        qs = qs._default_manager.all()
    try:
        return scope_queryset(qs, user, capability=capability, agency_field=agency_field).get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404(f"No {qs.model._meta.verbose_name} found.") from exc


def get_agency_for_user(user: User, capability: str, **lookup) -> Agency:
    """An agency named in a URL or a filter (by code or pk), checked for `capability`.

    404 when it does not exist or the user holds no role there (other agencies are not
    disclosed); 403 when the user holds a role there that does not grant `capability`.
    """
    _known(capability)
    agency = Agency.objects.filter(**lookup).first() if user.is_authenticated else None
    if agency is None or not roles(user, agency):
        raise Http404("No such agency.")
    if not has_capability(user, capability, agency):
        raise PermissionDenied(f"Your roles in {agency.code} do not include {capability}.")
    return agency


def users_with_role(role: str, agencies: Iterable[Agency]) -> QuerySet[User]:
    """Users holding `role` in one of `agencies` (or at state level)."""
    agency_ids = [a.pk for a in agencies]
    return User.objects.filter(
        Q(memberships__role=role)
        & (Q(memberships__agency_id__in=agency_ids) | Q(memberships__agency__code=STATE_AGENCY_CODE))
    ).distinct()
