import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Agency, Membership
from accounts.scoping import (
    agencies_with_capability,
    agency_codes_with_capability,
    agency_ids_with_capability,
    get_agency_for_user,
    get_for_user_or_404,
    has_capability,
    holds_statewide,
    roles,
    scope_queryset,
    scope_queryset_by_codes,
)

pytestmark = pytest.mark.django_db


def memberships_of(code):
    return Membership.objects.filter(agency__code=code)


def codes(user, capability):
    return set(agencies_with_capability(user, capability).values_list("code", flat=True))


def test_an_agency_viewer_sees_only_their_agency(personas):
    assert list(agencies_with_capability(personas.viewer_a, "review.view").values_list("code", flat=True)) == ["6ZA"]


def test_state_staff_see_every_agency(personas):
    assert holds_statewide(personas.state_supervisor, "metrics.view")
    assert agencies_with_capability(personas.state_supervisor, "metrics.view").count() == 14
    assert not holds_statewide(personas.supervisor_a, "metrics.view")


def test_a_6za_viewer_cannot_open_a_6zb_object(personas):
    # Memberships carry an agency, so they stand in for any agency-owned object.
    other = memberships_of("6ZB").first()
    with pytest.raises(Http404):
        get_for_user_or_404(Membership, personas.viewer_a, capability="review.view", pk=other.pk)
    own = memberships_of("6ZA").first()
    assert get_for_user_or_404(Membership, personas.viewer_a, capability="review.view", pk=own.pk) == own


def test_state_staff_can_open_any_agency_object(personas):
    other = memberships_of("6ZB").first()
    assert get_for_user_or_404(Membership, personas.state_supervisor, capability="review.view", pk=other.pk) == other


def test_scope_queryset_filters_through_a_lookup_path(personas):
    visible = scope_queryset(Membership.objects.all(), personas.reviewer_b, capability="review.view")
    assert set(visible.values_list("agency__code", flat=True)) == {"6ZB"}


def test_scope_by_codes_filters_text_agency_columns(personas):
    visible = scope_queryset_by_codes(
        Agency.objects.all(), personas.viewer_a, capability="metrics.view", code_field="code"
    )
    assert list(visible.values_list("code", flat=True)) == ["6ZA"]


def test_anonymous_users_see_nothing(personas):
    from django.contrib.auth.models import AnonymousUser

    assert scope_queryset(Membership.objects.all(), AnonymousUser(), capability="review.view").count() == 0
    assert agencies_with_capability(AnonymousUser(), "review.view").count() == 0


def test_a_user_may_hold_roles_in_several_agencies(make_user, agency):
    user = make_user("two_hats", ("reviewer", "6ZA"), ("qa_reviewer", "6ZB"))
    assert codes(user, "review.view") == {"6ZA", "6ZB"}
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


# --- a capability counts only in the agencies where a role grants it ------------------------


@pytest.mark.parametrize(
    ("persona", "capability", "expected"),
    [
        ("supervisor_a_reviewer_b", "metrics.view", {"6ZA"}),
        ("supervisor_a_reviewer_b", "surveys.view", {"6ZA"}),
        ("supervisor_a_reviewer_b", "surveys.manage", {"6ZA"}),
        ("supervisor_a_reviewer_b", "report.view", {"6ZA"}),
        ("supervisor_a_reviewer_b", "review.view", {"6ZA", "6ZB"}),
        ("supervisor_a_reviewer_b", "review.edit", {"6ZB"}),
        ("qa_a_viewer_b", "surveys.follow_up", {"6ZA"}),
        ("qa_a_viewer_b", "review.qa", {"6ZA"}),
        ("qa_a_viewer_b", "metrics.view", {"6ZB"}),
        ("reviewer_a_viewer_b", "review.edit", {"6ZA"}),
        ("reviewer_a_viewer_b", "surveys.view", {"6ZB"}),
        ("admin_a_reviewer_b", "review.sample", {"6ZA"}),
        ("admin_a_reviewer_b", "surveys.manage", {"6ZA"}),
        ("admin_a_reviewer_b", "metrics.import", {"6ZA"}),
        ("admin_a_reviewer_b", "review.submit", {"6ZB"}),
        ("viewer_a", "surveys.manage", set()),
    ],
)
def test_each_role_counts_only_in_its_own_agency(personas, persona, capability, expected):
    user = getattr(personas, persona)
    assert codes(user, capability) == expected
    assert agency_codes_with_capability(user, capability) == expected
    assert agency_ids_with_capability(user, capability) == set(
        Agency.objects.filter(code__in=expected).values_list("pk", flat=True)
    )


def test_a_cd_reviewer_sees_every_agencys_reviews_but_no_supervisor_data(personas, agency):
    reviewer = personas.state_reviewer
    assert holds_statewide(reviewer, "review.view") and holds_statewide(reviewer, "review.edit")
    assert agency_ids_with_capability(reviewer, "metrics.view") == set()
    assert not has_capability(reviewer, "report.view")
    assert not has_capability(reviewer, "surveys.view", agency("6ZB"))


def test_a_cd_reviewer_who_supervises_6za_does_not_supervise_statewide(personas, agency):
    user = personas.state_reviewer_supervisor_a
    assert holds_statewide(user, "review.view")
    assert not holds_statewide(user, "report.view")
    assert codes(user, "metrics.view") == {"6ZA"}
    assert not has_capability(user, "metrics.view", agency("6ZB"))


def test_superusers_hold_every_capability_everywhere(make_user):
    root = make_user("root", is_superuser=True)
    assert holds_statewide(root, "metrics.import") and holds_statewide(root, "surveys.follow_up")


def test_scoping_needs_a_known_capability(personas):
    with pytest.raises(ValueError, match="unknown capability 'metrics.veiw'"):
        scope_queryset(Agency.objects.all(), personas.state_supervisor, capability="metrics.veiw")
    with pytest.raises(TypeError):
        scope_queryset(Agency.objects.all(), personas.viewer_a, "agency")  # the old capability-less call
    with pytest.raises(TypeError):
        get_for_user_or_404(Agency, personas.viewer_a, pk=1)


def test_scoped_querysets_follow_the_capability(personas):
    user = personas.supervisor_a_reviewer_b
    for capability, expected in (("review.view", {"6ZA", "6ZB"}), ("metrics.view", {"6ZA"}), ("review.qa", set())):
        qs = scope_queryset(Membership.objects.filter(agency__code__in=["6ZA", "6ZB"]), user, capability=capability)
        assert set(qs.values_list("agency__code", flat=True)) == expected
        by_codes = scope_queryset_by_codes(
            Agency.objects.filter(code__in=["6ZA", "6ZB"]), user, capability=capability, code_field="code"
        )
        assert set(by_codes.values_list("code", flat=True)) == expected


def test_an_agency_in_a_url_is_404_without_a_role_there_and_403_without_the_capability(personas):
    user = personas.supervisor_a_reviewer_b
    assert get_agency_for_user(user, "metrics.view", code="6ZA").code == "6ZA"
    with pytest.raises(PermissionDenied):
        get_agency_for_user(user, "metrics.view", code="6ZB")
    for code in ("6ZC", "NOPE"):
        with pytest.raises(Http404):
            get_agency_for_user(user, "metrics.view", code=code)
    assert get_agency_for_user(personas.state_supervisor, "metrics.view", code="6ZC").code == "6ZC"
