"""Who signs for each party: a party's manager names or withdraws its signatories."""

from django.db import IntegrityError, transaction
from django.db.models import Max

from karvan.accounts.models import User
from karvan.agreements import notifications as kinds
from karvan.agreements.errors import (
    AlreadySignatoryError,
    NotASignatoryRoleError,
    NotDraftError,
    SignatoryHasSignedError,
)
from karvan.agreements.models import Agreement, AgreementEvent, AgreementParty, Signatory
from karvan.agreements.permissions import can_be_signatory, can_manage_party
from karvan.agreements.selectors import list_signing_progress
from karvan.agreements.services._support import lock_agreement, notify_parties, record_entry
from karvan.agreements.services.signing import complete_if_all_signed, notify_next_signatory
from karvan.core.errors import NotAllowedError
from karvan.core.signals import send_identity_changed_on_commit


@transaction.atomic
def name_signatory(
    *, actor: User, agreement: Agreement, party: AgreementParty, user: User
) -> Signatory:
    """A party's manager names one of its authorised signatories to sign for it."""
    if party.agreement_id != agreement.pk or not can_manage_party(actor, party):
        raise NotAllowedError()
    if agreement.status not in {Agreement.Status.DRAFT, Agreement.Status.SIGNING}:
        raise NotDraftError()
    if not can_be_signatory(user, party):
        raise NotASignatoryRoleError(field="user", organisation=party.organisation.display_name)
    if agreement.signatories.filter(user=user).exists():
        raise AlreadySignatoryError(field="user")
    position = (agreement.signatories.aggregate(top=Max("position"))["top"] or 0) + 1
    try:
        with transaction.atomic():
            signatory = Signatory.objects.create(
                agreement=agreement, party=party, user=user, position=position, named_by=actor
            )
    except IntegrityError as error:
        raise AlreadySignatoryError(field="user") from error
    record_entry(
        agreement,
        AgreementEvent.Action.SIGNATORY_NAMED,
        actor=actor,
        detail={"signatory": user.display_name, "position": position},
    )
    send_identity_changed_on_commit(__name__, user_id=user.pk)
    notify_parties(
        agreement,
        [user],
        kinds.SIGNATORY_NAMED,
        organisation=dict(party.organisation.name),
    )
    if agreement.status == Agreement.Status.SIGNING:
        waiting = [row for row in list_signing_progress(agreement) if row.signature is None]
        if not agreement.is_ordered or (waiting and waiting[0].signatory.pk == signatory.pk):
            notify_parties(agreement, [user], kinds.SENT_FOR_SIGNING)
    return signatory


@transaction.atomic
def remove_signatory(*, actor: User, signatory: Signatory) -> None:
    """A party's manager withdraws a signatory who has not signed (a valid signature stays)."""
    agreement = signatory.agreement
    if not can_manage_party(actor, signatory.party):
        raise NotAllowedError()
    lock_agreement(agreement)
    if agreement.status not in {Agreement.Status.DRAFT, Agreement.Status.SIGNING}:
        raise NotDraftError()
    if signatory.signatures.exists():  # even a voided signature stays on the record with them
        raise SignatoryHasSignedError()
    record_entry(
        agreement,
        AgreementEvent.Action.SIGNATORY_REMOVED,
        actor=actor,
        detail={"signatory": signatory.user.display_name},
    )
    signatory.delete()
    signing = agreement.status == Agreement.Status.SIGNING
    if signing and not complete_if_all_signed(agreement) and agreement.is_ordered:
        notify_next_signatory(agreement)
