from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "karvan.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from karvan.insights import metrics

        metrics.register_core_sections()
