"""Checking a PDF someone holds: its own seal first, then Karvan's record of the agreement."""

from dataclasses import dataclass

from karvan.agreements.models import Agreement
from karvan.agreements.platform import get_sealing_key
from karvan.agreements.sealing import SealCheck, check_sealed_pdf, sha256_hex
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
