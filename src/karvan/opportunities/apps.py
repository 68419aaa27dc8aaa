from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from karvan.directory.signals import public_identity_changed

if TYPE_CHECKING:
    from karvan.directory.models import Organisation


def _review_again(organisation: "Organisation", **kwargs: object) -> None:
    from karvan.opportunities.services import review_again_after_organisation_change

    review_again_after_organisation_change(organisation=organisation)


class OpportunitiesConfig(AppConfig):
    name = "karvan.opportunities"
    label = "opportunities"
    verbose_name = _("Opportunities")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from karvan.opportunities import notifications, panels
        from karvan.opportunities.matching.indexing import forget_deleted_opportunity
        from karvan.opportunities.models import Opportunity

        notifications.register_kinds()
        panels.register_panels()
        public_identity_changed.connect(_review_again, dispatch_uid="opportunities.review_again")
        post_delete.connect(forget_deleted_opportunity, sender=Opportunity)
