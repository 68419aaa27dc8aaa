import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [
        "knowledge/question",
        "knowledge/answer",
        "knowledge/report",
        "knowledge/moderationaction",
        "knowledge/expert",
        "parks/park",
        "parks/inquiry",
        "insights/publishedfigure",
        "insights/tradeflow",
        "insights/tradeimport",
    ],
)
def test_staff_admin_lists_open(client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(f"/staff/admin/{model}/").status_code == 200
