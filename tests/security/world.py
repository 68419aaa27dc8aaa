"""One world holding every kind of object, built once through the real services.

The owning organisation is Acme (Iran). Its owner is the control actor: whatever a route allows,
Acme's owner (or staff, for staff routes) is allowed it, which proves the URL points at a real,
visible object. The attackers are the others:

- anonymous: no session, no token;
- outsider: owner of Unrelated Trading, party to nothing;
- member: a plain member (role "member") of Acme and of Acme's industrial park;
- other_signatory: authorised signatory of Partner Co, the other party to Acme's agreements;
- other_organiser: owner of Fairs Ltd, which organises another event;
- leader: owner of Leader Group, which leads a delegation to Acme's event;
- staff: the center's staff, member of no organisation.

Partner Co's owner ("partner") is the other side of Acme's interest thread, quotation,
agreements, meeting and park inquiry: allowed there, an attacker elsewhere.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.utils import timezone

from karvan.accounts.models import ApiToken, User
from karvan.accounts.services import create_api_token
from karvan.agreements.models import Agreement, AgreementTemplate
from karvan.agreements.selectors import current_version
from karvan.agreements.services.drafting import add_comment, cancel_agreement, create_agreement
from karvan.agreements.services.signatories import name_signatory
from karvan.agreements.services.signing import issue_signing_code, send_for_signing, sign_agreement
from karvan.directory.models import IdentityRevision, Invitation, Membership, Organisation
from karvan.directory.services.members import invite_member
from karvan.directory.services.profiles import update_organisation
from karvan.directory.services.verification import add_verification_document
from karvan.events.models import Event, Meeting, MeetingParticipant, Registration, Slot
from karvan.events.scheduling import run_schedule, start_schedule_run
from karvan.events.services.delegations import (
    accept_delegation_invitation,
    create_delegation,
    invite_to_delegation,
)
from karvan.events.services.meeting_requests import accept_meeting_request, send_meeting_request
from karvan.events.services.meetings import publish_schedule
from karvan.events.services.registrations import approve_registration, check_in, register_person
from karvan.events.services.setup import add_session, create_event, set_event_status
from karvan.insights.services import save_published_figure
from karvan.knowledge.services import answer_question, ask_question, comment_on
from karvan.notifications.models import Notification
from karvan.opportunities.services import (
    close_opportunity,
    create_opportunity,
    express_interest,
    publish_opportunity,
    submit_quotation,
)
from karvan.parks.services import save_park_profile, save_unit, send_inquiry
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, valid_uscc

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

#: Every actor of the matrix, in the order the tests report them.
ATTACKERS = (
    "anonymous",
    "outsider",
    "member",
    "other_signatory",
    "other_organiser",
    "leader",
    "staff",
)
CONTROLS = ("owner", "partner")
ACTORS = ATTACKERS + CONTROLS


@dataclass
class World:
    people: dict[str, User | None] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name: str) -> object:
        try:
            return self.__dict__["objects"][name]
        except KeyError as error:
            raise AttributeError(name) from error


def _person(name: str, **extra: object) -> User:
    return UserFactory(
        email=f"{name}@world.example", full_name=name.replace("_", " ").title(), **extra
    )


def _org(name: str, country: str = "IR", **extra: object) -> Organisation:
    registry = {"registry_id": valid_uscc(abs(hash(name)) % 10**8)} if country == "CN" else {}
    return OrganisationFactory(name={"en": name}, country=country, **registry, **extra)


def _member(user: User, organisation: Organisation, role: str) -> Membership:
    return MembershipFactory(user=user, organisation=organisation, role=role)


OFFER = {
    "side": "offer",
    "kind": "product",
    "language": "en",
    "title": "Akbari pistachios, 2025 harvest",
    "description": "Naturally opened Akbari pistachios, moisture under five percent, packed "
    "in 25 kg bags; 500 tonnes a year for export with customs registration.",
    "hs_codes": ["0802"],
    "sectors": ["10"],
    "target_countries": ["CN"],
}


def build_world() -> World:
    w = World()
    o = w.objects
    role = Membership.Role
    staff = _person("staff", is_staff=True)
    owner, member = _person("owner"), _person("member")
    partner, other_signatory = _person("partner"), _person("other_signatory")
    acme_signatory = _person("acme_signatory")
    outsider, other_organiser, leader = (
        _person("outsider"),
        _person("other_organiser"),
        _person("leader"),
    )
    guest = _person("guest")
    w.people = {
        "anonymous": None,
        "outsider": outsider,
        "member": member,
        "other_signatory": other_signatory,
        "other_organiser": other_organiser,
        "leader": leader,
        "staff": staff,
        "owner": owner,
        "partner": partner,
    }

    # --- organisations, memberships, invitation ---------------------------------------------
    acme = o["acme"] = _org("Acme Pistachio")
    partner_co = o["partner_co"] = _org("Partner Co", "CN", original_language="en")
    unrelated = o["unrelated"] = _org("Unrelated Trading", "TR")
    fairs = o["fairs"] = _org("Fairs Ltd", "CN")
    leader_group = o["leader_group"] = _org("Leader Group", "IR")
    guest_org = o["guest_org"] = _org("Guest Imports", "CN")
    park_org = o["park_org"] = _org("Acme Industrial Park", kind=Organisation.Kind.INDUSTRIAL_PARK)
    o["pending_org"] = _org("Acme Pending", verification=Organisation.Verification.PENDING)
    _member(owner, acme, role.OWNER)
    o["member_membership"] = _member(member, acme, role.MEMBER)
    _member(acme_signatory, acme, role.SIGNATORY)
    _member(owner, park_org, role.OWNER)
    _member(member, park_org, role.MEMBER)
    _member(owner, o["pending_org"], role.OWNER)
    _member(partner, partner_co, role.OWNER)
    _member(other_signatory, partner_co, role.SIGNATORY)
    _member(outsider, unrelated, role.OWNER)
    _member(other_organiser, fairs, role.OWNER)
    _member(leader, leader_group, role.OWNER)
    _member(guest, guest_org, role.OWNER)
    invite_member(
        organisation=acme,
        actor=owner,
        email="newcomer@world.example",
        role=role.MEMBER,
        language="en",
    )
    o["invitation"] = Invitation.objects.get(organisation=acme)
    # A verified organisation asks for a new name: it waits for the staff's decision.
    update_organisation(
        organisation=unrelated, actor=outsider, changes={"name": {"en": "Unrelated Trading Group"}}
    )
    o["identity_revision"] = IdentityRevision.objects.get(
        organisation=unrelated, status=IdentityRevision.Status.PENDING
    )

    # --- opportunities in each state, interest thread, RFQ and quotation ---------------------
    def opportunity(title: str, **extra: object) -> object:
        return create_opportunity(
            actor=owner, organisation=acme, data={**OFFER, "title": title, **extra}
        )

    o["draft"] = opportunity("Draft pistachio offer")
    with override_settings(KARVAN_OPPORTUNITY_REVIEW="all"):
        o["in_review"] = publish_opportunity(
            opportunity=opportunity("Pistachio offer awaiting review"), actor=owner
        )
    o["published"] = publish_opportunity(
        opportunity=opportunity("Published pistachios"), actor=owner
    )
    o["closed"] = close_opportunity(
        opportunity=publish_opportunity(opportunity=opportunity("Closed pistachios"), actor=owner),
        actor=owner,
    )
    o["rfq"] = publish_opportunity(
        opportunity=opportunity(
            "Packaging machine wanted (RFQ)",
            side="request",
            is_rfq=True,
            quotation_deadline=timezone.now() + datetime.timedelta(days=30),
        ),
        actor=owner,
    )
    o["interest"] = express_interest(
        opportunity=o["published"],
        actor=partner,
        organisation=partner_co,
        message="We would buy two containers a month.",
        language="en",
        attachment=SimpleUploadedFile("catalogue.pdf", MINIMAL_PDF, "application/pdf"),
    )
    o["quotation"] = submit_quotation(
        opportunity=o["rfq"],
        actor=partner,
        organisation=partner_co,
        data={
            "unit_price": Decimal("9.40"),
            "currency": "USD",
            "price_unit": "kg",
            "quantity": Decimal("40"),
            "quantity_unit": "t",
            "lead_time_days": 21,
            "incoterm": "CFR",
            "terms": "30% in advance",
        },
        attachment=SimpleUploadedFile("price-list.pdf", MINIMAL_PDF, "application/pdf"),
    )

    o["verification_document"] = add_verification_document(
        organisation=acme,
        actor=owner,
        title="Business licence of Acme",
        upload=SimpleUploadedFile("licence.pdf", MINIMAL_PDF, "application/pdf"),
    )

    # --- events: registration, delegation, requests, meeting, schedule run, check-in ---------
    # A Monday 40 to 46 days ahead: slots leave out a participating country's weekend (Friday in
    # Iran, Saturday and Sunday in China), so a fair starting on one would have no slot at all.
    starts = timezone.localdate() + datetime.timedelta(days=40)
    starts += datetime.timedelta(days=-starts.weekday() % 7)

    def event(organiser: User, organisation: Organisation, title: str) -> Event:
        created = create_event(
            actor=organiser,
            organiser=organisation,
            data={
                "kind": Event.Kind.FAIR,
                "title": {"en": title},
                "time_zone": "Asia/Tehran",
                "starts_on": starts,
                "ends_on": starts + datetime.timedelta(days=1),
                "countries": ["IR", "CN"],
            },
        )
        add_session(
            actor=organiser,
            event=created,
            data={
                "day": starts,
                "start_time": datetime.time(9, 0),
                "end_time": datetime.time(12, 0),
                "meeting_minutes": 30,
                "break_minutes": 10,
                "tables": 2,
                "title": "Morning",
            },
        )
        return set_event_status(actor=organiser, event=created, status=Event.Status.PUBLISHED)

    ev = o["event"] = event(owner, acme, "Acme Pistachio Fair")
    o["other_event"] = event(other_organiser, fairs, "Fairs Ltd Expo")
    o["session"] = ev.sessions.get()
    o["empty_session"] = add_session(
        actor=owner,
        event=ev,
        data={
            "day": starts + datetime.timedelta(days=1),
            "start_time": datetime.time(14, 0),
            "end_time": datetime.time(15, 0),
            "meeting_minutes": 30,
            "break_minutes": 0,
            "tables": 1,
            "title": "Afternoon",
        },
    )
    o["draft_event"] = create_event(
        actor=owner,
        organiser=acme,
        data={
            "kind": Event.Kind.FAIR,
            "title": {"en": "Acme draft fair"},
            "time_zone": "Asia/Tehran",
            "starts_on": starts,
            "ends_on": starts,
            "countries": ["IR", "CN"],
        },
    )
    o["delegation"] = create_delegation(actor=leader, event=ev, leader=leader_group, name="Leaders")
    # Partner Co is asked to join the leader's delegation; its managers answer.
    o["delegation_invitation"] = invite_to_delegation(
        actor=leader, delegation=o["delegation"], organisation=partner_co
    )
    # Guest Imports joined it (its owner accepted): the leader registers its people.
    accept_delegation_invitation(
        actor=guest,
        invitation=invite_to_delegation(
            actor=leader, delegation=o["delegation"], organisation=guest_org
        ),
    )
    o["guest_colleague"] = _person("guest_colleague")
    _member(o["guest_colleague"], guest_org, role.MEMBER)
    o["guest_trainee"] = _person("guest_trainee")
    _member(o["guest_trainee"], guest_org, role.MEMBER)
    o["owner_registration"] = register_person(
        actor=owner, event=ev, organisation=acme, person=owner
    )
    o["partner_registration"] = approve_registration(
        actor=owner,
        registration=register_person(
            actor=partner, event=ev, organisation=partner_co, person=partner
        ),
    )
    o["guest_registration"] = approve_registration(
        actor=owner,
        registration=register_person(actor=guest, event=ev, organisation=guest_org, person=guest),
    )
    o["leader_registration"] = approve_registration(
        actor=owner,
        registration=register_person(
            actor=leader,
            event=ev,
            organisation=leader_group,
            person=leader,
            delegation=o["delegation"],
        ),
    )
    # Registered by the leader: it waits for the organiser's approval.
    o["pending_registration"] = register_person(
        actor=leader,
        event=ev,
        organisation=guest_org,
        person=o["guest_colleague"],
        delegation=o["delegation"],
    )
    accepted = send_meeting_request(
        actor=owner,
        sender=o["owner_registration"],
        recipient=o["partner_registration"],
        reason="Packaging lines",
    )
    accept_meeting_request(actor=partner, request=accepted)
    o["meeting"] = Meeting.objects.get(request=accepted)
    o["accepted_request"] = accepted
    o["meeting_request"] = send_meeting_request(
        actor=guest,
        sender=o["guest_registration"],
        recipient=o["owner_registration"],
        reason="Pistachio import",
    )
    # Started as the organiser starts it, then run here: the background thread a page starts
    # has its own connection, which cannot see this test's uncommitted world.
    with TestCase.captureOnCommitCallbacks(execute=False):
        run = start_schedule_run(actor=owner, event=ev, time_limit=2)
    o["schedule_run"] = run_schedule(run=run)
    o["schedule_run"].refresh_from_db()
    publish_schedule(actor=owner, event=ev)
    o["meeting"].refresh_from_db()
    o["participant"] = MeetingParticipant.objects.get(
        meeting=o["meeting"], registration=o["owner_registration"]
    )
    # The morning's last slot (two tables; the afternoon session has one).
    o["slot"] = Slot.objects.filter(session=o["session"]).last()
    # Check-in opens on the event's days only.
    with time_machine.travel(
        datetime.datetime.combine(ev.starts_on, datetime.time(12), tzinfo=datetime.UTC)
    ):
        check_in(actor=owner, event=ev, code=o["owner_registration"].badge_code)
    o["owner_registration"] = Registration.objects.get(pk=o["owner_registration"].pk)

    # --- agreements in each state, version, comment, signatory, signing code, sealed PDF -----
    template = AgreementTemplate.objects.get(key="mou")

    def agreement() -> Agreement:
        return create_agreement(
            actor=owner,
            initiator=acme,
            partners=[partner_co],
            languages=["en"],
            prevailing_language="en",
            template=template,
            values={
                "place": "Tehran",
                "effective_date": "2027-01-01",
                "term": "3 years",
                "field": "packaging machinery",
            },
        )

    def out_for_signing() -> Agreement:
        started = agreement()
        for party, person, manager in (
            (started.parties.get(organisation=acme), acme_signatory, owner),
            (started.parties.get(organisation=partner_co), other_signatory, partner),
        ):
            name_signatory(actor=manager, agreement=started, party=party, user=person)
        return send_for_signing(actor=owner, agreement=started)

    o["draft_agreement"] = agreement()
    o["comment"] = add_comment(
        actor=partner,
        agreement=o["draft_agreement"],
        body="Please say three years.",
        language="en",
        proposed_texts={"en": "A shorter text."},
    )
    o["signing_agreement"] = out_for_signing()
    o["acme_signatory"] = o["signing_agreement"].signatories.get(user=acme_signatory)
    # Locked out by wrong codes (how a lock comes about is tested in tests/agreements): Acme's
    # managers may lift it.
    type(o["acme_signatory"]).objects.filter(pk=o["acme_signatory"].pk).update(
        code_locked_at=timezone.now()
    )
    o["signing_code"], _code = issue_signing_code(
        actor=other_signatory, agreement=o["signing_agreement"]
    )
    # Issued a while ago: asking for a new one is not held back by the one-a-minute rule.
    type(o["signing_code"]).objects.filter(pk=o["signing_code"].pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    signed = out_for_signing()
    with TestCase.captureOnCommitCallbacks(execute=True):
        for person in (acme_signatory, other_signatory):
            _row, code = issue_signing_code(actor=person, agreement=signed)
            sign_agreement(
                actor=person,
                agreement=signed,
                code=code,
                typed_name=person.full_name,
                document_sha256=current_version(signed).document_sha256,
                ip_address="203.0.113.7",
                user_agent="matrix",
            )
    signed.refresh_from_db()
    assert signed.is_sealed, "the world's signed agreement carries its sealed PDF"
    o["signed_agreement"] = signed
    o["cancelled_agreement"] = cancel_agreement(actor=owner, agreement=agreement())
    o["version"] = current_version(o["draft_agreement"])

    # --- knowledge ----------------------------------------------------------------------------
    o["question"] = ask_question(
        actor=owner,
        data={
            "kind": "question",
            "category": "payments",
            "language": "en",
            "title": "How do we pay a supplier in Guangzhou?",
            "body": "Banks refuse direct transfers; which channels do other members use "
            "for paying a machinery supplier?",
            "tags": "payments",
        },
        organisation=acme,
    )
    o["answer"] = answer_question(
        question=o["question"],
        actor=partner,
        body="We use a correspondent bank in Hong Kong with a letter of credit.",
        language="en",
    )
    o["knowledge_comment"] = comment_on(
        question=o["question"], actor=partner, body="Which bank?", language="en"
    )

    # --- industrial park, unit, inquiry --------------------------------------------------------
    o["park"] = save_park_profile(
        actor=owner,
        organisation=park_org,
        data={
            "latitude": Decimal("25.29"),
            "longitude": Decimal("60.64"),
            "total_land_ha": Decimal("1400"),
            "available_land_ha": Decimal("250"),
            "utilities": ["power", "water"],
            "incentives": {"en": "Tax holiday"},
            "is_free_zone": True,
            "sectors": ["10"],
            "contact_email": "invest@park.example",
        },
    )
    o["unit"] = save_unit(
        actor=owner,
        park=o["park"],
        data={
            "kind": "factory",
            "reference": "S-12",
            "area_m2": Decimal("2000"),
            "rent_per_m2_month": Decimal("1.80"),
            "currency": "USD",
            "description": {"en": "Ready shed"},
        },
    )
    o["park_draft"] = create_opportunity(
        actor=owner, organisation=park_org, data={**OFFER, "title": "Park draft: secret tenant"}
    )
    o["inquiry"] = send_inquiry(
        actor=partner,
        park=o["park"],
        organisation=partner_co,
        subject="A shed for packaging",
        body="Is unit S-12 free from March?",
        language="en",
        unit=o["unit"],
    )

    # --- notification, API tokens, published figure --------------------------------------------
    o["notification"] = Notification.objects.filter(recipient=owner).order_by("pk").first()
    assert o["notification"] is not None, "the owner was told something"
    for name, person in w.people.items():
        if person is not None:
            _row, w.tokens[name] = create_api_token(user=person, name=f"{name} matrix")
    o["api_token"] = ApiToken.objects.get(user=owner)
    o["figure"] = save_published_figure(
        actor=staff,
        data={
            "key": "members",
            "value": Decimal("120"),
            "period": "2026",
            "source": "Karvan",
            "position": 1,
            "is_published": True,
            "label": {"en": "Member organisations"},
            "unit": {"en": ""},
        },
    )
    _screening(w, staff=staff, organisation=guest_org)
    return w


def _screening(w: World, *, staff: User, organisation: Organisation) -> None:
    """A sanctions list naming Guest Imports, loaded and screened: a case in the staff's queue
    (the world's staff are the center's compliance officers)."""
    import tempfile
    from pathlib import Path

    from django.contrib.auth.models import Permission

    from karvan.compliance.models import Case
    from karvan.compliance.services import load_list, screen_subject

    staff.user_permissions.add(Permission.objects.get(codename="review_case"))
    header = (
        "id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,"
        "emails,dataset,first_seen,last_seen,last_change"
    )
    row = (
        "w-1,Company,Guest Imports,,,cn,,,Invented programme,,,World list,"
        "2024-01-01,2026-11-01,2024-01-01"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "targets.simple.csv"
        path.write_text(f"{header}\n{row}\n", encoding="utf-8")
        load_list(path=path, source="world")
    screen_subject(subject=organisation, force=True)
    w.objects["case"] = Case.objects.get(organisation=organisation)
