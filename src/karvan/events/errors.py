from django.utils.translation import gettext_lazy as _

from karvan.core.errors import DomainError


class EventNotOpenError(DomainError):
    code = "event.not_open"
    message = _("This event is not open for registration.")
    status = 409


class InvalidEventDatesError(DomainError):
    code = "event.invalid_dates"
    message = _("The last day cannot be before the first day.")


class InvalidPriorityError(DomainError):
    code = "meeting.invalid_priority"
    message = _("Choose one of the priorities.")


class InvalidSessionError(DomainError):
    code = "session.invalid_times"
    message = _("A session must end after it starts, on one of the event's days.")


class SessionInUseError(DomainError):
    code = "session.in_use"
    message = _("Meetings are already scheduled in this session: move them before changing it.")
    status = 409


class AlreadyRegisteredError(DomainError):
    code = "registration.duplicate"
    message = _("%(person)s is already registered for this event.")
    status = 409


class NotAMemberError(DomainError):
    code = "registration.not_a_member"
    message = _("%(person)s is not a member of this organisation.")


class UnknownSessionError(DomainError):
    code = "registration.unknown_session"
    message = _("Choose sessions of this event.")


class AlreadyDecidedError(DomainError):
    code = "registration.already_decided"
    message = _("This registration has already been decided.")
    status = 409


class NotInDelegationError(DomainError):
    code = "delegation.not_member"
    message = _("This organisation is not a member of the delegation.")


class DelegationExistsError(DomainError):
    code = "delegation.duplicate"
    message = _("This organisation already leads a delegation to this event.")
    status = 409


class ImportFileError(DomainError):
    code = "delegation.import_file"
    message = _("The file could not be read: upload a CSV (UTF-8) or XLSX file with a header row.")


class UnsafeFileError(ImportFileError):
    code = "delegation.import_unsafe"
    message = _(
        "The file was refused: it declares XML entities, which a spreadsheet never needs. "
        "Save it again from your spreadsheet program, or upload it as CSV."
    )


class NotApprovedError(DomainError):
    code = "request.not_approved"
    message = _("Meeting requests are between approved participants of the same event.")


class OwnOrganisationError(DomainError):
    code = "request.own_organisation"
    message = _("You cannot request a meeting with your own organisation.")


class DuplicateRequestError(DomainError):
    code = "request.duplicate"
    message = _("A request between you is already open or accepted.")
    status = 409


class RequestNotPendingError(DomainError):
    code = "request.not_pending"
    message = _("This request has already been answered, withdrawn or has expired.")
    status = 409


class SlotRequiredError(DomainError):
    code = "request.slot_required"
    message = _("Choose a free slot for the meeting.")


class SlotNotFreeError(DomainError):
    code = "meeting.slot_not_free"
    message = _("This slot is not free: %(reason)s")
    status = 409


class ScheduleRunningError(DomainError):
    code = "schedule.running"
    message = _("The scheduler is already running for this event.")
    status = 409


class NothingToScheduleError(DomainError):
    code = "schedule.nothing"
    message = _("There are no slots or no accepted meetings to schedule yet.")


class UnknownBadgeError(DomainError):
    code = "checkin.unknown_badge"
    message = _("No approved participant of this event has the badge code %(code)s.")
    status = 404


class MeetingNotStartedError(DomainError):
    code = "meeting.not_started"
    message = _("Feedback opens once the meeting has started.")


class NotConsentedError(DomainError):
    code = "registration.not_consented"
    message = _(
        "%(organisation)s has not agreed to have its people registered by others for this event: "
        "its people register themselves, or one of its managers accepts a delegation's invitation."
    )
    status = 403


class AlreadyInDelegationError(DomainError):
    code = "delegation.already_member"
    message = _("This organisation is already part of the delegation.")
    status = 409


class InvitationExistsError(DomainError):
    code = "delegation.invitation_pending"
    message = _("This organisation has already been invited and has not answered yet.")
    status = 409


class InvitationNotPendingError(DomainError):
    code = "delegation.invitation_not_pending"
    message = _("This invitation has already been answered or withdrawn.")
    status = 409


class TooManyMeetingsError(DomainError):
    code = "schedule.too_many_meetings"
    message = _(
        "This event has %(count)s meetings to schedule; one scheduler run takes at most "
        "%(limit)s. Schedule some by hand, or split the event."
    )


class TooManyCellsError(DomainError):
    code = "schedule.too_many_cells"
    message = _(
        "This event has %(count)s slot and table combinations; one scheduler run takes at most "
        "%(limit)s. Use fewer tables or fewer, shorter sessions."
    )


class CheckInClosedError(DomainError):
    code = "checkin.closed"
    message = _("Check-in opens on the event's days only (%(first)s to %(last)s, at the venue).")
    status = 409
