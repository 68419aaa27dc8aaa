import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from karvan.agreements.documents.rendering import LANGUAGE_NAMES
from karvan.agreements.models import Agreement, AgreementTemplate
from karvan.agreements.services.drafting import PlaceholderValue
from karvan.core.text import CONTENT_LANGUAGES
from karvan.core.widgets import (
    CalendarDateField,
    CalendarDateTimeField,
    NativeDigitsMixin,
    PickerSelectMultiple,
)

LANGUAGE_CHOICES = [(code, LANGUAGE_NAMES[code]) for code in CONTENT_LANGUAGES]
PLACEHOLDER_FIELDS = {
    "place": _("Place of signing"),
    "effective_date": _("Date"),
    "term": _("Term (e.g. three years)"),
    "field": _("Field of cooperation"),
    "products": _("Products"),
    "territory": _("Territory"),
    "arbitration": _("Arbitration centre"),
}
PDF_MAX_BYTES = 20 * 1024 * 1024
DATA_URL_PREFIX = "data:image/png;base64,"


def _choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A declared choice field, typed as one, to set its choices for this request."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    return field


class AgreementForm(NativeDigitsMixin, forms.Form):
    initiator = forms.ChoiceField(label=_("On behalf of"))
    partners = forms.MultipleChoiceField(
        label=_("With"),
        help_text=_("The other organisations that are parties: type to find them."),
        widget=PickerSelectMultiple(),
    )
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=AgreementTemplate.objects.none(),
        required=False,
        empty_label=_("None: write the text from scratch"),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of the text"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    prevailing_language = forms.ChoiceField(
        label=_("Prevailing language"), choices=LANGUAGE_CHOICES
    )
    is_ordered = forms.BooleanField(label=_("Signatories sign in order"), required=False)

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str]],
        partners: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "initiator").choices = organisations
        _choice_field(self, "partners").choices = partners
        template = self.fields["template"]
        if not isinstance(template, forms.ModelChoiceField):
            raise TypeError("template is not a model choice field")
        template.queryset = AgreementTemplate.objects.filter(is_active=True)
        # One value per language of the agreement, so that no language's words land in another
        # language's version; the date is one field, written in each language's calendar.
        self.fields["value_effective_date"] = CalendarDateField(
            label=PLACEHOLDER_FIELDS["effective_date"], required=False
        )
        for name, label in PLACEHOLDER_FIELDS.items():
            if name == "effective_date":
                continue
            for code, language_name in LANGUAGE_CHOICES:
                field = forms.CharField(
                    label=str(
                        _("%(value)s (%(language)s)") % {"value": label, "language": language_name}
                    ),
                    required=False,
                    max_length=200,
                )
                field.widget.attrs.update({"lang": code, "data-language": code})
                self.fields[f"value_{name}_{code}"] = field
        for code, language_name in LANGUAGE_CHOICES:
            self.fields[f"title_{code}"] = forms.CharField(
                label=str(_("Title (%(language)s)") % {"language": language_name}),
                required=False,
                max_length=300,
            )
            self.fields[f"text_{code}"] = forms.CharField(
                label=str(_("Text (%(language)s)") % {"language": language_name}),
                required=False,
                max_length=100_000,
                widget=forms.Textarea(attrs={"rows": 6}),
            )

    def clean(self) -> dict[str, object]:
        super().clean()
        data = self.cleaned_data
        languages = data.get("languages") or []
        if data.get("prevailing_language") and data["prevailing_language"] not in languages:
            self.add_error(
                "prevailing_language", _("The prevailing language must be one of the languages.")
            )
        if not data.get("template"):
            for code in languages:
                for prefix in ("title", "text"):
                    if not (data.get(f"{prefix}_{code}") or "").strip():
                        self.add_error(
                            f"{prefix}_{code}", _("Write it in every language of the agreement.")
                        )
        return data

    def values(self) -> dict[str, PlaceholderValue]:
        """The placeholder values for the chosen languages: words per language, the date once."""
        languages = self.cleaned_data.get("languages") or []
        values: dict[str, PlaceholderValue] = {}
        for name in PLACEHOLDER_FIELDS:
            if name == "effective_date":
                if date := self.cleaned_data.get("value_effective_date"):
                    values[name] = date
                continue
            per_language = {
                code: text
                for code in languages
                if (text := (self.cleaned_data.get(f"value_{name}_{code}") or "").strip())
            }
            if per_language:
                values[name] = per_language
        return values

    def versions(self, prefix: str) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(f"{prefix}_{code}", "") for code, _name in LANGUAGE_CHOICES
        }


