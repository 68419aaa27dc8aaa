import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from karvan.core.countries import country_choices
from karvan.core.form_fields import choice_field
from karvan.core.models import HsCode, IsicCode
from karvan.core.taxonomies import hs_chapter_choices, isic_choices
from karvan.core.text import CONTENT_LANGUAGES
from karvan.core.widgets import CodeChoiceField, LongSelect, NativeDigitsMixin
from karvan.directory.models import IdentityRevision, Membership, Organisation

LANGUAGE_LABELS = dict(settings.LANGUAGES)


def _field_suffix(language: str) -> str:
    return language.replace("-", "_")


class DirectoryFilterForm(forms.Form):
    """The directory's query string: every value optional, bad values reported, never a 500."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=LongSelect)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Organisation.Kind.choices]
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False, widget=LongSelect)
    hs_chapter = forms.ChoiceField(label=_("HS chapter"), required=False, widget=LongSelect)
    verified = forms.BooleanField(label=_("Verified only"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "country").choices = [("", _("All countries")), *country_choices()]
        choice_field(self, "sector").choices = [("", _("All sectors")), *isic_choices()]
        choice_field(self, "hs_chapter").choices = [("", _("All products")), *hs_chapter_choices()]


class OrganisationForm(NativeDigitsMixin, forms.Form):
    """An organisation's profile, with its name and description in any of the four languages."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    original_language = forms.ChoiceField(
        label=_("Main language of the profile"), choices=settings.LANGUAGES
    )
    country = forms.ChoiceField(label=_("Country"))
    province = forms.CharField(label=_("Province or state"), max_length=100, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    registry_id = forms.CharField(
        label=_("Registry identifier"),
        max_length=32,
        required=False,
        help_text=Organisation._meta.get_field("registry_id").help_text,
    )
    size = forms.ChoiceField(
        label=_("Size"), choices=[("", "—"), *Organisation.Size.choices], required=False
    )
    founded_year = forms.IntegerField(
        label=_("Founded in"), required=False, min_value=1800, max_value=2100
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    certifications = forms.CharField(
        label=_("Certifications"),
        required=False,
        max_length=500,
        help_text=_("Separate them with commas, e.g. ISO 9001, HACCP, Halal."),
    )
    sectors = CodeChoiceField(
        label=_("Sectors (ISIC)"),
        queryset=IsicCode.objects.filter(level=IsicCode.Level.DIVISION),
        required=False,
    )
    products = CodeChoiceField(
        label=_("Products (HS)"),
        queryset=HsCode.objects.all(),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "country").choices = country_choices()
        for language in CONTENT_LANGUAGES:
            suffix = _field_suffix(language)
            label = LANGUAGE_LABELS.get(language, language)
            self.fields[f"name_{suffix}"] = forms.CharField(
                label=_("Name in %(language)s") % {"language": label},
                max_length=200,
                required=False,
            )
            self.fields[f"description_{suffix}"] = forms.CharField(
                label=_("Description in %(language)s") % {"language": label},
                max_length=5000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def language_fields(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (
                language,
                self[f"name_{_field_suffix(language)}"],
                self[f"description_{_field_suffix(language)}"],
            )
            for language in CONTENT_LANGUAGES
        ]

    def clean_founded_year(self) -> int | None:
        year = self.cleaned_data.get("founded_year")
        if year and year > timezone.now().year:
            raise forms.ValidationError(_("The founding year cannot be in the future."))
        return year

    def clean(self) -> dict[str, object]:
        super().clean()
        data = self.cleaned_data
        if not any(data.get(f"name_{_field_suffix(language)}") for language in CONTENT_LANGUAGES):
            raise forms.ValidationError(_("Give the organisation's name in at least one language."))
        return data

    @classmethod
    def initial_from(
        cls, organisation: Organisation, pending: IdentityRevision | None = None
    ) -> dict[str, object]:
        """The profile to edit; with the pending change of identity, the managers see what they
        asked for rather than the verified identity others still see."""
        language = organisation.original_language
        name = pending.name if pending is not None else organisation.name
        initial: dict[str, object] = {
            "kind": organisation.kind,
            "original_language": language,
            "country": pending.country if pending is not None else organisation.country,
            "province": organisation.province.get(language)
            or next(iter(organisation.province.values()), ""),
            "city": organisation.city.get(language) or next(iter(organisation.city.values()), ""),
            "registry_id": pending.registry_id if pending is not None else organisation.registry_id,
            "size": organisation.size,
            "founded_year": organisation.founded_year,
            "website": organisation.website,
            "certifications": ", ".join(organisation.certifications),
            "sectors": list(organisation.sectors.all()),
            "products": list(organisation.products.all()),
        }
        for code in CONTENT_LANGUAGES:
            initial[f"name_{_field_suffix(code)}"] = name.get(code, "")
            initial[f"description_{_field_suffix(code)}"] = organisation.description.get(code, "")
        return initial

    def to_changes(self, organisation: Organisation | None = None) -> dict[str, object]:
        """The cleaned form as the services' change set; other-language place names are kept."""
        data = self.cleaned_data
        language = data["original_language"]
        province = dict(organisation.province) if organisation else {}
        city = dict(organisation.city) if organisation else {}
        province[language] = data["province"]
        city[language] = data["city"]
        return {
            "kind": data["kind"],
            "original_language": language,
            "country": data["country"],
            "province": province,
            "city": city,
            "registry_id": data["registry_id"],
            "size": data["size"],
            "founded_year": data["founded_year"],
            "website": data["website"],
            # Persian and Arabic keyboards type «،», Chinese ones «，» and «、».
            "certifications": re.split(r"[,،，、]", data["certifications"]),
            "sectors": [code.code for code in data["sectors"]],
            "products": [code.code for code in data["products"]],
            "name": {code: data[f"name_{_field_suffix(code)}"] for code in CONTENT_LANGUAGES},
            "description": {
                code: data[f"description_{_field_suffix(code)}"] for code in CONTENT_LANGUAGES
            },
        }


class LogoForm(forms.Form):
    logo = forms.FileField(label=_("Logo"), help_text=_("PNG, JPEG, GIF or WebP, at most 2 MB."))


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class VerificationDocumentForm(forms.Form):
    title = forms.CharField(
        label=_("What the document is"),
        max_length=160,
        help_text=_("E.g. business licence, registration certificate, articles of association."),
    )
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG or JPEG, at most 10 MB."))
