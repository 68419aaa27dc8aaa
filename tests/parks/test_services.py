from decimal import Decimal

import pytest

from karvan.core.errors import NotAllowedError
from karvan.directory.models import Membership
from karvan.notifications.models import Notification
from karvan.parks.errors import (
    ForeignUnitError,
    InquiryClosedError,
    LandExceedsTotalError,
    NotAParkError,
    OwnParkInquiryError,
)
from karvan.parks.map import MapPoint, outline_countries, render_map
from karvan.parks.selectors import list_inquiries, list_parks, summarise_parks
from karvan.parks.services import (
    close_inquiry,
    reply_to_inquiry,
    save_park_profile,
    save_unit,
    send_inquiry,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_profile_keeps_known_utilities_and_logistics_only(park):
    assert park.utilities == ["power", "water"]
    assert park.logistics == [{"kind": "port", "name": "Shahid Beheshti port", "distance_km": 5.0}]
    assert sorted(park.sectors.values_list("code", flat=True)) == ["10", "24"]
    assert list(list_parks(free_zone=True)) == [park]


def test_available_land_cannot_exceed_total(park, park_admin):
    with pytest.raises(LandExceedsTotalError):
        save_park_profile(
            actor=park_admin.user,
            organisation=park_admin.organisation,
            data={"available_land_ha": Decimal("20000")},
        )
    park.refresh_from_db()
    assert park.available_land_ha == Decimal("2500")


def test_only_an_industrial_park_has_a_profile(investor):
    investor.role = Membership.Role.OWNER
    investor.save()
    with pytest.raises(NotAParkError):
        save_park_profile(actor=investor.user, organisation=investor.organisation, data={})


def test_another_organisation_cannot_edit_the_park_or_its_units(park, unit, investor):
    with pytest.raises(NotAllowedError):
        save_park_profile(
            actor=investor.user, organisation=park.organisation, data={"is_free_zone": False}
        )
    with pytest.raises(NotAllowedError):
        save_unit(actor=investor.user, park=park, unit=unit, data={"status": "taken"})
    unit.refresh_from_db()
    park.refresh_from_db()
    assert unit.status == "available" and park.is_free_zone


def test_inquiry_thread_between_investor_and_park(
    park, unit, park_admin, investor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = send_inquiry(
            actor=investor.user,
            park=park,
            organisation=investor.organisation,
            subject="Shed S-12 for shrimp processing",
            body="能否提供冷库？",
            language="zh-hans",
            unit=unit,
        )
    assert Notification.objects.filter(
        recipient=park_admin.user, kind="parks.inquiry_received"
    ).exists()
    with django_capture_on_commit_callbacks(execute=True):
        reply_to_inquiry(inquiry=inquiry, actor=park_admin.user, body="بله", language="fa")
    assert Notification.objects.filter(recipient=investor.user, kind="parks.inquiry_reply").exists()
    close_inquiry(inquiry=inquiry, actor=investor.user)
    with pytest.raises(InquiryClosedError):
        reply_to_inquiry(inquiry=inquiry, actor=park_admin.user, body="again", language="fa")
    assert inquiry.messages.count() == 2


def test_park_cannot_inquire_to_itself_nor_about_another_parks_unit(
    park, unit, park_admin, investor
):
    with pytest.raises(OwnParkInquiryError):
        send_inquiry(
            actor=park_admin.user,
            park=park,
            organisation=park_admin.organisation,
            subject="x",
            body="y",
            language="fa",
        )
    other_admin = MembershipFactory(
        organisation__kind="industrial_park", role=Membership.Role.OWNER
    )
    other = save_park_profile(
        actor=other_admin.user,
        organisation=other_admin.organisation,
        data={
            "latitude": 35.5,
            "longitude": 51.2,
            "total_land_ha": 100,
            "available_land_ha": 10,
        },
    )
    with pytest.raises(ForeignUnitError):
        send_inquiry(
            actor=investor.user,
            park=other,
            organisation=investor.organisation,
            subject="x",
            body="y",
            language="zh-hans",
            unit=unit,
        )


def test_inquiries_are_read_by_park_admins_and_the_inquirer_only(park, park_admin, investor):
    inquiry = send_inquiry(
        actor=investor.user,
        park=park,
        organisation=investor.organisation,
        subject="Land for a steel plant",
        body="50 ha?",
        language="en",
    )
    colleague = MembershipFactory(organisation=investor.organisation, role="member").user
    plain_park_member = MembershipFactory(organisation=park.organisation, role="member").user
    outsider = MembershipFactory().user
    assert inquiry in list_inquiries(viewer=park_admin.user)
    assert inquiry in list_inquiries(viewer=investor.user)
    assert inquiry in list_inquiries(viewer=colleague)
    assert inquiry not in list_inquiries(viewer=plain_park_member)
    assert inquiry not in list_inquiries(viewer=outsider)
    with pytest.raises(NotAllowedError):
        reply_to_inquiry(inquiry=inquiry, actor=outsider, body="hello", language="en")


def test_summary_counts_parks_land_and_available_units(park, unit):
    summary = summarise_parks()
    assert summary["parks"] == 1
    assert summary["available_land_ha"] == Decimal("2500")
    assert summary["available_units"] == 1


def test_map_plots_parks_inside_the_outlines():
    assert set(outline_countries()) == {"IR", "CN"}
    svg = render_map(
        [MapPoint(latitude=25.29, longitude=60.64, label="Chabahar <FZ>", url="/parks/1/")],
        title="Parks",
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('data-country="IR"') >= 1 and svg.count('data-country="CN"') >= 1
    assert "Chabahar &lt;FZ&gt;" in svg and 'href="/parks/1/"' in svg
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
