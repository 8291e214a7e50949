"""Admin for reviews. Computed rating rows are read-only: they come from `reviews.scoring`.

The record of a review is changed only through its rules, so every change leaves its trail:
the status moves only through `reviews.workflow.transition` (offered here as admin actions, which
write a ReviewStatusChange row and an audit entry), QA notes and their replies are read-only, and
the history pages show old versions without a "revert" that would bypass both.
"""

from __future__ import annotations

import random

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from reviews import sampling, workflow
from reviews.models import (
    Answer,
    Case,
    CaseType,
    ItemRating,
    OutcomeRating,
    Participant,
    ParticipantRating,
    QANote,
    Review,
    ReviewStatusChange,
    Sample,
    SampleCase,
)
from reviews.scoring import rescore


class ReadOnlyMixin:
    """Rows computed from answers: visible, never edited by hand."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class NoRevertMixin:
    """History pages for reading only: reverting would rewrite a record past its rules and audit."""

    def revert_disabled(self, request: HttpRequest, obj: object = None) -> bool:
        return True

    def history_form_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        # simple-history saves the old version on POST even when the button is hidden.
        if request.method == "POST":
            raise PermissionDenied("Old versions cannot be restored here; change the review through its pages.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ItemRatingInline(ReadOnlyMixin, admin.TabularInline):
    model = ItemRating
    fields = ("item", "calculated", "override", "effective", "override_reason", "override_by", "reasons")
    readonly_fields = fields
    extra = 0


class OutcomeRatingInline(ReadOnlyMixin, admin.TabularInline):
    model = OutcomeRating
    fields = ("outcome", "calculated", "override", "effective", "reasons")
    readonly_fields = fields
    extra = 0


class ParticipantInline(admin.TabularInline):
    model = Participant
    fields = ("key", "role", "target", "label", "details")
    extra = 0


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("case_id", "agency", "county", "case_type", "opened_on", "closed_on")
    list_filter = ("case_type", "agency")
    search_fields = ("case_id",)

    def save_model(self, request: HttpRequest, obj: Case, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The case type decides which items apply: its reviews are re-scored.
        for review in obj.reviews.all():
            rescore(review)


class StatusChangeInline(ReadOnlyMixin, admin.TabularInline):
    model = ReviewStatusChange
    fields = ("at", "action", "from_status", "to_status", "user", "note")
    readonly_fields = fields
    extra = 0


def _workflow_admin_action(action: workflow.Action):
    """An admin action that applies one workflow action to each selected review, with its rules."""

    def apply(modeladmin: ReviewAdmin, request: HttpRequest, queryset) -> HttpResponse | None:
        return modeladmin.apply_workflow(request, queryset, action)

    apply.__name__ = f"workflow_{action.name}"
    return admin.action(description=f"Workflow: {action.label.lower()}")(apply)


WORKFLOW_ADMIN_ACTIONS = [_workflow_admin_action(a) for a in workflow.ACTIONS.values()]


@admin.register(Review)
class ReviewAdmin(NoRevertMixin, SimpleHistoryAdmin):
    list_display = ("case", "pur_start", "pur_end", "status", "instrument_version", "updated_at")
    list_filter = ("status", "instrument_version", "case__agency")
    search_fields = ("case__case_id",)
    # The status changes only through the workflow actions (see the list page's action menu).
    readonly_fields = ("status", "version", "created_at", "updated_at")
    filter_horizontal = ("reviewers",)
    inlines = [ParticipantInline, ItemRatingInline, OutcomeRatingInline, StatusChangeInline]
    actions = ["recompute_ratings", *WORKFLOW_ADMIN_ACTIONS]

    def apply_workflow(self, request: HttpRequest, queryset, action: workflow.Action) -> HttpResponse | None:
        """Run `workflow.transition` per review; actions that need a reason ask for it first."""
        note = request.POST.get("note", "")
        if action.needs_note and "confirm" not in request.POST:
            context = {
                **self.admin_site.each_context(request),
                "title": f"{action.label}: give the reason",
                "opts": self.model._meta,
                "action": action,
                "action_name": f"workflow_{action.name}",
                "reviews": list(queryset),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/reviews/review/workflow_reason.html", context)
        done = 0
        for review in queryset:
            try:
                workflow.transition(review, action.name, request.user, note=note)
            except (workflow.NotAllowed, workflow.Refused) as exc:
                self.message_user(request, f"{review}: {exc}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{action.label}: {done} review(s).", messages.SUCCESS)
        return None

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        rescore(form.instance)  # participants edited here change per-person answers

    @admin.action(description="Recompute ratings from the answers")
    def recompute_ratings(self, request: HttpRequest, queryset) -> None:
        for review in queryset:
            rescore(review)
        self.message_user(request, f"Recomputed {queryset.count()} review(s).", messages.SUCCESS)


@admin.register(Answer)
class AnswerAdmin(ReadOnlyMixin, NoRevertMixin, SimpleHistoryAdmin):
    """Answers change through the review pages or an import, which check them; here they are read (with history)."""

    list_display = ("review", "question_code", "participant", "value", "updated_at")
    search_fields = ("review__case__case_id", "question_code")
    list_select_related = ("review__case", "participant")


@admin.register(ItemRating)
class ItemRatingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("review", "item", "calculated", "override", "effective")
    list_filter = ("item", "effective")


@admin.register(OutcomeRating)
class OutcomeRatingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("review", "outcome", "calculated", "override", "effective")
    list_filter = ("outcome", "effective")


@admin.register(ParticipantRating)
class ParticipantRatingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("review", "participant", "slot", "question_code", "aspect", "answer")
    list_filter = ("item", "slot", "aspect", "answer")


@admin.register(QANote)
class QANoteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The QA thread is the record: notes are added, answered, resolved or withdrawn on the review pages."""

    list_display = ("review", "question_code", "author", "resolved", "created_at")
    list_filter = ("resolved",)
    list_select_related = ("review__case", "author")


