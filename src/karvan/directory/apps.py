from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "karvan.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from karvan.directory import notifications

        notifications.register_kinds()
