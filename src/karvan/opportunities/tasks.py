"""Opportunities' background work: keeping the matching store current and sending match alerts."""

from celery import shared_task


@shared_task
def index_opportunity(*, opportunity_id: int) -> None:
    from karvan.opportunities.matching.indexing import index_opportunity as index
    from karvan.opportunities.models import Opportunity

    opportunity = (
        Opportunity.objects.select_related("organisation").filter(pk=opportunity_id).first()
    )
    if opportunity is not None:
        index(opportunity=opportunity)


@shared_task
def send_match_alerts(*, opportunity_id: int) -> int:
    from karvan.opportunities.matching.alerts import send_match_alerts as send
    from karvan.opportunities.models import Opportunity

    opportunity = (
        Opportunity.objects.select_related("organisation").filter(pk=opportunity_id).first()
    )
    return send(opportunity=opportunity) if opportunity is not None else 0


@shared_task
def withdraw_expired_opportunities() -> int:
    from karvan.opportunities.matching.indexing import withdraw_expired_opportunities as withdraw

    return withdraw()
