import math
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from karvan.core.countries import country_choices
from karvan.core.form_fields import choice_field
from karvan.core.widgets import NativeDigitsMixin
from karvan.parks.models import Park, Unit

LOGISTICS_KINDS = {"port", "rail", "airport", "road"}


class ParkFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    free_zone = forms.BooleanField(label=_("Free zones only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "country").choices = [("", _("All countries")), *country_choices()]


class ParkForm(NativeDigitsMixin, forms.Form):
    # Digits as the columns hold them: a longer number is a form error, not a database error.
    latitude = forms.DecimalField(
        label=_("Latitude"), min_value=-90, max_value=90, max_digits=8, decimal_places=5
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), min_value=-180, max_value=180, max_digits=8, decimal_places=5
    )
    total_land_ha = forms.DecimalField(
        label=_("Total land (hectares)"), min_value=0, max_digits=10, decimal_places=2
    )
    available_land_ha = forms.DecimalField(
        label=_("Land available (hectares)"), min_value=0, max_digits=10, decimal_places=2
    )
    utilities = forms.MultipleChoiceField(
        label=_("Utilities"),
        required=False,
        choices=Park.Utility.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    logistics = forms.CharField(
        label=_("Logistics links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_(
            "One a line: kind (port, rail, airport or road) | name | distance in km, "
            "e.g. port | Bandar Abbas | 120"
        ),
    )
    incentives = forms.CharField(
        label=_("Incentives"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_free_zone = forms.BooleanField(label=_("Free zone"), required=False)
    sectors = forms.CharField(
        label=_("Sectors welcome (ISIC codes)"),
        required=False,
        help_text=_("Separate them with commas, e.g. 10, 28, 2750."),
    )
    contact_name = forms.CharField(label=_("Contact person"), required=False, max_length=120)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact telephone"), required=False, max_length=40)

    def clean_logistics(self) -> list[dict[str, object]]:
        links = []
        for number, line in enumerate(self.cleaned_data["logistics"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) < 2 or parts[0] not in LOGISTICS_KINDS or not parts[1]:
                raise forms.ValidationError(
                    _("Line %(number)s: write kind | name | distance."),
                    params={"number": number},
                )
            distance = parts[2] if len(parts) > 2 else ""
            try:
                km = float(distance) if distance else None
            except ValueError:
                km = math.nan
            if km is not None and not (math.isfinite(km) and 0 <= km <= 100_000):
                raise forms.ValidationError(
                    _("Line %(number)s: the distance must be a number of km."),
                    params={"number": number},
                )
            links.append({"kind": parts[0], "name": parts[1], "distance_km": km})
        return links

    def clean_sectors(self) -> list[str]:
        return [code for code in re.split(r"[,،，、\s]+", self.cleaned_data["sectors"]) if code]


class UnitForm(NativeDigitsMixin, forms.ModelForm):
    description_text = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = Unit
        fields = [
            "kind",
            "reference",
            "area_m2",
            "rent_per_m2_month",
            "sale_price",
            "currency",
            "status",
        ]


class InquiryForm(forms.Form):
    organisation = forms.ChoiceField(label=_("On behalf of"))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    unit = forms.ChoiceField(label=_("About the unit"), required=False)
    opportunity = forms.ChoiceField(label=_("About the investment opportunity"), required=False)
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str]],
        units: list[tuple[int, str]],
        opportunities: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").choices = organisations
        choice_field(self, "unit").choices = [("", "—"), *units]
        choice_field(self, "opportunity").choices = [("", "—"), *opportunities]
        if not units:
            del self.fields["unit"]
        if not opportunities:
            del self.fields["opportunity"]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
