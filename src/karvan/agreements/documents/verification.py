"""Checking a PDF someone holds: its own seal first, then Karvan's record of the agreement."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from karvan.agreements.documents.platform import get_sealing_key
from karvan.agreements.documents.sealing import SealCheck, check_sealed_pdf, sha256_hex
from karvan.agreements.errors import VerificationRateLimitedError
from karvan.agreements.models import Agreement
from karvan.agreements.selectors import find_sealed_agreement


@dataclass(frozen=True)
class Verification:
    check: SealCheck | None  # None when only a code was given
    agreement: Agreement | None
    matches_record: bool = False  # byte for byte the PDF Karvan sealed

    @property
    def is_authentic(self) -> bool:
        return bool(self.check and self.check.is_authentic and self.matches_record)

    @property
    def is_tampered(self) -> bool:
        if self.check is None or not self.check.has_seal:
            return False
        return not (self.check.intact and self.check.valid and self.check.whole_file) or (
            self.check.trusted and self.agreement is not None and not self.matches_record
        )


def verify_pdf(data: bytes) -> Verification:
    check = check_sealed_pdf(data, get_sealing_key().trust_roots)
    agreement = (
        find_sealed_agreement(code=check.verification_code) if check.verification_code else None
    )
    matches = bool(agreement and agreement.sealed_sha256 == sha256_hex(data))
    return Verification(check=check, agreement=agreement, matches_record=matches)


def verify_code(code: str) -> Verification:
    return Verification(check=None, agreement=find_sealed_agreement(code=code))


def count_verification(*, client_address: str | None) -> None:
    """Count one check by a client address this hour; raise VerificationRateLimitedError past
    KARVAN_VERIFICATIONS_PER_HOUR. The verifier is public and each check costs a PDF parse and
    a signature verification, so it is limited per address like a log-in form.

    The count lives in the cache (Redis when KARVAN_CACHE_URL is set, shared by every worker).
    """
    hour = int(time.time() // 3600)
    key = f"agreements.verify:{client_address or 'unknown'}:{hour}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    if count > settings.KARVAN_VERIFICATIONS_PER_HOUR:
        raise VerificationRateLimitedError()
