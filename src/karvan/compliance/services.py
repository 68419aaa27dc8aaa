"""Loading sanctions lists, screening organisations and people, and deciding cases."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from karvan.accounts.models import User
from karvan.accounts.selectors import list_center_staff
from karvan.accounts.services import set_compliance_hold as set_person_hold
from karvan.compliance import adapters
from karvan.compliance.engine import (
    MATCHER_VERSION,
    Candidate,
    Query,
    ScreeningIndex,
    subjects_resembling,
)
from karvan.compliance.errors import (
    CaseClosedError,
    DecisionNeedsCommentError,
    ListFileError,
    SecondApprovalError,
)
from karvan.compliance.loaders import (
    BadRecord,
    ListFormatError,
    Record,
    guess_format,
    is_delta,
    read_list,
)
from karvan.compliance.models import (
    Case,
    CaseEvent,
    ListEntry,
    ListEntryChange,
    ListVersion,
    Screening,
)
from karvan.compliance.notifications import CASE_OPENED
from karvan.compliance.permissions import can_decide_case, can_review_cases
from karvan.core.errors import NotAllowedError
from karvan.core.models import ComplianceHold
from karvan.directory.memberships import people_of
from karvan.directory.models import Membership, Organisation
from karvan.directory.services.profiles import set_compliance_hold as set_organisation_hold
from karvan.notifications.services import notify

Progress = Callable[[int], None]
BATCH = 2000
PROGRESS_EVERY = 50


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
    transaction.on_commit(lambda: _rescreen_later(version.pk))
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


def _rescreen_later(version_id: int) -> None:
    from karvan.compliance import tasks

    tasks.rescreen_after_list_change.delay(version_id=version_id)


# --- screening ------------------------------------------------------------------------------------

Subject = Organisation | User


def _query_of(subject: Subject) -> Query:
    if isinstance(subject, Organisation):
        return adapters.organisation_query(subject)
    return adapters.person_query(subject)


def _subject_filter(subject: Subject) -> Q:
    if isinstance(subject, Organisation):
        return Q(organisation=subject)
    return Q(person=subject)


def _latest_versions() -> dict[str, int]:
    latest: dict[str, int] = {}
    for source, pk in ListVersion.objects.order_by("loaded_at", "pk").values_list("source", "pk"):
        latest[source] = pk
    return latest


def _query_hash(query: Query) -> str:
    data = [query.schema, sorted(query.names), sorted(query.countries), sorted(query.identifiers)]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


@transaction.atomic
def screen_subject(
    *, subject: Subject, index: ScreeningIndex | None = None, force: bool = False
) -> list[Case]:
    """Screen an organisation or a person against the loaded lists; open or update its cases.

    Skipped (returns []) when neither the subject's names and identity nor the lists changed since
    its last screening, unless forced. Returns the cases the screening opened, reopened or updated.
    """
    versions = _latest_versions()
    if not versions:
        return []
    query = _query_of(subject)
    query_hash = _query_hash(query)
    versions_key = {k: v for k, v in sorted(versions.items())}
    last = (
        Screening.objects.filter(_subject_filter(subject)).order_by("-screened_at", "-pk").first()
    )
    if (
        not force
        and last is not None
        and last.query_hash == query_hash
        and last.versions == {k: v for k, v in versions_key.items()}
        and last.matcher_version == MATCHER_VERSION
    ):
        return []
    if not query.names:
        return []
    index = index or adapters.current_index()
    threshold = float(settings.KARVAN_SCREENING_THRESHOLD)
    candidates = index.screen(query, threshold=threshold)
    Screening.objects.create(
        organisation=subject if isinstance(subject, Organisation) else None,
        person=subject if isinstance(subject, User) else None,
        query={
            "schema": query.schema,
            "names": list(query.names),
            "countries": list(query.countries),
            "identifiers": list(query.identifiers),
        },
        query_hash=query_hash,
        versions=versions_key,
        matcher_version=MATCHER_VERSION,
        candidates=len(candidates),
        screened_at=timezone.now(),
    )
    entries = ListEntry.objects.in_bulk([int(c.entity_id) for c in candidates])
    touched = []
    for candidate in candidates:
        entry = entries.get(int(candidate.entity_id))
        if entry is not None:
            case = _open_or_update_case(subject, entry, candidate)
            if case is not None:
                touched.append(case)
    if touched:
        sync_hold(subject=subject)
    return touched


def _reasons(candidate: Candidate) -> list[dict[str, object]]:
    return [{"code": r.code, "params": r.as_dict()} for r in candidate.reasons]


def _event(case: Case, action: str, *, actor: User | None = None, comment: str = "") -> None:
    CaseEvent.objects.create(
        case=case,
        action=action,
        actor=actor,
        comment=comment,
        score=case.score,
        list_version=case.list_version,
        matcher_version=case.matcher_version,
        created_at=timezone.now(),
    )


def _open_or_update_case(subject: Subject, entry: ListEntry, candidate: Candidate) -> Case | None:
    now = timezone.now()
    case = Case.objects.select_for_update().filter(_subject_filter(subject), entry=entry).first()
    fields = {
        "score": candidate.score,
        "reasons": _reasons(candidate),
        "list_version": entry.last_version,
        "matcher_version": MATCHER_VERSION,
    }
    if case is None:
        case = Case.objects.create(
            organisation=subject if isinstance(subject, Organisation) else None,
            person=subject if isinstance(subject, User) else None,
            entry=entry,
            entry_hash=entry.content_hash,
            opened_at=now,
            **fields,
        )
        _event(case, CaseEvent.Action.OPENED)
        _notify_officers(case)
        return case
    if case.status == Case.Status.CONFIRMED:
        return None
    if case.status == Case.Status.CLEARED:
        if case.entry_hash == entry.content_hash:
            return None  # a false positive stays cleared until the list entry changes
        for key, value in fields.items():
            setattr(case, key, value)
        case.status, case.entry_hash, case.proposed_decision = (
            Case.Status.OPEN,
            entry.content_hash,
            "",
        )
        case.decided_at = case.decided_by = case.proposed_by = None
        case.save()
        _event(case, CaseEvent.Action.REOPENED)
        _notify_officers(case)
        return case
    if abs(case.score - candidate.score) < 1e-6 and case.list_version_id == entry.last_version_id:
        return None
    for key, value in fields.items():
        setattr(case, key, value)
    case.entry_hash = entry.content_hash
    case.save()
    _event(case, CaseEvent.Action.RESCORED)
    return case


def sync_hold(*, subject: Subject) -> None:
    """Keep the subject's own `compliance_hold` in step with its cases: a confirmed match holds
    it as matched, an undecided case as under review, nothing else holds it."""
    statuses = set(Case.objects.filter(_subject_filter(subject)).values_list("status", flat=True))
    if Case.Status.CONFIRMED in statuses:
        hold = ComplianceHold.CONFIRMED
    elif statuses & {Case.Status.OPEN, Case.Status.IN_REVIEW}:
        hold = ComplianceHold.REVIEW
    else:
        hold = ComplianceHold.NONE
    if isinstance(subject, Organisation):
        set_organisation_hold(organisation=subject, hold=hold)
    else:
        set_person_hold(user=subject, hold=hold)


def _notify_officers(case: Case) -> None:
    officers = [user for user in list_center_staff() if can_review_cases(user)]
    if officers:
        notify(
            recipients=officers,
            kind=CASE_OPENED,
            params={"subject": case.subject_name, "score": f"{case.score:.2f}"},
            url=reverse("compliance:case", args=[case.pk]),
        )


def rescreen_after_list_change(*, version: ListVersion, progress: Progress | None = None) -> int:
    """Screen again whoever the entries a new list version added, changed or removed may concern.

    The subjects are indexed and each changed entry looked up among them; those it resembles, and
    the subjects with a case on a changed entry, are screened in full. Returns how many were.
    """
    changed_ids = set(
        ListEntryChange.objects.filter(version=version).values_list("entry_id", flat=True)
    )
    if not changed_ids:
        ListVersion.objects.filter(pk=version.pk).update(rescreened_at=timezone.now())
        return 0
    changed = [
        adapters.entry_entity(entry)
        for entry in ListEntry.objects.filter(pk__in=changed_ids, is_active=True)
    ]
    organisations = {f"organisation:{o.pk}": o for o in Organisation.objects.all().iterator()}
    people = {f"person:{p.pk}": p for p in screened_people().iterator()}
    queries = [_query_of(o) for o in organisations.values()]
    queries += [_query_of(p) for p in people.values()]
    threshold = float(settings.KARVAN_SCREENING_THRESHOLD)
    resembling = subjects_resembling(queries, changed, threshold=threshold)
    subjects: list[Subject] = [organisations.get(key) or people[key] for key in sorted(resembling)]
    with_cases = Case.objects.filter(entry_id__in=changed_ids).select_related(
        "organisation", "person"
    )
    for case in with_cases:
        subject = case.organisation or case.person
        if subject is not None:
            subjects.append(subject)
    unique = list({(type(subject).__name__, subject.pk): subject for subject in subjects}.values())
    versions = ListVersion.objects.filter(pk=version.pk)
    versions.update(rescreen_total=len(unique), rescreen_done=0)
    index = adapters.current_index()
    for done, subject in enumerate(unique, start=1):
        screen_subject(subject=subject, index=index, force=True)
        if done % PROGRESS_EVERY == 0:
            versions.update(rescreen_done=done)
            if progress is not None:
                progress(done)
    versions.update(rescreen_done=len(unique), rescreened_at=timezone.now())
    if progress is not None:
        progress(len(unique))
    return len(unique)


def screened_people() -> QuerySet[User]:
    """The people screened: signatories of an agreement and owners of an organisation."""
    return User.objects.filter(
        Q(agreement_signatories__isnull=False) | Q(memberships__role=Membership.Role.OWNER)
    ).distinct()


def screen_organisation_and_owners(*, organisation: Organisation) -> list[Case]:
    """Screen an organisation and the people who own it; return the cases that changed."""
    cases = screen_subject(subject=organisation)
    for owner in people_of(organisation.pk, roles=[Membership.Role.OWNER]):
        cases += screen_subject(subject=owner)
    return cases


# --- the review queue -----------------------------------------------------------------------------


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def start_review(*, actor: User, case: Case) -> Case:
    """An officer takes an open case in hand."""
    if not can_review_cases(actor):
        raise NotAllowedError()
    case = _locked(case)
    if case.status != Case.Status.OPEN:
        raise CaseClosedError()
    case.status = Case.Status.IN_REVIEW
    case.save(update_fields=["status"])
    _event(case, CaseEvent.Action.REVIEW_STARTED, actor=actor)
    return case


@transaction.atomic
def decide_case(*, actor: User, case: Case, decision: str, comment: str) -> Case:
    """Confirm a match or clear a false positive, with a comment; with the second-approval setting,
    the first officer proposes and another approves (by deciding the same way)."""
    if not can_review_cases(actor):
        raise NotAllowedError()
    if decision not in (Case.Status.CONFIRMED, Case.Status.CLEARED):
        raise CaseClosedError()
    if not comment.strip():
        raise DecisionNeedsCommentError(field="comment")
    case = _locked(case)
    if not case.is_unresolved:
        raise CaseClosedError()
    if settings.KARVAN_SCREENING_SECOND_APPROVAL:
        if not case.proposed_decision or case.proposed_decision != decision:
            case.proposed_decision, case.proposed_by = decision, actor
            case.status = Case.Status.IN_REVIEW
            case.save(update_fields=["proposed_decision", "proposed_by", "status"])
            _event(case, CaseEvent.Action.PROPOSED, actor=actor, comment=f"{decision}: {comment}")
            return case
        if not can_decide_case(actor, case.proposed_by):
            raise SecondApprovalError()
    case.status, case.decided_by, case.decided_at = decision, actor, timezone.now()
    case.proposed_decision = ""
    case.save(update_fields=["status", "decided_by", "decided_at", "proposed_decision"])
    action = (
        CaseEvent.Action.CONFIRMED
        if decision == Case.Status.CONFIRMED
        else CaseEvent.Action.CLEARED
    )
    _event(case, action, actor=actor, comment=comment.strip())
    subject = case.organisation or case.person
    if subject is not None:  # a case is about an organisation or a person, never neither
        sync_hold(subject=subject)
    return case
