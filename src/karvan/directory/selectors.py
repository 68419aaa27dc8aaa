"""Reading the directory: what a viewer may see, filtered and searched."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from karvan.accounts.http import Viewer
from karvan.accounts.models import User
from karvan.core.models import ComplianceHold, HsCode, IsicCode
from karvan.core.search import filter_fulltext
from karvan.directory import memberships
from karvan.directory.models import (
    IdentityRevision,
    Invitation,
    Membership,
    Organisation,
    VerificationDocument,
    VerificationEvent,
)


def list_organisations(
    *,
    viewer: Viewer,
    query: str = "",
    country: str = "",
    kind: str = "",
    sector: str = "",
    hs_chapter: str = "",
    verified_only: bool = False,
) -> QuerySet[Organisation]:
    """Organisations the viewer may see; refused ones only to their members and staff."""
    # Conditions on other tables are subqueries, not joins: no duplicate rows to remove with
    # DISTINCT, so a page's count is a plain COUNT(*) (at 100,000 organisations the DISTINCT
    # over every column cost about 100 ms per count).
    rows = Organisation.objects.all()
    if not (viewer.is_authenticated and viewer.is_staff):
        visible = ~Q(verification=Organisation.Verification.REJECTED) & ~Q(
            compliance_hold=ComplianceHold.CONFIRMED
        )
        if viewer.is_authenticated:
            visible |= Q(pk__in=sorted(memberships.organisation_ids_of(viewer)))
        rows = rows.filter(visible)
    if country:
        rows = rows.filter(country=country)
    if kind:
        rows = rows.filter(kind=kind)
    if sector:
        # A section letter covers its divisions.
        rows = rows.filter(
            pk__in=Organisation.sectors.through.objects.filter(
                Q(isiccode_id=sector) | Q(isiccode__parent_id=sector)
            ).values("organisation_id")
        )
    if hs_chapter:
        rows = rows.filter(
            pk__in=Organisation.products.through.objects.filter(
                hscode__code__startswith=hs_chapter[:2]
            ).values("organisation_id")
        )
    if verified_only:
        rows = rows.filter(verification=Organisation.Verification.VERIFIED)
    if query:
        rows = filter_fulltext(rows, query)
    return rows.prefetch_related("sectors", "products")


def get_organisation(*, viewer: Viewer, pk: int) -> Organisation:
    """One organisation the viewer may see; raise DoesNotExist otherwise."""
    return list_organisations(viewer=viewer).get(pk=pk)


def list_memberships(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("role", "user__full_name")


def list_memberships_of(*, viewer: Viewer) -> QuerySet[Membership]:
    """The viewer's own organisations."""
    return memberships.memberships_of(viewer)


def list_open_invitations(*, organisation: Organisation) -> QuerySet[Invitation]:
    from django.utils import timezone

    return organisation.invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


def list_pending_verifications() -> QuerySet[Organisation]:
    return Organisation.objects.filter(verification=Organisation.Verification.PENDING).order_by(
        "created_at"
    )


def count_organisations_by_country(*, viewer: Viewer) -> dict[str, int]:
    rows = (
        list_organisations(viewer=viewer)
        .order_by()  # the default ordering would split the groups
        .values("country")
        .annotate(total=Count("id"))
    )
    return {row["country"]: row["total"] for row in rows}


def list_sector_choices() -> QuerySet[IsicCode]:
    return IsicCode.objects.all()


def list_hs_chapters() -> QuerySet[HsCode]:
    return HsCode.objects.filter(level=HsCode.Level.CHAPTER)


@dataclass(frozen=True)
class OrganisationIdentity:
    """Who an organisation is to others: its names as shown, country and registry identifier."""

    name: dict[str, str]
    original_language: str
    country: str
    registry_id: str

    def as_dict(self) -> dict[str, object]:
        return {
            "name": dict(self.name),
            "original_language": self.original_language,
            "country": self.country,
            "registry_id": self.registry_id,
        }


def get_public_identity(*, organisation: Organisation) -> OrganisationIdentity:
    """The identity everyone but the organisation's managers sees: the last one the center
    verified (before a first verification, the one registered). A change a verified organisation
    asks for waits in an `IdentityRevision` and shows nowhere else until staff approve it."""
    return OrganisationIdentity(
        name=dict(organisation.name),
        original_language=organisation.original_language,
        country=organisation.country,
        registry_id=organisation.registry_id,
    )


