from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "karvan.core"
    label = "core"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        # Tasks queued from web requests and commands must use Karvan's Celery app (eager or Redis
        # as configured), so it is loaded with Django rather than on import of the package.
        from karvan import celery  # noqa: F401
