from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "karvan.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge exchange")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from karvan.knowledge import notifications
        from karvan.knowledge.indexing import forget_deleted_answer, forget_deleted_question
        from karvan.knowledge.models import Answer, Question

        notifications.register_kinds()
        post_delete.connect(forget_deleted_question, sender=Question)
        post_delete.connect(forget_deleted_answer, sender=Answer)
