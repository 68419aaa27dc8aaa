"""The notifications parks send, registered with the notifications app."""

from django.utils.translation import gettext_lazy as _

from karvan.notifications.kinds import NotificationKind, register

INQUIRY_RECEIVED = "parks.inquiry_received"
INQUIRY_REPLY = "parks.inquiry_reply"


def register_kinds() -> None:
    register(
        NotificationKind(
            INQUIRY_RECEIVED,
            title=_("New investor inquiry to %(park)s"),
            body=_("%(organisation)s asks: %(subject)s"),
        )
    )
    register(
        NotificationKind(
            INQUIRY_REPLY,
            title=_("New message about “%(subject)s”"),
            body=_("%(person)s wrote in the inquiry thread."),
        )
    )
