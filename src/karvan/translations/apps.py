from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    name = "karvan.translations"
    verbose_name = _("Machine translation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from karvan.opportunities.matching.adapters import register_translation_reader
        from karvan.translations.selectors import list_finished_translations

        # Opportunities cannot import this app (it imports them): it is told where to look.
        register_translation_reader(list_finished_translations)
