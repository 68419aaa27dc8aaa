from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    name = "karvan.parks"
    label = "parks"
    verbose_name = _("Industrial parks")

    def ready(self) -> None:
        from karvan.parks import notifications

        notifications.register_kinds()
