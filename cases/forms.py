from __future__ import annotations

import json

from django import forms

from cases.models import Court, OfficeSettings
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


class PolicyForm(forms.Form):
    """An administrator's policy: a preset kind and, for BEAR, its options as JSON."""

    slug = forms.SlugField(
        max_length=60, help_text="A short name, e.g. bear or sf-2026. Saving again makes a new version."
    )
    name = forms.CharField(max_length=120)
    kind = forms.ChoiceField(choices=list(PRESET_NAMES.items()))
    options = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        required=False,
        help_text="For BEAR only: the options JSON (baselineEligibility, additionalRelief).",
    )

    def clean_options(self) -> dict[str, object]:
        text = self.cleaned_data.get("options", "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from exc
        if not isinstance(value, dict):
            raise forms.ValidationError("The options must be a JSON object, {…}.")
        return value


class ClassifyForm(forms.Form):
    policy = forms.ChoiceField(choices=())
    as_of = forms.DateField(label="As of", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, policies: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["policy"].choices = policies  # type: ignore[attr-defined]


class OfficeSettingsForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs generic
    """Only shapes and validates; ``office_settings_save`` writes and audits."""

    class Meta:
        model = OfficeSettings
        fields = [
            "name",
            "address",
            "phone",
            "email",
            "signing_attorney",
            "bar_number",
            "county",
            "public_defender_name",
            "public_defender_address",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "public_defender_address": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"bar_number": "State Bar number", "name": "Office name"}

    def clean_bar_number(self) -> str:
        value: str = self.cleaned_data["bar_number"].strip()
        if value and not value.isdigit():
            raise forms.ValidationError("A State Bar number is digits only, e.g. 123456.")
        return value


class CourtForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs generic
    class Meta:
        model = Court
        fields = ["display_name", "courthouse", "address", "per_case"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}
        labels = {"per_case": "Wants one motion per case"}
