import pytest
from django.http import Http404

from accounts.models import Agency, Membership
from accounts.scoping import (
    agencies_for_user,
    get_for_user_or_404,
    has_capability,
    is_state_staff,
    roles,
    scope_queryset,
    scope_queryset_by_codes,
)

pytestmark = pytest.mark.django_db


def memberships_of(code):
    return Membership.objects.filter(agency__code=code)


def test_an_agency_viewer_sees_only_their_agency(personas):
    assert list(agencies_for_user(personas.viewer_a).values_list("code", flat=True)) == ["6ZA"]


def test_state_staff_see_every_agency(personas):
    assert is_state_staff(personas.state_supervisor)
    assert agencies_for_user(personas.state_supervisor).count() == 14
    assert not is_state_staff(personas.supervisor_a)


def test_a_6za_viewer_cannot_open_a_6zb_object(personas):
    # Memberships carry an agency, so they stand in for any agency-owned object.
    other = memberships_of("6ZB").first()
    with pytest.raises(Http404):
        get_for_user_or_404(Membership, personas.viewer_a, pk=other.pk)
    own = memberships_of("6ZA").first()
    assert get_for_user_or_404(Membership, personas.viewer_a, pk=own.pk) == own


def test_state_staff_can_open_any_agency_object(personas):
    other = memberships_of("6ZB").first()
    assert get_for_user_or_404(Membership, personas.state_supervisor, pk=other.pk) == other


def test_scope_queryset_filters_through_a_lookup_path(personas):
    visible = scope_queryset(Membership.objects.all(), personas.reviewer_b)
    assert set(visible.values_list("agency__code", flat=True)) == {"6ZB"}


def test_scope_by_codes_filters_text_agency_columns(personas):
    visible = scope_queryset_by_codes(Agency.objects.all(), personas.viewer_a, "code")
    assert list(visible.values_list("code", flat=True)) == ["6ZA"]


def test_anonymous_users_see_nothing(personas):
    from django.contrib.auth.models import AnonymousUser

    assert scope_queryset(Membership.objects.all(), AnonymousUser()).count() == 0
    assert agencies_for_user(AnonymousUser()).count() == 0


def test_a_user_may_hold_roles_in_several_agencies(make_user, agency):
    user = make_user("two_hats", ("reviewer", "6ZA"), ("qa_reviewer", "6ZB"))
    assert set(agencies_for_user(user).values_list("code", flat=True)) == {"6ZA", "6ZB"}
    assert roles(user, agency("6ZA")) == {"reviewer"}
    assert roles(user, agency("6ZB")) == {"qa_reviewer"}
    assert has_capability(user, "review.qa", agency("6ZB"))
    assert not has_capability(user, "review.qa", agency("6ZA"))


@pytest.mark.parametrize(
    ("persona", "capability", "allowed"),
    [
        ("reviewer_a", "review.edit", True),
        ("reviewer_a", "review.qa", False),
        ("qa_a", "review.override", True),
        ("qa_a", "review.edit", False),
        ("viewer_a", "review.view", True),
        ("viewer_a", "review.edit", False),
        ("supervisor_a", "report.view", True),
        ("supervisor_a", "metrics.import", False),
        ("admin_a", "metrics.import", True),
    ],
)
def test_capabilities_follow_roles(personas, persona, capability, allowed):
    assert has_capability(getattr(personas, persona), capability) is allowed
