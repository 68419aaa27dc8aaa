from decimal import Decimal

import pytest

from karvan.directory.models import Membership, Organisation
from karvan.parks.services import save_park_profile, save_unit
from tests.factories import MembershipFactory, OrganisationFactory, valid_uscc


@pytest.fixture
def park_admin():
    return MembershipFactory(
        organisation=OrganisationFactory(
            kind=Organisation.Kind.INDUSTRIAL_PARK,
            name={"fa": "منطقه آزاد چابهار", "en": "Chabahar Free Zone"},
            original_language="fa",
            province={"fa": "سیستان و بلوچستان", "en": "Sistan and Baluchestan"},
        ),
        user__language="fa",
        role=Membership.Role.ADMIN,
    )


@pytest.fixture
def park(park_admin):
    return save_park_profile(
        actor=park_admin.user,
        organisation=park_admin.organisation,
        data={
            "latitude": Decimal("25.29"),
            "longitude": Decimal("60.64"),
            "total_land_ha": Decimal("14000"),
            "available_land_ha": Decimal("2500"),
            "utilities": ["power", "water", "nonsense"],
            "logistics": [
                {"kind": "port", "name": "Shahid Beheshti port", "distance_km": 5},
                {"kind": "teleport", "name": "dropped"},
            ],
            "incentives": {"fa": "۲۰ سال معافیت مالیاتی", "en": "20-year tax holiday"},
            "is_free_zone": True,
            "sectors": ["10", "24"],
            "contact_email": "invest@chabahar.example",
        },
    )


@pytest.fixture
def unit(park, park_admin):
    return save_unit(
        actor=park_admin.user,
        park=park,
        data={
            "kind": "factory",
            "reference": "S-12",
            "area_m2": Decimal("2000"),
            "rent_per_m2_month": Decimal("1.80"),
            "currency": "USD",
            "description": {"fa": "سوله آماده"},
        },
    )


@pytest.fixture
def investor():
    return MembershipFactory(
        organisation=OrganisationFactory(
            name={"zh-hans": "宁波海产加工有限公司"},
            original_language="zh-hans",
            country="CN",
            registry_id=valid_uscc(21),
        ),
        user__language="zh-hans",
        role=Membership.Role.MEMBER,
    )
