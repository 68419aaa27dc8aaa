"""Who may see and do what with an agreement. Services and selectors ask these."""

from karvan.accounts.models import User
from karvan.agreements.models import Agreement, AgreementParty, Signatory
from karvan.directory import memberships
from karvan.directory.models import Organisation
from karvan.directory.permissions import can_sign_for_organisation


def party_organisation_ids(agreement: Agreement) -> set[int]:
    """Ids of the organisations that are parties to the agreement."""
    return set(agreement.parties.values_list("organisation_id", flat=True))


def is_party_member(user: User, agreement: Agreement) -> bool:
    """Whether the person belongs to one of the agreement's parties."""
    return bool(memberships.organisation_ids_of(user) & party_organisation_ids(agreement))


def can_view_agreement(user: User, agreement: Agreement) -> bool:
    """The parties' members and the center's staff; nobody else, whatever the status."""
    if not user.is_authenticated:
        return False
    return user.is_staff or is_party_member(user, agreement)


def can_start_agreement_for(user: User, organisation_id: int) -> bool:
    """Any member of an organisation may start an agreement on its behalf."""
    return organisation_id in memberships.organisation_ids_of(user)


#: Whose verification was refused cannot be a party: the page does not offer them, and the API
#: and the service refuse them as if they did not exist.
PARTNER_REFUSED_VERIFICATIONS = frozenset({Organisation.Verification.REJECTED})


def can_be_partner(organisation: Organisation) -> bool:
    """Whether an organisation may be asked into an agreement as a party."""
    return organisation.verification not in PARTNER_REFUSED_VERIFICATIONS


def can_edit_agreement(user: User, agreement: Agreement) -> bool:
    """Any member of a party drafts, comments and proposes; the status decides the rest."""
    return is_party_member(user, agreement)


def can_revise_agreement(user: User, agreement: Agreement) -> bool:
    """Any party member revises a draft; once out for signature a change voids the signatures
    collected, so only a party's managers may make it."""
    if agreement.status == Agreement.Status.SIGNING:
        return can_send_agreement(user, agreement)
    return can_edit_agreement(user, agreement)


def can_manage_party(user: User, party: AgreementParty) -> bool:
    """A party's owners and administrators name its signatories and send the text out."""
    return memberships.manages(user, party.organisation_id)


def can_send_agreement(user: User, agreement: Agreement) -> bool:
    """A manager of any party sends the text out, plans the ceremony or cancels."""
    return any(can_manage_party(user, party) for party in agreement.parties.all())


def can_be_signatory(user: User, party: AgreementParty) -> bool:
    """The person may sign for the party's organisation (its owner or a signatory)."""
    return can_sign_for_organisation(user, party.organisation)


def can_sign(user: User, signatory: Signatory) -> bool:
    """The named person, still holding the signatory role in the party's organisation."""
    return (
        user.is_authenticated
        and signatory.user_id == user.pk
        and can_sign_for_organisation(user, signatory.party.organisation)
    )
