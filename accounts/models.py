"""Users, agencies, circuits, counties and who holds which role where."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import ProtectedError

STATE_AGENCY_CODE = "CD"


class Role(models.TextChoices):
    REVIEWER = "reviewer", "Reviewer"
    QA_REVIEWER = "qa_reviewer", "QA reviewer"
    SUPERVISOR = "supervisor", "Supervisor"
    AGENCY_VIEWER = "agency_viewer", "Agency viewer"
    ADMINISTRATOR = "administrator", "Administrator"


class Circuit(models.Model):
    """A Missouri judicial circuit (1-46)."""

    number = models.PositiveSmallIntegerField(primary_key=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Circuit {self.number}"


class County(models.Model):
    """A Missouri county (114 counties plus St. Louis City), keyed by Census FIPS code."""

    fips = models.CharField(max_length=5, primary_key=True)
    name = models.CharField(max_length=64, unique=True)
    circuit = models.ForeignKey(Circuit, on_delete=models.PROTECT, related_name="counties")
    cd_region = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "counties"

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """The Children's Division (CD) or a Foster Care Case Management contract (6ZA, 6ZV...)."""

    class ContractType(models.TextChoices):
        STANDARD = "standard", "Standard"
        SPECIALIZED = "specialized", "Specialized care"
        NONE = "", "Not a contractor"

    code = models.CharField(max_length=8, unique=True)
    abbreviation = models.CharField(max_length=16, blank=True)
    name = models.CharField(max_length=128)
    parent_organization = models.CharField(max_length=128, blank=True)
    contract_type = models.CharField(max_length=16, choices=ContractType.choices, blank=True)
    active = models.BooleanField(default=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        help_text="The agency that took over this contract's cases (6ZT -> 6ZV).",
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_state(self) -> bool:
        return self.code == STATE_AGENCY_CODE


def user_traces(user) -> list[str]:
    """The tables that still refer to `user` (empty when the user may be deleted).

    Our own "who did it" keys are PROTECT; this also covers relations we do not declare:
    django-simple-history's `history_user` (SET_NULL), the admin's LogEntry (CASCADE) and review
    assignments. Memberships (roles) and the user's own groups and permissions go with the user.
    Works on migration-state models too (only `_meta` is used).
    """
    opts = type(user)._meta
    own_joins = {f.remote_field.through._meta.label for f in opts.many_to_many}
    found = set()
    # include_hidden: most "who did it" keys are declared with related_name="+".
    for relation in opts.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        label = relation.related_model._meta.label
        if label == "accounts.Membership" or label in own_joins:
            continue
        if relation.related_model._base_manager.filter(**{relation.field.name: user}).exists():
            found.add(label)
    return sorted(found)


def check_user_deletable(user) -> None:
    """Refuse, before anything is written, to delete a user who appears in a record."""
    found = user_traces(user)
    if found:
        raise ProtectedError(
            f"{user.username} appears in {', '.join(found)}: deactivate the user instead of deleting", {user}
        )


class UserQuerySet(models.QuerySet):
    def delete(self):
        for user in self:
            check_user_deletable(user)
        return super().delete()


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships.

    A user who left a trace (approved a review, wrote a note, imported an extract, appears in the
    audit log or in field history) is deactivated, never deleted, so every record keeps the name.
    """

    objects = AccountManager()

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def traces(self) -> list[str]:
        return user_traces(self)

    def delete(self, *args, **kwargs):
        check_user_deletable(self)
        return super().delete(*args, **kwargs)


class Membership(models.Model):
    """A role held by a user in one agency. A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__code", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.get_role_display()} at {self.agency.code}"


class AuditEntry(models.Model):
    """Who did what, when, to which object: namespaced actions like ``reviews.qa.returned``.

    Field-level history of review answers lives in django-simple-history tables; this log records
    the actions people take (transitions, overrides, imports, invitations sent).
    """

    action = models.CharField(max_length=64, db_index=True)
    # PROTECT: a user who appears in the log is deactivated, never deleted (accounts/signals.py).
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries")
    agency = models.ForeignKey(Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    object_type = models.CharField(max_length=64, blank=True, help_text="app_label.model of the object acted on")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user or '-'} {self.action} {self.object_repr}"
