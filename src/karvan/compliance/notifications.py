from django.utils.translation import gettext_lazy as _

from karvan.notifications.kinds import NotificationKind, register

CASE_OPENED = "compliance.case_opened"


def register_kinds() -> None:
    register(
        NotificationKind(
            CASE_OPENED,
            title=_("Screening: a potential match for %(subject)s"),
            body=_("A list entry resembles %(subject)s (score %(score)s). Review the case."),
        )
    )
