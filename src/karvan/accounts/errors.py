from django.utils.translation import gettext_lazy as _

from karvan.core.errors import DomainError


class InvalidConfirmationError(DomainError):
    code = "account.invalid_confirmation"
    message = _("This confirmation link is invalid or has expired. Ask for a new one.")


class InvalidTokenError(DomainError):
    code = "account.invalid_token"
    message = _("The API token is invalid.")
    status = 401


class ReadOnlyTokenError(DomainError):
    code = "account.read_only_token"
    message = _("This API token is read-only: make a read-and-write token to change things.")
    status = 403


class InvalidTokenScopeError(DomainError):
    code = "account.invalid_token_scope"
    message = _("Choose whether the token may only read, or read and write.")


class InvalidTokenLifetimeError(DomainError):
    code = "account.invalid_token_lifetime"
    message = _("Choose how long the token stays valid.")
