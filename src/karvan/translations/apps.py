from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    name = "karvan.translations"
    verbose_name = _("Machine translation")
    default_auto_field = "django.db.models.BigAutoField"
