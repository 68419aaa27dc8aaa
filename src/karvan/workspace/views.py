"""The home page: the center's front page for visitors, the member's workspace after log-in."""

from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from karvan.accounts.models import User
from karvan.agreements.selectors import list_agreements_to_sign
from karvan.directory.selectors import (
    count_organisations_by_country,
    is_profile_complete,
    list_memberships_of,
    list_organisations,
)
from karvan.events.selectors import (
    list_invitations_to_answer,
    list_next_meetings,
    list_requests_to_answer,
    list_upcoming_registrations,
)
from karvan.notifications.selectors import list_notifications
from karvan.opportunities.matching.recommendations import recommend_confident_partners
from karvan.opportunities.selectors import (
    has_published_listing,
    list_interests_to_answer,
    list_quotations_to_compare,
)


def home(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):  # signed in (an anonymous visitor is an AnonymousUser)
        return dashboard(request, viewer=request.user)
    organisations = list_organisations(viewer=request.user, verified_only=True)
    return render(
        request,
        "workspace/home.html",
        {
            "recent": organisations.order_by("-verified_at")[:6],
            "by_country": count_organisations_by_country(viewer=request.user),
            "corridor": settings.KARVAN_CORRIDOR,
            "my_memberships": list_memberships_of(viewer=request.user),
        },
    )


DASHBOARD_ROWS = 5


def dashboard(request: HttpRequest, *, viewer: User) -> HttpResponse:
    """The member's workspace: what waits for them, what is next, partners, first steps."""
    memberships = list(list_memberships_of(viewer=viewer))
    waiting = {
        "requests": list_requests_to_answer(viewer=viewer),
        "interests": list_interests_to_answer(viewer=viewer),
        "quotations": list_quotations_to_compare(viewer=viewer),
        "invitations": list_invitations_to_answer(viewer=viewer),
        "notifications": list_notifications(viewer=viewer, unread_only=True),
    }
    counts = {name: rows.count() for name, rows in waiting.items()}
    agreements = list_agreements_to_sign(viewer=viewer)
    counts["agreements"] = len(agreements)
    shown: dict[str, Iterable[object]] = {
        name: rows[:DASHBOARD_ROWS] for name, rows in waiting.items()
    }
    shown["agreements"] = agreements[:DASHBOARD_ROWS]
    meetings = list_next_meetings(viewer=viewer)
    registrations = list_upcoming_registrations(viewer=viewer)
    first = memberships[0].organisation if memberships else None
    steps = [
        (_("Register your organisation"), bool(memberships), reverse("directory:create")),
        (
            _("Complete its profile: description, products and sectors"),
            first is not None and is_profile_complete(first),
            reverse("directory:edit", args=[first.pk]) if first else "",
        ),
        (
            _("Publish a first listing"),
            has_published_listing(viewer=viewer),
            reverse("opportunities:create") if first else "",
        ),
    ]
    return render(
        request,
        "workspace/dashboard.html",
        {
            "counts": counts,
            "shown": shown,
            "waiting_total": sum(counts.values()),
            "meetings": meetings[:DASHBOARD_ROWS],
            "meeting_count": meetings.count(),
            "registrations": registrations[:DASHBOARD_ROWS],
            "registration_count": registrations.count(),
            "partners": [
                (
                    membership.organisation,
                    recommend_confident_partners(
                        viewer=viewer, organisation=membership.organisation
                    ),
                )
                for membership in memberships[:2]
            ],
            "steps": steps if not all(done for _label, done, _url in steps) else [],
            "memberships": memberships,
        },
    )
