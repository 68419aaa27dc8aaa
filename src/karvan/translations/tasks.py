from celery import shared_task


@shared_task
def translate_text(*, translation_id: int) -> None:
    from karvan.translations.models import MachineTranslation
    from karvan.translations.services import translate_text as translate

    translation = MachineTranslation.objects.filter(pk=translation_id).first()
    if translation is not None:
        translate(translation=translation)
