"""The demo scenario that `make demo` loads: through the real services, complete, repeatable."""

import datetime

import pytest
from django.utils import timezone

from karvan.accounts.models import User
from karvan.agreements.models import Agreement
from karvan.compliance.models import Case, CaseEvent, Screening
from karvan.compliance.selectors import list_cases
from karvan.demo.models import DemoRecord
from karvan.demo.scenario import load_demo
from karvan.directory.models import Organisation
from karvan.directory.selectors import list_pending_identity_revisions
from karvan.events.models import Event, Meeting, Session
from karvan.knowledge.models import Answer, Question
from karvan.matching.index_cache import reset_index
from karvan.matching.models import StoredVector
from karvan.notifications.models import Notification
from karvan.opportunities.matching.adapters import KIND
from karvan.opportunities.matching.recommendations import recommend_for_opportunity
from karvan.opportunities.models import Interest, Opportunity, Quotation
from karvan.opportunities.selectors import list_opportunities_in_review

pytestmark = pytest.mark.django_db


def _totals() -> dict[str, int]:
    return {
        "people": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "opportunities": Opportunity.objects.count(),
        "interests": Interest.objects.count(),
        "quotations": Quotation.objects.count(),
        "notifications": Notification.objects.count(),
        "vectors": StoredVector.objects.filter(kind=KIND).count(),
        "events": Event.objects.count(),
        "meetings": Meeting.objects.count(),
        "agreements": Agreement.objects.count(),
        "questions": Question.objects.count(),
        "answers": Answer.objects.count(),
        "screening cases": Case.objects.count(),
        "case events": CaseEvent.objects.count(),
        "screenings": Screening.objects.count(),
    }


def test_the_demo_loads_once_and_again_without_change(django_capture_on_commit_callbacks):
    reset_index()
    messages: list[str] = []
    with django_capture_on_commit_callbacks(execute=True):
        counts = load_demo(progress=messages.append)
    assert counts == {"staff": 2, "organisations": 67, "opportunities": 193}
    assert "opportunities: 193/193" in messages
    assert any(message.startswith("matching index: embedded") for message in messages)

    published = Opportunity.objects.filter(status=Opportunity.Status.PUBLISHED)
    assert published.count() > 150
    # Every published opportunity is indexed for matching; drafts and those in review are not.
    indexed = {
        int(key)
        for key in StoredVector.objects.filter(kind=KIND, is_active=True).values_list(
            "key", flat=True
        )
    }
    assert indexed == {opportunity.pk for opportunity in published if opportunity.is_open}
    staff = User.objects.get(email="staff@demo.karvan.example")
    waiting = [opportunity for opportunity, _quality in list_opportunities_in_review(viewer=staff)]
    assert len(waiting) == 2
    assert all(o.organisation.verification != Organisation.Verification.VERIFIED for o in waiting)
    assert Interest.objects.filter(status=Interest.Status.ACCEPTED).exists()
    assert Quotation.objects.exists()

    # The Kerman pistachio offer, written in Persian, is matched with a Chinese request.
    record = DemoRecord.objects.get(key="opportunity:op-pistachio-kerman-akbari")
    offer = Opportunity.objects.get(pk=record.object_id)
    importer = User.objects.get(email="sme.cn@demo.karvan.example")
    partners = recommend_for_opportunity(viewer=importer, opportunity=offer)
    assert partners and partners[0].opportunity.side == Opportunity.Side.REQUEST
    assert any(item.opportunity.language == "zh-hans" for item in partners[:5])

    # The other capabilities have their demo too: a fair with meetings, a sealed agreement and
    # one being signed, questions answered across the corridor.
    assert Event.objects.exists()
    assert Meeting.objects.exists()
    # Whenever the demo is loaded, its events are still ahead, each session with its slots.
    today = timezone.localdate()
    assert all(event.starts_on > today for event in Event.objects.all())
    assert all(session.slots.exists() for session in Session.objects.all())
    fair = Event.objects.get(kind=Event.Kind.FAIR)
    assert (fair.starts_on.weekday(), fair.ends_on - fair.starts_on) == (1, datetime.timedelta(1))
    signed = Agreement.objects.filter(status=Agreement.Status.SIGNED)
    assert signed.exists() and all(agreement.is_sealed for agreement in signed)
    # The one being signed is on the programme of the fair's signing ceremony.
    in_signing = Agreement.objects.get(status=Agreement.Status.SIGNING)
    ceremony = Event.objects.get(kind=Event.Kind.SIGNING_CEREMONY)
    assert in_signing.ceremony_session_id == ceremony.sessions.get().pk
    assert Answer.objects.exists()
    # A verified organisation's new name waits for the staff; others still see the verified one.
    (change,) = list_pending_identity_revisions()
    assert "fa" in change.name and "fa" not in change.organisation.name

    # Compliance screening against the demo's invented list: one case open, one cleared.
    cases = {
        (case.organisation.name["en"], case.status)
        for case in Case.objects.select_related("organisation")
    }
    assert cases == {
        ("Hormuz Bitumen & Petroleum Products Trading Co.", "open"),
        ("Guangzhou Junchi Auto Parts Co., Ltd.", "cleared"),
    }
    assert Organisation.objects.get(compliance_hold="review").name["en"].startswith("Hormuz")
    assert list_cases(viewer=staff).count() == 2

    before = _totals()
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    assert _totals() == before
    assert list(list_pending_identity_revisions()) == [change]
