"""The agreements' charts on the center's dashboard."""

from django.urls import reverse

from karvan.agreements.models import Agreement
from karvan.core.charts import Filters, get_chart_spec
from tests.agreements.conftest import sign_as
from tests.factories import UserFactory


def test_signed_agreements_are_counted_in_their_month_and_by_stage(
    signing, draft, iran, china, sealing_key, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_as(iran.signatory, signing)
        sign_as(china.signatory, signing)
    signing.refresh_from_db()
    assert signing.status == Agreement.Status.SIGNED
    month = signing.signed_at.strftime("%Y-%m")

    by_month = dict(get_chart_spec("agreements-signed-by-month").compute(Filters()))
    assert by_month[month] == 1.0 and sum(by_month.values()) == 1.0
    by_stage = get_chart_spec("agreements-by-status").compute(Filters())
    assert dict(by_stage)[str(Agreement.Status.SIGNED.label)] == 1.0
    # A country that is party to nothing sees none.
    assert sum(v for _k, v in get_chart_spec("agreements-by-status").compute(Filters("TR"))) == 0


def test_the_dashboard_shows_the_agreements_section(client, signing):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    page = client.get(reverse("insights:dashboard")).content.decode()
    assert "Agreements signed by month" in page and "Agreements by stage" in page
