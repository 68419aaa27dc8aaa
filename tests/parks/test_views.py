import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from karvan.parks.models import Inquiry
from karvan.parks.services import send_inquiry
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_park_pages_and_map_render(client, park, unit):
    response = client.get(reverse("parks:list"))
    assert response.status_code == 200 and "<svg" in response.content.decode()
    detail = client.get(park.get_absolute_url()).content.decode()
    assert "S-12" in detail and "Shahid Beheshti port" in detail
    svg = client.get(reverse("parks:map"))
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert client.get(reverse("parks:list"), {"country": "XX"}).status_code == 200


def test_investor_sends_an_inquiry_from_the_page(client, park, unit, investor):
    client.force_login(investor.user)
    response = client.post(
        reverse("parks:inquire", args=[park.pk]),
        {
            "organisation": investor.organisation.pk,
            "subject": "Cold storage",
            "body": "需要冷库",
            "unit": unit.pk,
        },
    )
    inquiry = Inquiry.objects.get()
    assert response.url == inquiry.get_absolute_url()
    assert inquiry.unit == unit and inquiry.organisation == investor.organisation


def test_park_page_lists_inquiries_for_its_admins_only(client, park, park_admin, investor):
    send_inquiry(
        actor=investor.user,
        park=park,
        organisation=investor.organisation,
        subject="Secret plans for a plant",
        body="...",
        language="en",
    )
    client.force_login(park_admin.user)
    assert "Secret plans for a plant" in client.get(park.get_absolute_url()).content.decode()
    client.force_login(MembershipFactory(organisation=park.organisation, role="member").user)
    assert "Secret plans for a plant" not in client.get(park.get_absolute_url()).content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_cannot_read_or_reply_to_an_inquiry(client, park, investor, method):
    inquiry = send_inquiry(
        actor=investor.user,
        park=park,
        organisation=investor.organisation,
        subject="Land",
        body="...",
        language="en",
    )
    client.force_login(MembershipFactory().user)
    response = getattr(client, method)(inquiry.get_absolute_url(), {"body": "intrusion"})
    assert response.status_code == 404
    assert inquiry.messages.count() == 1
    api = client.get(f"/api/parks/inquiries/{inquiry.pk}")
    assert api.status_code == 404


UNIT_FORM = {
    "kind": "plot",
    "reference": "X-1",
    "area_m2": "10",
    "currency": "USD",
    "status": "available",
    "description_text": "Taken over",
}
PROFILE_FORM = {
    "latitude": "1",
    "longitude": "1",
    "total_land_ha": "1",
    "available_land_ha": "1",
    "logistics": "",
}
# Each change a park's administrators may make: (id, url name, url arguments, form).
CHANGING_REQUESTS = [
    ("edit-profile", "parks:edit", lambda park, unit: [park.organisation_id], PROFILE_FORM),
    ("add-unit", "parks:unit_create", lambda park, unit: [park.pk], UNIT_FORM),
    ("edit-unit", "parks:unit_edit", lambda park, unit: [park.pk, unit.pk], UNIT_FORM),
]


def _park_snapshot(park) -> tuple:
    park.refresh_from_db()
    units = park.units.order_by("pk").values_list("reference", "kind", "area_m2", "description")
    return park.latitude, park.total_land_ha, park.available_land_ha, list(units)


@pytest.mark.parametrize(
    ("url_name", "args", "data"),
    [request[1:] for request in CHANGING_REQUESTS],
    ids=[request[0] for request in CHANGING_REQUESTS],
)
@pytest.mark.parametrize("who", ["outsider", "plain-member"])
def test_only_the_parks_administrators_change_it_others_get_404_and_change_nothing(
    client, park, unit, park_admin, url_name, args, data, who
):
    url = reverse(url_name, args=args(park, unit))
    before = _park_snapshot(park)
    intruder = (
        MembershipFactory(role="owner")
        if who == "outsider"
        else MembershipFactory(organisation=park.organisation, role="member")
    )
    client.force_login(intruder.user)
    assert client.post(url, data).status_code == 404
    assert client.get(url).status_code == 404
    assert _park_snapshot(park) == before
    # The same request from an administrator takes effect: the snapshot sees the change.
    client.force_login(park_admin.user)
    assert client.post(url, data).status_code == 302
    assert _park_snapshot(park) != before


def test_admin_edits_profile_with_bad_logistics_line_gets_a_form_error(client, park, park_admin):
    client.force_login(park_admin.user)
    response = client.post(
        reverse("parks:edit", args=[park.organisation_id]),
        {
            "latitude": "25.3",
            "longitude": "60.6",
            "total_land_ha": "14000",
            "available_land_ha": "2400",
            "logistics": "teleport | Mars",
        },
    )
    with translation.override(park_admin.user.language):
        expected = gettext("Line %(number)s: write kind | name | distance.") % {"number": 1}
    assert response.status_code == 200 and expected in response.content.decode()
    park.refresh_from_db()
    assert park.available_land_ha == 2500


def test_api_lists_parks_and_units(client, park, unit):
    parks = client.get("/api/parks").json()
    assert parks["items"][0]["is_free_zone"] is True
    assert parks["items"][0]["name"]["en"] == "Chabahar Free Zone"
    units = client.get(f"/api/parks/{park.pk}/units").json()
    assert units[0]["reference"] == "S-12"
    assert client.get("/api/units").json()["count"] == 1
