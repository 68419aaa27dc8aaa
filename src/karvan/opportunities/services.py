"""Actions on opportunities: drafting, review, publishing, renewing, interests and threads,
quotations."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from karvan.accounts.models import User
from karvan.accounts.selectors import list_center_staff
from karvan.core.countries import country_name
from karvan.core.errors import NotAllowedError
from karvan.core.files import DOCUMENT_MAX_BYTES, document_extension
from karvan.core.models import HsCode, IsicCode
from karvan.core.search import document_tokens
from karvan.core.text import CONTENT_LANGUAGES
from karvan.directory.models import Membership, Organisation
from karvan.notifications.services import notify
from karvan.opportunities import notifications as kinds
from karvan.opportunities.errors import (
    AlreadyDecidedError,
    DeadlinePassedError,
    DuplicateInterestError,
    InvalidAttachmentError,
    InvalidDeadlineError,
    InvalidPriceRangeError,
    NotAnRfqError,
    NotDraftError,
    NotInReviewError,
    NotPublishedError,
    OwnInterestError,
    OwnQuotationError,
    ReasonRequiredError,
    RfqNeedsRequestError,
)
from karvan.opportunities.matching.indexing import schedule_indexing
from karvan.opportunities.models import Interest, InterestMessage, Opportunity, Quotation
from karvan.opportunities.permissions import (
    can_create_opportunity_for,
    can_decide_interest,
    can_edit_opportunity,
    can_review_opportunity,
    is_member_of,
)
from karvan.opportunities.selectors import MATERIAL_FACTS, get_material_facts

DEFAULT_VALIDITY_DAYS = 90
EDITABLE_FIELDS = frozenset(
    {
        "side",
        "kind",
        "title",
        "description",
        "language",
        "quantity",
        "quantity_unit",
        "price_min",
        "price_max",
        "currency",
        "price_unit",
        "incoterm",
        "port",
        "certifications",
        "target_countries",
        "expires_on",
        "is_rfq",
        "quotation_deadline",
    }
)
ATTACHMENT_MAX_BYTES = DOCUMENT_MAX_BYTES


def build_search_document(opportunity: Opportunity) -> str:
    """What search should find the opportunity by: its text, codes in four languages, its owner."""
    texts = [opportunity.title, opportunity.description, opportunity.port]
    for code in [*opportunity.hs_codes.all(), *opportunity.sectors.all()]:
        texts.append(code.code)
        texts.extend(code.names.values())
    texts.extend(opportunity.organisation.name.values())
    texts.extend(country_name(opportunity.organisation.country, lang) for lang in CONTENT_LANGUAGES)
    texts.extend(opportunity.certifications)
    return document_tokens(texts)


def _apply_changes(opportunity: Opportunity, changes: Mapping[str, object]) -> None:
    unknown = set(changes) - EDITABLE_FIELDS - {"hs_codes", "sectors"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for field in EDITABLE_FIELDS & set(changes):
        value = changes[field]
        if field in {"certifications", "target_countries"}:
            # Ignored for mypy: the form or schema hands these over as lists of strings.
            value = [str(item).strip() for item in value if str(item).strip()]  # type: ignore[attr-defined]
        if field in {"title", "description", "port"}:
            value = str(value or "").strip()
        setattr(opportunity, field, value)
    if opportunity.target_countries:
        opportunity.target_countries = [code.upper() for code in opportunity.target_countries]
    low, high = opportunity.price_min, opportunity.price_max
    if low is not None and high is not None and Decimal(low) > Decimal(high):
        raise InvalidPriceRangeError(field="price_min")
    if opportunity.is_rfq and opportunity.side != Opportunity.Side.REQUEST:
        raise RfqNeedsRequestError(field="is_rfq")
    if opportunity.is_rfq:
        deadline = opportunity.quotation_deadline
        newly_set = opportunity._state.adding or "quotation_deadline" in changes
        if deadline is None or (newly_set and deadline <= timezone.now()):
            raise InvalidDeadlineError(field="quotation_deadline")


def _set_codes(opportunity: Opportunity, changes: Mapping[str, object]) -> None:
    if "hs_codes" in changes:
        # Ignored for mypy: the form or schema hands `hs_codes` over as a list of codes.
        opportunity.hs_codes.set(HsCode.objects.filter(code__in=list(changes["hs_codes"])))  # type: ignore[call-overload]
    if "sectors" in changes:
        # Ignored for mypy: the form or schema hands `sectors` over as a list of codes.
        opportunity.sectors.set(IsicCode.objects.filter(code__in=list(changes["sectors"])))  # type: ignore[call-overload]


def _refresh(opportunity: Opportunity) -> None:
    opportunity.search_document = build_search_document(opportunity)
    Opportunity.objects.filter(pk=opportunity.pk).update(
        search_document=opportunity.search_document
    )
    if opportunity.status == Opportunity.Status.PUBLISHED:
        schedule_indexing(opportunity=opportunity)


@transaction.atomic
def create_opportunity(
    *, actor: User, organisation: Organisation, data: Mapping[str, object]
) -> Opportunity:
    """Draft an opportunity for one of the actor's organisations."""
    if not can_create_opportunity_for(actor, organisation.pk):
        raise NotAllowedError()
    opportunity = Opportunity(organisation=organisation, author=actor)
    _apply_changes(opportunity, data)
    opportunity.full_clean(exclude=["search_document"])
    opportunity.save()
    _set_codes(opportunity, data)
    _refresh(opportunity)
    return opportunity


