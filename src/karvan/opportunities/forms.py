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
from karvan.core.widgets import (
    CalendarDateField,
    CalendarDateTimeField,
    CodeChoiceField,
    CountryPickerWidget,
    LongSelect,
    NativeDigitsMixin,
)
from karvan.opportunities.models import Opportunity, Quotation

CURRENCIES = [
    ("", "—"),
    ("USD", "USD"),
    ("CNY", "CNY"),
    ("EUR", "EUR"),
    ("IRR", "IRR"),
    ("AED", "AED"),
]
_LIST_SEPARATORS = r"[,،，、]"


class OpportunityFilterForm(forms.Form):
    """The search box and its filters; every value optional, bad values reported, never a 500."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    side = forms.ChoiceField(
        label=_("Side"),
        required=False,
        choices=[("", _("Offers and requests")), *Opportunity.Side.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Opportunity.Kind.choices]
    )
    country = forms.ChoiceField(label=_("Country"), required=False, widget=LongSelect)
    hs_chapter = forms.ChoiceField(label=_("HS chapter"), required=False, widget=LongSelect)
    sector = forms.ChoiceField(label=_("Sector"), required=False, widget=LongSelect)
    certification = forms.CharField(label=_("Certification"), required=False, max_length=50)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "country").choices = [("", _("All countries")), *country_choices()]
        choice_field(self, "hs_chapter").choices = [("", _("All products")), *hs_chapter_choices()]
        choice_field(self, "sector").choices = [("", _("All sectors")), *isic_choices()]


class OpportunityForm(NativeDigitsMixin, forms.Form):
    organisation = forms.ChoiceField(label=_("On behalf of"))
    side = forms.ChoiceField(
        label=_("Side"),
        choices=Opportunity.Side.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Opportunity.Kind.choices)
    language = forms.ChoiceField(
        label=_("Language you write in"),
        choices=settings.LANGUAGES,
        help_text=_("Write in your own language: partners on the other side find it in theirs."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )
    hs_codes = CodeChoiceField(
        label=_("Products (HS)"), queryset=HsCode.objects.all(), required=False
    )
    sectors = CodeChoiceField(
        label=_("Sectors (ISIC)"),
        queryset=IsicCode.objects.filter(level=IsicCode.Level.DIVISION),
        required=False,
    )
    quantity = forms.DecimalField(
        label=_("Quantity"), required=False, min_value=0, max_digits=16, decimal_places=3
    )
    quantity_unit = forms.ChoiceField(
        label=_("Unit"), required=False, choices=[("", "—"), *Opportunity.Unit.choices]
    )
    price_min = forms.DecimalField(
        label=_("Lowest price"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    price_max = forms.DecimalField(
        label=_("Highest price"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    currency = forms.ChoiceField(label=_("Currency"), required=False, choices=CURRENCIES)
    price_unit = forms.ChoiceField(
        label=_("Price per"), required=False, choices=[("", "—"), *Opportunity.Unit.choices]
    )
    incoterm = forms.ChoiceField(
        label=_("Incoterm"), required=False, choices=[("", "—"), *Opportunity.Incoterm.choices]
    )
    port = forms.CharField(label=_("Port or place"), required=False, max_length=120)
    certifications = forms.CharField(
        label=_("Certifications"),
        required=False,
        max_length=500,
        help_text=_("Separate them with commas, e.g. ISO 9001, HACCP, Halal."),
    )
    target_countries = forms.MultipleChoiceField(
        label=_("Target countries"), required=False, widget=CountryPickerWidget()
    )
    expires_on = CalendarDateField(
        label=_("Open until"),
        required=False,
        help_text=_("Leave empty for 90 days from publication."),
    )
    is_rfq = forms.BooleanField(label=_("Ask suppliers for quotations (RFQ)"), required=False)
    quotation_deadline = CalendarDateTimeField(
        label=_("Quotation deadline"),
        required=False,
        help_text=_("In your own time zone."),
    )

    MAIN_FIELDS = (
        "organisation",
        "side",
        "kind",
        "language",
        "title",
        "description",
        "hs_codes",
        "sectors",
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").choices = [(str(pk), name) for pk, name in organisations]
        if len(organisations) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = str(organisations[0][0])
        choice_field(self, "target_countries").choices = country_choices()

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MAIN_FIELDS]

    def detail_fields(self) -> list[forms.BoundField]:
        return [field for field in self if field.name not in self.MAIN_FIELDS]

    def clean(self) -> dict[str, object]:
        super().clean()
        data = self.cleaned_data
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "price_min", _("The lowest price cannot be higher than the highest price.")
            )
        if data.get("is_rfq"):
            if data.get("side") != Opportunity.Side.REQUEST:
                self.add_error("is_rfq", _("Only a request can ask for quotations."))
            if not data.get("quotation_deadline"):
                self.add_error(
                    "quotation_deadline",
                    _("A request for quotation needs a deadline in the future."),
                )
        return data

    def to_changes(self) -> dict[str, object]:
        data = self.cleaned_data
        changes = {
            key: data[key]
            for key in (
                "side",
                "kind",
                "language",
                "title",
                "description",
                "quantity",
                "quantity_unit",
                "price_min",
                "price_max",
                "currency",
                "price_unit",
                "incoterm",
                "port",
                "expires_on",
                "is_rfq",
                "quotation_deadline",
            )
        }
        changes["certifications"] = re.split(_LIST_SEPARATORS, data["certifications"])
        changes["target_countries"] = list(data["target_countries"])
        changes["hs_codes"] = [code.code for code in data["hs_codes"]]
        changes["sectors"] = [code.code for code in data["sectors"]]
        if not data["is_rfq"]:
            changes["quotation_deadline"] = None
        return changes

    @classmethod
    def initial_from(cls, opportunity: Opportunity) -> dict[str, object]:
        initial = {
            field: getattr(opportunity, field)
            for field in (
                "side",
                "kind",
                "language",
                "title",
                "description",
                "quantity",
                "quantity_unit",
                "price_min",
                "price_max",
                "currency",
                "price_unit",
                "incoterm",
                "port",
                "expires_on",
                "is_rfq",
                "target_countries",
            )
        }
        initial["organisation"] = str(opportunity.organisation_id)
        initial["certifications"] = ", ".join(opportunity.certifications)
        initial["hs_codes"] = list(opportunity.hs_codes.all())
        initial["sectors"] = list(opportunity.sectors.all())
        if opportunity.quotation_deadline:
            initial["quotation_deadline"] = timezone.localtime(opportunity.quotation_deadline)
        return initial


class InterestForm(forms.Form):
    organisation = forms.ChoiceField(label=_("On behalf of"))
    message = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say who you are and what you propose; write in your own language."),
    )
    attachment = forms.FileField(
        label=_("Attachment"), required=False, help_text=_("A PDF, PNG or JPEG of at most 10 MB.")
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").choices = [(str(pk), name) for pk, name in organisations]
        if len(organisations) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = str(organisations[0][0])


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(
        label=_("Attachment"), required=False, help_text=_("A PDF, PNG or JPEG of at most 10 MB.")
    )


class QuotationForm(NativeDigitsMixin, forms.ModelForm):
    organisation = forms.ChoiceField(label=_("On behalf of"))
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES[1:])
    attachment = forms.FileField(
        label=_("Attachment"), required=False, help_text=_("A PDF, PNG or JPEG of at most 10 MB.")
    )

    class Meta:
        model = Quotation
        fields = [
            "unit_price",
            "currency",
            "price_unit",
            "quantity",
            "quantity_unit",
            "lead_time_days",
            "incoterm",
            "terms",
        ]
        widgets = {"terms": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").choices = [(str(pk), name) for pk, name in organisations]
        if len(organisations) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = str(organisations[0][0])


class RenewForm(NativeDigitsMixin, forms.Form):
    days = forms.IntegerField(min_value=1, max_value=365, initial=90)


class ReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for sending it back"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Say what to correct; the author reads it in the language you write."),
    )
