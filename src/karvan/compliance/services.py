"""Loading sanctions lists, screening organisations and people, and deciding cases."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from karvan.compliance.errors import ListFileError
from karvan.compliance.loaders import (
    BadRecord,
    ListFormatError,
    Record,
    guess_format,
    is_delta,
    read_list,
)
from karvan.compliance.models import ListEntry, ListEntryChange, ListVersion

Progress = Callable[[int], None]
BATCH = 2000


@dataclass(frozen=True)
class LoadReport:
    version: ListVersion
    is_new: bool
    bad_records: list[dict[str, object]]


def _checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _entry_data(record: Record) -> dict[str, object]:
    entity = record.entity
    return {
        "schema": entity.schema,
        "names": list(entity.names),
        "countries": list(entity.countries),
        "birth_dates": list(entity.birth_dates),
        "identifiers": list(entity.identifiers),
        "details": dict(record.details),
    }


def _hash(data: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def load_list(
    *, path: Path, source: str, list_format: str | None = None, progress: Progress | None = None
) -> LoadReport:
    """Load a list file as a new version of `source`; the same file twice changes nothing.

    A full file replaces the source's entries (those missing are marked removed); a FollowTheMoney
    delta file adds, changes and removes only the entities it names. Bad records are reported
    with their line numbers and skipped. Raises ListFileError when the file cannot be read at all.
    """
    try:
        list_format = list_format or guess_format(path)
        checksum = _checksum(path)
        delta = is_delta(path, list_format)
    except (OSError, ListFormatError) as error:
        raise ListFileError(reason=str(error)) from error
    latest = ListVersion.objects.filter(source=source).order_by("-loaded_at", "-pk").first()
    if latest is not None and latest.checksum == checksum:
        return LoadReport(version=latest, is_new=False, bad_records=list(latest.bad_records))
    try:
        with transaction.atomic():
            version = _load(path, source, list_format, checksum, delta, progress)
    except (ListFormatError, UnicodeDecodeError) as error:
        raise ListFileError(reason=str(error)) from error
    return LoadReport(version=version, is_new=True, bad_records=list(version.bad_records))


def _load(
    path: Path,
    source: str,
    list_format: str,
    checksum: str,
    delta: bool,
    progress: Progress | None,
) -> ListVersion:
    version = ListVersion.objects.create(
        source=source,
        file_name=path.name[:255],
        file_format=list_format,
        is_delta=delta,
        checksum=checksum,
        loaded_at=timezone.now(),
    )
    existing = {
        entity_id: (pk, content_hash, is_active)
        for entity_id, pk, content_hash, is_active in ListEntry.objects.filter(
            source=source
        ).values_list("entity_id", "pk", "content_hash", "is_active")
    }
    seen: set[str] = set()
    bad: list[dict[str, object]] = []
    counts = {"records": 0, "added": 0, "changed": 0, "removed": 0, "unchanged": 0}
    batch: list[Record] = []

    def flush() -> None:
        _apply(batch, version, existing, counts)
        batch.clear()

    for item in read_list(path, list_format):
        if isinstance(item, BadRecord):
            bad.append({"line": item.line, "message": item.message})
            continue
        counts["records"] += 1
        if item.entity.id in seen and not item.delete:
            bad.append({"line": item.line, "message": f"{item.entity.id}: given twice"})
            continue
        seen.add(item.entity.id)
        batch.append(item)
        if len(batch) >= BATCH:
            flush()
            if progress is not None:
                progress(counts["records"])
    flush()
    if not delta:
        gone = [
            pk
            for entity_id, (pk, _hash_value, active) in existing.items()
            if active and entity_id not in seen
        ]
        _remove(gone, version, counts)
    if progress is not None:
        progress(counts["records"])
    for key, value in counts.items():
        setattr(version, key, value)
    version.bad_records = bad
    version.save()
    return version


def _apply(
    batch: list[Record],
    version: ListVersion,
    existing: dict[str, tuple[int, str, bool]],
    counts: dict[str, int],
) -> None:
    to_create: list[ListEntry] = []
    to_update: list[ListEntry] = []
    changes: list[ListEntryChange] = []
    removed: list[int] = []
    for record in batch:
        entity = record.entity
        known = existing.get(entity.id)
        if record.delete:
            if known is not None and known[2]:
                removed.append(known[0])
            continue
        data = _entry_data(record)
        content_hash = _hash(data)
        fields = {
            "schema": entity.schema,
            "caption": entity.names[0][:500],
            "names": list(entity.names),
            "countries": list(entity.countries),
            "birth_dates": list(entity.birth_dates),
            "identifiers": list(entity.identifiers),
            "details": dict(record.details),
            "content_hash": content_hash,
            "is_active": True,
            "last_version": version,
        }
        if known is None:
            to_create.append(
                ListEntry(
                    source=version.source, entity_id=entity.id, first_version=version, **fields
                )
            )
            counts["added"] += 1
        elif known[1] == content_hash and known[2]:
            counts["unchanged"] += 1
        else:
            to_update.append(ListEntry(pk=known[0], **fields))
            changes.append(
                ListEntryChange(entry_id=known[0], version=version, kind="changed", data=data)
            )
            existing[entity.id] = (known[0], content_hash, True)
            counts["changed"] += 1
    created = ListEntry.objects.bulk_create(to_create)
    for entry in created:
        if entry.pk is None:  # backends that return no keys from bulk_create
            entry.pk = ListEntry.objects.get(source=entry.source, entity_id=entry.entity_id).pk
        existing[entry.entity_id] = (entry.pk, entry.content_hash, True)
        changes.append(
            ListEntryChange(
                entry_id=entry.pk,
                version=version,
                kind="added",
                data={k: getattr(entry, k) for k in _DATA_FIELDS},
            )
        )
    if to_update:
        ListEntry.objects.bulk_update(
            to_update, [*_DATA_FIELDS, "caption", "content_hash", "is_active", "last_version"]
        )
    ListEntryChange.objects.bulk_create(changes)
    _remove(removed, version, counts)


_DATA_FIELDS = ("schema", "names", "countries", "birth_dates", "identifiers", "details")


def _remove(entry_ids: list[int], version: ListVersion, counts: dict[str, int]) -> None:
    if not entry_ids:
        return
    ListEntry.objects.filter(pk__in=entry_ids).update(is_active=False, last_version=version)
    ListEntryChange.objects.bulk_create(
        ListEntryChange(entry_id=pk, version=version, kind="removed", data={}) for pk in entry_ids
    )
    counts["removed"] += len(entry_ids)
