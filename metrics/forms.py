"""Forms of the metrics pages."""

from __future__ import annotations

import zipfile

from django import forms
from django.conf import settings


class ImportForm(forms.Form):
    bundle = forms.FileField(help_text="A .zip of the extract's CSV files (manifest.csv, children.csv ...).")

    def clean_bundle(self):
        upload = self.cleaned_data["bundle"]
        limit = settings.METRICS_IMPORT_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                f"The file is {upload.size / (1024 * 1024):.1f} MB, more than the import limit of {limit} MB "
                "(METRICS_IMPORT_MAX_MB)."
            )
        if not zipfile.is_zipfile(upload):
            raise forms.ValidationError("The bundle must be a .zip file of CSV files.")
        upload.seek(0)
        return upload


class ComputeForm(forms.Form):
    first = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", label="From month", help_text="YYYY-MM")
    last = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", label="Through month", help_text="YYYY-MM")

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and data["last"] < data["first"]:
            raise forms.ValidationError("The last month is before the first.")
        return data
