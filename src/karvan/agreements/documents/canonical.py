"""The agreement as a document: canonical bytes and their SHA-256, placeholders, diffs, chaining.

Plain Python, no Django. What a signatory signs is `canonical_document(...)`: the code, the
version, the parties' identity (each party's name as shown, country and registry identifier, as
they stood when the signing began), the languages, the prevailing language, the titles and the
texts, as sorted UTF-8 JSON. The same inputs give the same bytes on every machine, so the hash
recorded at each signature can be recomputed from the version and the snapshot stored with it.
"""

import difflib
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]{0,40})\}")


def canonical_document(
    *,
    code: str,
    version: int,
    parties: Sequence[Mapping[str, object]],
    languages: Sequence[str],
    prevailing_language: str,
    titles: Mapping[str, str],
    texts: Mapping[str, str],
) -> bytes:
    payload = {
        "code": code,
        "version": version,
        "parties": [dict(party) for party in parties],
        "languages": list(languages),
        "prevailing_language": prevailing_language,
        "titles": {lang: titles.get(lang, "") for lang in languages},
        "texts": {lang: normalise_text(texts.get(lang, "")) for lang in languages},
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def document_sha256(**document: object) -> str:
    return hashlib.sha256(canonical_document(**document)).hexdigest()  # type: ignore[arg-type]


def normalise_text(text: str) -> str:
    """Line endings unified, trailing spaces and surrounding blank lines dropped."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def placeholders_in(text: str) -> list[str]:
    """The placeholder names of a template text, in order of first appearance."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Put the values in; a placeholder without a value stays visible as {name}."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1)) or match.group(0), text)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def diff_texts(old: str, new: str) -> list[DiffLine]:
    """A line diff, with long lines compared as sentences so that a changed word shows clearly."""
    old_units, new_units = _units(old), _units(new)
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=old_units, b=new_units, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend(DiffLine("same", unit) for unit in old_units[a0:a1])
            continue
        lines.extend(DiffLine("removed", unit) for unit in old_units[a0:a1])
        lines.extend(DiffLine("added", unit) for unit in new_units[b0:b1])
    return lines


_SENTENCE_END = re.compile(r"(?<=[.!?؟。！？؛;])\s*")


def _units(text: str) -> list[str]:
    units: list[str] = []
    for line in normalise_text(text).split("\n"):
        parts = [part for part in _SENTENCE_END.split(line) if part.strip()]
        units.extend(parts or [line])
    return units


def chain_hash(previous_hash: str, payload: Mapping[str, object]) -> str:
    """The hash of one audit event: the previous event's hash and this event's sorted JSON."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}\n{body}".encode()).hexdigest()


def is_chain_intact(events: Sequence[tuple[str, str, Mapping[str, object]]]) -> bool:
    """Check (previous_hash, event_hash, payload) triples, in order, link up and recompute."""
    previous = ""
    for previous_hash, event_hash, payload in events:
        if previous_hash != previous or chain_hash(previous, payload) != event_hash:
            return False
        previous = event_hash
    return True
