from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_search_index(using: str = "default", **kwargs: object) -> None:
    from django.db import connections

    from karvan.core.search import ensure_fulltext_index

    ensure_fulltext_index("opportunities_opportunity", "search_document", connections[using])


class OpportunitiesConfig(AppConfig):
    name = "karvan.opportunities"
    label = "opportunities"
    verbose_name = _("Opportunities")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from karvan.opportunities import notifications
        from karvan.opportunities.matching.indexing import forget_deleted_opportunity
        from karvan.opportunities.models import Opportunity

        notifications.register_kinds()
        post_delete.connect(forget_deleted_opportunity, sender=Opportunity)
        post_migrate.connect(_ensure_search_index, sender=self)
