"""Which survey waves, responses and invitations a user may read: the one place the survey pages and the
read API (api/) take their survey scope from (accounts.scoping answers "in which agencies")."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.scoping import agencies_with_capability, agency_ids_with_capability, get_agency_for_user, scope_queryset
from surveys import results
from surveys.forms import ResultsFilterForm
from surveys.models import Invitation, Response, Wave


def waves_for_user(user: User, capability: str) -> QuerySet[Wave]:
    """Waves of the agencies where the user holds `capability`, plus statewide waves (in which they see
    only those agencies' part)."""
    ids = agency_ids_with_capability(user, capability)
    qs = Wave.objects.prefetch_related("surveys").select_related("agency")
    if ids is None:
        return qs
    if not ids:
        return qs.none()
    return qs.filter(Q(agency__isnull=True) | Q(agency_id__in=ids))


def get_wave_for_user_or_404(user: User, pk: int, capability: str) -> Wave:
    try:
        return waves_for_user(user, capability).get(pk=pk)
    except Wave.DoesNotExist as exc:
        raise Http404("No survey wave found.") from exc


def results_scope(user: User, data) -> tuple[QuerySet[Response], ResultsFilterForm, dict]:
    """The submitted responses of the agencies where the user holds surveys.view, narrowed by the filter
    (`data`: wave and agency ids, group); the results page and the read API call this.

    A wave out of that scope is 404; an agency where the user holds no role 404, one where their
    roles do not include surveys.view 403.
    """
    agencies = agencies_with_capability(user, "surveys.view").exclude(code="CD")
    waves = waves_for_user(user, "surveys.view")
    agency = data.get("agency")
    if agency:
        if not agency.isdigit():
            raise Http404("No such agency in your scope.")
        get_agency_for_user(user, "surveys.view", pk=int(agency))
    wave = data.get("wave")
    if wave and (not wave.isdigit() or not waves.filter(pk=int(wave)).exists()):
        raise Http404("No such wave in your scope.")
    form = ResultsFilterForm(data or None, waves=waves, agencies=agencies)
    chosen = form.cleaned_data if form.is_valid() else {}
    responses = results.filter_responses(
        results.submitted_responses_for_user(user, "surveys.view"),
        wave=chosen.get("wave"),
        agency=chosen.get("agency"),
        group=chosen.get("group") or None,
    )
    return responses, form, chosen


def results_invitations(user: User, chosen: dict) -> QuerySet[Invitation]:
    """The invitations behind the response rates of the results (scoped and filtered like the responses)."""
    invitations = scope_queryset(Invitation.objects.all(), user, capability="surveys.view")
    if chosen.get("wave"):
        invitations = invitations.filter(wave=chosen["wave"])
    if chosen.get("agency"):
        invitations = invitations.filter(agency=chosen["agency"])
    if chosen.get("group"):
        invitations = invitations.filter(group=chosen["group"])
    return invitations