def get_pending_identity_revision(*, organisation: Organisation) -> IdentityRevision | None:
    """The change of identity awaiting the staff's decision, if any (for managers and staff)."""
    return organisation.identity_revisions.filter(status=IdentityRevision.Status.PENDING).first()


def list_identity_revisions(*, organisation: Organisation) -> QuerySet[IdentityRevision]:
    """Every version of the organisation's identity, newest first: verified, asked, decided."""
    return organisation.identity_revisions.select_related("requested_by", "decided_by")


def list_pending_identity_revisions() -> QuerySet[IdentityRevision]:
    """Changes of identity awaiting the staff, the longest waiting first."""
    return (
        IdentityRevision.objects.filter(status=IdentityRevision.Status.PENDING)
        .select_related("organisation", "requested_by")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class IdentityDifference:
    field: str
    before: object
    after: object


def list_identity_differences(*, revision: IdentityRevision) -> list[IdentityDifference]:
    """What the change would alter, field by field, against the identity others see now."""
    current = get_public_identity(organisation=revision.organisation).as_dict()
    asked = revision.as_identity()
    return [
        IdentityDifference(field=field, before=current[field], after=asked[field])
        for field in ("name", "country", "registry_id")
        if current[field] != asked[field]
    ]


def is_profile_complete(organisation: Organisation) -> bool:
    """Whether an organisation's profile says what it is and what it deals in: a description and
    at least one product (HS code) or sector, what partners are found by."""
    has_description = any(text.strip() for text in (organisation.description or {}).values())
    return has_description and (organisation.products.exists() or organisation.sectors.exists())


@dataclass(frozen=True)
class VerificationEvidence:
    """What staff look at before verifying: the identifier and its check, who asked, since when."""

    organisation: Organisation
    registry_id: str
    #: "valid" (its country's check characters agree), "invalid", "unchecked" (no rule for the
    #: country) or "missing".
    registry_check: str
    submitted_at: object
    waiting_days: int
    owners: list[Membership]
    documents: list[VerificationDocument]


def get_verification_evidence(*, organisation: Organisation) -> VerificationEvidence:
    from django.utils import timezone

    from karvan.core.registry_ids import has_registry_format, is_valid_registry_id

    registry_id = organisation.registry_id or ""
    if not registry_id:
        check = "missing"
    elif not has_registry_format(organisation.country):
        check = "unchecked"
    else:
        check = "valid" if is_valid_registry_id(organisation.country, registry_id) else "invalid"
    submission = (
        organisation.verification_events.filter(action=VerificationEvent.Action.SUBMITTED)
        .order_by("-created_at")
        .first()
    )
    submitted_at = submission.created_at if submission else organisation.created_at
    return VerificationEvidence(
        organisation=organisation,
        registry_id=registry_id,
        registry_check=check,
        submitted_at=submitted_at,
        waiting_days=(timezone.now() - submitted_at).days,
        owners=list(
            memberships.members_of(organisation.pk, roles=[Membership.Role.OWNER]).select_related(
                "user"
            )
        ),
        documents=list(organisation.verification_documents.all())
        if hasattr(organisation, "verification_documents")
        else [],
    )


def list_verification_evidence() -> list[VerificationEvidence]:
    """The queue, oldest waiting first, each with its evidence."""
    return [
        get_verification_evidence(organisation=organisation)
        for organisation in list_pending_verifications()
    ]


def list_undoable_verifications(*, actor: User, minutes: int) -> list[Organisation]:
    """Organisations this staff member verified in the last minutes, which they may take back."""
    from datetime import timedelta

    from django.utils import timezone

    if not actor.is_authenticated:
        return []
    since = timezone.now() - timedelta(minutes=minutes)
    verified = Organisation.objects.filter(
        verification=Organisation.Verification.VERIFIED,
        verification_events__action=VerificationEvent.Action.APPROVED,
        verification_events__actor=actor,
        verification_events__created_at__gte=since,
    ).distinct()
    return [
        organisation
        for organisation in verified
        if (last := organisation.verification_events.order_by("-created_at", "-pk").first())
        and last.action == VerificationEvent.Action.APPROVED
    ]
