"""Admin for the question bank: edit drafts, check translations, open versions, make new versions.

An answered version is read-only here (its model refuses edits too); "Make a new version" copies
it into an editable draft. A version opens for waves only when every text has its Spanish.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from accounts.audit import log_action
from surveys.models import (
    Choice,
    ContactUpload,
    FollowUpRequest,
    Invitation,
    MeasureTag,
    Question,
    Section,
    SkippedContact,
    Survey,
    Wave,
)


class FrozenAwareMixin:
    """Answered versions (and their questions) become view-only."""

    def _survey_of(self, obj):
        return obj if isinstance(obj, Survey) else getattr(obj, "survey", None)

    def has_change_permission(self, request, obj=None):
        survey = self._survey_of(obj) if obj is not None else None
        if survey is not None and survey.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        survey = self._survey_of(obj) if obj is not None else None
        if survey is not None and survey.is_frozen:
            return False
        return super().has_delete_permission(request, obj)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.is_frozen) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not (obj and obj.is_frozen) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.is_frozen) and super().has_delete_permission(request, obj)


class SurveyAdminForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["family", "version", "group", "title_en", "title_es", "intro_en", "intro_es", "status"]

    def clean(self):
        data = super().clean()
        if data.get("status") == Survey.Status.OPEN and self.instance.pk:
            missing = []
            if data.get("title_en") and not data.get("title_es"):
                missing.append("Survey title: Spanish text missing")
            if data.get("intro_en") and not data.get("intro_es"):
                missing.append("Survey introduction: Spanish text missing")
            missing += [m for m in self.instance.missing_translations() if not m.startswith("Survey ")]
            if missing:
                raise ValidationError(["This version cannot open until it is fully translated.", *missing])
        elif data.get("status") == Survey.Status.OPEN:
            raise ValidationError("Save the new version as a draft, add its questions, then open it.")
        return data


@admin.register(Survey)
class SurveyAdmin(FrozenAwareMixin, admin.ModelAdmin):
    form = SurveyAdminForm
    list_display = ["title_en", "family", "version", "group", "status", "frozen", "translation"]
    list_filter = ["group", "status"]
    search_fields = ["title_en", "family"]
    inlines = [SectionInline]
    actions = ["open_versions", "make_new_version"]

    @admin.display(boolean=True, description="Answered (frozen)")
    def frozen(self, obj: Survey) -> bool:
        return obj.is_frozen

    @admin.display(description="Spanish")
    def translation(self, obj: Survey) -> str:
        missing = len(obj.missing_translations())
        return "complete" if not missing else f"{missing} text(s) missing"

    @admin.action(description="Open for waves (checks the Spanish translation)")
    def open_versions(self, request, queryset):
        for survey in queryset:
            try:
                survey.open_for_waves()
            except ValidationError as exc:
                messages.error(request, f"{survey}: " + " ".join(exc.messages))
            else:
                messages.success(request, f"{survey} is open for waves.")

    @admin.action(description="Make a new (draft) version")
    def make_new_version(self, request, queryset):
        for survey in queryset:
            copy = survey.new_version()
            messages.success(request, f"Created {copy} as a draft copy of {survey}.")


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


class MeasureTagInline(admin.TabularInline):
    model = MeasureTag
    extra = 0


@admin.register(Question)
class QuestionAdmin(FrozenAwareMixin, admin.ModelAdmin):
    list_display = ["code", "survey", "section", "position", "kind", "required", "has_spanish"]
    list_filter = ["survey__group", "kind", "required", "survey"]
    search_fields = ["code", "text_en", "text_es"]
    inlines = [ChoiceInline, MeasureTagInline]
    raw_id_fields = ["show_when_question"]

    @admin.display(boolean=True, description="Spanish")
    def has_spanish(self, obj: Question) -> bool:
        return bool(obj.text_es)

    def get_inlines(self, request, obj):
        if obj is not None and obj.survey.is_frozen:
            return []
        return super().get_inlines(request, obj)


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "opens_on", "closes_on", "guard_days"]
    list_filter = ["agency"]
    filter_horizontal = ["surveys"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:  # after the surveys are set, so the entry names them
            log_action("surveys.wave.created", user=request.user, obj=form.instance, data=form.instance.audit_data())


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    # Nothing that changes when the person answers (used, reminders to those who have not): the
    # admin must not show who has just sent the newest response. Rates are on the wave page.
    list_display = ["printable_code", "wave", "agency", "group", "sent_at"]
    list_filter = ["wave", "agency", "group"]
    exclude = ["token", "used", "reminders_sent", "last_reminded_at"]
    readonly_fields = ["code", "contact", "upload", "sent_at", "invited_on"]


@admin.register(ContactUpload)
class ContactUploadAdmin(admin.ModelAdmin):
    list_display = ["wave", "filename", "uploaded_by", "uploaded_at", "sample_size", "seed", "invited", "skipped"]
    readonly_fields = ["wave", "uploaded_by", "uploaded_at", "sample_size", "seed", "invited", "skipped"]


@admin.register(SkippedContact)
class SkippedContactAdmin(admin.ModelAdmin):
    list_display = ["wave", "row_number", "agency", "group", "reason"]
    list_filter = ["wave"]


@admin.register(FollowUpRequest)
class FollowUpRequestAdmin(admin.ModelAdmin):
    list_display = ["created_at", "agency", "group", "wave", "status"]
    list_filter = ["status", "agency"]
    # Answers stay out of the admin: contact details and answers are never shown side by side.
    exclude = ["response"]
    # Closing goes through FollowUpRequest.close (the action below), which audits it.
    readonly_fields = ["status", "closed_by", "closed_at"]
    actions = ["mark_done"]

    @admin.action(description="Mark as done")
    def mark_done(self, request, queryset):
        open_requests = queryset.filter(status=FollowUpRequest.Status.OPEN)
        count = 0
        for follow_up in open_requests.select_related("agency"):
            follow_up.close(request.user)
            count += 1
        messages.success(request, f"{count} follow-up request(s) marked as done.")
