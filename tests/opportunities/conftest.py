import pytest

from karvan.directory.models import Membership
from karvan.matching.index_cache import reset_index
from karvan.opportunities.services import create_opportunity, publish_opportunity
from tests.factories import MembershipFactory, OrganisationFactory, valid_uscc


@pytest.fixture(autouse=True)
def _fresh_matching_index():
    """Each test starts from an empty in-process index, built from its own database."""
    reset_index()
    yield
    reset_index()


@pytest.fixture
def iranian():
    """A Persian-speaking owner of an Iranian pistachio processor."""
    membership = MembershipFactory(
        organisation=OrganisationFactory(
            name={"fa": "پسته نوین رفسنجان", "en": "Novin Pistachio"}, original_language="fa"
        ),
        user__language="fa",
        role=Membership.Role.OWNER,
    )
    return membership


@pytest.fixture
def chinese():
    """A Chinese-speaking owner of a Guangzhou importer."""
    return MembershipFactory(
        organisation=OrganisationFactory(
            name={"zh-hans": "广州坚果进口有限公司"},
            original_language="zh-hans",
            country="CN",
            registry_id=valid_uscc(7),
        ),
        user__language="zh-hans",
        role=Membership.Role.OWNER,
    )


PISTACHIO_OFFER = {
    "side": "offer",
    "kind": "product",
    "language": "fa",
    "title": "پسته اکبری صادراتی، برداشت ۱۴۰۴",
    "description": "پسته اکبری خندان با رطوبت زیر ۵ درصد، بسته‌بندی کیسه ۲۵ کیلویی، "
    "ظرفیت صادرات ۵۰۰ تن در سال به چین با گواهی ثبت گمرک چین (GACC).",
    "hs_codes": ["0802"],
    "sectors": ["10"],
    "quantity": "500",
    "quantity_unit": "t",
    "currency": "USD",
    "incoterm": "CFR",
    "port": "Bandar Abbas",
    "target_countries": ["CN"],
}

PISTACHIO_REQUEST = {
    "side": "request",
    "kind": "product",
    "language": "zh-hans",
    "title": "求购伊朗开心果，每月两个货柜",
    "description": "广州坚果进口商长期求购伊朗开心果（阿克巴里、阿赫玛德阿加伊品种），"
    "要求自然开口、含水量低于百分之五，需有海关总署注册，CFR 黄埔港。",
    "hs_codes": ["0802"],
    "sectors": ["46"],
    "target_countries": ["IR"],
}


def publish_listing(membership, data, capture):
    """A listing created and published by a member, with what publishing queues on commit (the
    indexing) run: `capture` is pytest-django's django_capture_on_commit_callbacks."""
    opportunity = create_opportunity(
        actor=membership.user, organisation=membership.organisation, data=data
    )
    with capture(execute=True):
        return publish_opportunity(opportunity=opportunity, actor=membership.user)
