"""The demo scenario: the center of the articles in shared/seeds, its members and their companies.

Loaded through the same services the pages use, keyed by the scenario's own keys so that loading
it again updates what is there instead of adding copies.
"""

import datetime
import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.test import override_settings
from django.utils import timezone

from karvan.accounts.models import User
from karvan.accounts.services import ensure_person
from karvan.core.taxonomies import load_taxonomies
from karvan.demo.agreements import load_agreements
from karvan.demo.events import load_events
from karvan.demo.models import DemoRecord
from karvan.demo.screening import load_screening
from karvan.directory.models import Organisation
from karvan.directory.selectors import get_pending_identity_revision
from karvan.directory.services.members import add_member
from karvan.directory.services.profiles import (
    EDITABLE_FIELDS,
    create_organisation,
    update_organisation,
)
from karvan.directory.services.verification import approve_organisation, reject_organisation
from karvan.opportunities.matching.indexing import index_opportunities
from karvan.opportunities.models import Interest, Opportunity
from karvan.opportunities.services import (
    accept_interest,
    approve_opportunity,
    close_opportunity,
    create_opportunity,
    decline_interest,
    express_interest,
    publish_opportunity,
    reply_to_interest,
    submit_quotation,
    update_opportunity,
)

M = TypeVar("M", bound=models.Model)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "karvan-demo"  # noqa: S105  (printed at start: these are demo log-ins)
DEMO_LOGINS = (
    ("sme.ir@demo.karvan.example", "SME owner, Iran"),
    ("sme.cn@demo.karvan.example", "SME owner, China"),
    ("staff@demo.karvan.example", "Center staff"),
    ("organiser@demo.karvan.example", "Fair organiser (CISMEF secretariat)"),
)
PROFILE_FIELDS = (*EDITABLE_FIELDS, "sectors", "products")


def _recorded(key: str, model: type[M]) -> M | None:
    record = DemoRecord.objects.filter(key=key).first()
    return model._default_manager.filter(pk=record.object_id).first() if record else None


def _record(key: str, obj: models.Model) -> None:
    DemoRecord.objects.update_or_create(
        key=key,
        defaults={
            "content_type": ContentType.objects.get_for_model(obj),
            "object_id": obj.pk,
        },
    )


def _person(entry: dict, *, is_staff: bool = False) -> User:
    return ensure_person(
        email=entry["email"],
        full_name=entry["full_name"],
        full_name_native=entry.get("full_name_native", ""),
        password=DEMO_PASSWORD,
        language=entry.get("language", "en"),
        time_zone=entry.get("time_zone", "UTC"),
        calendar=entry.get("calendar", "gregorian"),
        is_staff=is_staff,
    )


def _organisation(entry: dict, staff: User) -> Organisation:
    members = [(_person(member), member["role"]) for member in entry["members"]]
    owner = next(user for user, role in members if role == "owner")
    profile = {field: entry[field] for field in PROFILE_FIELDS if field in entry}
    key = f"organisation:{entry['key']}"
    organisation = _recorded(key, Organisation)
    if organisation is None:
        organisation = create_organisation(actor=owner, data=profile)
        _record(key, organisation)
    else:
        add_member(organisation=organisation, user=owner, role="owner")
        if get_pending_identity_revision(organisation=organisation) is not None:
            # Loaded again: the change already asked for stays pending, as it was.
            profile.update(entry.get("identity_change", {}))
        organisation = update_organisation(organisation=organisation, actor=owner, changes=profile)
    for user, role in members:
        add_member(organisation=organisation, user=user, role=role)
    wanted = entry.get("verification", "verified")
    if organisation.verification != wanted:
        if organisation.verification != Organisation.Verification.PENDING:
            Organisation.objects.filter(pk=organisation.pk).update(
                verification=Organisation.Verification.PENDING
            )
            organisation.refresh_from_db()
        if wanted == "verified":
            organisation = approve_organisation(organisation=organisation, actor=staff)
        elif wanted == "rejected":
            reason = entry.get("rejection_reason", {})
            organisation = reject_organisation(
                organisation=organisation,
                actor=staff,
                reason=reason.get(entry["original_language"]) or next(iter(reason.values()), "-"),
            )
        elif wanted == "unverified":
            Organisation.objects.filter(pk=organisation.pk).update(verification=wanted)
    if entry.get("identity_change") and organisation.is_verified:
        # A verified organisation asks for a new name: it waits in the staff's queue.
        organisation = update_organisation(
            organisation=organisation, actor=owner, changes=entry["identity_change"]
        )
    return organisation


OPPORTUNITY_FIELDS = (
    "side",
    "kind",
    "language",
    "title",
    "description",
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
    "hs_codes",
    "sectors",
)


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _organisation_by_key(key: str) -> Organisation:
    organisation = _recorded(f"organisation:{key}", Organisation)
    if organisation is None:
        raise ValueError(f"unknown demo organisation {key}")
    return organisation