@transaction.atomic
def update_opportunity(
    *, opportunity: Opportunity, actor: User, changes: Mapping[str, object]
) -> Opportunity:
    """Edit an opportunity; a published one is re-indexed for matching. A published one whose
    reviewed facts change (`MATERIAL_FACTS`) goes back to the staff's review when the policy
    reviews it, and is hidden until they publish it again."""
    if not can_edit_opportunity(actor, opportunity):
        raise NotAllowedError()
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    before = get_material_facts(opportunity=opportunity)
    _apply_changes(opportunity, changes)
    opportunity.full_clean(exclude=["search_document"])
    opportunity.save()
    _set_codes(opportunity, changes)
    after = get_material_facts(opportunity=opportunity)
    if (
        opportunity.status == Opportunity.Status.PUBLISHED
        and before != after
        and needs_review(opportunity)
    ):
        if not opportunity.reviewed_facts:  # published before the facts were kept
            opportunity.reviewed_facts = before
        _send_back_to_review(
            opportunity,
            changed=[field for field in MATERIAL_FACTS if before[field] != after[field]],
        )
    _refresh(opportunity)
    return opportunity


def _send_back_to_review(opportunity: Opportunity, *, changed: list[str]) -> None:
    """Hide a published opportunity until staff publish it again; staff and its people hear why."""
    opportunity.status = Opportunity.Status.IN_REVIEW
    opportunity.submitted_at = timezone.now()
    opportunity.save(update_fields=["status", "submitted_at", "reviewed_facts", "updated_at"])
    schedule_indexing(opportunity=opportunity)  # its vector is withdrawn from matching
    _ask_staff_to_review(opportunity)
    notify(
        recipients=_opportunity_people(opportunity),
        kind=kinds.OPPORTUNITY_CHANGED,
        params={"opportunity": opportunity.title, "fields": changed},
        url=opportunity.get_absolute_url(),
    )


def _ask_staff_to_review(opportunity: Opportunity) -> None:
    notify(
        recipients=list_center_staff(),
        kind=kinds.OPPORTUNITY_SUBMITTED,
        params={"organisation": opportunity.organisation.name, "opportunity": opportunity.title},
        url=reverse("opportunities:review_queue"),
    )


@transaction.atomic
def review_again_after_organisation_change(*, organisation: Organisation) -> int:
    """The organisation's identity changed: its published opportunities that the policy reviews
    go back to the staff (they were approved under the former identity). Return how many."""
    rows = Opportunity.objects.select_for_update().filter(
        organisation=organisation, status=Opportunity.Status.PUBLISHED
    )
    count = 0
    for opportunity in rows:
        opportunity.organisation = organisation
        if not needs_review(opportunity):
            continue
        if get_material_facts(opportunity=opportunity) == opportunity.reviewed_facts:
            continue
        _send_back_to_review(opportunity, changed=["organisation"])
        count += 1
    return count


