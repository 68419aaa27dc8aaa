from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "karvan.compliance"
    label = "compliance"
    verbose_name = _("Compliance screening")

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_save

        from karvan.compliance import notifications, signals

        notifications.register_kinds()
        post_save.connect(
            signals.organisation_saved,
            sender=apps.get_model("directory", "Organisation"),
            dispatch_uid="compliance.organisation_saved",
        )
        post_save.connect(
            signals.person_saved,
            sender=apps.get_model("accounts", "User"),
            dispatch_uid="compliance.person_saved",
        )
        post_save.connect(
            signals.signatory_saved,
            sender=apps.get_model("agreements", "Signatory"),
            dispatch_uid="compliance.signatory_saved",
        )
