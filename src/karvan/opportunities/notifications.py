"""The notifications opportunities send, registered with the notifications app."""

from django.utils.translation import gettext_lazy as _

from karvan.notifications.kinds import NotificationKind, register

INTEREST_RECEIVED = "opportunities.interest_received"
INTEREST_ACCEPTED = "opportunities.interest_accepted"
INTEREST_DECLINED = "opportunities.interest_declined"
INTEREST_MESSAGE = "opportunities.interest_message"
QUOTATION_RECEIVED = "opportunities.quotation_received"
OPPORTUNITY_SUBMITTED = "opportunities.opportunity_submitted"
OPPORTUNITY_APPROVED = "opportunities.opportunity_approved"
OPPORTUNITY_RETURNED = "opportunities.opportunity_returned"
OPPORTUNITY_CHANGED = "opportunities.opportunity_changed"
# Named before matching moved here: stored notifications keep the code.
NEW_MATCH = "matching.new_match"


def register_kinds() -> None:
    register(
        NotificationKind(
            NEW_MATCH,
            title=_("A new partner for “%(opportunity)s”: %(match)s"),
            body=_("%(organisation)s published an opportunity that fits yours: %(reasons)s"),
        )
    )
    register(
        NotificationKind(
            INTEREST_RECEIVED,
            title=_("%(organisation)s is interested in “%(opportunity)s”"),
            body=_("Read their message and answer: accept to continue the conversation."),
        )
    )
    register(
        NotificationKind(
            INTEREST_ACCEPTED,
            title=_("%(organisation)s accepted your interest in “%(opportunity)s”"),
            body=_("Continue the conversation in the thread."),
        )
    )
    register(
        NotificationKind(
            INTEREST_DECLINED,
            title=_("%(organisation)s declined your interest in “%(opportunity)s”"),
        )
    )
    register(
        NotificationKind(
            INTEREST_MESSAGE,
            title=_("New message from %(organisation)s about “%(opportunity)s”"),
        )
    )
    register(
        NotificationKind(
            QUOTATION_RECEIVED,
            title=_("%(organisation)s sent a quotation for “%(opportunity)s”"),
            body=_("Compare the quotations side by side on the request's page."),
        )
    )
    register(
        NotificationKind(
            OPPORTUNITY_SUBMITTED,
            title=_("“%(opportunity)s” by %(organisation)s awaits review"),
            body=_("Publish it, or send it back to its author with the reason."),
        )
    )
    register(
        NotificationKind(
            OPPORTUNITY_APPROVED,
            title=_("“%(opportunity)s” is published"),
            body=_("The center's staff reviewed it: the other side can now find it."),
        )
    )
    register(
        NotificationKind(
            OPPORTUNITY_RETURNED,
            title=_("“%(opportunity)s” was sent back to you"),
            body=_("The center's staff say: %(reason)s"),
        )
    )
    register(
        NotificationKind(
            OPPORTUNITY_CHANGED,
            title=_("“%(opportunity)s” awaits review again"),
            body=_(
                "What the center's staff reviewed has changed (its text, codes, kind, side, "
                "certifications or your organisation's identity): it is hidden from the other "
                "side until they publish it again."
            ),
        )
    )
