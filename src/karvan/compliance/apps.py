from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "karvan.compliance"
    label = "compliance"
    verbose_name = _("Compliance screening")

    def ready(self) -> None:
        from karvan.compliance import metrics, notifications, receivers
        from karvan.core.signals import identity_changed

        notifications.register_kinds()
        metrics.register_charts()
        identity_changed.connect(
            receivers.identity_changed, dispatch_uid="compliance.identity_changed"
        )
