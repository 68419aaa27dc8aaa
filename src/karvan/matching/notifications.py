from django.utils.translation import gettext_lazy as _

from karvan.notifications.kinds import NotificationKind, register

NEW_MATCH = "matching.new_match"


def register_kinds() -> None:
    register(
        NotificationKind(
            NEW_MATCH,
            title=_("A new partner for “%(opportunity)s”: %(match)s"),
            body=_("%(organisation)s published an opportunity that fits yours: %(reasons)s"),
        )
    )