def needs_review(opportunity: Opportunity) -> bool:
    """Whether staff must approve this opportunity before the other side sees it."""
    policy = settings.KARVAN_OPPORTUNITY_REVIEW
    if policy == "all":
        return True
    if policy == "none":
        return False
    return opportunity.organisation.verification != Organisation.Verification.VERIFIED


def _make_public(opportunity: Opportunity) -> None:
    opportunity.status = Opportunity.Status.PUBLISHED
    opportunity.published_at = timezone.now()
    if opportunity.expires_on is None or opportunity.expires_on < timezone.localdate():
        opportunity.expires_on = timezone.localdate() + datetime.timedelta(
            days=DEFAULT_VALIDITY_DAYS
        )
    opportunity.reviewed_facts = get_material_facts(opportunity=opportunity)
    opportunity.save(
        update_fields=["status", "published_at", "expires_on", "reviewed_facts", "updated_at"]
    )
    _refresh(opportunity)


@transaction.atomic
def publish_opportunity(*, opportunity: Opportunity, actor: User) -> Opportunity:
    """Make a draft visible to the other side and queue it for matching, or, when the center
    reviews it first (`KARVAN_OPPORTUNITY_REVIEW`), put it in front of the staff."""
    if not can_edit_opportunity(actor, opportunity):
        raise NotAllowedError()
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.status != Opportunity.Status.DRAFT:
        raise NotDraftError()
    if not needs_review(opportunity):
        _make_public(opportunity)
        return opportunity
    opportunity.status = Opportunity.Status.IN_REVIEW
    opportunity.submitted_at = timezone.now()
    opportunity.save(update_fields=["status", "submitted_at", "updated_at"])
    _ask_staff_to_review(opportunity)
    return opportunity


def _lock_in_review(opportunity: Opportunity, actor: User) -> Opportunity:
    """Lock the row and check it still awaits a decision (two staff may click at once)."""
    if not can_review_opportunity(actor, opportunity):
        raise NotAllowedError()
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.status != Opportunity.Status.IN_REVIEW:
        raise NotInReviewError()
    opportunity.reviewed_at = timezone.now()
    opportunity.reviewed_by = actor
    return opportunity


@transaction.atomic
def approve_opportunity(*, opportunity: Opportunity, actor: User) -> Opportunity:
    """Staff publish an opportunity that awaited review, and its organisation hears of it."""
    opportunity = _lock_in_review(opportunity, actor)
    opportunity.review_note = ""
    opportunity.save(update_fields=["reviewed_at", "reviewed_by", "review_note", "updated_at"])
    _make_public(opportunity)
    notify(
        recipients=_opportunity_people(opportunity),
        kind=kinds.OPPORTUNITY_APPROVED,
        params={"opportunity": opportunity.title},
        url=opportunity.get_absolute_url(),
    )
    return opportunity


