"""Reading the directory: who sees which organisation, and the filters."""

import pytest
from django.contrib.auth.models import AnonymousUser

from karvan.directory.models import Membership, Organisation
from karvan.directory.selectors import (
    count_organisations_by_country,
    get_organisation,
    list_memberships_of,
    list_open_invitations,
    list_organisations,
    list_pending_verifications,
)
from karvan.directory.services.members import accept_invitation, invite_member
from karvan.directory.services.verification import approve_organisation, reject_organisation
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    register_organisation,
    valid_uscc,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


@pytest.fixture
def refused(staff):
    owner = UserFactory()
    organisation = register_organisation(owner=owner, name={"en": "Refused Trading"})
    reject_organisation(organisation=organisation, actor=staff, reason="No licence")
    return organisation


def _pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


# --- Visibility -------------------------------------------------------------------------------


def test_refused_organisation_is_invisible_to_anonymous_visitors(refused):
    visible = OrganisationFactory()
    assert _pks(list_organisations(viewer=AnonymousUser())) == {visible.pk}
    with pytest.raises(Organisation.DoesNotExist):
        get_organisation(viewer=AnonymousUser(), pk=refused.pk)


def test_refused_organisation_is_invisible_to_members_of_other_organisations(refused):
    outsider = MembershipFactory().user
    assert refused.pk not in _pks(list_organisations(viewer=outsider))
    with pytest.raises(Organisation.DoesNotExist):
        get_organisation(viewer=outsider, pk=refused.pk)


def test_refused_organisation_is_visible_to_its_members(refused):
    member = MembershipFactory(organisation=refused, role=Membership.Role.MEMBER).user
    assert get_organisation(viewer=member, pk=refused.pk) == refused
    assert refused.pk in _pks(list_organisations(viewer=member))


def test_refused_organisation_is_visible_to_staff(refused, staff):
    assert get_organisation(viewer=staff, pk=refused.pk) == refused


def test_pending_and_unverified_organisations_are_visible_to_everyone():
    pending = OrganisationFactory(verification=Organisation.Verification.PENDING)
    unverified = OrganisationFactory(verification=Organisation.Verification.UNVERIFIED)
    assert _pks(list_organisations(viewer=AnonymousUser())) == {pending.pk, unverified.pk}


def test_a_member_of_several_organisations_sees_each_once():
    user = UserFactory()
    organisation = OrganisationFactory()
    MembershipFactory(user=user, organisation=organisation)
    MembershipFactory(organisation=organisation)
    MembershipFactory(user=user, organisation=OrganisationFactory())
    rows = list(list_organisations(viewer=user))
    assert len(rows) == len({row.pk for row in rows}) == 2


def test_counts_by_country_leave_out_what_the_viewer_cannot_see(refused):
    OrganisationFactory(country="CN", registry_id=valid_uscc(1))
    OrganisationFactory(country="IR")
    OrganisationFactory(country="IR")
    assert count_organisations_by_country(viewer=AnonymousUser()) == {"CN": 1, "IR": 2}


# --- Filters ----------------------------------------------------------------------------------


@pytest.fixture
def catalogue():
    owner = UserFactory()
    pistachio = register_organisation(
        owner=owner,
        country="IR",
        kind=Organisation.Kind.SME,
        name={"en": "Rafsanjan Pistachio"},
        sectors=["01"],
        products=["0802"],
    )
    machinery = register_organisation(
        owner=owner,
        country="CN",
        kind=Organisation.Kind.INDUSTRIAL_UNIT,
        name={"en": "Guangzhou Packaging"},
        sectors=["28"],
        products=["8422"],
    )
    park = register_organisation(
        owner=owner,
        country="IR",
        kind=Organisation.Kind.INDUSTRIAL_PARK,
        name={"en": "Kerman Industrial Park"},
        sectors=["10"],
        products=["08"],
    )
    return pistachio, machinery, park


def test_filter_by_country(catalogue):
    pistachio, _machinery, park = catalogue
    assert _pks(list_organisations(viewer=AnonymousUser(), country="IR")) == {pistachio.pk, park.pk}


def test_filter_by_kind(catalogue):
    _pistachio, machinery, _park = catalogue
    rows = list_organisations(viewer=AnonymousUser(), kind=Organisation.Kind.INDUSTRIAL_UNIT)
    assert _pks(rows) == {machinery.pk}


def test_filter_by_division(catalogue):
    _pistachio, machinery, _park = catalogue
    assert _pks(list_organisations(viewer=AnonymousUser(), sector="28")) == {machinery.pk}


def test_section_letter_covers_its_divisions(catalogue):
    pistachio, machinery, park = catalogue
    assert _pks(list_organisations(viewer=AnonymousUser(), sector="A")) == {pistachio.pk}
    assert _pks(list_organisations(viewer=AnonymousUser(), sector="C")) == {machinery.pk, park.pk}


def test_filter_by_hs_chapter_covers_the_chapter_and_its_headings(catalogue):
    pistachio, _machinery, park = catalogue
    assert _pks(list_organisations(viewer=AnonymousUser(), hs_chapter="08")) == {
        pistachio.pk,
        park.pk,
    }
    assert _pks(list_organisations(viewer=AnonymousUser(), hs_chapter="09")) == set()


def test_an_organisation_matching_a_filter_by_several_codes_is_listed_and_counted_once():
    several = register_organisation(
        owner=UserFactory(),
        country="IR",
        name={"en": "Kerman Nuts and Dates"},
        sectors=["01", "03"],
        products=["0802", "0804"],
    )
    for rows in (
        list_organisations(viewer=AnonymousUser(), hs_chapter="08"),
        list_organisations(viewer=AnonymousUser(), sector="A"),
        list_organisations(viewer=several.memberships.get().user, sector="A", hs_chapter="08"),
    ):
        assert [row.pk for row in rows] == [several.pk]
        assert rows.count() == 1
    assert count_organisations_by_country(viewer=several.memberships.get().user) == {"IR": 1}


def test_filters_and_search_combine(catalogue):
    _pistachio, _machinery, park = catalogue
    rows = list_organisations(viewer=AnonymousUser(), country="IR", hs_chapter="08", query="park")
    assert _pks(rows) == {park.pk}


def test_verified_only(catalogue, staff):
    pistachio, _machinery, _park = catalogue
    approve_organisation(organisation=pistachio, actor=staff)
    assert _pks(list_organisations(viewer=AnonymousUser(), verified_only=True)) == {pistachio.pk}


# --- Lists for pages --------------------------------------------------------------------------


def test_pending_verifications_oldest_first(refused):
    owner = UserFactory()
    first = register_organisation(owner=owner, name={"en": "First"})
    second = register_organisation(owner=owner, name={"en": "Second"})
    OrganisationFactory(verification=Organisation.Verification.VERIFIED)
    assert list(list_pending_verifications()) == [first, second]


def test_open_invitations_leave_out_accepted_ones():
    owner = UserFactory()
    organisation = register_organisation(owner=owner)
    kept = invite_member(
        organisation=organisation, actor=owner, email="a@example.test", role="member", language="en"
    )
    accepted = invite_member(
        organisation=organisation, actor=owner, email="b@example.test", role="member", language="en"
    )
    accept_invitation(invitation=accepted, actor=UserFactory(email="b@example.test"))
    assert list(list_open_invitations(organisation=organisation)) == [kept]


def test_own_memberships_are_empty_for_a_visitor():
    assert list(list_memberships_of(viewer=AnonymousUser())) == []
    membership = MembershipFactory()
    assert list(list_memberships_of(viewer=membership.user)) == [membership]
