"""Staff forms: create a wave, upload contacts, filter results."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Agency, User
from accounts.scoping import agencies_with_capability, holds_statewide
from surveys.models import RespondentGroup, Survey, Wave

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class WaveForm(forms.ModelForm):
    class Meta:
        model = Wave
        fields = ["name", "surveys", "agency", "opens_on", "closes_on", "guard_days"]
        widgets = {
            "surveys": forms.CheckboxSelectMultiple,
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"surveys": "Survey versions (one per respondent group)", "guard_days": "Over-surveying guard (days)"}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["surveys"].queryset = Survey.objects.filter(status=Survey.Status.OPEN).order_by("group", "-version")
        self.fields["surveys"].label_from_instance = lambda s: f"{s.get_group_display()}: {s.title_en} (v{s.version})"
        # Only agencies where the user manages surveys; a statewide wave needs surveys.manage statewide.
        statewide = holds_statewide(user, "surveys.manage")
        self.fields["agency"].queryset = agencies_with_capability(user, "surveys.manage").exclude(code="CD")
        self.fields["agency"].required = not statewide
        self.fields["agency"].empty_label = "All agencies" if statewide else None

    def clean_surveys(self):
        surveys = list(self.cleaned_data["surveys"])
        groups = [s.group for s in surveys]
        doubled = sorted({g for g in groups if groups.count(g) > 1})
        if doubled:
            raise ValidationError(f"Choose one version per group; more than one for: {', '.join(doubled)}.")
        for survey in surveys:
            missing = survey.missing_translations()
            if missing:
                raise ValidationError(f"{survey} is not fully translated: {missing[0]}.")
        return surveys


class ContactUploadForm(forms.Form):
    file = forms.FileField(
        label="Contact list (CSV)", help_text="Columns: group, agency, name, email, phone, external_id. UTF-8."
    )
    sample_size = forms.IntegerField(
        min_value=1, required=False, help_text="Leave empty to invite everyone on the list (after the guard)."
    )
    seed = forms.IntegerField(
        min_value=0,
        max_value=2**62,
        required=False,
        help_text="For a sample: the same list and seed draw the same people. Empty = a new seed, recorded.",
    )

    def clean_file(self) -> tuple[str, str]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The file is larger than 5 MB; split the list.")
        raw = upload.read()
        name = re.sub(r"[\x00-\x1f\x7f]", "", upload.name or "")[:200]  # stored and shown back
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return name, raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationError("The file is not readable text; save it as CSV (UTF-8).")


class ResultsFilterForm(forms.Form):
    wave = forms.ModelChoiceField(queryset=Wave.objects.none(), required=False, empty_label="All waves")
    group = forms.ChoiceField(choices=[("", "All groups"), *RespondentGroup.choices], required=False)
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False, empty_label="All my agencies")
    question = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, waves, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wave"].queryset = waves
        self.fields["agency"].queryset = agencies
        for name in ("wave", "group", "agency"):
            self.fields[name].widget.attrs["class"] = "form-select"
