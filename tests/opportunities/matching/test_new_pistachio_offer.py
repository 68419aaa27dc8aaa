"""The issue's first example, on the demo's own listings: a new Persian pistachio offer is shown
only its confident partners, never methanol or bitumen buyers, never offers like its own, and
every reason on its cards is a fact about the two listings."""

import pytest

from karvan.directory.models import Membership
from karvan.matching.documents import listing_from_fields
from karvan.matching.index_cache import reset_index
from karvan.matching.models import StoredVector
from karvan.opportunities.matching.adapters import KIND, to_listing
from karvan.opportunities.matching.recommendations import (
    recommend_for_opportunity,
    recommend_matches,
)
from karvan.opportunities.models import Opportunity
from karvan.opportunities.services import create_opportunity, publish_opportunity
from tests.factories import MembershipFactory, OrganisationFactory, valid_uscc
from tests.matching.test_truthful_reasons import check_match
from tests.opportunities.demo_listings import demo_opportunity

pytestmark = pytest.mark.django_db

# The demo's organisations and the listings of theirs that bear on a pistachio offer.
DEMO = {
    ("IR", "pistachio-kerman"): ["op-pistachio-kerman-akbari", "op-pistachio-kerman-sorting-line"],
    ("IR", "pistachio-damghan"): ["op-pistachio-damghan-fandoghi"],
    ("IR", "bitumen-bandarabbas"): ["op-hormuz-jumbo-bags", "op-hormuz-bitumen-6070"],
    ("CN", "nut-importer-guangzhou"): ["op-hefengyuan-pistachio-rfq", "op-hefengyuan-raisins"],
    ("CN", "food-importer-shanghai"): ["op-silkroad-gaz-sohan", "op-silkroad-saffron-retail"],
    ("CN", "polymer-trader-yuyao"): [
        "op-sudu-methanol-fa",
        "op-sudu-bitumen-request",
        "op-sudu-hdpe-pp-monthly",
    ],
    ("CN", "packaging-guangzhou"): ["op-suitong-vffs-weigher"],
    ("CN", "food-machinery-foshan"): ["op-hengfeng-pistachio-huller"],
}

NEW_OFFER = {
    "side": "offer",
    "kind": "product",
    "language": "fa",
    "title": "فروش پسته احمدآقایی صادراتی",
    "description": "پسته احمدآقایی درجه یک، بسته‌بندی کیسه ۲۵ کیلویی، تحویل FOB بندرعباس.",
    "hs_codes": ["0802"],
}


def _owner(country: str, number: int) -> Membership:
    organisation = (
        OrganisationFactory(
            country="CN", original_language="zh-hans", registry_id=valid_uscc(number)
        )
        if country == "CN"
        else OrganisationFactory(original_language="fa")
    )
    return MembershipFactory(organisation=organisation, role=Membership.Role.OWNER)


def _publish(owner: Membership, data: dict[str, object]) -> Opportunity:
    draft = create_opportunity(actor=owner.user, organisation=owner.organisation, data=data)
    opportunity = publish_opportunity(opportunity=draft, actor=owner.user)
    assert opportunity.status == Opportunity.Status.PUBLISHED
    return opportunity


def test_a_new_persian_pistachio_offer_is_shown_only_true_partners(
    django_capture_on_commit_callbacks,
):
    reset_index()
    by_key: dict[str, Opportunity] = {}
    with django_capture_on_commit_callbacks(execute=True):
        for number, ((country, _name), keys) in enumerate(DEMO.items(), start=20):
            owner = _owner(country, number)
            for key in keys:
                by_key[key] = _publish(owner, demo_opportunity(key))
        farm = _owner("IR", 90)
        own_other_offer = _publish(farm, demo_opportunity("op-pistachio-kerman-green-kernel"))
        offer = _publish(farm, NEW_OFFER)

    shown = recommend_for_opportunity(viewer=farm.user, opportunity=offer)
    shown_pks = [item.opportunity.pk for item in shown]
    unrelated = {by_key[key].pk for key in ("op-sudu-methanol-fa", "op-sudu-bitumen-request")}
    assert not unrelated & set(shown_pks)
    # No same-side listing, the organisation's own or a competitor's, and no padding to ten.
    assert all(item.opportunity.side == Opportunity.Side.REQUEST for item in shown)
    assert own_other_offer.pk not in shown_pks
    assert len(shown) < 10
    # The one buyer of pistachios in the demo is found.
    assert by_key["op-hefengyuan-pistachio-rfq"].pk in shown_pks
    assert all(item.reasons for item in shown)

    # Every reason of every shown card is a fact about the two listings.
    stored = {
        row.key: listing_from_fields(row.key, row.document)
        for row in StoredVector.objects.filter(kind=KIND, is_active=True)
    }
    mine = to_listing(offer)
    matches = {match.id: match for match in recommend_matches(mine, top=20)}
    for pk in shown_pks:
        check_match(matches[str(pk)], mine, stored)
        codes = [reason.code for reason in matches[str(pk)].reasons]
        assert codes[0] == "complementary" and "same_side" not in codes
    reset_index()
