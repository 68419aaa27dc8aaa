from django.utils.translation import gettext_lazy as _

from karvan.core.errors import DomainError


class NotAParkError(DomainError):
    code = "park.not_a_park"
    message = _("Only an organisation of kind industrial park has a park profile.")


class LandExceedsTotalError(DomainError):
    code = "park.land"
    message = _("The land available cannot exceed the park's total land.")


class OwnParkInquiryError(DomainError):
    code = "park.own_inquiry"
    message = _("Your organisation runs this park: you cannot send it an inquiry.")


class InquiryClosedError(DomainError):
    code = "park.inquiry_closed"
    message = _("This inquiry is closed.")
    status = 409


class EmptyMessageError(DomainError):
    code = "park.empty_message"
    message = _("Write a message.")


class ForeignUnitError(DomainError):
    code = "park.foreign_unit"
    message = _("This unit or opportunity belongs to another park.")


class InvalidValueError(DomainError):
    code = "park.invalid"
    message = _("Some values are missing or not valid.")


class UnavailableOpportunityError(DomainError):
    code = "park.unavailable_opportunity"
    message = _("This opportunity is not open to inquiries.")
    status = 404
