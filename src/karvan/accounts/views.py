from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from karvan.accounts.forms import ApiTokenForm, PreferencesForm, ResendConfirmationForm, SignUpForm
from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.accounts.selectors import list_api_tokens
from karvan.accounts.services import (
    confirm_email,
    create_api_token,
    request_new_confirmation,
    revoke_api_token,
    sign_up,
    update_preferences,
)
from karvan.core.errors import DomainError
from karvan.core.middleware import KEPT_TIME_ZONE_COOKIE, browser_time_zone
from karvan.core.time_zones import is_known_zone, zone_label


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST":
        form = SignUpForm(request.POST)
        if form.is_valid():
            try:
                sign_up(**form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field, error.text)
            else:
                return render(
                    request, "accounts/signup_done.html", {"email": form.cleaned_data["email"]}
                )
    else:
        form = SignUpForm(
            initial=SignUpForm.initial_for(
                translation.get_language() or "en", browser_time_zone(request)
            )
        )
    return render(request, "accounts/signup.html", {"form": form})


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        confirm_email(token=token)
    except DomainError as error:
        messages.error(request, error.text)
        return redirect("accounts:resend_confirmation")
    messages.success(request, _("Your e-mail address is confirmed. You can log in now."))
    return redirect("accounts:login")


def resend_confirmation(request: HttpRequest) -> HttpResponse:
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request_new_confirmation(email=form.cleaned_data["email"])
        # The same answer whether or not the address has an account: nothing leaks.
        messages.success(
            request, _("If this address has an unconfirmed account, a new link is on its way.")
        )
        return redirect("accounts:login")
    return render(request, "accounts/resend_confirmation.html", {"form": form})


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            update_preferences(user=user, **form.cleaned_data)
            translation.activate(user.language)
            messages.success(request, _("Your preferences are saved."))
            response = redirect("accounts:preferences")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
            return response
    else:
        form = PreferencesForm(
            initial={
                "full_name": user.full_name,
                "full_name_native": user.full_name_native,
                "language": user.language,
                "time_zone": user.time_zone,
                "calendar": user.calendar,
                "email_frequency": user.email_frequency,
            }
        )
    return render(
        request,
        "accounts/preferences.html",
        {"form": form, "token_form": ApiTokenForm(), "tokens": list_api_tokens(viewer=user)},
    )


@login_required
@require_POST
def token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name, an access and a lifetime."))
        return redirect("accounts:preferences")
    token, key = create_api_token(user=request.user, **form.cleaned_data)
    return render(request, "accounts/token_created.html", {"key": key, "token": token})


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    revoke_api_token(user=request.user, token_id=pk)
    messages.success(request, _("The token is revoked."))
    return redirect("accounts:preferences")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in person keeps it as their preference."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        update_preferences(user=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


@login_required
@require_POST
def answer_time_zone_proposal(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Take the browser's zone into the profile, or keep the profile's and stop asking."""
    zone = request.POST.get("zone", "")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if not is_known_zone(zone):
        messages.error(request, _("This time zone is unknown."))
        return response
    if request.POST.get("answer") == "use":
        update_preferences(user=request.user, time_zone=zone)
        messages.success(request, _("Your time zone is now %(zone)s.") % {"zone": zone_label(zone)})
    else:
        response.set_cookie(
            KEPT_TIME_ZONE_COOKIE, quote(zone, safe=""), max_age=365 * 24 * 3600, samesite="Lax"
        )
    return response
