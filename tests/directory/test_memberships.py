"""The one owner of "who belongs where": roles, managers, signatories, and a forgotten cache."""

import pytest
from django.contrib.auth.models import AnonymousUser

from karvan.directory import memberships
from karvan.directory.models import Membership
from karvan.directory.services.members import add_member, remove_member
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_roles_of_lists_each_organisation_with_its_role_and_nothing_for_strangers() -> None:
    person = UserFactory()
    owned = MembershipFactory(user=person, role=Membership.Role.OWNER).organisation
    signed = MembershipFactory(user=person, role=Membership.Role.SIGNATORY).organisation
    other = MembershipFactory(role=Membership.Role.OWNER).organisation

    assert memberships.roles_of(person) == {owned.pk: "owner", signed.pk: "signatory"}
    assert memberships.organisation_ids_of(person, roles=memberships.MANAGER_ROLES) == {owned.pk}
    assert memberships.manages(person, owned.pk) and not memberships.manages(person, signed.pk)
    assert memberships.may_sign_for(person, signed.pk)
    assert not memberships.is_member(person, other.pk)
    assert memberships.roles_of(AnonymousUser()) == {}
    assert not memberships.is_member(AnonymousUser(), owned.pk)


def test_the_directory_services_make_the_same_user_object_forget_its_old_roles() -> None:
    person = UserFactory()
    organisation = OrganisationFactory()
    assert not memberships.is_member(person, organisation.pk)  # remembered: no membership

    membership = add_member(organisation=organisation, user=person, role=Membership.Role.MEMBER)
    assert memberships.role_in(person, organisation.pk) == "member"

    remove_member(membership=membership, actor=person)
    assert memberships.role_in(person, organisation.pk) is None


def test_people_of_returns_each_manager_once_and_not_plain_members() -> None:
    organisation = OrganisationFactory()
    owner = MembershipFactory(organisation=organisation, role=Membership.Role.OWNER).user
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)

    people = memberships.people_of(organisation.pk, roles=memberships.MANAGER_ROLES)
    assert sorted(p.pk for p in people) == sorted([owner.pk, admin.pk])
    assert len(memberships.people_of([organisation.pk])) == 3