class SampleCaseInline(ReadOnlyMixin, admin.TabularInline):
    """The drawn cases; eliminate one from its own page (which draws the replacement)."""

    model = SampleCase
    fields = ("case", "stratum", "draw_order", "eliminated", "elimination_reason", "replaces")
    readonly_fields = fields
    extra = 0
    show_change_link = True


class EliminationForm(forms.ModelForm):
    class Meta:
        model = SampleCase
        fields = ("eliminated", "elimination_reason", "elimination_note")

    def clean(self) -> dict:
        data = super().clean()
        if self.instance.eliminated:
            raise forms.ValidationError("This case is already eliminated; eliminations are not undone.")
        if data.get("eliminated"):
            if not data.get("elimination_reason"):
                self.add_error("elimination_reason", "Give the reason for eliminating the case.")
            elif data["elimination_reason"] == SampleCase.EliminationReason.OTHER and not data.get("elimination_note"):
                self.add_error("elimination_note", "Explain an 'other' reason.")
        return data


@admin.register(SampleCase)
class SampleCaseAdmin(admin.ModelAdmin):
    """Eliminating a sampled case records the reason and draws the next case of its stratum."""

    form = EliminationForm
    list_display = ("case", "sample", "stratum", "draw_order", "eliminated", "elimination_reason", "replaces")
    list_filter = ("sample", "eliminated")
    readonly_fields = ("sample", "case", "stratum", "draw_order", "replaces", "eliminated_by", "eliminated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: SampleCase, form, change: bool) -> None:
        if not form.cleaned_data.get("eliminated"):
            return
        original = SampleCase.objects.get(pk=obj.pk)
        replacement = sampling.eliminate(
            original,
            form.cleaned_data["elimination_reason"],
            form.cleaned_data.get("elimination_note", ""),
            request.user,
        )
        if replacement is None:
            self.message_user(request, "No case is left in this stratum to replace it.", messages.WARNING)
        else:
            self.message_user(request, f"Replaced by {replacement.case.case_id}.", messages.SUCCESS)


class SampleForm(forms.ModelForm):
    """Adding a sample in the admin draws it; the parameters are checked against the population first."""

    seed = forms.IntegerField(required=False, help_text="Leave empty to choose a new random seed (it is recorded).")
    site_circuits = forms.CharField(help_text="Circuit numbers separated by commas, e.g. 16,36,45")
    case_types = forms.MultipleChoiceField(choices=CaseType.choices, initial=[CaseType.FOSTER_CARE])

    class Meta:
        model = Sample
        fields = ("quarter", "site_circuits", "site_size", "statewide_size", "case_types", "seed")

    def clean_site_circuits(self) -> list[int]:
        value = self.cleaned_data["site_circuits"]
        if isinstance(value, list):
            return value
        try:
            return [int(part) for part in str(value).strip("[] ").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError("Give circuit numbers separated by commas, e.g. 16,36,45") from None

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        if data.get("seed") is None:
            data["seed"] = random.SystemRandom().randrange(1, 2**31)
        try:
            quarter = sampling.Quarter.parse(data["quarter"])
            data["quarter"] = str(quarter)
            sampling.plan(
                quarter,
                data["site_circuits"],
                data["site_size"],
                data["statewide_size"],
                data["seed"],
                data["case_types"],
            )
        except sampling.SamplingError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


@admin.register(Sample)
class SampleAdmin(admin.ModelAdmin):
    form = SampleForm
    list_display = ("quarter", "seed", "site_circuits", "site_size", "statewide_size", "created_by", "created_at")
    inlines = [SampleCaseInline]
    actions = ["check_reproducible"]

    def get_readonly_fields(self, request: HttpRequest, obj: Sample | None = None) -> tuple[str, ...]:
        # A drawn sample's parameters are its record: they never change afterwards.
        if obj is not None:
            return ("quarter", "seed", "site_circuits", "site_size", "statewide_size", "case_types", "created_by")
        return ()

    def get_form(self, request: HttpRequest, obj: Sample | None = None, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
            kwargs["fields"] = ()
        return super().get_form(request, obj, **kwargs)

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Sample, form, change: bool) -> None:
        if change:
            return
        obj.created_by = request.user
        obj.save()
        sampling.fill(obj)

    @admin.action(description="Check that each sample reproduces from its recorded seed")
    def check_reproducible(self, request: HttpRequest, queryset) -> None:
        for sample in queryset:
            if sampling.reproduces(sample):
                self.message_user(request, f"{sample}: the recorded seed reproduces the draw.", messages.SUCCESS)
            else:
                self.message_user(request, f"{sample}: the population changed since the draw.", messages.WARNING)
