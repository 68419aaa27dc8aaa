"""Crafted numbers on the park pages get a form error in the reader's language, never a 500."""

import pytest
from django.urls import reverse

from karvan.parks.errors import InvalidValueError
from karvan.parks.services import save_park_profile

pytestmark = pytest.mark.django_db

VALID = {
    "latitude": "25.3",
    "longitude": "60.6",
    "total_land_ha": "14000",
    "available_land_ha": "2400",
    "logistics": "",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("total_land_ha", "1e400"),
        ("total_land_ha", "9" * 40),
        ("available_land_ha", "99999999999999999999999999999"),
        ("latitude", "1e-400"),
        ("logistics", "port | Bandar Abbas | nan"),
        ("logistics", "port | Bandar Abbas | inf"),
        ("logistics", "port | Bandar Abbas | 1e400"),
        ("logistics", "port | Bandar Abbas | -5"),
    ],
)
def test_crafted_numbers_on_the_profile_form_are_refused(client, park, park_admin, field, value):
    client.force_login(park_admin.user)
    response = client.post(
        reverse("parks:edit", args=[park.organisation_id]), {**VALID, field: value}
    )
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.content.decode() or "is-invalid" in (
        response.content.decode()
    )
    park.refresh_from_db()
    assert park.available_land_ha == 2500
    assert park.logistics[0]["distance_km"] == 5.0


@pytest.mark.parametrize("value", ["1e400", "9" * 40])
def test_the_service_refuses_land_beyond_what_is_stored(park, park_admin, value):
    with pytest.raises(InvalidValueError):
        save_park_profile(
            actor=park_admin.user,
            organisation=park_admin.organisation,
            data={"total_land_ha": value},
        )


@pytest.mark.parametrize("value", ["nan", "inf", 1e400, -3])
def test_the_service_keeps_no_impossible_distance(park, park_admin, value):
    saved = save_park_profile(
        actor=park_admin.user,
        organisation=park_admin.organisation,
        data={"logistics": [{"kind": "rail", "name": "Zahedan", "distance_km": value}]},
    )
    saved.refresh_from_db()
    assert saved.logistics == [{"kind": "rail", "name": "Zahedan", "distance_km": None}]
