"""Matches and search hits kept in the shared cache until the index changes.

A store's answer depends on the listing (or query) asked about and on the indexed documents. Each
kind of document has an index version in the cache (Redis in production, so every web and task
process sees one value); every write to the index (`services.store_documents`,
`remove_documents`, `drop_expired_vectors`) replaces it once committed, so an answer cached before
the write is never read again and a newly published listing shows at once. Answers are kept
`RESULT_SECONDS` at most; with a cache of this process only (no Redis: other processes never see
its version change), `LOCAL_RESULT_SECONDS`, so a listing published through one process shows in
another's within seconds. Without a reachable cache nothing is cached and every answer is computed.
"""

import hashlib
import uuid
from collections.abc import Callable, Hashable, Sequence
from types import MappingProxyType
from typing import TypeVar

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache

from karvan.matching.engine import Match, Reason

# How long an answer is kept when nothing is written meanwhile (shared cache, process's own).
RESULT_SECONDS = 300
LOCAL_RESULT_SECONDS = 5
T = TypeVar("T", bound=Hashable)


def _version_key(kind: str) -> str:
    return f"matching:index-version:{kind}"


def index_version(kind: str) -> str | None:
    """The current version of one kind's index (made on first use); None without a cache."""
    key = _version_key(kind)
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key)
    return None if version is None else str(version)


def bump_index_version(kind: str) -> None:
    """Make every cached answer about one kind's documents stale (after a write to its index)."""
    cache.set(_version_key(kind), uuid.uuid4().hex, timeout=None)


Stored = list[tuple[str, float, list[tuple[str, dict[str, str]]]]]


def _stored(matches: list[Match]) -> Stored:
    """Matches as plain values (their reasons' parameters are read-only mappings, which do not
    pickle)."""
    return [
        (match.id, match.score, [(reason.code, dict(reason.params)) for reason in match.reasons])
        for match in matches
    ]


def _matches(stored: Stored) -> list[Match]:
    return [
        Match(
            key,
            score,
            tuple(Reason(code, MappingProxyType(params)) for code, params in reasons),
        )
        for key, score, reasons in stored
    ]


def cached_matches(
    kind: str,
    questions: Sequence[T],
    compute: Callable[[T], list[Match]],
    *,
    scope: str,
) -> list[list[Match]]:
    """`compute(question)` for each question, read from the cache where the current index
    version answered it already (one round trip for all), and the missing answers stored.

    `scope` names what is asked and with which parameters (the store's operation, `top`,
    thresholds); a question's `repr` identifies it (a `Listing` with every field, or a query).
    """
    version = index_version(kind)
    if version is None:
        return [compute(question) for question in questions]
    keys = [
        f"matching:{kind}:{version}:"
        + hashlib.sha256(f"{scope}\n{question!r}".encode()).hexdigest()
        for question in questions
    ]
    found = cache.get_many(keys)
    answers: list[list[Match]] = []
    computed: dict[str, Stored] = {}
    for key, question in zip(keys, questions, strict=True):
        if key in found:
            answers.append(_matches(found[key]))
        else:
            answer = compute(question)
            computed[key] = _stored(answer)
            answers.append(answer)
    if computed:
        local = isinstance(caches["default"], LocMemCache)
        cache.set_many(computed, LOCAL_RESULT_SECONDS if local else RESULT_SECONDS)
    return answers
