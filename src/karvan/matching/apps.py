from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "karvan.matching"
    label = "matching"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from karvan.matching import notifications
        from karvan.matching.models import ListingVector
        from karvan.matching.signals import record_listing_removal

        notifications.register_kinds()
        post_delete.connect(record_listing_removal, sender=ListingVector)
