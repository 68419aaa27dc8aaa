"""The notifications events send, registered with the notifications app."""

from django.utils.translation import gettext_lazy as _

from karvan.notifications.kinds import NotificationKind, register

REGISTRATION_RECEIVED = "events.registration_received"
REGISTRATION_APPROVED = "events.registration_approved"
REGISTRATION_REJECTED = "events.registration_rejected"
REQUEST_RECEIVED = "events.request_received"
REQUEST_ACCEPTED = "events.request_accepted"
REQUEST_DECLINED = "events.request_declined"
REQUEST_EXPIRED = "events.request_expired"
SCHEDULE_PUBLISHED = "events.schedule_published"
MEETING_MOVED = "events.meeting_moved"
MEETING_REMINDER = "events.meeting_reminder"
DELEGATION_INVITED = "events.delegation_invited"
DELEGATION_INVITATION_ACCEPTED = "events.delegation_invitation_accepted"
DELEGATION_INVITATION_DECLINED = "events.delegation_invitation_declined"
REGISTERED_BY_OTHER = "events.registered_by_other"


def register_kinds() -> None:
    register(
        NotificationKind(
            REGISTRATION_RECEIVED,
            title=_("%(organisation)s registered %(person)s for “%(event)s”"),
            body=_("Approve or reject the registration on the event's page."),
        )
    )
    register(
        NotificationKind(
            REGISTRATION_APPROVED,
            title=_("Your registration for “%(event)s” is approved"),
            body=_("You can now ask other participants for meetings."),
        )
    )
    register(
        NotificationKind(
            REGISTRATION_REJECTED,
            title=_("Your registration for “%(event)s” was not approved"),
            body=_("The organiser's reason: %(reason)s"),
        )
    )
    register(
        NotificationKind(
            REQUEST_RECEIVED,
            title=_("%(organisation)s asks to meet you at “%(event)s”"),
            body=_("Read their reason and answer before the request expires."),
        )
    )
    register(
        NotificationKind(
            REQUEST_ACCEPTED,
            title=_("%(organisation)s accepted your meeting request at “%(event)s”"),
        )
    )
    register(
        NotificationKind(
            REQUEST_DECLINED,
            title=_("%(organisation)s declined your meeting request at “%(event)s”"),
        )
    )
    register(
        NotificationKind(
            REQUEST_EXPIRED,
            title=_("Your meeting request to %(organisation)s at “%(event)s” expired unanswered"),
        )
    )
    register(
        NotificationKind(
            SCHEDULE_PUBLISHED,
            title=_("Your agenda for “%(event)s” is ready"),
            body=_("See your meetings in your own time zone, add them to your calendar."),
        )
    )
    register(
        NotificationKind(
            MEETING_MOVED,
            title=_("Your meeting with %(organisation)s at “%(event)s” was moved"),
            body=_("The new time is on your agenda."),
        )
    )
    register(
        NotificationKind(
            MEETING_REMINDER,
            title=_("Soon: your meeting with %(organisation)s at “%(event)s”"),
            body=_("It starts at %(time)s (%(zone)s)."),
        )
    )
    register(
        NotificationKind(
            DELEGATION_INVITED,
            title=_("%(leader)s invites your organisation to its delegation to “%(event)s”"),
            body=_(
                "If you accept, the delegation's leader may register your organisation's people "
                "for the event. Accept or decline on the invitation's page."
            ),
        )
    )
    register(
        NotificationKind(
            DELEGATION_INVITATION_ACCEPTED,
            title=_("%(organisation)s joined your delegation to “%(event)s”"),
        )
    )
    register(
        NotificationKind(
            DELEGATION_INVITATION_DECLINED,
            title=_("%(organisation)s declined to join your delegation to “%(event)s”"),
        )
    )
    register(
        NotificationKind(
            REGISTERED_BY_OTHER,
            title=_("You were registered for “%(event)s” for %(organisation)s"),
            body=_("See or cancel the registration on the event's page."),
        )
    )
