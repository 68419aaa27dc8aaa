from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_templates(using: str = "default", **kwargs: object) -> None:
    """New agreement templates shipped with Karvan appear after `migrate`; staff edits stay."""
    from karvan.agreements.templates_data import load_agreement_templates

    load_agreement_templates(using=using, update=False)


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
        post_migrate.connect(_install_templates, sender=self)
        checks.register(check_sealing_passphrase)
