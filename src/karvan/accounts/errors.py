from django.utils.translation import gettext_lazy as _

from karvan.core.errors import DomainError


class EmailTakenError(DomainError):
    code = "account.email_taken"
    message = _("An account with this e-mail address already exists.")
    status = 409


class InvalidConfirmationError(DomainError):
    code = "account.invalid_confirmation"
    message = _("This confirmation link is invalid or has expired. Ask for a new one.")


class InvalidTokenError(DomainError):
    code = "account.invalid_token"
    message = _("The API token is invalid.")
    status = 401
