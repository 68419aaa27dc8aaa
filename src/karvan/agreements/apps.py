from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "karvan.agreements"
    label = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from django.core import checks

        from karvan.agreements import metrics, notifications
        from karvan.agreements.documents.platform import check_sealing_passphrase

        notifications.register_kinds()
        metrics.register_charts()
        checks.register(check_sealing_passphrase)
