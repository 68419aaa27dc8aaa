from celery import shared_task


@shared_task
def index_opportunity(*, opportunity_id: int) -> None:
    from karvan.matching.services import index_opportunity as index
    from karvan.opportunities.models import Opportunity

    opportunity = (
        Opportunity.objects.select_related("organisation").filter(pk=opportunity_id).first()
    )
    if opportunity is not None:
        index(opportunity=opportunity)


@shared_task
def send_match_alerts(*, opportunity_id: int) -> int:
    from karvan.matching.services import send_match_alerts as send
    from karvan.opportunities.models import Opportunity

    opportunity = (
        Opportunity.objects.select_related("organisation").filter(pk=opportunity_id).first()
    )
    return send(opportunity=opportunity) if opportunity is not None else 0


@shared_task
def drop_expired_listings() -> int:
    from karvan.matching.services import drop_expired_listings as drop

    return drop()
