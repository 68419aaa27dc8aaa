from django.utils.translation import gettext_lazy as _

from karvan.core.errors import DomainError


class InvalidRegistryIdError(DomainError):
    code = "organisation.invalid_registry_id"
    message = _("This registry identifier is not valid for %(country)s: check the characters.")


class DuplicateRegistryIdError(DomainError):
    code = "organisation.duplicate_registry_id"
    message = _("Another organisation is already registered with this identifier.")
    status = 409


class NameRequiredError(DomainError):
    code = "organisation.name_required"
    message = _("Give the organisation's name in at least one language.")


class InvalidLogoError(DomainError):
    code = "organisation.invalid_logo"
    message = _("The logo must be a PNG, JPEG, GIF or WebP image of at most %(max_mb)s MB.")


class NotPendingError(DomainError):
    code = "organisation.not_pending"
    message = _("Only an organisation awaiting verification can be verified or refused.")
    status = 409


class ReasonRequiredError(DomainError):
    code = "organisation.reason_required"
    message = _("Give the reason for the refusal: the organisation will read it.")


class LastOwnerError(DomainError):
    code = "organisation.last_owner"
    message = _("An organisation needs at least one owner.")
    status = 409


class InvitationClosedError(DomainError):
    code = "invitation.closed"
    message = _("This invitation has expired or was already used.")


class InvitationEmailMismatchError(DomainError):
    code = "invitation.email_mismatch"
    message = _("This invitation was sent to %(email)s. Log in with that address to accept it.")
    status = 403


class AlreadyMemberError(DomainError):
    code = "invitation.already_member"
    message = _("This person is already a member of the organisation.")
    status = 409


class IdentityChangeDecidedError(DomainError):
    code = "organisation.identity_change_decided"
    message = _("This change of identity was already decided or withdrawn.")
    status = 409


class InvalidDocumentError(DomainError):
    code = "organisation.invalid_document"
    message = _("The document must be a PDF, PNG or JPEG file of at most %(max_mb)s MB.")


class UndoExpiredError(DomainError):
    code = "organisation.undo_expired"
    message = _(
        "This verification can no longer be undone here: only the person who verified may undo "
        "it, within %(minutes)s minutes."
    )
    status = 409


class DocumentTitleRequiredError(DomainError):
    code = "organisation.document_title_required"
    message = _("Say what the document is, e.g. business licence.")
