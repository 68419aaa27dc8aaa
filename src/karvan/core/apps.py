from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "karvan.core"
    label = "core"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        # Tasks queued from web requests and commands must use Karvan's Celery app (eager or Redis
        # as configured), so it is loaded with Django rather than on import of the package.
        from django.db.models.signals import post_delete, post_save

        from karvan import celery  # noqa: F401
        from karvan.core.models import HsCode, IsicCode
        from karvan.core.taxonomies import bump_taxonomy_version

        for model in (HsCode, IsicCode):
            for signal in (post_save, post_delete):
                signal.connect(
                    bump_taxonomy_version, sender=model, dispatch_uid=f"taxonomy-{model}"
                )
