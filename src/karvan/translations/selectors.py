"""Which texts may be machine-translated for a viewer, and the translations already made.

A text is reached through its own app's permission-aware selector, so a viewer can have only
what they may read translated; anything else behaves as missing. Agreements' binding text has no
entry here on purpose: only the parties' comments on it can be translated.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist

from karvan.accounts.http import Viewer
from karvan.agreements.models import Comment as AgreementComment
from karvan.agreements.selectors import get_agreement
from karvan.knowledge.models import Answer
from karvan.knowledge.selectors import get_question
from karvan.matching.text import guess_language
from karvan.opportunities.models import InterestMessage
from karvan.opportunities.selectors import get_interest, get_opportunity, get_quotation
from karvan.translations.models import MachineTranslation, text_sha256

_GUESSED = {"zh": "zh-hans", "fa": "fa", "ar": "ar", "en": "en"}


class TextNotFoundError(LookupError):
    """No such text, or one the viewer may not read."""


@dataclass(frozen=True)
class TranslatableText:
    text: str
    language: str  # Karvan's code, or "auto" when nobody said


def is_translation_enabled() -> bool:
    """Whether the center runs a translation server (`KARVAN_TRANSLATOR_URL`)."""
    return bool(getattr(settings, "KARVAN_TRANSLATOR_URL", ""))


def _language_of(text: str, declared: str = "") -> str:
    return declared or _GUESSED.get(guess_language(text), "auto")


def _opportunity(viewer: Viewer, pk: int) -> TranslatableText:
    opportunity = get_opportunity(viewer=viewer, pk=pk)
    return TranslatableText(opportunity.description, opportunity.language)


def _quotation(viewer: Viewer, pk: int) -> TranslatableText:
    quotation = get_quotation(viewer=viewer, pk=pk)
    return TranslatableText(quotation.terms, _language_of(quotation.terms))


def _interest_message(viewer: Viewer, pk: int) -> TranslatableText:
    message = InterestMessage.objects.get(pk=pk)
    get_interest(viewer=viewer, pk=message.interest_id)
    return TranslatableText(message.body, _language_of(message.body, message.language))


def _question(viewer: Viewer, pk: int) -> TranslatableText:
    question = get_question(viewer=viewer, pk=pk)
    text = question.body.get(question.language) or next(iter(question.body.values()), "")
    return TranslatableText(text, _language_of(text, question.language))


def _answer(viewer: Viewer, pk: int) -> TranslatableText:
    answer = Answer.objects.get(pk=pk)
    question = get_question(viewer=viewer, pk=answer.question_id)
    visible = next((a for a in question.answers.all() if a.pk == answer.pk), None)
    if visible is None:
        raise Answer.DoesNotExist
    text = visible.body.get(visible.language) or next(iter(visible.body.values()), "")
    return TranslatableText(text, _language_of(text, visible.language))


def _agreement_comment(viewer: Viewer, pk: int) -> TranslatableText:
    comment = AgreementComment.objects.select_related("agreement").get(pk=pk)
    if isinstance(viewer, AnonymousUser):
        # No agreement is visible to an anonymous reader (`list_agreements` has none for one).
        raise AgreementComment.DoesNotExist
    get_agreement(viewer=viewer, code=comment.agreement.code)
    return TranslatableText(comment.body, _language_of(comment.body, comment.language))


KINDS: dict[str, Callable[[Viewer, int], TranslatableText]] = {
    "opportunity": _opportunity,
    "quotation": _quotation,
    "interest-message": _interest_message,
    "question": _question,
    "answer": _answer,
    "agreement-comment": _agreement_comment,
}


def get_translatable_text(*, viewer: Viewer, kind: str, pk: int) -> TranslatableText:
    """The text of one object the viewer may read; raise TextNotFoundError otherwise."""
    loader = KINDS.get(kind)
    if loader is None:
        raise TextNotFoundError(kind)
    try:
        return loader(viewer, pk)
    except ObjectDoesNotExist as error:
        raise TextNotFoundError(kind) from error


def get_machine_translation(
    *, text: str, source_language: str, target_language: str
) -> MachineTranslation | None:
    """The cached translation of this version of the text, if one was asked for."""
    return MachineTranslation.objects.filter(
        source_sha256=text_sha256(text),
        source_language=source_language,
        target_language=target_language,
    ).first()


def list_finished_translations(
    texts: Sequence[tuple[str, str]],
) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """For each (text, language), its finished translations as (language, text), if any."""
    wanted = {(text_sha256(text), language): (text, language) for text, language in texts}
    rows = MachineTranslation.objects.filter(
        source_sha256__in={sha for sha, _language in wanted},
        status=MachineTranslation.Status.DONE,
    ).order_by("target_language")
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for row in rows:
        source = wanted.get((row.source_sha256, row.source_language))
        if source is not None and row.text.strip():
            found.setdefault(source, []).append((row.target_language, row.text))
    return found