class ReviseForm(forms.Form):
    note = forms.CharField(label=_("What changed"), required=False, max_length=300)
    void_signatures = forms.BooleanField(
        label=_("I understand: the signatures collected so far become void."), required=False
    )

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages = list(agreement.languages)
        for code in self.languages:
            name = LANGUAGE_NAMES.get(code, code)
            self.fields[f"title_{code}"] = forms.CharField(
                label=str(_("Title (%(language)s)") % {"language": name}), max_length=300
            )
            self.fields[f"text_{code}"] = forms.CharField(
                label=str(_("Text (%(language)s)") % {"language": name}),
                max_length=100_000,
                widget=forms.Textarea(attrs={"rows": 14}),
            )

    def versions(self, prefix: str) -> dict[str, str]:
        return {code: self.cleaned_data[f"{prefix}_{code}"] for code in self.languages}


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        agreement: Agreement,
        current_texts: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.languages = list(agreement.languages)
        for code in self.languages:
            # A proposed change starts from the current text; left as it is, it proposes nothing.
            self.initial.setdefault(f"proposal_{code}", (current_texts or {}).get(code, ""))
            self.fields[f"proposal_{code}"] = forms.CharField(
                label=_("Proposed text (%(language)s), optional")
                % {"language": LANGUAGE_NAMES.get(code, code)},
                required=False,
                max_length=100_000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def proposal(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"proposal_{code}", "") for code in self.languages}


class SignatoryForm(forms.Form):
    person = forms.ChoiceField(label=_("Signatory"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "person").choices = choices


class CeremonyForm(NativeDigitsMixin, forms.Form):
    """Either a session of a signing ceremony event, or a time and a room the parties choose."""

    session = forms.TypedChoiceField(
        label=_("At an event's signing ceremony"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("The ceremony starts with the session; leave empty to plan it yourselves."),
    )
    starts_at = CalendarDateTimeField(label=_("Ceremony starts at"), required=False)
    room_url = forms.URLField(
        label=_("Video room link"), required=False, assume_scheme="https", max_length=200
    )

    def __init__(self, *args: Any, sessions: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "session").choices = [("", "—"), *sessions]
        if not sessions:
            del self.fields["session"]


class SignForm(NativeDigitsMixin, forms.Form):
    document_sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    code = forms.RegexField(
        label=_("One-time code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has six digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    typed_name = forms.CharField(label=_("Type your full name"), max_length=150)
    drawing = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500_000)

    def mark_first_error(self) -> None:
        """Put the signer at the first field that went wrong, not at the top of a long page: it
        is focused (the browser scrolls to it), marked invalid and described by its message."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {
                        "autofocus": True,
                        "aria-invalid": "true",
                        "aria-describedby": f"{self[name].auto_id}_error",
                    }
                )
                return

    def clean_drawing(self) -> bytes | None:
        value = self.cleaned_data.get("drawing") or ""
        if not value:
            return None
        if not value.startswith(DATA_URL_PREFIX):
            raise forms.ValidationError(_("The drawn signature could not be read."))
        try:
            return base64.b64decode(value[len(DATA_URL_PREFIX) :], validate=True)
        except (binascii.Error, ValueError) as error:
            raise forms.ValidationError(_("The drawn signature could not be read.")) from error


class VerifyForm(forms.Form):
    pdf = forms.FileField(label=_("The agreement's PDF file"), required=False)
    code = forms.RegexField(
        label=_("Or its verification code"),
        regex=r"^\s*[A-Za-z]{2}-?[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}\s*$",
        required=False,
        error_messages={"invalid": _("A verification code looks like KV-7XK2-9QPM.")},
    )

    def clean_pdf(self) -> bytes | None:
        upload = self.cleaned_data.get("pdf")
        if not upload:
            return None
        if upload.size > PDF_MAX_BYTES:
            raise forms.ValidationError(
                _("Upload a PDF file of at most %(max_mb)s MB.")
                % {"max_mb": PDF_MAX_BYTES // 2**20}
            )
        data = upload.read()
        if not data.startswith(b"%PDF"):
            raise forms.ValidationError(_("This file is not a PDF."))
        return data

    def clean(self) -> dict[str, object]:
        super().clean()
        data = self.cleaned_data
        if not data.get("pdf") and not data.get("code") and not self.errors:
            raise forms.ValidationError(_("Upload the PDF, or enter its verification code."))
        return data

    def normalised_code(self) -> str:
        raw = (self.cleaned_data.get("code") or "").strip().upper().replace("-", "")
        return f"{raw[:2]}-{raw[2:6]}-{raw[6:]}" if raw else ""
