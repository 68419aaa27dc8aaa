"""Who may do what, on which route, to which object: the attack matrix's table.

One `Route` names a URL (a Django URL name, or an API operation as `METHOD /api/path` exactly as
the OpenAPI description spells it), the world object it touches, and for each method the actors
allowed. Every other actor of `world.ACTORS` is refused:

- a refused read answers 404, or 403 on an object the actor may see, or (anonymous, on a page) a
  redirect to the log-in page, or (anonymous, on the API) 401;
- a refused write never answers 5xx (nor 2xx on the API) and leaves the database unchanged.

An allowed actor is the control: a read answers 200 (and shows `secret`, when given), a write
answers 2xx/3xx and changes the database (unless `changes=False`). Attackers never see `secret`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.security.world import ACTORS, World

EVERYONE = frozenset(ACTORS)
SIGNED_IN = EVERYONE - {"anonymous"}
#: People with a membership somewhere (staff belong to no organisation).
WITH_ORGANISATION = SIGNED_IN - {"staff"}
NOBODY: frozenset[str] = frozenset()


def only(*actors: str) -> frozenset[str]:
    unknown = set(actors) - set(ACTORS)
    assert not unknown, unknown
    return frozenset(actors)


# The people of Acme, the owning organisation: its owner manages it, "member" is a plain member.
ACME = only("owner", "member")
ACME_MANAGERS = only("owner")
STAFF = only("staff")
# Acme and Partner Co are the parties to Acme's agreements; other_signatory is Partner Co's.
PARTIES = only("owner", "member", "partner", "other_signatory")
PARTY_MANAGERS = only("owner", "partner")


@dataclass(frozen=True)
class Route:
    name: str
    target: str | None
    kwargs: Callable[[World], dict[str, object]] = lambda w: {}
    get: frozenset[str] | None = None
    post: frozenset[str] | None = None
    data: Callable[[World], dict[str, object]] = lambda w: {}
    #: The allowed write changes the database (False: it answers without a change, e.g. a code
    #: e-mailed, or nothing is left to change in the world's state).
    changes: bool = True
    secret: Callable[[World], str] | None = None
    #: Who sees `secret` on a page or list everyone may read (default: whoever may read).
    sees: frozenset[str] | None = None
    query: str = ""
    #: Touches no one's object (sign-up, log-in): any answer but a server error will do.
    open: bool = False
    #: A refused read is sent (with a message) to a page the actor may read, not answered 404.
    refuses_by_redirect: bool = False
    #: When the request is sent, for a write open only on some days (check-in on the event's).
    at: Callable[[World], datetime.datetime] | None = None

    @property
    def is_api(self) -> bool:
        return " " in self.name

    @property
    def method_names(self) -> list[str]:
        if self.is_api:
            return [self.name.split(" ", 1)[0]]
        return [m for m in ("GET", "POST") if getattr(self, m.lower()) is not None]

    def allowed(self, method: str) -> frozenset[str]:
        if self.is_api:
            return self.get if method == "GET" else self.post  # type: ignore[return-value]
        return getattr(self, method.lower())

    @property
    def id(self) -> str:
        return f"{self.name}[{self.target}]" if self.target else self.name


def pk(name: str, key: str = "pk") -> Callable[[World], dict[str, object]]:
    return lambda w: {key: getattr(w, name).pk}


def code(name: str) -> Callable[[World], dict[str, object]]:
    return lambda w: {"code": getattr(w, name).code}


def api(method: str, path: str, target: str | None = None, **spec: object) -> Route:
    """An API operation, `allowed` the actors who may call it."""
    allowed = spec.pop("allowed")
    key = "get" if method == "GET" else "post"
    return Route(f"{method} /api{path}", target, **{key: allowed}, **spec)  # type: ignore[arg-type]


AGREEMENT_STATES = (
    "draft_agreement",
    "signing_agreement",
    "signed_agreement",
    "cancelled_agreement",
)
OPPORTUNITY_STATES = ("draft", "in_review", "published", "closed", "rfq")
# Who may read an opportunity in each state: published listings are public; the rest belongs to
# its organisation and to the staff who review it.
OPPORTUNITY_READERS = {
    "draft": ACME | STAFF,
    "in_review": ACME | STAFF,
    "published": EVERYONE,
    "closed": ACME | STAFF,
    "rfq": EVERYONE,
}

OPPORTUNITY_FORM = {
    "organisation": "{acme}",
    "side": "offer",
    "kind": "product",
    "language": "en",
    "title": "Edited pistachio offer",
    "description": "Naturally opened Akbari pistachios, moisture under five percent, packed in "
    "25 kg bags, 500 tonnes a year for export.",
    "hs_codes": "0802",
    "sectors": "10",
    "target_countries": ["CN"],
}


def opportunity_form(w: World) -> dict[str, object]:
    return {**OPPORTUNITY_FORM, "organisation": w.acme.pk}


ROUTES: list[Route] = [
    # --- accounts: a person's own account; nothing here touches another person's rows ----------
    Route("home", None, get=EVERYONE, open=True),
    Route("accounts:signup", None, get=EVERYONE, open=True),
    Route("accounts:confirm", None, lambda w: {"token": "not-a-token"}, get=EVERYONE, open=True),
    Route("accounts:resend_confirmation", None, get=EVERYONE, open=True),
    Route("accounts:login", None, get=EVERYONE, open=True),
    Route("accounts:password_reset", None, get=EVERYONE, open=True),
    Route("accounts:password_reset_done", None, get=EVERYONE, open=True),
    Route(
        "accounts:password_reset_confirm",
        None,
        lambda w: {"uidb64": "MQ", "token": "not-a-token"},
        get=EVERYONE,
    ),
    Route("accounts:password_reset_complete", None, get=EVERYONE, open=True),
    Route("accounts:password_change", None, get=SIGNED_IN),
    Route("accounts:preferences", None, get=SIGNED_IN),
    Route("accounts:logout", None, post=EVERYONE, open=True),
    Route(
        "accounts:set_language", None, post=EVERYONE, data=lambda w: {"language": "fa"}, open=True
    ),
    Route(
        "accounts:time_zone_proposal",
        None,
        post=SIGNED_IN,
        data=lambda w: {"zone": "Asia/Tehran", "answer": "use"},
    ),
    Route(
        "accounts:token_create",
        None,
        post=SIGNED_IN,
        data=lambda w: {"name": "mine", "scope": "read", "expires_in_days": "30"},
    ),
    Route("accounts:token_revoke", "api_token", pk("api_token"), post=only("owner")),
    # --- directory ----------------------------------------------------------------------------
    Route("directory:list", None, get=EVERYONE),
    Route("directory:create", None, get=SIGNED_IN, open=True),
    Route("directory:verification_queue", None, get=STAFF, secret=lambda w: "Acme Pending"),
    Route("favicon", None, get=EVERYONE, open=True),
    # Public uploads (logos) served from local disk in the embedded mode: public by design.
    Route("public_file", None, lambda w: {"path": "logos/none.png"}, get=EVERYONE, open=True),
    # A verified organisation's change of identity waits for the staff's decision.
    Route(
        "directory:identity_decide",
        "identity_revision",
        lambda w: {"pk": w.unrelated.pk, "revision_pk": w.identity_revision.pk},
        post=STAFF,
        data=lambda w: {"decision": "approve"},
    ),
    # --- compliance: the center's compliance officers only ---------------------------------------
    Route("compliance:queue", None, get=STAFF, secret=lambda w: "Guest Imports"),
    Route(
        "compliance:case",
        "case",
        pk("case"),
        get=STAFF,
        post=STAFF,
        data=lambda w: {"decision": "cleared", "comment": "Another company of the same name."},
    ),
    Route("compliance:review", "case", pk("case"), post=STAFF),
    Route("compliance:export", None, lambda w: {"fmt": "csv"}, get=STAFF),
    Route("compliance:export", "xlsx", lambda w: {"fmt": "xlsx"}, get=STAFF),
    # Private file: the buyer's members and the quoting supplier's.
    Route(
        "opportunities:quotation_attachment",
        "quotation",
        pk("quotation"),
        get=only("owner", "member", "partner", "other_signatory"),
    ),
    Route(
        "opportunities:interest_attachment",
        "interest",
        lambda w: {"pk": w.interest.pk, "message_pk": w.interest.messages.first().pk},
        # Who reads the thread (staff included) reads its documents.
        get=ACME | only("partner", "other_signatory", "staff"),
    ),
    # A delegation's invitation: the invited organisation's managers answer it; the leader and
    # the event's organisers read it.
    Route("events:invitations", None, get=SIGNED_IN),
    Route(
        "events:invitation",
        "delegation_invitation",
        pk("delegation_invitation"),
        get=only("partner", "leader", "owner", "member", "staff"),
    ),
    Route(
        "events:invitation_accept",
        "delegation_invitation",
        pk("delegation_invitation"),
        post=only("partner"),
    ),
    Route(
        "events:invitation_decline",
        "delegation_invitation",
        pk("delegation_invitation"),
        post=only("partner"),
    ),
    # Only an organisation that joined leaves; Partner Co was only invited (nothing to change).
    Route(
        "events:invitation_leave",
        "delegation_invitation",
        pk("delegation_invitation"),
        post=only("partner"),
        changes=False,
    ),
    # A signatory locked out by wrong codes: a manager of its party lifts the lock.
    Route(
        "agreements:unlock_signatory",
        "acme_signatory",
        lambda w: {"code": w.signing_agreement.code, "pk": w.acme_signatory.pk},
        post=ACME_MANAGERS,
    ),
    Route(
        "directory:invitation",
        "invitation",
        lambda w: {"token": w.invitation.token},
        get=EVERYONE,
        post=NOBODY,  # only the invited address accepts, and no actor holds it
    ),
    Route("directory:detail", "organisation", pk("acme"), get=EVERYONE),
    Route("directory:detail", "pending_org", pk("pending_org"), get=EVERYONE),
    Route(
        "directory:edit",
        "organisation",
        pk("acme"),
        get=ACME_MANAGERS,
        post=ACME_MANAGERS,
        data=lambda w: {
            "kind": "sme",
            "original_language": "en",
            "name_en": "Acme Pistachio",
            "description_en": "We grow and pack pistachios for export.",
            "country": "IR",
            "registry_id": w.acme.registry_id,
        },
    ),
    Route(
        "directory:logo",
        "organisation",
        pk("acme"),
        post=ACME_MANAGERS,
        data=lambda w: {"remove": "1"},
        changes=False,  # Acme has no logo to remove
    ),
    Route(
        "directory:verify",
        "pending_org",
        pk("pending_org"),
        post=STAFF,
        data=lambda w: {"decision": "approve"},
    ),
    # Only the person who verified may undo, within minutes: staff here verified nothing, so the
    # allowed control changes nothing either.
    Route("directory:verify_undo", "pending_org", pk("pending_org"), post=STAFF, changes=False),
    # Verification evidence: the organisation's members and the center's staff; managers add.
    Route(
        "directory:documents",
        "acme",
        pk("acme"),
        get=ACME | STAFF,
        post=ACME_MANAGERS,
        data=lambda w: {
            "title": "Registration certificate",
            "file": SimpleUploadedFile("cert.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        },
        secret=lambda w: "Business licence of Acme",
    ),
    Route(
        "directory:document_file",
        "verification_document",
        lambda w: {"pk": w.acme.pk, "document_pk": w.verification_document.pk},
        get=ACME | STAFF,
    ),
    Route(
        "directory:members",
        "membership",
        pk("acme"),
        get=ACME_MANAGERS,
        post=ACME_MANAGERS,
        data=lambda w: {"email": "someone@world.example", "role": "member"},
        secret=lambda w: "member@world.example",
    ),
    Route(
        "directory:member_role",
        "membership",
        lambda w: {"pk": w.acme.pk, "membership_pk": w.member_membership.pk},
        post=ACME_MANAGERS,
        data=lambda w: {"role": "admin"},
    ),
    Route(
        "directory:member_remove",
        "membership",
        lambda w: {"pk": w.acme.pk, "membership_pk": w.member_membership.pk},
        post=ACME,  # a member may leave
    ),
    # --- notifications ----------------------------------------------------------------------
    Route("notifications:list", None, get=SIGNED_IN),
    Route(
        "notifications:mark_read",
        "notification",
        post=SIGNED_IN,
        data=lambda w: {"id": w.notification.pk},
        # Everyone may post; only the owner's own notification changes.
        changes=False,
    ),
    # --- opportunities ----------------------------------------------------------------------
    Route("opportunities:search", None, get=EVERYONE),
    Route("opportunities:create", None, get=SIGNED_IN, open=True),
    Route(
        "opportunities:create",
        "organisation",
        post=ACME,
        data=opportunity_form,
    ),
    Route(
        "opportunities:mine",
        "draft",
        get=SIGNED_IN,
        secret=lambda w: "Draft pistachio offer",
        sees=ACME,
    ),
    Route("opportunities:review_queue", "in_review", get=STAFF, secret=lambda w: "awaiting review"),
    Route(
        "opportunities:interests",
        "interest",
        get=SIGNED_IN,
        secret=lambda w: "Published pistachios",
        sees=ACME | only("partner", "other_signatory"),
    ),
    Route(
        "opportunities:interest",
        "interest",
        pk("interest"),
        get=ACME | only("partner", "other_signatory", "staff"),
        post=ACME | only("partner", "other_signatory"),
        data=lambda w: {"body": "Two containers, then."},
    ),
    Route(
        "opportunities:interest_decide",
        "interest",
        pk("interest"),
        post=ACME_MANAGERS,
        data=lambda w: {"decision": "accept"},
    ),
    *[
        Route("opportunities:detail", state, pk(state), get=OPPORTUNITY_READERS[state])
        for state in OPPORTUNITY_STATES
    ],
    *[
        Route(
            "opportunities:edit",
            state,
            pk(state),
            get=ACME_MANAGERS,
            post=ACME_MANAGERS,
            data=opportunity_form,
        )
        for state in OPPORTUNITY_STATES
    ],
    Route("opportunities:publish", "draft", pk("draft"), post=ACME_MANAGERS),
    Route(
        "opportunities:review",
        "in_review",
        pk("in_review"),
        post=STAFF,
        data=lambda w: {"decision": "approve"},
    ),
    Route("opportunities:close", "published", pk("published"), post=ACME_MANAGERS),
    Route(
        "opportunities:renew",
        "published",
        pk("published"),
        post=ACME_MANAGERS,
        data=lambda w: {"days": 30},
    ),
    Route(
        "opportunities:interest_create",
        "rfq",
        pk("rfq"),
        # Speaking for Partner Co: only its people may.
        post=only("partner", "other_signatory"),
        data=lambda w: {"organisation": w.partner_co.pk, "message": "Interested."},
    ),
    Route(
        "opportunities:interest_create",
        "draft",
        pk("draft"),
        post=NOBODY,
        data=lambda w: {"organisation": w.partner_co.pk, "message": "Interested."},
    ),
    Route(
        "opportunities:quotations",
        "quotation",
        pk("rfq"),
        get=ACME | only("partner", "other_signatory"),
        secret=lambda w: "30% in advance",
    ),
    Route(
        "opportunities:quote",
        "quotation",
        pk("rfq"),
        get=WITH_ORGANISATION,
        post=only("partner", "other_signatory"),
        data=lambda w: {
            "organisation": w.partner_co.pk,
            "unit_price": "9.10",
            "currency": "USD",
            "quantity": "40",
            "quantity_unit": "t",
            "lead_time_days": "20",
        },
    ),
]

# --- events ------------------------------------------------------------------------------------
# Acme organises "event"; staff organise every event. Its registrations: Acme's owner (checked
# in), Partner Co's owner, a guest, and the Leader Group's owner in the leader's delegation.
# Every member of the organising organisation organises (a fair's team runs the check-in desk
# without being its owner): Acme's plain member is an organiser of Acme's event, by design.
ORGANISER = only("owner", "member", "staff")
MEETING_PEOPLE = ORGANISER | only("partner", "other_signatory")
# A registration is read by its person, its organisation's people, its delegation's leader and
# the organiser.
OWNER_REGISTRATION = ORGANISER
SESSION = {
    "title": "Afternoon",
    "start_time": "14:00",
    "end_time": "16:00",
    "meeting_minutes": "30",
    "break_minutes": "10",
    "tables": "2",
    "hold_on_holidays": "on",
}


def session_form(w: World) -> dict[str, object]:
    return {**SESSION, "day": w.event.starts_on.isoformat()}


ROUTES += [
    Route("events:list", None, get=EVERYONE),
    Route("events:create", None, get=SIGNED_IN, open=True),
    Route(
        "events:create",
        "organisation",
        post=ACME,
        data=lambda w: {
            "organiser": w.acme.pk,
            "kind": "fair",
            "original_language": "en",
            "title": "Acme's second fair",
            "time_zone": "Asia/Tehran",
            "countries": "IR, CN",
            "starts_on": w.event.starts_on.isoformat(),
            "ends_on": w.event.ends_on.isoformat(),
            "request_mode": "opt_in",
            "scheduling_mode": "organiser",
            "request_expiry_hours": "72",
        },
    ),
    Route("events:manifest", None, get=EVERYONE, open=True),
    Route("events:service_worker", None, get=EVERYONE, open=True),
    Route(
        "events:calendar_feed",
        "registration",
        lambda w: {"token": w.owner_registration.calendar_token},
        get=EVERYONE,  # the secret address is the key
    ),
    Route(
        "events:calendar_feed",
        "unknown",
        lambda w: {"token": "not-a-token"},
        get=NOBODY,
    ),
    Route(
        "events:requests",
        "meeting_request",
        get=SIGNED_IN,
        secret=lambda w: "Guest Imports",
        sees=ACME,
    ),
    Route(
        "events:request",
        "meeting_request",
        pk("meeting_request"),
        get=ACME | ORGANISER,
    ),
    Route("events:request_accept", "meeting_request", pk("meeting_request"), post=ACME),
    Route("events:request_decline", "meeting_request", pk("meeting_request"), post=ACME),
    # The guest's request: Guest Imports' people withdraw it (none of them is an actor).
    Route("events:request_withdraw", "meeting_request", pk("meeting_request"), post=NOBODY),
    # Slots are picked only where participants schedule; the organiser schedules this event.
    Route(
        "events:request_pick_slot",
        "accepted_request",
        pk("accepted_request"),
        post=NOBODY,
        data=lambda w: {"slot": w.slot.pk},
    ),
    Route(
        "events:registration",
        "registration",
        pk("owner_registration"),
        get=OWNER_REGISTRATION,
        post=ACME,
        data=lambda w: {"sessions": [w.session.pk]},
    ),
    Route(
        "events:registration_reject",
        "registration",
        pk("partner_registration"),
        post=ORGANISER,
        data=lambda w: {"reason": "Full."},
    ),
    Route(
        "events:registration_approve",
        "registration",
        pk("pending_registration"),
        post=ORGANISER,
    ),
    Route("events:registration_cancel", "registration", pk("owner_registration"), post=ACME),
    Route("events:badge", "registration", pk("owner_registration"), get=OWNER_REGISTRATION),
    Route("events:agenda", "registration", pk("owner_registration"), get=OWNER_REGISTRATION),
    Route("events:delegation", "delegation", pk("delegation"), get=ORGANISER | only("leader")),
    Route(
        "events:delegation_invite",
        "delegation",
        pk("delegation"),
        post=ORGANISER | only("leader"),
        data=lambda w: {"member-registry_id": w.fairs.registry_id},
    ),
    Route(
        "events:delegation_invitation_withdraw",
        "delegation_invitation",
        pk("delegation"),
        post=ORGANISER | only("leader"),
        data=lambda w: {"invitation": w.delegation_invitation.pk},
    ),
    Route(
        "events:delegation_member_remove",
        "delegation",
        pk("delegation"),
        # The leader and the organiser; Guest Imports' managers too (none of them is an actor).
        post=ORGANISER | only("leader"),
        data=lambda w: {"organisation": w.guest_org.pk},
    ),
    Route(
        "events:delegation_register",
        "delegation",
        pk("delegation"),
        post=ORGANISER | only("leader"),
        data=lambda w: {
            "person-organisation": w.guest_org.pk,
            "person-person": w.guest_trainee.pk,
        },
    ),
    Route(
        "events:delegation_import",
        "delegation",
        pk("delegation"),
        post=ORGANISER | only("leader"),
        data=lambda w: {
            "file": SimpleUploadedFile(
                "people.csv",
                f"registry_id,email\n{w.guest_org.registry_id},{w.guest_trainee.email}".encode(),
            )
        },
    ),
    Route(
        "events:meeting_points",
        "event",
        pk("event"),
        post=ORGANISER,
        data=lambda w: {"names": "Hall A\nHall B"},
    ),
    Route("events:session_delete", "session", pk("empty_session"), post=ORGANISER),
    Route("events:meeting", "meeting", pk("meeting"), get=MEETING_PEOPLE),
    Route(
        "events:meeting_move",
        "meeting",
        pk("meeting"),
        post=ORGANISER,
        data=lambda w: {"slot": w.slot.pk, "table": "2"},
    ),
    Route(
        "events:meeting_priority",
        "meeting",
        pk("meeting"),
        post=ORGANISER,
        data=lambda w: {"priority": "3"},
    ),
    Route(
        "events:meeting_add_participant",
        "meeting",
        pk("meeting"),
        post=ORGANISER,
        data=lambda w: {"registration": w.guest_registration.pk},
    ),
    Route(
        "events:meeting_feedback",
        "meeting",
        pk("meeting"),
        post=ACME,
        data=lambda w: {"participant": w.participant.pk, "outcome": "deal", "notes": "Good."},
        changes=False,  # the meeting has not started: feedback waits (the refusal is the point)
    ),
    Route(
        "events:meeting_no_show",
        "meeting",
        pk("meeting"),
        post=ORGANISER,
        data=lambda w: {"participant": w.participant.pk, "no_show": "1"},
    ),
    Route(
        "events:meeting_ics",
        "meeting",
        pk("meeting"),
        get=ACME | only("partner", "other_signatory"),
    ),
    Route("events:detail", "event", pk("event"), get=EVERYONE),
    Route("events:detail", "draft_event", pk("draft_event"), get=ACME | STAFF),
    Route(
        "events:edit",
        "event",
        pk("event"),
        get=ORGANISER,
        post=ORGANISER,
        data=lambda w: {
            "organiser": w.acme.pk,
            "kind": "fair",
            "original_language": "en",
            "title": "Acme Pistachio Fair, renamed",
            "time_zone": "Asia/Tehran",
            "countries": "IR, CN",
            "starts_on": w.event.starts_on.isoformat(),
            "ends_on": w.event.ends_on.isoformat(),
            "request_mode": "opt_in",
            "scheduling_mode": "organiser",
            "request_expiry_hours": "72",
        },
    ),
    Route(
        "events:status",
        "event",
        pk("event"),
        post=ORGANISER,
        data=lambda w: {"status": "closed"},
    ),
    Route(
        "events:sessions",
        "session",
        pk("event"),
        get=ORGANISER,
        post=ORGANISER,
        data=session_form,
    ),
    Route("events:sessions", "draft_event", pk("draft_event"), get=ACME | STAFF),
    Route("events:register", "event", pk("event"), get=SIGNED_IN, open=True),
    Route(
        "events:register",
        "registration",
        pk("event"),
        # Registering Acme's plain member: only Acme's people (and the organiser) may.
        post=ACME,
        data=lambda w: {"organisation": w.acme.pk, "person": w.people["member"].pk},
    ),
    Route(
        "events:register",
        "other_event",
        pk("other_event"),
        # Another organiser registers Acme's member at its own event: Acme never consented.
        post=ACME,
        data=lambda w: {"organisation": w.acme.pk, "person": w.people["member"].pk},
    ),
    Route(
        "events:registrations",
        "registration",
        pk("event"),
        get=ORGANISER,
        secret=lambda w: "Guest Imports",
    ),
    Route("events:delegation_create", "event", pk("event"), get=SIGNED_IN, open=True),
    Route(
        "events:delegation_create",
        "delegation",
        pk("event"),
        post=ACME,
        data=lambda w: {"leader": w.acme.pk, "name": "Acme's delegation"},
    ),
    Route(
        "events:participants",
        "registration",
        pk("event"),
        # Approved participants and the organiser; others are sent back to the event's page.
        get=ORGANISER | only("partner", "other_signatory", "leader"),
        refuses_by_redirect=True,
    ),
    # A fragment: suggestions for the viewer's own approved registration, empty for others.
    Route("events:suggestions", "registration", pk("event"), get=SIGNED_IN),
    Route(
        "events:request_create",
        "meeting_request",
        lambda w: {"pk": w.event.pk, "registration_pk": w.guest_registration.pk},
        get=only("owner", "member", "partner", "other_signatory", "leader"),
        post=only("owner", "member"),
        data=lambda w: {
            "sender": w.owner_registration.pk,
            "reason": "Let us talk.",
            "language": "en",
        },
    ),
    Route("events:schedule", "schedule_run", pk("event"), get=ORGANISER),
    Route(
        "events:schedule_run",
        "schedule_run",
        pk("event"),
        post=ORGANISER,
        data=lambda w: {"time_limit": "1"},
    ),
    Route("events:schedule_progress", "schedule_run", pk("event"), get=ORGANISER),
    Route("events:schedule_export", "schedule_run", pk("event"), get=ORGANISER),
    Route("events:schedule_publish", "schedule_run", pk("event"), post=ORGANISER, changes=False),
    Route("events:table_plan", "meeting", pk("event"), get=ORGANISER),
    Route(
        "events:check_in",
        "check_in",
        pk("event"),
        get=ORGANISER,
        post=ORGANISER,
        data=lambda w: {"code": w.partner_registration.badge_code},
        at=lambda w: datetime.datetime.combine(
            w.event.starts_on, datetime.time(12), tzinfo=datetime.UTC
        ),
    ),
]

# --- agreements ---------------------------------------------------------------------------------
# Acme and Partner Co are the parties; the center's staff may read every agreement.
AGREEMENT_READERS = PARTIES | STAFF


def comment_form(w: World) -> dict[str, object]:
    return {"body": "One more remark.", "proposal_en": ""}


def revision(w: World) -> dict[str, object]:
    return {
        "title_en": "Memorandum, revised",
        "text_en": "A revised text.",
        "note": "Shorter.",
        "void_signatures": "on",
    }


ROUTES += [
    Route(
        "agreements:list",
        "draft_agreement",
        get=SIGNED_IN,
        secret=lambda w: w.draft_agreement.code,
        sees=AGREEMENT_READERS,
    ),
    Route("agreements:create", None, get=SIGNED_IN, open=True),
    Route(
        "agreements:create",
        "draft_agreement",
        post=ACME,
        data=lambda w: {
            "initiator": w.acme.pk,
            "partners": [w.partner_co.pk],
            "template": w.draft_agreement.template_id,
            "languages": ["en"],
            "prevailing_language": "en",
            "place": "Tehran",
        },
    ),
    Route("agreements:verify", None, get=EVERYONE, open=True),
    Route("agreements:root_certificate", None, get=EVERYONE, open=True),
    Route("agreements:verify_code", "signed_agreement", code("signed_agreement"), get=EVERYONE),
    *[
        route
        for state in AGREEMENT_STATES
        for route in (
            Route("agreements:detail", state, code(state), get=AGREEMENT_READERS),
            Route("agreements:progress", state, code(state), get=AGREEMENT_READERS),
            Route("agreements:diff", state, code(state), get=AGREEMENT_READERS),
            Route("agreements:preview", state, code(state), get=AGREEMENT_READERS),
            Route(
                "agreements:comment",
                state,
                code(state),
                post=PARTIES if state in {"draft_agreement", "signing_agreement"} else NOBODY,
                data=comment_form,
            ),
        )
    ],
    Route(
        "agreements:edit",
        "draft_agreement",
        code("draft_agreement"),
        # Any party's people work on a draft together.
        get=PARTIES,
        post=PARTIES,
        data=revision,
    ),
    Route(
        "agreements:edit",
        "signing_agreement",
        code("signing_agreement"),
        # Editing the locked text voids the signatures: only the parties' managers may.
        get=PARTY_MANAGERS,
        post=PARTY_MANAGERS,
        data=revision,
    ),
    *[
        Route(
            f"agreements:{name}",
            "comment",
            lambda w: {"code": w.draft_agreement.code, "pk": w.comment.pk},
            # Partner Co's owner proposed it; any other party member decides.
            post=PARTIES - {"partner"},
        )
        for name in ("accept_proposal", "decline_proposal")
    ],
    Route(
        "agreements:add_signatory",
        "signatory",
        code("draft_agreement"),
        post=only("partner"),
        data=lambda w: {
            "person": f"{w.draft_agreement.parties.get(organisation=w.partner_co).pk}:"
            f"{w.people['other_signatory'].pk}"
        },
    ),
    Route(
        "agreements:withdraw_signatory",
        "signatory",
        lambda w: {"code": w.signing_agreement.code, "pk": w.acme_signatory.pk},
        post=only("owner"),
    ),
    Route("agreements:send", "draft_agreement", code("draft_agreement"), post=NOBODY),
    Route("agreements:cancel", "draft_agreement", code("draft_agreement"), post=PARTY_MANAGERS),
    Route("agreements:cancel", "signing_agreement", code("signing_agreement"), post=PARTY_MANAGERS),
    Route(
        "agreements:ceremony",
        "signing_agreement",
        code("signing_agreement"),
        get=AGREEMENT_READERS,
        post=PARTY_MANAGERS,
        data=lambda w: {"starts_at": "", "room_url": "https://meet.example/acme"},
    ),
    Route(
        "agreements:sign",
        "signing_agreement",
        code("signing_agreement"),
        get=only("other_signatory"),
    ),
    Route(
        "agreements:request_code",
        "signing_code",
        code("signing_agreement"),
        post=only("other_signatory"),
    ),
    # A ceremony's programme lists only the agreements each reader may read.
    Route("agreements:event_programme", "event", pk("event"), get=SIGNED_IN),
    Route("agreements:pdf", "sealed_pdf", code("signed_agreement"), get=AGREEMENT_READERS),
    Route("agreements:pdf", "signing_agreement", code("signing_agreement"), get=NOBODY),
]

# --- knowledge -------------------------------------------------------------------------------
# Questions are public; Acme's owner asked "question", Partner Co's owner answered it.
ROUTES += [
    Route("knowledge:list", None, get=EVERYONE),
    Route("knowledge:ask", None, get=SIGNED_IN, open=True),
    Route("knowledge:moderation", None, get=STAFF),
    Route(
        "knowledge:experts",
        None,
        get=STAFF,
        post=STAFF,
        data=lambda w: {"email": "partner@world.example", "field": "Payments"},
    ),
    Route("knowledge:detail", "question", pk("question"), get=EVERYONE),
    Route(
        "knowledge:edit",
        "question",
        pk("question"),
        get=only("owner"),
        post=only("owner"),
        data=lambda w: {
            "kind": "question",
            "category": "payments",
            "language": "en",
            "title": "How do we pay a supplier in Guangzhou, today?",
            "body": "Banks refuse direct transfers; which channels do other members use?",
            "tags": "payments",
        },
    ),
    Route(
        "knowledge:accept",
        "answer",
        lambda w: {"pk": w.question.pk, "answer_pk": w.answer.pk},
        post=only("owner"),
    ),
    Route(
        "knowledge:hide",
        "answer",
        pk("question"),
        post=STAFF,
        data=lambda w: {"reason": "Spam.", "answer": w.answer.pk},
    ),
    Route(
        "knowledge:restore",
        "question",
        pk("question"),
        post=STAFF,
        data=lambda w: {"reason": "Fine.", "answer": w.answer.pk},
        changes=False,  # nothing is hidden
    ),
    # Anyone signed in answers, comments, votes and reports: the write is their own.
    Route(
        "knowledge:answer",
        "question",
        pk("question"),
        post=SIGNED_IN,
        data=lambda w: {"language": "en", "body": "Another way: barter through Dubai."},
    ),
    Route(
        "knowledge:comment",
        "question",
        pk("question"),
        post=SIGNED_IN,
        data=lambda w: {"body": "Thanks."},
    ),
    Route(
        "knowledge:vote",
        "answer",
        pk("question"),
        post=SIGNED_IN - {"partner"},
        data=lambda w: {"value": "1", "answer": w.answer.pk},
    ),
    Route(
        "knowledge:report",
        "answer",
        pk("question"),
        post=SIGNED_IN,
        data=lambda w: {"reason": "Off topic.", "answer": w.answer.pk},
    ),
]

# --- industrial parks ---------------------------------------------------------------------------
# Acme's owner manages the park; Partner Co's owner sent "inquiry" about "unit".
PARK_MANAGERS = only("owner")
INQUIRY_READERS = PARK_MANAGERS | only("partner", "other_signatory")
UNIT_FORM = {
    "kind": "factory",
    "reference": "S-14",
    "status": "available",
    "area_m2": "1500",
    "currency": "USD",
    "description_text": "Another shed",
}

ROUTES += [
    Route("parks:list", None, get=EVERYONE),
    Route("parks:map", None, get=EVERYONE),
    Route("parks:detail", "park", pk("park"), get=EVERYONE),
    Route(
        "parks:inquiries",
        "inquiry",
        get=SIGNED_IN,
        secret=lambda w: "A shed for packaging",
        sees=INQUIRY_READERS,
    ),
    Route(
        "parks:inquiry",
        "inquiry",
        pk("inquiry"),
        get=INQUIRY_READERS,
        post=INQUIRY_READERS,
        data=lambda w: {"body": "Yes, from March."},
    ),
    Route(
        "parks:edit",
        "park",
        lambda w: {"organisation_pk": w.park_org.pk},
        get=PARK_MANAGERS,
        post=PARK_MANAGERS,
        data=lambda w: {
            "latitude": "25.3",
            "longitude": "60.6",
            "total_land_ha": "1400",
            "available_land_ha": "200",
            "utilities": ["power"],
            "incentives": "Tax holiday",
            "sectors": "10",
            "contact_email": "invest@park.example",
        },
    ),
    Route(
        "parks:unit_create",
        "unit",
        pk("park"),
        get=PARK_MANAGERS,
        post=PARK_MANAGERS,
        data=lambda w: UNIT_FORM,
    ),
    Route(
        "parks:unit_edit",
        "unit",
        lambda w: {"pk": w.park.pk, "unit_pk": w.unit.pk},
        get=PARK_MANAGERS,
        post=PARK_MANAGERS,
        data=lambda w: {**UNIT_FORM, "reference": "S-12"},
    ),
    Route(
        "parks:inquire",
        "inquiry",
        pk("park"),
        # Inquiring on behalf of Partner Co: only its people may.
        post=only("partner", "other_signatory"),
        data=lambda w: {
            "organisation": w.partner_co.pk,
            "subject": "Another question",
            "body": "Is there water?",
        },
    ),
]

# --- insights: the center's dashboard (staff), public statistics --------------------------------
ROUTES += [
    Route("insights:dashboard", None, get=STAFF),
    Route("insights:dashboard_workbook", None, get=STAFF),
    Route(
        "insights:chart_export",
        "dashboard_export",
        lambda w: {"key": "agreements-signed-by-month", "fmt": "csv"},
        get=STAFF,
    ),
    Route(
        "insights:figures",
        None,
        get=STAFF,
        post=STAFF,
        data=lambda w: {
            "key": "events",
            "value": "3",
            "period": "2026",
            "source": "Karvan",
            "position": "2",
            "label_en": "Events",
        },
    ),
    Route("insights:figure_edit", "figure", pk("figure"), get=STAFF),
    Route("insights:statistics", None, get=EVERYONE),
    Route("insights:trade", None, get=EVERYONE),
]

# --- the JSON API (token authentication; anonymous sends no token) ----------------------------


def opportunity_in(w: World) -> dict[str, object]:
    return {
        "organisation_id": w.acme.pk,
        "side": "offer",
        "kind": "product",
        "language": "en",
        "title": "API pistachio offer",
        "description": "Naturally opened Akbari pistachios, moisture under five percent, packed in "
        "25 kg bags, 500 tonnes a year.",
        "hs_codes": ["0802"],
        "sectors": ["10"],
    }


def quotation_in(w: World) -> dict[str, object]:
    return {
        "organisation_id": w.partner_co.pk,
        "unit_price": "9.20",
        "currency": "USD",
        "quantity": "40",
        "lead_time_days": 20,
    }


def opportunity_id(name: str) -> Callable[[World], dict[str, object]]:
    return pk(name, "opportunity_id")


ROUTES += [
    # Screening cases: the center's compliance officers only (the world's staff hold the role).
    api("GET", "/compliance/cases", None, allowed=STAFF, secret=lambda w: "Guest Imports"),
    api("GET", "/compliance/decisions", None, allowed=STAFF),
    api(
        "GET",
        "/compliance/cases/{case_id}",
        "case",
        kwargs=pk("case", "case_id"),
        allowed=STAFF,
        secret=lambda w: "Guest Imports",
    ),
    api(
        "POST",
        "/compliance/cases/{case_id}/review",
        "case",
        kwargs=pk("case", "case_id"),
        allowed=STAFF,
    ),
    api(
        "POST",
        "/compliance/cases/{case_id}/decision",
        "case",
        kwargs=pk("case", "case_id"),
        allowed=STAFF,
        data=lambda w: {"decision": "cleared", "comment": "Another company of the same name."},
    ),
    api("GET", "/organisations", None, allowed=EVERYONE),
    api(
        "GET",
        "/organisations/{organisation_id}",
        "organisation",
        kwargs=pk("acme", "organisation_id"),
        allowed=EVERYONE,
    ),
    api(
        "PATCH",
        "/organisations/{organisation_id}",
        "organisation",
        kwargs=pk("acme", "organisation_id"),
        allowed=ACME_MANAGERS,
        data=lambda w: {"description": {"en": "We pack pistachios."}},
    ),
    api(
        "GET",
        "/organisations/{organisation_id}/recommendations",
        "organisation",
        kwargs=pk("acme", "organisation_id"),
        allowed=EVERYONE,
    ),
    api(
        "GET",
        "/opportunities",
        "draft",
        allowed=EVERYONE,
        secret=lambda w: "Draft pistachio offer",
        sees=NOBODY,
    ),
    api("POST", "/opportunities", "organisation", allowed=ACME, data=opportunity_in),
    *[
        api(
            "GET",
            "/opportunities/{opportunity_id}",
            state,
            kwargs=opportunity_id(state),
            allowed=OPPORTUNITY_READERS[state],
        )
        for state in OPPORTUNITY_STATES
    ],
    *[
        api(
            "PATCH",
            "/opportunities/{opportunity_id}",
            state,
            kwargs=opportunity_id(state),
            allowed=ACME_MANAGERS,
            data=lambda w: {"title": "Patched pistachio offer"},
        )
        for state in ("draft", "published")
    ],
    api(
        "POST",
        "/opportunities/{opportunity_id}/publish",
        "draft",
        kwargs=opportunity_id("draft"),
        allowed=ACME_MANAGERS,
    ),
    api(
        "POST",
        "/opportunities/{opportunity_id}/renew",
        "published",
        kwargs=opportunity_id("published"),
        allowed=ACME_MANAGERS,
        data=lambda w: {"days": 30},
    ),
    api(
        "POST",
        "/opportunities/{opportunity_id}/close",
        "published",
        kwargs=opportunity_id("published"),
        allowed=ACME_MANAGERS,
    ),
    # The clarity advice is for whoever may edit it, and staff who review it.
    api(
        "GET",
        "/opportunities/{opportunity_id}/quality",
        "draft",
        kwargs=opportunity_id("draft"),
        allowed=ACME_MANAGERS | STAFF,
    ),
    api(
        "GET",
        "/opportunities/{opportunity_id}/recommendations",
        "draft",
        kwargs=opportunity_id("draft"),
        allowed=ACME | STAFF,
    ),
    api(
        "POST",
        "/opportunities/{opportunity_id}/interests",
        "rfq",
        kwargs=opportunity_id("rfq"),
        allowed=only("partner", "other_signatory"),
        data=lambda w: {"organisation_id": w.partner_co.pk, "message": "Yes.", "language": "en"},
    ),
    api(
        "GET",
        "/opportunities/{opportunity_id}/quotations",
        "quotation",
        kwargs=opportunity_id("rfq"),
        allowed=SIGNED_IN,
        secret=lambda w: "30% in advance",
        sees=ACME | only("partner", "other_signatory"),
    ),
    api(
        "POST",
        "/opportunities/{opportunity_id}/quotations",
        "quotation",
        kwargs=opportunity_id("rfq"),
        allowed=only("partner", "other_signatory"),
        data=quotation_in,
    ),
    api(
        "GET",
        "/interests",
        "interest",
        allowed=SIGNED_IN,
        secret=lambda w: "two containers a month",
        sees=ACME | only("partner", "other_signatory"),
    ),
    api(
        "GET",
        "/interests/{interest_id}",
        "interest",
        kwargs=pk("interest", "interest_id"),
        allowed=ACME | only("partner", "other_signatory", "staff"),
    ),
    api(
        "POST",
        "/interests/{interest_id}/messages",
        "interest",
        kwargs=pk("interest", "interest_id"),
        allowed=ACME | only("partner", "other_signatory"),
        data=lambda w: {"body": "Fine.", "language": "en"},
    ),
    api(
        "POST",
        "/interests/{interest_id}/accept",
        "interest",
        kwargs=pk("interest", "interest_id"),
        allowed=ACME_MANAGERS,
    ),
    api(
        "POST",
        "/interests/{interest_id}/decline",
        "interest",
        kwargs=pk("interest", "interest_id"),
        allowed=ACME_MANAGERS,
    ),
    api(
        "GET",
        "/search",
        "draft",
        allowed=EVERYONE,
        query="?q=pistachio",
        secret=lambda w: "Draft pistachio offer",
        sees=NOBODY,
    ),
    api("GET", "/me", None, allowed=SIGNED_IN),
    api(
        "GET",
        "/events",
        "draft_event",
        allowed=EVERYONE,
        secret=lambda w: "Acme draft fair",
        sees=ACME | STAFF,
    ),
    api("GET", "/events/{event_id}", "event", kwargs=pk("event", "event_id"), allowed=EVERYONE),
    api(
        "GET",
        "/events/{event_id}",
        "draft_event",
        kwargs=pk("draft_event", "event_id"),
        allowed=ACME | STAFF,
    ),
    api(
        "GET",
        "/events/{event_id}/participants",
        "registration",
        kwargs=pk("event", "event_id"),
        allowed=ORGANISER | only("partner", "other_signatory", "leader"),
    ),
    api(
        "POST",
        "/events/{event_id}/registrations",
        "registration",
        kwargs=pk("event", "event_id"),
        allowed=ACME,
        data=lambda w: {"organisation_id": w.acme.pk, "person_id": w.people["member"].pk},
    ),
    api(
        "POST",
        "/events/{event_id}/registrations",
        "other_event",
        kwargs=pk("other_event", "event_id"),
        allowed=ACME,
        data=lambda w: {"organisation_id": w.acme.pk, "person_id": w.people["member"].pk},
    ),
    api(
        "GET",
        "/me/registrations",
        "registration",
        allowed=SIGNED_IN,
        secret=lambda w: w.owner_registration.badge_code,
        sees=NOBODY,
    ),
    api(
        "GET",
        "/meeting-requests",
        "meeting_request",
        allowed=SIGNED_IN,
        secret=lambda w: "Pistachio import",
        sees=ACME | STAFF,
    ),
    api(
        "POST",
        "/meeting-requests",
        "meeting_request",
        allowed=ACME,
        data=lambda w: {
            "sender_id": w.owner_registration.pk,
            "recipient_id": w.leader_registration.pk,
            "reason": "Let us meet.",
        },
    ),
    api(
        "GET",
        "/meeting-requests/{request_id}",
        "meeting_request",
        kwargs=pk("meeting_request", "request_id"),
        allowed=ACME | ORGANISER,
    ),
    api(
        "POST",
        "/meeting-requests/{request_id}/accept",
        "meeting_request",
        kwargs=pk("meeting_request", "request_id"),
        allowed=ACME,
        data=lambda w: {},
    ),
    api(
        "POST",
        "/meeting-requests/{request_id}/decline",
        "meeting_request",
        kwargs=pk("meeting_request", "request_id"),
        allowed=ACME,
    ),
    api(
        "POST",
        "/meeting-requests/{request_id}/withdraw",
        "meeting_request",
        kwargs=pk("meeting_request", "request_id"),
        allowed=NOBODY,
    ),
    api(
        "GET",
        "/meetings",
        "meeting",
        allowed=SIGNED_IN,
        secret=lambda w: f'"id": {w.meeting.pk}, "event_id"',
        sees=MEETING_PEOPLE,
    ),
    api(
        "GET",
        "/meetings/{meeting_id}",
        "meeting",
        kwargs=pk("meeting", "meeting_id"),
        allowed=MEETING_PEOPLE,
    ),
    api(
        "POST",
        "/meetings/{meeting_id}/feedback",
        "meeting",
        kwargs=pk("meeting", "meeting_id"),
        allowed=NOBODY,  # the meeting has not started
        data=lambda w: {"registration_id": w.owner_registration.pk, "outcome": "deal"},
    ),
    api("GET", "/agreements/templates", None, allowed=SIGNED_IN),
    api(
        "GET",
        "/agreements",
        "draft_agreement",
        allowed=SIGNED_IN,
        secret=lambda w: w.draft_agreement.code,
        sees=AGREEMENT_READERS,
    ),
    api(
        "POST",
        "/agreements",
        "draft_agreement",
        allowed=ACME,
        data=lambda w: {
            "organisation_id": w.acme.pk,
            "partner_ids": [w.partner_co.pk],
            "template": "mou",
            "languages": ["en"],
            "prevailing_language": "en",
            "values": {"place": {"en": "Tehran"}, "effective_date": "2027-01-01", "term": 3},
        },
    ),
    *[
        api("GET", "/agreements/{code}", state, kwargs=code(state), allowed=AGREEMENT_READERS)
        for state in AGREEMENT_STATES
    ],
    api(
        "POST",
        "/agreements/{code}/signing-code",
        "signing_code",
        kwargs=code("signing_agreement"),
        allowed=only("other_signatory"),
    ),
    api(
        "POST",
        "/agreements/{code}/sign",
        "signing_code",
        kwargs=code("signing_agreement"),
        allowed=NOBODY,  # a wrong code signs nothing, whoever sends it
        data=lambda w: {
            "code": "000000",
            "typed_name": "Other Signatory",
            "document_sha256": "0" * 64,
        },
    ),
    api("GET", "/questions", None, allowed=EVERYONE),
    api(
        "POST",
        "/questions",
        "question",
        allowed=SIGNED_IN,
        data=lambda w: {
            "category": "payments",
            "language": "en",
            "title": "Letters of credit?",
            "body": "Which banks open letters of credit for Chinese suppliers?",
        },
    ),
    api(
        "GET",
        "/questions/{question_id}",
        "question",
        kwargs=pk("question", "question_id"),
        allowed=EVERYONE,
    ),
    api(
        "POST",
        "/questions/{question_id}/answers",
        "question",
        kwargs=pk("question", "question_id"),
        allowed=SIGNED_IN,
        data=lambda w: {"language": "en", "body": "Through Dubai."},
    ),
    api(
        "POST",
        "/questions/{question_id}/comments",
        "question",
        kwargs=pk("question", "question_id"),
        allowed=SIGNED_IN,
        data=lambda w: {"language": "en", "body": "Thanks."},
    ),
    api(
        "POST",
        "/questions/{question_id}/vote",
        "answer",
        kwargs=pk("question", "question_id"),
        allowed=SIGNED_IN - {"partner"},
        data=lambda w: {"value": 1, "answer_id": w.answer.pk},
    ),
    api(
        "POST",
        "/questions/{question_id}/accept",
        "answer",
        kwargs=pk("question", "question_id"),
        allowed=only("owner"),
        data=lambda w: {"answer_id": w.answer.pk},
    ),
    api("GET", "/parks", None, allowed=EVERYONE),
    api(
        "GET",
        "/parks/inquiries",
        "inquiry",
        allowed=SIGNED_IN,
        secret=lambda w: "A shed for packaging",
        sees=INQUIRY_READERS,
    ),
    api(
        "GET",
        "/parks/inquiries/{inquiry_id}",
        "inquiry",
        kwargs=pk("inquiry", "inquiry_id"),
        allowed=INQUIRY_READERS,
    ),
    api(
        "POST",
        "/parks/inquiries/{inquiry_id}/messages",
        "inquiry",
        kwargs=pk("inquiry", "inquiry_id"),
        allowed=INQUIRY_READERS,
        data=lambda w: {"body": "From March."},
    ),
    api("GET", "/parks/{park_id}", "park", kwargs=pk("park", "park_id"), allowed=EVERYONE),
    api("GET", "/parks/{park_id}/units", "unit", kwargs=pk("park", "park_id"), allowed=EVERYONE),
    api(
        "POST",
        "/parks/{park_id}/inquiries",
        "inquiry",
        kwargs=pk("park", "park_id"),
        allowed=only("partner", "other_signatory"),
        data=lambda w: {
            "organisation_id": w.partner_co.pk,
            "subject": "Water?",
            "body": "Is there?",
        },
    ),
    api(
        "POST",
        "/parks/{park_id}/inquiries",
        "draft",
        kwargs=pk("park", "park_id"),
        # An inquiry about a draft listing of the park's organisation would leak its title.
        allowed=NOBODY,
        data=lambda w: {
            "organisation_id": w.partner_co.pk,
            "subject": "Water?",
            "body": "Is there?",
            "opportunity_id": w.park_draft.pk,
        },
    ),
    api("GET", "/units", None, allowed=EVERYONE),
    api("GET", "/statistics/figures", None, allowed=EVERYONE),
    api("GET", "/statistics/trade", None, allowed=EVERYONE),
]

# --- machine translation: a text is translated for whoever may read it, and nobody else --------
# Without a translation server (as here) an allowed request answers without a change.


def translation(kind: str, name: str, of: Callable[[object], object] = lambda o: o) -> Callable:
    return lambda w: {"kind": kind, "pk": of(getattr(w, name)).pk}


ROUTES += [
    *[
        Route(
            "translations:translate",
            state,
            translation("opportunity", state),
            get=OPPORTUNITY_READERS[state],
            post=OPPORTUNITY_READERS[state],
            changes=False,
        )
        for state in OPPORTUNITY_STATES
    ],
    Route(
        "translations:translate",
        "quotation",
        translation("quotation", "quotation"),
        get=ACME | only("partner", "other_signatory"),
        post=ACME | only("partner", "other_signatory"),
        changes=False,
    ),
    Route(
        "translations:translate",
        "interest",
        translation("interest-message", "interest", lambda o: o.messages.first()),
        get=ACME | only("partner", "other_signatory", "staff"),
        post=ACME | only("partner", "other_signatory", "staff"),
        changes=False,
    ),
    Route(
        "translations:translate",
        "question",
        translation("question", "question"),
        get=EVERYONE,
        post=EVERYONE,
        changes=False,
    ),
    Route(
        "translations:translate",
        "answer",
        translation("answer", "answer"),
        get=EVERYONE,
        post=EVERYONE,
        changes=False,
    ),
    Route(
        "translations:translate",
        "comment",
        translation("agreement-comment", "comment"),
        get=AGREEMENT_READERS,
        post=AGREEMENT_READERS,
        changes=False,
    ),
]
