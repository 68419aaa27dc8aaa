"""The notifications the directory sends, registered with the notifications app."""

from django.utils.translation import gettext_lazy as _

from karvan.notifications.kinds import NotificationKind, register

ORGANISATION_VERIFIED = "directory.organisation_verified"
ORGANISATION_REJECTED = "directory.organisation_rejected"
ORGANISATION_SUBMITTED = "directory.organisation_submitted"
INVITATION_ACCEPTED = "directory.invitation_accepted"
IDENTITY_SUBMITTED = "directory.identity_submitted"
IDENTITY_APPROVED = "directory.identity_approved"
IDENTITY_REFUSED = "directory.identity_refused"
VERIFICATION_UNDONE = "directory.verification_undone"


def register_kinds() -> None:
    register(
        NotificationKind(
            VERIFICATION_UNDONE,
            title=_("The verification of %(organisation)s is under review again"),
            body=_(
                "The center's staff took back the verification a moment after giving it. "
                "%(organisation)s waits for their decision; nothing else changes."
            ),
        )
    )
    register(
        NotificationKind(
            ORGANISATION_VERIFIED,
            title=_("%(organisation)s is now verified"),
            body=_(
                "The center's staff checked %(organisation)s. Its profile shows it as verified."
            ),
        )
    )
    register(
        NotificationKind(
            ORGANISATION_REJECTED,
            title=_("Verification of %(organisation)s was refused"),
            body=_("Reason given by the center's staff: %(reason)s"),
        )
    )
    register(
        NotificationKind(
            ORGANISATION_SUBMITTED,
            title=_("%(organisation)s awaits verification"),
            body=_("Check its registry identifier and profile, then verify it or refuse it."),
        )
    )
    register(
        NotificationKind(
            INVITATION_ACCEPTED,
            title=_("%(person)s joined %(organisation)s"),
            body=_("%(person)s accepted your invitation and is now a member."),
        )
    )
    register(
        NotificationKind(
            IDENTITY_SUBMITTED,
            title=_("%(organisation)s asks to change its name, country or registry identifier"),
            body=_(
                "Others see the verified identity until you approve or refuse the change: "
                "compare both in the verification queue."
            ),
        )
    )
    register(
        NotificationKind(
            IDENTITY_APPROVED,
            title=_("The new identity of %(organisation)s is approved"),
            body=_("Everyone now sees the name, country and registry identifier you asked for."),
        )
    )
    register(
        NotificationKind(
            IDENTITY_REFUSED,
            title=_("The change of identity of %(organisation)s was refused"),
            body=_(
                "Others keep seeing the verified identity. Reason given by the center's staff: "
                "%(reason)s"
            ),
        )
    )
