from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from karvan.core.countries import country_choices
from karvan.core.form_fields import choice_field
from karvan.core.text import CONTENT_LANGUAGES
from karvan.core.widgets import NativeDigitsMixin


class DashboardFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    months = forms.TypedChoiceField(
        label=_("Period"),
        required=False,
        coerce=int,
        choices=[(6, _("6 months")), (12, _("12 months")), (24, _("24 months"))],
        # django-stubs allow only a string here; Django hands any value back as it is.
        empty_value=12,  # type: ignore[arg-type]
        initial=12,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        corridor = set(settings.KARVAN_CORRIDOR)
        choice_field(self, "country").choices = [("", _("All countries"))] + [
            (code, name) for code, name in country_choices() if code in corridor
        ]


class FigureForm(NativeDigitsMixin, forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=60)
    value = forms.DecimalField(label=_("Value"), max_digits=20, decimal_places=2)
    period = forms.CharField(label=_("Period"), required=False, max_length=60)
    source = forms.CharField(label=_("Source"), required=False, max_length=300)
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0)
    is_published = forms.BooleanField(label=_("Published"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in CONTENT_LANGUAGES:
            self.fields[f"label_{code}"] = forms.CharField(
                label=_("Label (%(language)s)") % {"language": code},
                required=code == "en",
                max_length=200,
            )
        for code in CONTENT_LANGUAGES:
            self.fields[f"unit_{code}"] = forms.CharField(
                label=_("Unit (%(language)s)") % {"language": code},
                required=False,
                max_length=60,
            )

    def versions(self, prefix: str) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"{prefix}_{code}", "") for code in CONTENT_LANGUAGES}
