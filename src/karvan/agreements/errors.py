from django.utils.translation import gettext_lazy as _

from karvan.core.errors import DomainError


class TwoPartiesNeededError(DomainError):
    code = "agreement.two_parties_needed"
    message = _("An agreement needs at least two different organisations as parties.")


class LanguageNeededError(DomainError):
    code = "agreement.language_needed"
    message = _("Choose the languages of the text, including the prevailing language.")


class TextNeededError(DomainError):
    code = "agreement.text_needed"
    message = _("Write the title and the text in every language of the agreement.")


class NotDraftError(DomainError):
    code = "agreement.not_draft"
    message = _("This agreement is no longer a draft.")
    status = 409


class LockedError(DomainError):
    code = "agreement.locked"
    message = _(
        "The text is locked for signing. Changing it voids the signatures collected so far: "
        "confirm that you want this."
    )
    status = 409


class NotSigningError(DomainError):
    code = "agreement.not_signing"
    message = _("This agreement is not out for signature.")
    status = 409


class SignatoriesMissingError(DomainError):
    code = "agreement.signatories_missing"
    message = _("Every party must name at least one signatory first: %(parties)s.")


class UnresolvedPlaceholderError(DomainError):
    code = "agreement.unresolved_placeholder"
    message = _("The text still has blanks to fill in before it can be signed: %(placeholders)s.")


class NotASignatoryRoleError(DomainError):
    code = "agreement.not_signatory_role"
    message = _("Only authorised signatories of %(organisation)s can sign for it.")


class AlreadySignatoryError(DomainError):
    code = "agreement.already_signatory"
    message = _("This person is already a signatory of the agreement.")
    status = 409


class AlreadySignedError(DomainError):
    code = "agreement.already_signed"
    message = _("You have already signed this agreement.")
    status = 409


class NotYourTurnError(DomainError):
    code = "agreement.not_your_turn"
    message = _("The agreement is signed in order: wait until %(person)s has signed.")
    status = 409


class TextChangedError(DomainError):
    code = "agreement.text_changed"
    message = _(
        "The document changed after you reviewed it: its text, or a party's name, country or "
        "registry identifier. Review it again, then sign."
    )
    status = 409


class CodeInvalidError(DomainError):
    code = "agreement.code_invalid"
    message = _("This code is not right. Attempts left: %(left)s.")


class CodeExpiredError(DomainError):
    code = "agreement.code_expired"
    message = _("This code has expired or was used up. Ask for a new code.")


class CodeRateLimitedError(DomainError):
    code = "agreement.code_rate_limited"
    message = _("A code was sent less than a minute ago. Check your mailbox, or try again soon.")
    status = 429


class NameMismatchError(DomainError):
    code = "agreement.name_mismatch"
    message = _("Type your name as it appears in your profile: %(name)s.")


class InvalidDrawingError(DomainError):
    code = "agreement.invalid_drawing"
    message = _("The drawn signature could not be read. Draw it again or leave it empty.")


class NotProposalError(DomainError):
    code = "agreement.not_proposal"
    message = _("This comment proposes no change, or it was already decided.")
    status = 409


class InvalidFileError(DomainError):
    code = "agreement.invalid_file"
    message = _("Upload a PDF file of at most %(max_mb)s MB.")


class UnknownTemplateError(DomainError):
    code = "agreement.unknown_template"
    message = _("No template with this key.")


class UnknownOrganisationError(DomainError):
    code = "agreement.unknown_organisation"
    message = _("One of the partner organisations does not exist.")


class SignatoryHasSignedError(DomainError):
    code = "agreement.signatory_has_signed"
    message = _("This signatory has signed a version of the text and stays on the record.")
    status = 409


class NotACeremonySessionError(DomainError):
    code = "agreement.not_a_ceremony_session"
    message = _("Choose a session of a signing ceremony that has not ended yet.")


class VerificationRateLimitedError(DomainError):
    code = "agreement.verification_rate_limited"
    message = _(
        "Too many documents were checked from your network in the last hour. Try again in an hour."
    )
    status = 429


class SigningLockedError(DomainError):
    code = "agreement.signing_locked"
    message = _(
        "Too many wrong codes were entered: signing is locked for you for up to %(hours)s hours. "
        "A manager of %(organisation)s can unlock it sooner."
    )
    status = 429


class NotLockedError(DomainError):
    code = "agreement.not_locked"
    message = _("Signing is not locked for this signatory.")
    status = 409


class PlaceholderValueMissingError(DomainError):
    code = "agreement.placeholder_value_missing"
    message = _(
        "{%(placeholder)s} has no value in %(language)s: give it in every language of the "
        "agreement, so that no language's words land in another's version."
    )


class PlaceholderTextPerLanguageError(DomainError):
    code = "agreement.placeholder_text_per_language"
    message = _(
        "{%(placeholder)s} is a text: give it per language of the agreement (%(languages)s), "
        'e.g. {"%(language)s": "…"}. One value serves every language only for a date or a number.'
    )
