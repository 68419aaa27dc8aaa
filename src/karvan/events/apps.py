from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "karvan.events"
    label = "events"
    verbose_name = _("Events and B2B meetings")

    def ready(self) -> None:
        from karvan.events import metrics, notifications

        notifications.register_kinds()
        metrics.register_charts()
