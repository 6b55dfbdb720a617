from __future__ import annotations

from django import forms

from cases.services.policies import PRESET_NAMES

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

    policy = forms.ChoiceField(
        choices=list(PRESET_NAMES.items()),
        initial="statutory",
        required=False,
        help_text="The office policy the file is classified under once it is read.",
    )

    def clean_policy(self) -> str:
        return str(self.cleaned_data.get("policy") or "statutory")

    def clean_file(self):  # type: ignore[no-untyped-def]
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(
                f"{uploaded.name} is not a .dat or .csv file. Choose the DOJ bulk file you received."
            )
        return uploaded
