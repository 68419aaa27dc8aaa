"""The notifications the agreements app sends, registered with the notifications app."""

from django.utils.translation import gettext_lazy as _

from karvan.notifications.kinds import NotificationKind, register

SIGNATORY_NAMED = "agreements.signatory_named"
SENT_FOR_SIGNING = "agreements.sent_for_signing"
YOUR_TURN = "agreements.your_turn"
SIGNED_BY = "agreements.signed_by"
SIGNATURES_VOIDED = "agreements.signatures_voided"
COMPLETED = "agreements.completed"
COMMENTED = "agreements.commented"
SIGNING_LOCKED = "agreements.signing_locked"
SIGNING_UNLOCKED = "agreements.signing_unlocked"


def register_kinds() -> None:
    register(
        NotificationKind(
            SIGNATORY_NAMED,
            title=_("You sign %(agreement)s for %(organisation)s"),
            body=_("You were named signatory. You will be told when the text is ready to sign."),
        )
    )
    register(
        NotificationKind(
            SENT_FOR_SIGNING,
            title=_("%(agreement)s is ready for your signature"),
            body=_("Review the final text, confirm with the code we e-mail you, and sign."),
        )
    )
    register(
        NotificationKind(
            YOUR_TURN,
            title=_("Your turn to sign %(agreement)s"),
            body=_("The signatories before you have signed."),
        )
    )
    register(
        NotificationKind(
            SIGNED_BY,
            title=_("%(person)s signed %(agreement)s"),
            body=_("%(signed)s of %(total)s signatures are in."),
        )
    )
    register(
        NotificationKind(
            SIGNATURES_VOIDED,
            title=_("The text of %(agreement)s changed: signatures voided"),
            body=_("%(person)s changed the text. It must be reviewed and signed again."),
        )
    )
    register(
        NotificationKind(
            COMPLETED,
            title=_("%(agreement)s is signed and sealed"),
            body=_("Every signatory has signed. The sealed PDF can be downloaded and verified."),
        )
    )
    register(
        NotificationKind(
            COMMENTED,
            title=_("%(person)s commented on %(agreement)s"),
            body=_("%(excerpt)s"),
        )
    )
    register(
        NotificationKind(
            SIGNING_LOCKED,
            title=_("Signing %(agreement)s is locked for %(person)s"),
            body=_(
                "%(failures)s wrong one-time codes were entered. Signing unlocks by itself after "
                "%(hours)s hours, or sooner when a manager of the organisation unlocks it on the "
                "agreement's page. If this was not the signatory, tell the center."
            ),
        )
    )
    register(
        NotificationKind(
            SIGNING_UNLOCKED,
            title=_("You can sign %(agreement)s again"),
            body=_("%(person)s unlocked signing for you. Ask for a new code to sign."),
        )
    )
