"""The base of every domain error: a stable code for API clients, a message for people."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A broken business rule, shown to the user in their language.

    Subclasses set `code` and `message` (lazily translated, with named %-placeholders filled from
    the keyword arguments), and `status` for the API: 400 rule, 403 not allowed, 404 missing,
    409 conflict.
    """

    code: str = "error"
    message: str | Promise = _("The action could not be completed.")
    status: int = 400

    def __init__(
        self, message: str | Promise | None = None, *, field: str | None = None, **params: object
    ) -> None:
        if message is not None:
            self.message = message
        self.field = field
        self.params = params
        super().__init__(self.code)

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text

    @property
    def text(self) -> str:
        """The message in the active language, placeholders filled."""
        return str(self)


class NotAllowedError(DomainError):
    code = "not_allowed"
    message = _("You are not allowed to do this.")
    status = 403


class NotFoundError(DomainError):
    code = "not_found"
    message = _("Not found.")
    status = 404


class ConflictError(DomainError):
    code = "conflict"
    message = _("This conflicts with a change made in the meantime. Reload and try again.")
    status = 409


class ComplianceCheckError(DomainError):
    """An organisation or a person is held by the compliance screening (`ComplianceHold`). The
    message says only that the center is checking, never which list or what matched."""

    code = "compliance.checking"
    message = _(
        "The center is completing its compliance checks of this organisation or person. "
        "This can go ahead once they are complete."
    )
    status = 409
