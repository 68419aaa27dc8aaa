"""Rows to engine records: list entries to `ListEntity`, organisations and people to `Query`."""

import threading

from karvan.accounts.models import User
from karvan.compliance.engine import ListEntity, Query, ScreeningIndex
from karvan.compliance.models import ListEntry, ListVersion
from karvan.directory.models import Organisation


def entry_entity(entry: ListEntry) -> ListEntity:
    return ListEntity(
        id=str(entry.pk),
        schema=entry.schema,
        names=tuple(entry.names),
        countries=tuple(entry.countries),
        birth_dates=tuple(entry.birth_dates),
        identifiers=tuple(entry.identifiers),
    )


def organisation_query(organisation: Organisation) -> Query:
    """Every language's version of the name, the country and the registry id."""
    names = [organisation.name.get(organisation.original_language, "")]
    names += [value for value in organisation.name.values() if isinstance(value, str)]
    return Query(
        id=f"organisation:{organisation.pk}",
        schema="Organization",
        names=tuple(dict.fromkeys(n.strip() for n in names if n and n.strip())),
        countries=(organisation.country,) if organisation.country else (),
        identifiers=(organisation.registry_id,) if organisation.registry_id else (),
    )


def person_query(user: User) -> Query:
    names = (user.full_name, user.full_name_native or "")
    return Query(
        id=f"person:{user.pk}",
        schema="Person",
        names=tuple(dict.fromkeys(n.strip() for n in names if n and n.strip())),
    )


def build_index(entries: "list[ListEntry] | None" = None) -> ScreeningIndex:
    index = ScreeningIndex()
    rows = entries if entries is not None else ListEntry.objects.filter(is_active=True).iterator()
    for entry in rows:
        index.add(entry_entity(entry))
    return index


_lock = threading.Lock()
_cached: dict[str, object] = {}


def current_index() -> ScreeningIndex:
    """The index of every active list entry, rebuilt when a list version is loaded."""
    key = tuple(ListVersion.objects.values_list("pk", "checksum", "loaded_at"))
    with _lock:
        index = _cached.get("index")
        if _cached.get("key") != key or not isinstance(index, ScreeningIndex):
            index = build_index()
            _cached["key"], _cached["index"] = key, index
        return index
