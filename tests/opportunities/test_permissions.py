"""Who may see and change opportunities, threads and quotations, tried from the wrong side."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from karvan.accounts.services import create_api_token
from karvan.core.errors import NotAllowedError
from karvan.directory.models import Membership
from karvan.notifications.models import Notification
from karvan.opportunities import notifications as kinds
from karvan.opportunities.models import Interest, InterestMessage, Opportunity, Quotation
from karvan.opportunities.services import (
    create_opportunity,
    express_interest,
    publish_opportunity,
    reply_to_interest,
    submit_quotation,
)
from tests.factories import MembershipFactory, UserFactory
from tests.opportunities.conftest import PISTACHIO_OFFER, PISTACHIO_REQUEST

pytestmark = pytest.mark.django_db

QUOTE = {
    "unit_price": "9.40",
    "currency": "USD",
    "price_unit": "kg",
    "quantity": "40",
    "quantity_unit": "t",
    "lead_time_days": 21,
    "incoterm": "CFR",
}


def _bearer(user) -> dict[str, str]:
    _token, key = create_api_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _published(membership, data):
    """Published without running the indexing callbacks: these tests need no matching."""
    opportunity = create_opportunity(
        actor=membership.user, organisation=membership.organisation, data=data
    )
    return publish_opportunity(opportunity=opportunity, actor=membership.user)


def _edit_form(organisation_id: int) -> dict[str, object]:
    return {
        "organisation": str(organisation_id),
        "side": "offer",
        "kind": "product",
        "language": "en",
        "title": "Taken over",
        "description": "Hijacked listing.",
    }


@pytest.fixture
def world(iranian, chinese):
    """An Iranian draft and offer, a Chinese RFQ, and the importer's interest in the offer."""
    draft = create_opportunity(
        actor=iranian.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
    )
    offer = _published(iranian, PISTACHIO_OFFER)
    rfq = _published(
        chinese,
        {
            **PISTACHIO_REQUEST,
            "is_rfq": True,
            "quotation_deadline": timezone.now() + datetime.timedelta(days=7),
        },
    )
    interest = express_interest(
        opportunity=offer,
        actor=chinese.user,
        organisation=chinese.organisation,
        message="我们每月需要两个货柜。",
        language="zh-hans",
    )
    return {"draft": draft, "offer": offer, "rfq": rfq, "interest": interest}


def _snapshot(world) -> tuple:
    rows = []
    for name in ("draft", "offer", "rfq"):
        opportunity = Opportunity.objects.get(pk=world[name].pk)
        rows.append(
            (
                opportunity.status,
                opportunity.title,
                opportunity.expires_on,
                opportunity.closed_at,
                opportunity.updated_at,
            )
        )
    interest = Interest.objects.get(pk=world["interest"].pk)
    rows.append((interest.status, interest.decided_at, interest.messages.count()))
    rows.append(Quotation.objects.count())
    return tuple(rows)


# Each state-changing request the opportunity's own side may make: (url name, target, method, data)
CHANGING_REQUESTS = [
    ("opportunities:edit", "draft", "get", None),
    ("opportunities:edit", "draft", "post", "form"),
    ("opportunities:edit", "offer", "post", "form"),
    ("opportunities:publish", "draft", "post", {}),
    ("opportunities:close", "offer", "post", {}),
    ("opportunities:renew", "offer", "post", {"days": "30"}),
    ("opportunities:quotations", "rfq", "get", None),
    ("opportunities:interest_decide", "interest", "post", {"decision": "accept"}),
    ("opportunities:interest_decide", "interest", "post", {"decision": "decline"}),
]
REQUEST_IDS = [
    "edit-get",
    "edit-draft",
    "edit-published",
    "publish",
    "close",
    "renew",
    "quotations",
    "accept",
    "decline",
]


def _request(client, world, url_name, target, method, data):
    row = world[target]
    url = reverse(url_name, args=[row.pk])
    if method == "get":
        return client.get(url)
    if data == "form":
        organisation_id = row.organisation_id
        data = _edit_form(organisation_id)
    return client.post(url, data)


@pytest.mark.parametrize(
    ("url_name", "target", "method", "data"), CHANGING_REQUESTS, ids=REQUEST_IDS
)
@pytest.mark.parametrize("role", [Membership.Role.OWNER, Membership.Role.ADMIN])
def test_member_of_another_organisation_gets_404_and_changes_nothing(
    client, world, url_name, target, method, data, role
):
    before = _snapshot(world)
    client.force_login(MembershipFactory(role=role).user)
    response = _request(client, world, url_name, target, method, data)
    assert response.status_code == 404
    assert _snapshot(world) == before


OPPORTUNITY_REQUESTS = [
    request for request in CHANGING_REQUESTS if request[1] in {"draft", "offer"}
]
OPPORTUNITY_IDS = [
    name
    for name, request in zip(REQUEST_IDS, CHANGING_REQUESTS, strict=True)
    if request in OPPORTUNITY_REQUESTS
]


