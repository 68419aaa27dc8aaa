from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from karvan.accounts.models import ApiToken, User
from karvan.core.calendars import default_calendar
from karvan.core.time_zones import is_known_zone, time_zone_choices


class PreferencesFields(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    calendar = forms.ChoiceField(label=_("Calendar"), choices=User.Calendar.choices)


class SignUpForm(PreferencesFields):
    full_name = forms.CharField(label=_("Full name (Latin letters)"), max_length=150)
    full_name_native = forms.CharField(
        label=_("Name in your own script"), max_length=150, required=False
    )
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )

    field_order = [
        "full_name",
        "full_name_native",
        "email",
        "password",
        "language",
        "time_zone",
        "calendar",
    ]

    @classmethod
    def initial_for(cls, language: str, time_zone: str | None) -> dict[str, str]:
        """Defaults from the browser: its language, its zone (sent by the page script)."""
        zone = time_zone if time_zone and is_known_zone(time_zone) else "UTC"
        return {"language": language, "time_zone": zone, "calendar": default_calendar(language)}

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        candidate = User(email=self.data.get("email", ""), full_name=self.data.get("full_name", ""))
        password_validation.validate_password(password, candidate)
        return password


class PreferencesForm(PreferencesFields):
    full_name = forms.CharField(label=_("Full name (Latin letters)"), max_length=150)
    full_name_native = forms.CharField(
        label=_("Name in your own script"), max_length=150, required=False
    )
    email_frequency = forms.ChoiceField(
        label=_("E-mail notifications"), choices=User.EmailFrequency.choices
    )
    field_order = [
        "full_name",
        "full_name_native",
        "language",
        "time_zone",
        "calendar",
        "email_frequency",
    ]


class EmailAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The e-mail address or the password is wrong."),
        "inactive": _("This account is disabled."),
        "unconfirmed": _(
            "Confirm your e-mail address first: open the link we sent you. "
            "You can ask for a new link below."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email"}
        )

    def clean_username(self) -> str:
        # Addresses are stored in lower case and phones capitalise the first letter. Lowering it
        # here, before authentication, also keeps the throttle counting "A@x" and "a@x" as one.
        return self.cleaned_data["username"].strip().lower()

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not user.has_confirmed_email:
            raise forms.ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))


class LocalisedPasswordResetForm(PasswordResetForm):
    """Send the reset mail in the language the person chose, not the visitor's."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[
            (7, _("7 days")),
            (30, _("30 days")),
            (90, _("90 days")),
            (365, _("one year")),
        ],
        initial=90,
    )
