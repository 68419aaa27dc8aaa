import pytest

from karvan.directory.models import Membership
from karvan.matching.index_cache import reset_index
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, valid_uscc


@pytest.fixture(autouse=True)
def _fresh_knowledge_index():
    """Each test starts from an empty in-process index, built from its own database."""
    reset_index()
    yield
    reset_index()


@pytest.fixture
def iranian():
    return MembershipFactory(
        organisation=OrganisationFactory(
            name={"fa": "پسته نوین رفسنجان", "en": "Novin Pistachio"}, original_language="fa"
        ),
        user__language="fa",
        role=Membership.Role.OWNER,
    )


@pytest.fixture
def chinese():
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


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, email="moderator@example.test")


PAYMENT_QUESTION = {
    "kind": "question",
    "category": "payments",
    "language": "fa",
    "title": "پرداخت به تأمین‌کننده چینی با تحریم‌های بانکی",
    "body": "برای خرید دستگاه بسته‌بندی از یک شرکت در گوانگژو، چطور می‌توانیم پول را به "
    "حساب تأمین‌کننده چینی منتقل کنیم؟ بانک‌ها حواله مستقیم را قبول نمی‌کنند.",
    "tags": "پرداخت, حواله",
}