@pytest.mark.parametrize(
    ("url_name", "target", "method", "data"), OPPORTUNITY_REQUESTS, ids=OPPORTUNITY_IDS
)
def test_plain_member_who_did_not_write_it_gets_404_and_changes_nothing(
    client, world, iranian, url_name, target, method, data
):
    colleague = MembershipFactory(organisation=iranian.organisation, role=Membership.Role.MEMBER)
    before = _snapshot(world)
    client.force_login(colleague.user)
    response = _request(client, world, url_name, target, method, data)
    assert response.status_code == 404
    assert _snapshot(world) == before


@pytest.mark.parametrize(
    ("url_name", "target", "method", "data"), CHANGING_REQUESTS, ids=REQUEST_IDS
)
def test_visitor_is_sent_to_log_in_and_changes_nothing(
    client, world, url_name, target, method, data
):
    before = _snapshot(world)
    response = _request(client, world, url_name, target, method, data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert _snapshot(world) == before


@pytest.mark.parametrize(
    ("url_name", "target", "method", "data"), CHANGING_REQUESTS, ids=REQUEST_IDS
)
def test_the_opportunitys_owner_may_make_each_of_these_requests(
    client, world, iranian, chinese, url_name, target, method, data
):
    """The counterpart of the refusals above: the same requests work for the right person."""
    owner = chinese if target == "rfq" else iranian
    before = _snapshot(world)
    client.force_login(owner.user)
    response = _request(client, world, url_name, target, method, data)
    assert response.status_code in {200, 302}
    if method == "post":
        assert _snapshot(world) != before


def test_the_author_who_is_a_plain_member_may_edit_their_own_draft(client, iranian):
    colleague = MembershipFactory(organisation=iranian.organisation, role=Membership.Role.MEMBER)
    draft = create_opportunity(
        actor=colleague.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
    )
    client.force_login(colleague.user)
    response = client.post(
        reverse("opportunities:edit", args=[draft.pk]), _edit_form(iranian.organisation_id)
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Taken over"


@pytest.mark.parametrize("decision", ["accept", "decline"])
def test_plain_member_may_read_the_thread_but_not_decide(client, world, iranian, decision):
    """The thread is their organisation's, so it is not hidden; the decision is refused."""
    colleague = MembershipFactory(organisation=iranian.organisation, role=Membership.Role.MEMBER)
    client.force_login(colleague.user)
    interest = world["interest"]
    thread = client.get(reverse("opportunities:interest", args=[interest.pk]))
    assert thread.status_code == 200
    assert not thread.context["can_decide"]
    response = client.post(
        reverse("opportunities:interest_decide", args=[interest.pk]), {"decision": decision}
    )
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    interest.refresh_from_db()
    assert (interest.status, interest.decided_at) == (Interest.Status.PENDING, None)


def test_the_interested_side_cannot_decide_on_its_own_interest(client, world, chinese):
    client.force_login(chinese.user)
    response = client.post(
        reverse("opportunities:interest_decide", args=[world["interest"].pk]),
        {"decision": "accept"},
    )
    assert response.status_code == 302
    world["interest"].refresh_from_db()
    assert world["interest"].status == Interest.Status.PENDING


# --- Drafts -----------------------------------------------------------------------------------


def test_a_draft_is_404_to_outsiders_and_visitors(client, world, iranian):
    draft = world["draft"]
    page = reverse("opportunities:detail", args=[draft.pk])
    api = f"/api/opportunities/{draft.pk}"
    assert client.get(page).status_code == 404
    anonymous = client.get(api)
    assert anonymous.status_code == 404
    assert anonymous.json()["code"] == "not_found"
    outsider = MembershipFactory().user
    client.force_login(outsider)
    assert client.get(page).status_code == 404
    client.logout()
    assert client.get(api, **_bearer(outsider)).status_code == 404
    # Its own organisation reads it.
    assert client.get(api, **_bearer(iranian.user)).status_code == 200
    client.force_login(iranian.user)
    assert client.get(page).status_code == 200


def test_a_closed_opportunity_is_404_to_outsiders(client, world, iranian):
    from karvan.opportunities.services import close_opportunity

    close_opportunity(opportunity=world["offer"], actor=iranian.user)
    client.force_login(MembershipFactory().user)
    assert client.get(reverse("opportunities:detail", args=[world["offer"].pk])).status_code == 404


# --- Quotations -------------------------------------------------------------------------------


@pytest.fixture
def quoted(world, iranian):
    """Two suppliers quoted for the Chinese RFQ; a third organisation did not."""
    other_supplier = MembershipFactory(organisation__name={"en": "Kerman Nuts"})
    mine = submit_quotation(
        opportunity=world["rfq"], actor=iranian.user, organisation=iranian.organisation, data=QUOTE
    )
    theirs = submit_quotation(
        opportunity=world["rfq"],
        actor=other_supplier.user,
        organisation=other_supplier.organisation,
        data={**QUOTE, "unit_price": "8.90"},
    )
    return {"rfq": world["rfq"], "mine": mine, "theirs": theirs, "other": other_supplier}


def test_the_buyer_sees_every_quotation_and_each_supplier_only_its_own(
    client, quoted, iranian, chinese
):
    url = reverse("opportunities:quotations", args=[quoted["rfq"].pk])
    api = f"/api/opportunities/{quoted['rfq'].pk}/quotations"
    client.force_login(chinese.user)
    response = client.get(url)
    assert response.status_code == 200
    assert {q.pk for q in response.context["quotations"]} == {
        quoted["mine"].pk,
        quoted["theirs"].pk,
    }
    assert response.context["is_buyer"]
    for supplier, own in ((iranian.user, "mine"), (quoted["other"].user, "theirs")):
        client.force_login(supplier)
        response = client.get(url)
        assert response.status_code == 200
        assert [q.pk for q in response.context["quotations"]] == [quoted[own].pk]
        assert not response.context["is_buyer"]
    client.logout()
    assert {row["id"] for row in client.get(api, **_bearer(chinese.user)).json()} == {
        quoted["mine"].pk,
        quoted["theirs"].pk,
    }
    assert [row["id"] for row in client.get(api, **_bearer(iranian.user)).json()] == [
        quoted["mine"].pk
    ]
    assert [row["id"] for row in client.get(api, **_bearer(quoted["other"].user)).json()] == [
        quoted["theirs"].pk
    ]


def test_a_third_organisation_sees_no_quotation(client, quoted):
    third = MembershipFactory().user
    client.force_login(third)
    page = client.get(reverse("opportunities:quotations", args=[quoted["rfq"].pk]))
    assert page.status_code == 404
    client.logout()
    api = client.get(f"/api/opportunities/{quoted['rfq'].pk}/quotations", **_bearer(third))
    assert api.status_code == 200
    assert api.json() == []


def test_a_supplier_does_not_see_another_suppliers_price_on_the_detail_page(
    client, quoted, iranian
):
    client.force_login(iranian.user)
    response = client.get(reverse("opportunities:detail", args=[quoted["rfq"].pk]))
    assert response.context["own_quotation"] == quoted["mine"]
    assert not response.context["can_see_quotations"]
    assert "8.90" not in response.content.decode()


# --- Interest threads -------------------------------------------------------------------------


def test_a_third_organisation_can_neither_read_nor_write_in_a_thread(client, world):
    interest = world["interest"]
    third = MembershipFactory().user
    url = reverse("opportunities:interest", args=[interest.pk])
    client.force_login(third)
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Cheaper here!"}).status_code == 404
    client.logout()
    assert client.get(f"/api/interests/{interest.pk}", **_bearer(third)).status_code == 404
    posted = client.post(
        f"/api/interests/{interest.pk}/messages",
        {"body": "Cheaper here!", "language": "en"},
        content_type="application/json",
        **_bearer(third),
    )
    assert posted.status_code == 404
    assert list(interest.messages.values_list("body", flat=True)) == ["我们每月需要两个货柜。"]
    assert not InterestMessage.objects.filter(author=third).exists()


def test_staff_read_a_thread_but_cannot_write_in_it_or_decide(client, world):
    interest = world["interest"]
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    url = reverse("opportunities:interest", args=[interest.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["can_decide"]
    posted = client.post(url, {"body": "Center speaking."})
    assert posted.status_code == 200  # the thread again, with the refusal
    assert [m.level_tag for m in get_messages(posted.wsgi_request)] == ["error"]
    decided = client.post(
        reverse("opportunities:interest_decide", args=[interest.pk]), {"decision": "accept"}
    )
    assert decided.status_code == 302
    with pytest.raises(NotAllowedError):
        reply_to_interest(interest=interest, actor=staff, body="Center speaking.", language="en")
    interest.refresh_from_db()
    assert interest.status == Interest.Status.PENDING
    assert not InterestMessage.objects.filter(author=staff).exists()
    assert interest.messages.count() == 1


def test_an_author_who_left_hears_nothing_of_interests_in_the_offer(iranian, chinese):
    leaver = MembershipFactory(organisation=iranian.organisation, role=Membership.Role.MEMBER)
    offer = _published(leaver, PISTACHIO_OFFER)
    leaver.delete()
    express_interest(
        opportunity=offer,
        actor=chinese.user,
        organisation=chinese.organisation,
        message="有兴趣",
        language="zh-hans",
    )
    told = Notification.objects.filter(kind=kinds.INTEREST_RECEIVED)
    assert {row.recipient for row in told} == {iranian.user}
