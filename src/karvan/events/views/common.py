"""What the event pages share: the viewer's language and organisations, and objects looked up
as the viewer may see them (404 otherwise)."""

from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.accounts.models import User
from karvan.core.text import localize
from karvan.directory.memberships import memberships_of, people_of
from karvan.directory.models import Organisation
from karvan.events.models import (
    Event,
    Meeting,
    Registration,
)
from karvan.events.permissions import (
    is_organiser,
)
from karvan.events.selectors import (
    get_event,
    get_meeting,
    get_registration,
)

UNPLACED_REASONS = {
    "no_common_slot": gettext_lazy("The participants have no session in common."),
    "participants_busy": gettext_lazy("The participants are busy in every slot they share."),
    "tables_full": gettext_lazy("Every table is taken in the slots the participants share."),
    "invalid": gettext_lazy("The meeting lacks a second participant."),
}


def current_language() -> str:
    return translation.get_language() or "en"


def organisation_name(organisation: Organisation) -> str:
    return localize(organisation.name, current_language(), original=organisation.original_language)[
        0
    ]


def my_organisations(user: User) -> list[tuple[int, str]]:
    memberships = memberships_of(user)
    return [(m.organisation_id, organisation_name(m.organisation)) for m in memberships]


def posted_pk(request: HttpRequest, name: str) -> int:
    """A posted id (hidden field): a plain decimal number of at most 18 digits; anything else
    (`²`, `1:2`, `abc`, a huge number) names no object, so 404."""
    value = request.POST.get(name, "")
    if not (value.isascii() and value.isdecimal() and len(value) <= 18):
        raise Http404
    return int(value)


def visible_event(request: HttpRequest, pk: int) -> Event:
    try:
        return get_event(viewer=request.user, pk=pk)
    except Event.DoesNotExist as error:
        raise Http404 from error


def organised_event(request: AuthenticatedHttpRequest, pk: int) -> Event:
    event = visible_event(request, pk)
    if not is_organiser(request.user, event):
        raise Http404
    return event


def visible_registration(request: AuthenticatedHttpRequest, pk: int) -> Registration:
    try:
        return get_registration(viewer=request.user, pk=pk)
    except Registration.DoesNotExist as error:
        raise Http404 from error


def visible_meeting(request: AuthenticatedHttpRequest, pk: int) -> Meeting:
    try:
        return get_meeting(viewer=request.user, pk=pk)
    except Meeting.DoesNotExist as error:
        raise Http404 from error


def people_choices(organisation_ids: list[int]) -> list[tuple[int, str]]:
    """The people of some organisations, each once, as form choices."""
    return [(person.pk, person.display_name) for person in people_of(organisation_ids)]
