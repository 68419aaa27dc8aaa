"""The notifications the knowledge exchange sends, registered with the notifications app."""

from django.utils.translation import gettext_lazy as _

from karvan.notifications.kinds import NotificationKind, register

QUESTION_ANSWERED = "knowledge.question_answered"
ANSWER_ACCEPTED = "knowledge.answer_accepted"
COMMENT_ADDED = "knowledge.comment_added"
POST_HIDDEN = "knowledge.post_hidden"
EXPERT_GRANTED = "knowledge.expert_granted"
QUESTION_FOR_COMMUNITY = "knowledge.question_for_community"


def register_kinds() -> None:
    register(
        NotificationKind(
            QUESTION_ANSWERED,
            title=_("New answer to “%(question)s”"),
            body=_("%(person)s answered your question."),
        )
    )
    register(
        NotificationKind(
            ANSWER_ACCEPTED,
            title=_("Your answer was accepted"),
            body=_("The author of “%(question)s” marked your answer as the one that solved it."),
        )
    )
    register(
        NotificationKind(
            COMMENT_ADDED,
            title=_("New comment on “%(question)s”"),
            body=_("%(person)s commented."),
        )
    )
    register(
        NotificationKind(
            POST_HIDDEN,
            title=_("The moderators hid your post in “%(question)s”"),
            body=_("Reason given: %(reason)s"),
        )
    )
    register(
        NotificationKind(
            EXPERT_GRANTED,
            title=_("You are now a recognised expert"),
            body=_("The center's staff granted you the expert badge; your answers are marked."),
        )
    )
    register(
        NotificationKind(
            QUESTION_FOR_COMMUNITY,
            title=_("A question for your community: “%(question)s”"),
            body=_("An SME from the other side asks your country's community for help."),
        )
    )
