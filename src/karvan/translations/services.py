"""Asking for a machine translation, and making it (once per text version and language pair)."""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from karvan.opportunities.matching.indexing import schedule_indexing_of_description
from karvan.translations.client import TranslatorClient, TranslatorError
from karvan.translations.models import MachineTranslation, text_sha256
from karvan.translations.selectors import get_machine_translation, is_translation_enabled

logger = logging.getLogger(__name__)

# A failed translation (server down, timeout) is tried again when asked after this long.
RETRY_AFTER = datetime.timedelta(minutes=10)


def same_language(source: str, target: str) -> bool:
    return source != "auto" and source.split("-")[0] == target.split("-")[0]


def request_machine_translation(
    *, text: str, source_language: str, target_language: str
) -> MachineTranslation | None:
    """The translation of `text` into `target_language`, asked for once and made in the
    background; None when no server is configured or there is nothing to translate."""
    if not is_translation_enabled() or not text.strip():
        return None
    if same_language(source_language, target_language):
        return None
    existing = get_machine_translation(
        text=text, source_language=source_language, target_language=target_language
    )
    if existing is not None:
        is_stale_failure = (
            existing.status == MachineTranslation.Status.FAILED
            and existing.updated_at < timezone.now() - RETRY_AFTER
        )
        if not is_stale_failure:
            return existing
        existing.status, existing.failure = MachineTranslation.Status.PENDING, ""
        existing.save(update_fields=["status", "failure", "updated_at"])
        row = existing
    else:
        try:
            with transaction.atomic():
                row = MachineTranslation.objects.create(
                    source_sha256=text_sha256(text),
                    source_language=source_language,
                    target_language=target_language,
                    source_text=text,
                )
        except IntegrityError:  # asked for by two readers at once: the other one's row
            return get_machine_translation(
                text=text, source_language=source_language, target_language=target_language
            )
    from karvan.translations import tasks

    transaction.on_commit(lambda: tasks.translate_text.delay(translation_id=row.pk))
    return row


def translate_text(*, translation: MachineTranslation) -> MachineTranslation:
    """Send a pending translation to the server and keep its answer or the reason it failed."""
    if translation.status == MachineTranslation.Status.DONE:
        return translation
    client = TranslatorClient(
        url=settings.KARVAN_TRANSLATOR_URL,
        timeout=float(getattr(settings, "KARVAN_TRANSLATOR_TIMEOUT", 10)),
        api_key=getattr(settings, "KARVAN_TRANSLATOR_API_KEY", ""),
    )
    try:
        translated = client.translate(
            translation.source_text,
            source=translation.source_language,
            target=translation.target_language,
        )
    except TranslatorError as error:
        logger.warning("machine translation %s failed: %s", translation.pk, error.reason)
        translation.status, translation.failure = MachineTranslation.Status.FAILED, error.reason
        translation.save(update_fields=["status", "failure", "updated_at"])
        return translation
    translation.status, translation.text, translation.failure = (
        MachineTranslation.Status.DONE,
        translated,
        "",
    )
    translation.save(update_fields=["status", "text", "failure", "updated_at"])
    # The translation is extra text in its language for matching and search: a listing with this
    # description is indexed again with it.
    schedule_indexing_of_description(
        description=translation.source_text, language=translation.source_language
    )
    return translation