@transaction.atomic
def return_opportunity(*, opportunity: Opportunity, actor: User, reason: str) -> Opportunity:
    """Staff send an opportunity back to its author as a draft, with the reason to act on."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequiredError(field="reason")
    opportunity = _lock_in_review(opportunity, actor)
    opportunity.status = Opportunity.Status.DRAFT
    opportunity.review_note = reason
    opportunity.save(
        update_fields=["status", "reviewed_at", "reviewed_by", "review_note", "updated_at"]
    )
    notify(
        recipients=_opportunity_people(opportunity),
        kind=kinds.OPPORTUNITY_RETURNED,
        params={"opportunity": opportunity.title, "reason": reason},
        url=opportunity.get_absolute_url(),
    )
    return opportunity


@transaction.atomic
def renew_opportunity(
    *, opportunity: Opportunity, actor: User, days: int = DEFAULT_VALIDITY_DAYS
) -> Opportunity:
    """Keep an opportunity open for `days` more from today (also one that has expired)."""
    if not can_edit_opportunity(actor, opportunity):
        raise NotAllowedError()
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.status != Opportunity.Status.PUBLISHED:
        raise NotPublishedError()
    opportunity.expires_on = timezone.localdate() + datetime.timedelta(days=max(1, min(days, 365)))
    opportunity.save(update_fields=["expires_on", "updated_at"])
    _refresh(opportunity)
    return opportunity


@transaction.atomic
def close_opportunity(*, opportunity: Opportunity, actor: User) -> Opportunity:
    """Withdraw an opportunity: it leaves search and recommendations; its threads stay."""
    if not can_edit_opportunity(actor, opportunity):
        raise NotAllowedError()
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    opportunity.status = Opportunity.Status.CLOSED
    opportunity.closed_at = timezone.now()
    opportunity.save(update_fields=["status", "closed_at", "updated_at"])
    schedule_indexing(opportunity=opportunity)
    return opportunity


def _members(organisation_id: int, roles: Iterable[str] | None = None) -> list[User]:
    memberships = Membership.objects.select_related("user").filter(organisation_id=organisation_id)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return [membership.user for membership in memberships]


def _opportunity_people(opportunity: Opportunity) -> list[User]:
    """Who hears about activity on an opportunity: its author and its organisation's managers."""
    people = _members(opportunity.organisation_id, [Membership.Role.OWNER, Membership.Role.ADMIN])
    author = opportunity.author
    # An author who has left the organisation no longer hears about its opportunities.
    if (
        author is not None
        and author.is_active
        and is_member_of(author, opportunity.organisation_id)
    ):
        people.append(author)
    return people


@transaction.atomic
def express_interest(
    *,
    opportunity: Opportunity,
    actor: User,
    organisation: Organisation,
    message: str,
    language: str,
    attachment: UploadedFile | None = None,
) -> Interest:
    """Tell an opportunity's organisation that one of the actor's organisations is interested
    (with a document, e.g. a catalogue, checked as quotations' attachments are)."""
    if not is_member_of(actor, organisation.pk):
        raise NotAllowedError()
    if organisation.pk == opportunity.organisation_id:
        raise OwnInterestError()
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not opportunity.is_open:
        raise NotPublishedError()
    if Interest.objects.filter(opportunity=opportunity, organisation=organisation).exists():
        raise DuplicateInterestError()
    extension = _check_attachment(attachment) if attachment is not None else None
    try:
        with transaction.atomic():
            interest = Interest.objects.create(
                opportunity=opportunity, organisation=organisation, author=actor
            )
    except IntegrityError as error:
        raise DuplicateInterestError() from error
    first = InterestMessage(
        interest=interest,
        author=actor,
        organisation=organisation,
        body=message.strip(),
        language=language,
    )
    if attachment is not None:
        first.attachment.save(f"attachment.{extension}", attachment, save=False)
    first.save()
    notify(
        recipients=_opportunity_people(opportunity),
        kind=kinds.INTEREST_RECEIVED,
        params={"organisation": organisation.name, "opportunity": opportunity.title},
        url=interest.get_absolute_url(),
    )
    return interest


@transaction.atomic
def reply_to_interest(
    *,
    interest: Interest,
    actor: User,
    body: str,
    language: str,
    attachment: UploadedFile | None = None,
) -> InterestMessage:
    """Add a message (and a document, if given) to the thread; the other organisation is told."""
    # Staff may read a thread but only the two organisations' members write in it.
    from_buyer_side = is_member_of(actor, interest.opportunity.organisation_id)
    if not (from_buyer_side or is_member_of(actor, interest.organisation_id)):
        raise NotAllowedError()
    organisation_id = (
        interest.opportunity.organisation_id if from_buyer_side else interest.organisation_id
    )
    extension = _check_attachment(attachment) if attachment is not None else None
    message = InterestMessage(
        interest=interest,
        author=actor,
        organisation_id=organisation_id,
        body=body.strip(),
        language=language,
    )
    if attachment is not None:
        message.attachment.save(f"attachment.{extension}", attachment, save=False)
    message.save()
    Interest.objects.filter(pk=interest.pk).update(updated_at=timezone.now())
    other = interest.organisation if from_buyer_side else interest.opportunity.organisation
    me = interest.opportunity.organisation if from_buyer_side else interest.organisation
    recipients = _members(other.pk)
    notify(
        recipients=[person for person in recipients if person.pk != actor.pk],
        kind=kinds.INTEREST_MESSAGE,
        params={"organisation": me.name, "opportunity": interest.opportunity.title},
        url=interest.get_absolute_url(),
    )
    return message


