"""Background work of the agreements app (Celery, or in-process when no broker is set)."""

from celery import shared_task


@shared_task(ignore_result=True)
def seal_agreement(*, agreement_id: int) -> None:
    """Render and seal an agreement's PDF once its last signature is in."""
    from karvan.agreements.models import Agreement
    from karvan.agreements.services.sealing import seal_agreement as seal

    seal(agreement=Agreement.objects.get(pk=agreement_id))
