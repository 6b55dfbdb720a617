from __future__ import annotations

from django import forms

ALLOWED_SUFFIXES = (".dat", ".csv", ".txt")


class UploadForm(forms.Form):
    file = forms.FileField(label="DOJ bulk file (.dat or .csv)")
    county = forms.CharField(
        max_length=60,
        required=False,
        help_text=(
            "The office's county, e.g. SAN FRANCISCO. Left blank, the county with most convictions in the file is used."
        ),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(
                f"{uploaded.name} is not a .dat or .csv file. Choose the DOJ bulk file you received."
            )
        return uploaded