def _decide(interest: Interest, actor: User, status: str, kind: str) -> Interest:
    if not can_decide_interest(actor, interest):
        raise NotAllowedError()
    interest = (
        Interest.objects.select_for_update().select_related("opportunity").get(pk=interest.pk)
    )
    if interest.status != Interest.Status.PENDING:
        raise AlreadyDecidedError()
    interest.status = status
    interest.decided_at = timezone.now()
    interest.save(update_fields=["status", "decided_at", "updated_at"])
    notify(
        recipients=_members(interest.organisation_id),
        kind=kind,
        params={
            "organisation": interest.opportunity.organisation.name,
            "opportunity": interest.opportunity.title,
        },
        url=interest.get_absolute_url(),
    )
    return interest


@transaction.atomic
def accept_interest(*, interest: Interest, actor: User) -> Interest:
    """The opportunity's organisation takes the conversation further."""
    return _decide(interest, actor, Interest.Status.ACCEPTED, kinds.INTEREST_ACCEPTED)


@transaction.atomic
def decline_interest(*, interest: Interest, actor: User) -> Interest:
    """The opportunity's organisation says no; the interested one is told."""
    return _decide(interest, actor, Interest.Status.DECLINED, kinds.INTEREST_DECLINED)


def _check_attachment(upload: UploadedFile) -> str:
    extension = document_extension(upload)
    if extension is None:
        raise InvalidAttachmentError(field="attachment", max_mb=attachment_limit_mb())
    return extension


@transaction.atomic
def submit_quotation(
    *,
    opportunity: Opportunity,
    actor: User,
    organisation: Organisation,
    data: Mapping[str, object],
    attachment: UploadedFile | None = None,
) -> Quotation:
    """Send (or revise) a supplier's quotation for a request, until its deadline."""
    if not is_member_of(actor, organisation.pk):
        raise NotAllowedError()
    if organisation.pk == opportunity.organisation_id:
        raise OwnQuotationError()
    # Locked so that a quotation cannot slip in while the deadline passes.
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not opportunity.is_rfq:
        raise NotAnRfqError()
    if not opportunity.accepts_quotations:
        raise DeadlinePassedError()
    fields = {
        key: data[key]
        for key in (
            "unit_price",
            "currency",
            "price_unit",
            "quantity",
            "quantity_unit",
            "lead_time_days",
            "incoterm",
            "terms",
        )
        if key in data
    }
    quotation = Quotation.objects.filter(opportunity=opportunity, organisation=organisation).first()
    created = quotation is None
    if quotation is None:
        quotation = Quotation(opportunity=opportunity, organisation=organisation)
    for key, value in fields.items():
        setattr(quotation, key, value)
    quotation.author = actor
    if attachment is not None:
        extension = _check_attachment(attachment)
        quotation.attachment.save(f"quotation.{extension}", attachment, save=False)
    quotation.full_clean(exclude=["opportunity", "organisation"])
    quotation.save()
    if created:
        notify(
            recipients=_opportunity_people(opportunity),
            kind=kinds.QUOTATION_RECEIVED,
            params={"organisation": organisation.name, "opportunity": opportunity.title},
            url=opportunity.get_absolute_url() + "quotations/",
        )
    return quotation


def attachment_limit_mb() -> int:
    return ATTACHMENT_MAX_BYTES // (1024 * 1024)
