from django.utils.translation import gettext_lazy as _

from karvan.core.errors import DomainError


class NotDraftError(DomainError):
    code = "opportunity.not_draft"
    message = _("Only a draft can be published.")
    status = 409


class NotInReviewError(DomainError):
    code = "opportunity.not_in_review"
    message = _("This opportunity no longer awaits review: another member of staff decided on it.")
    status = 409


class ReasonRequiredError(DomainError):
    code = "opportunity.reason_required"
    message = _("Say why it is sent back: the author reads the reason and can correct the listing.")


class NotPublishedError(DomainError):
    code = "opportunity.not_published"
    message = _("This opportunity is not open: it is a draft, closed or expired.")
    status = 409


class OwnInterestError(DomainError):
    code = "interest.own_opportunity"
    message = _("Your organisation published this opportunity: you cannot express interest in it.")


class DuplicateInterestError(DomainError):
    code = "interest.duplicate"
    message = _("Your organisation has already expressed interest in this opportunity.")
    status = 409


class AlreadyDecidedError(DomainError):
    code = "interest.already_decided"
    message = _("This expression of interest has already been answered.")
    status = 409


class NotAnRfqError(DomainError):
    code = "quotation.not_rfq"
    message = _("This opportunity does not ask for quotations.")


class DeadlinePassedError(DomainError):
    code = "quotation.deadline_passed"
    message = _("The deadline for quotations has passed.")
    status = 409


class OwnQuotationError(DomainError):
    code = "quotation.own_request"
    message = _("Your organisation published this request: it cannot quote for it.")


class InvalidAttachmentError(DomainError):
    code = "quotation.invalid_attachment"
    message = _("The attachment must be a PDF, PNG or JPEG file of at most %(max_mb)s MB.")


class InvalidPriceRangeError(DomainError):
    code = "opportunity.invalid_price_range"
    message = _("The lowest price cannot be higher than the highest price.")


class InvalidDeadlineError(DomainError):
    code = "opportunity.invalid_deadline"
    message = _("A request for quotation needs a deadline in the future.")


class RfqNeedsRequestError(DomainError):
    code = "opportunity.rfq_needs_request"
    message = _("Only a request can ask for quotations.")


class NoOrganisationError(DomainError):
    code = "opportunity.no_organisation"
    message = _("Register your organisation, or join one, before publishing opportunities.")
