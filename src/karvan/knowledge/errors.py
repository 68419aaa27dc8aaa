from django.utils.translation import gettext_lazy as _

from karvan.core.errors import DomainError


class RateLimitedError(DomainError):
    code = "knowledge.rate_limited"
    message = _(
        "You have posted %(count)s times in the last hour, the most allowed. Please wait a while."
    )
    status = 429


class EmptyTextError(DomainError):
    code = "knowledge.empty_text"
    message = _("Write a title and a text.")


class UnknownLanguageError(DomainError):
    code = "knowledge.language"
    message = _("Choose the language you wrote in.")


class OwnVoteError(DomainError):
    code = "knowledge.own_vote"
    message = _("You cannot vote on what you wrote.")


class HiddenPostError(DomainError):
    code = "knowledge.hidden"
    message = _("This post is hidden by the moderators.")
    status = 409


class AnswerOfAnotherQuestionError(DomainError):
    code = "knowledge.wrong_answer"
    message = _("This answer belongs to another question.")


class ReasonRequiredError(DomainError):
    code = "knowledge.reason_required"
    message = _("Give a reason.")
