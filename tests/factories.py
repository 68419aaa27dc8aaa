"""Factories for plain rows. States reached through a workflow are made with the real services."""

import factory

from karvan.accounts.models import User
from karvan.core.registry_ids import iran_national_id_check_digit, uscc_check_character
from karvan.directory.models import Membership, Organisation
from karvan.directory.services.profiles import create_organisation
from karvan.directory.services.verification import approve_organisation


def valid_iran_national_id(n: int) -> str:
    # Digits 4 to 9 may not all be zero: the trailing "1" at position 9 keeps them non-zero.
    first10 = f"10{n:06d}10"
    return first10 + str(iran_national_id_check_digit(first10))


def valid_uscc(n: int) -> str:
    first17 = f"91440101{n:09d}"
    return first17 + uscc_check_character(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("correct horse battery staple")
    language = "en"
    time_zone = "UTC"
    email_confirmed_at = factory.Faker("date_time", tzinfo=__import__("datetime").timezone.utc)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.SME
    name = factory.Sequence(lambda n: {"en": f"Organisation {n}"})
    description = factory.LazyFunction(lambda: {"en": "We make things."})
    original_language = "en"
    country = "IR"
    registry_id = factory.Sequence(valid_iran_national_id)
    verification = Organisation.Verification.VERIFIED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.OWNER


def register_organisation(*, owner: User, **data: object) -> Organisation:
    """An organisation registered through the real service: owner, search document, pending."""
    values: dict[str, object] = {
        "kind": Organisation.Kind.SME,
        "original_language": "en",
        "country": "IR",
        "name": {"en": "Registered Organisation"},
        "description": {"en": "We make things."},
        **data,
    }
    return create_organisation(actor=owner, data=values)


def register_verified_organisation(*, owner: User, **data: object) -> Organisation:
    """An organisation registered and then approved by the center's staff, both through the
    real services: its opportunities are published without waiting for review."""
    organisation = register_organisation(owner=owner, **data)
    staff = UserFactory(is_staff=True, full_name="Center Staff")
    return approve_organisation(organisation=organisation, actor=staff)
