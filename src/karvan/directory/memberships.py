"""Who belongs to which organisation, with which role: the one owner of that question.

Every app asks here instead of querying `Membership` itself, so "a member", "a manager" and "a
signatory" mean the same thing on every page, in the API, in commands and in tasks. A person's
roles are read once per user object (one query per request, not one per check); the directory's
services that change a membership call `forget` so the same object never answers from before.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from karvan.accounts.http import Viewer
from karvan.accounts.models import User
from karvan.directory.models import Membership

Role = Membership.Role
MANAGER_ROLES: tuple[str, ...] = (Role.OWNER, Role.ADMIN)
SIGNING_ROLES: tuple[str, ...] = (Role.OWNER, Role.SIGNATORY)

_CACHE_ATTRIBUTE = "_karvan_roles_by_organisation"


def roles_of(user: Viewer) -> dict[int, str]:
    """{organisation id: role} for every organisation the person belongs to; {} when anonymous."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return {}
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget(user: Viewer) -> None:
    """Drop what `roles_of` remembered about this user object (after a membership changed)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def role_in(user: Viewer, organisation_id: int | None) -> str | None:
    """The person's role in one organisation, or None when they do not belong to it."""
    if organisation_id is None:
        return None
    return roles_of(user).get(organisation_id)


def organisation_ids_of(user: Viewer, *, roles: Iterable[str] | None = None) -> set[int]:
    """Ids of the person's organisations, optionally only those where they hold one of `roles`."""
    wanted = None if roles is None else set(roles)
    return {pk for pk, role in roles_of(user).items() if wanted is None or role in wanted}


def is_member(
    user: Viewer, organisation_id: int | None, *, roles: Iterable[str] | None = None
) -> bool:
    role = role_in(user, organisation_id)
    return role is not None and (roles is None or role in set(roles))


def manages(user: Viewer, organisation_id: int | None) -> bool:
    """Owners and administrators manage an organisation on its behalf."""
    return is_member(user, organisation_id, roles=MANAGER_ROLES)


def may_sign_for(user: Viewer, organisation_id: int | None) -> bool:
    """Owners and authorised signatories sign for an organisation."""
    return is_member(user, organisation_id, roles=SIGNING_ROLES)


def memberships_of(user: Viewer) -> QuerySet[Membership]:
    """The person's memberships with their organisations, for pages that list them."""
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation")


def members_of(
    organisation_id: int | Iterable[int], *, roles: Iterable[str] | None = None
) -> QuerySet[Membership]:
    """Memberships of one organisation (or several), with their people, e.g. to notify them."""
    if isinstance(organisation_id, int):
        rows = Membership.objects.filter(organisation_id=organisation_id)
    else:
        rows = Membership.objects.filter(organisation_id__in=list(organisation_id))
    if roles is not None:
        rows = rows.filter(role__in=list(roles))
    return rows.select_related("user", "organisation").order_by("organisation_id", "role", "pk")


def organisation_ids_by_person(user_ids: Iterable[int]) -> dict[int, set[int]]:
    """{user id: ids of their organisations} for many people at once (one query), for reports."""
    found: dict[int, set[int]] = {user_id: set() for user_id in user_ids}
    for user_id, organisation_id in Membership.objects.filter(user_id__in=list(found)).values_list(
        "user_id", "organisation_id"
    ):
        found[user_id].add(organisation_id)
    return found


def people_of(
    organisation_id: int | Iterable[int], *, roles: Iterable[str] | None = None
) -> list[User]:
    """The people of one organisation (or several), each once, optionally only some roles."""
    seen: dict[int, User] = {}
    for membership in members_of(organisation_id, roles=roles):
        seen.setdefault(membership.user_id, membership.user)
    return list(seen.values())
