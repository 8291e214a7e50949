"""Forms of the metrics pages."""

from __future__ import annotations

import zipfile

from django import forms


class ImportForm(forms.Form):
    bundle = forms.FileField(help_text="A .zip of the extract's CSV files (manifest.csv, children.csv ...).")

    def clean_bundle(self):
        upload = self.cleaned_data["bundle"]
        if not zipfile.is_zipfile(upload):
            raise forms.ValidationError("The bundle must be a .zip file of CSV files.")
        upload.seek(0)
        return upload