def _opportunity(entry: dict, staff: User) -> Opportunity:
    organisation = _organisation_by_key(entry["organisation"])
    author = _user(entry["author"])
    today = timezone.localdate()
    data = {field: entry[field] for field in OPPORTUNITY_FIELDS if field in entry}
    data["expires_on"] = today + datetime.timedelta(days=max(entry.get("expires_in_days", 90), 1))
    rfq = entry.get("rfq")
    # Quotations arrive while the request is open; a deadline in the past is set afterwards.
    data["is_rfq"] = bool(rfq)
    data["quotation_deadline"] = timezone.now() + datetime.timedelta(days=30) if rfq else None
    key = f"opportunity:{entry['key']}"
    opportunity = _recorded(key, Opportunity)
    if opportunity is None:
        opportunity = create_opportunity(actor=author, organisation=organisation, data=data)
        _record(key, opportunity)
    elif opportunity.status != Opportunity.Status.CLOSED:
        opportunity = update_opportunity(opportunity=opportunity, actor=author, changes=data)
    wanted = entry.get("status", "published")
    if wanted != "draft" and opportunity.status == Opportunity.Status.DRAFT:
        opportunity = publish_opportunity(opportunity=opportunity, actor=author)
    # Listings of organisations the center has not verified wait for review; staff have reviewed
    # all but those the scenario leaves in their queue.
    if wanted != "in_review" and opportunity.status == Opportunity.Status.IN_REVIEW:
        opportunity = approve_opportunity(opportunity=opportunity, actor=staff)
    for quotation in entry.get("quotations", []):
        submit_quotation(
            opportunity=opportunity,
            actor=_user(quotation["author"]),
            organisation=_organisation_by_key(quotation["organisation"]),
            data={
                name: value
                for name, value in quotation.items()
                if name not in {"author", "organisation"}
            },
        )
    for interest in entry.get("interests", []):
        _interest(opportunity, interest)
    changes: dict[str, object] = {}
    if entry.get("expires_in_days", 90) < 1:
        changes["expires_on"] = today + datetime.timedelta(days=entry["expires_in_days"])
    if rfq:
        changes["quotation_deadline"] = timezone.now() + datetime.timedelta(
            days=rfq["deadline_in_days"]
        )
    if changes:
        Opportunity.objects.filter(pk=opportunity.pk).update(**changes)
    if wanted == "closed" and opportunity.status != Opportunity.Status.CLOSED:
        opportunity = close_opportunity(opportunity=opportunity, actor=author)
    return opportunity


def _interest(opportunity: Opportunity, entry: dict) -> None:
    organisation = _organisation_by_key(entry["organisation"])
    interest = Interest.objects.filter(opportunity=opportunity, organisation=organisation).first()
    if interest is None:
        if not opportunity.is_open:
            return
        interest = express_interest(
            opportunity=opportunity,
            actor=_user(entry["author"]),
            organisation=organisation,
            message=entry["message"],
            language=_user(entry["author"]).language,
        )
    replies = entry.get("replies", [])
    for reply in replies[max(interest.messages.count() - 1, 0) :]:
        author = _user(reply["author"])
        reply_to_interest(
            interest=interest, actor=author, body=reply["body"], language=author.language
        )
    if interest.status == Interest.Status.PENDING and entry.get("status") in {
        "accepted",
        "declined",
    }:
        decide = accept_interest if entry["status"] == "accepted" else decline_interest
        decider = opportunity.author or _user(entry["author"])
        decide(interest=interest, actor=decider)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def load_demo(progress: Callable[[str], None] = lambda _message: None) -> dict[str, int]:
    """Load (or refresh) the whole demo scenario; return counts. Sends no real e-mail.

    One transaction: a failed load leaves nothing half made. The published opportunities are
    embedded in batches before it commits, so the indexing each publication queues finds its
    vector stored and only announces the matches.
    """
    load_taxonomies()
    data = json.loads((DATA_DIR / "organisations.json").read_text(encoding="utf-8"))
    with transaction.atomic():
        staff = [_person(entry, is_staff=True) for entry in data["staff"]]
        organisations = []
        for index, entry in enumerate(data["organisations"], start=1):
            organisations.append(_organisation(entry, staff[0]))
            if index % 10 == 0 or index == len(data["organisations"]):
                progress(f"organisations: {index}/{len(data['organisations'])}")
        entries = json.loads((DATA_DIR / "opportunities.json").read_text(encoding="utf-8"))[
            "opportunities"
        ]
        opportunities = []
        for index, entry in enumerate(entries, start=1):
            opportunities.append(_opportunity(entry, staff[0]))
            if index % 25 == 0 or index == len(entries):
                progress(f"opportunities: {index}/{len(entries)}")
        index_opportunities(
            opportunities=[item for item in opportunities if item.is_open],
            progress=lambda message: progress(f"matching index: {message}"),
        )
    load_events(progress)
    load_agreements(progress)
    load_knowledge(progress)  # defined in demo/knowledge.py, imported at the end
    load_screening(progress)
    return {"staff": len(staff), "organisations": len(organisations), "opportunities": len(entries)}


from karvan.demo.knowledge import load_knowledge  # noqa: E402
