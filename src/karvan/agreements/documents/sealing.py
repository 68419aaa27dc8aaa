"""The platform's seal: its certificate, PAdES sealing of a PDF, and checking a sealed PDF.

Plain Python over `cryptography` and pyHanko, with no Django: the Django layer says where the
certificate lives and what to write into the seal, this module does the cryptography. A sealed PDF
is checked against the platform's trust root alone, so that anyone holding the root certificate
(a court, a bank, a ministry) reaches the same answer without Karvan's database.
"""

import datetime
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]  # ships no type hints
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

SEAL_FIELD = "KarvanSeal"
CODE_KEYWORD = "karvan-verification-code:"
CA_YEARS = 20
SEAL_YEARS = 5


class SealingKeyError(Exception):
    """The configured PKCS#12 file cannot be read (missing, wrong passphrase, no key)."""


@dataclass(frozen=True)
class SealingKey:
    """The key and certificates a PDF is sealed with, and the roots it is checked against."""

    pkcs12: bytes
    passphrase: bytes | None
    trust_roots: tuple[bytes, ...]  # DER certificates

    @property
    def certificate(self) -> x509.Certificate:
        return _load(self.pkcs12, self.passphrase)[1]

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the sealing certificate, as people compare it (hex, colon-separated)."""
        digest = self.certificate.fingerprint(hashes.SHA256()).hex().upper()
        return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


@dataclass(frozen=True)
class SealCheck:
    """What a sealed PDF says about itself, checked against the trust roots."""

    has_seal: bool
    intact: bool = False  # the signed bytes hash to the value in the signature
    valid: bool = False  # the signature over that hash is mathematically correct
    trusted: bool = False  # the sealing certificate chains to a trust root
    whole_file: bool = False  # nothing was added or changed after sealing
    signer: str = ""
    sealed_at: datetime.datetime | None = None
    verification_code: str = ""  # from the PDF's metadata (not itself proof of anything)
    error: str = ""

    @property
    def is_authentic(self) -> bool:
        return self.has_seal and self.intact and self.valid and self.trusted and self.whole_file


def _load(
    data: bytes, passphrase: bytes | None
) -> tuple[object, x509.Certificate, list[x509.Certificate]]:
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as error:
        raise SealingKeyError(f"the PKCS#12 data cannot be read: {error}") from error
    if key is None or certificate is None:
        raise SealingKeyError("the PKCS#12 data holds no private key and certificate")
    return key, certificate, list(others)


def _is_self_signed(certificate: x509.Certificate) -> bool:
    return certificate.issuer == certificate.subject


def load_sealing_key(
    path: Path, passphrase: bytes | None = None, extra_roots: tuple[bytes, ...] = ()
) -> SealingKey:
    """Read a PKCS#12 file; its self-signed certificates, plus `extra_roots` (DER), are trusted."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SealingKeyError(f"cannot read {path}: {error.strerror}") from error
    _key, certificate, others = _load(data, passphrase)
    roots = [
        cert.public_bytes(serialization.Encoding.DER)
        for cert in [certificate, *others]
        if _is_self_signed(cert)
    ]
    roots.extend(extra_roots)
    if not roots:
        raise SealingKeyError(
            "no trust root: the PKCS#12 file has no self-signed certificate; name the root "
            "certificate separately"
        )
    return SealingKey(pkcs12=data, passphrase=passphrase, trust_roots=tuple(dict.fromkeys(roots)))


def _write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner alone, replacing any old one in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    temporary.chmod(0o600)
    temporary.replace(path)


def encrypt_pkcs12_file(path: Path, *, passphrase: bytes, old_passphrase: bytes | None) -> None:
    """Write a PKCS#12 file again, its key encrypted with `passphrase` (same key, same chain)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SealingKeyError(f"cannot read {path}: {error.strerror}") from error
    try:
        loaded = pkcs12.load_pkcs12(data, old_passphrase)
    except ValueError as error:
        raise SealingKeyError(f"the PKCS#12 data cannot be read: {error}") from error
    if loaded.key is None or loaded.cert is None:
        raise SealingKeyError("the PKCS#12 file holds no key and certificate")
    encrypted = pkcs12.serialize_key_and_certificates(
        loaded.cert.friendly_name or b"karvan-seal",
        loaded.key,  # type: ignore[arg-type]
        loaded.cert.certificate,
        [extra.certificate for extra in loaded.additional_certs],
        serialization.BestAvailableEncryption(passphrase),
    )
    _write_private(path, encrypted)


def create_sealing_key(
    path: Path, *, organisation: str, passphrase: bytes | None = None
) -> SealingKey:
    """Make a self-signed root and a document-sealing certificate under it; write a PKCS#12 file.

    The root certificate is also written beside it as `<name>-root.pem`, for anyone who wants to
    check Karvan's PDFs in their own PDF reader.
    """
    now = datetime.datetime.now(datetime.UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    root_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} root"),
        ]
    )
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    seal_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    seal = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                    x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} document seal"),
                ]
            )
        )
        .issuer_name(root_name)
        .public_key(seal_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * SEAL_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    data = pkcs12.serialize_key_and_certificates(b"karvan-seal", seal_key, seal, [root], encryption)
    _write_private(path, data)
    root_pem = root.public_bytes(serialization.Encoding.PEM)
    path.with_name(f"{path.stem}-root.pem").write_bytes(root_pem)
    return SealingKey(
        pkcs12=data,
        passphrase=passphrase,
        trust_roots=(root.public_bytes(serialization.Encoding.DER),),
    )


def seal_pdf(
    pdf: bytes, key: SealingKey, *, reason: str, location: str, contact: str = ""
) -> bytes:
    """Add a PAdES baseline signature over the whole PDF, made with the platform's key."""
    signer = signers.SimpleSigner.load_pkcs12_data(key.pkcs12, (), passphrase=key.passphrase)
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        contact_info=contact or None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = signers.sign_pdf(writer, metadata, signer=signer)
    return output.getvalue()


def check_sealed_pdf(pdf: bytes, trust_roots: tuple[bytes, ...]) -> SealCheck:
    """Check a PDF's seal against the trust roots. Never raises for a bad or foreign file."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as error:
        return SealCheck(has_seal=False, error=f"not a readable PDF: {error}")
    code = _verification_code(reader)
    seals = [sig for sig in signatures if sig.field_name == SEAL_FIELD] or signatures
    if not seals:
        return SealCheck(
            has_seal=False, verification_code=code, error="the PDF carries no signature"
        )
    roots = [asn1_x509.Certificate.load(der) for der in trust_roots]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(seals[-1], context)
    except (SigningError, PdfReadError, ValueError, KeyError, TypeError) as error:
        return SealCheck(
            has_seal=True, verification_code=code, error=f"the signature cannot be checked: {error}"
        )
    return SealCheck(
        has_seal=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=status.signing_cert.subject.human_friendly,
        sealed_at=status.signer_reported_dt,
        verification_code=code,
    )


def _verification_code(reader: PdfFileReader) -> str:
    try:
        keywords = str(reader.trailer["/Info"]["/Keywords"])
    except (KeyError, TypeError, ValueError, PdfReadError):
        return ""
    for word in keywords.split():
        if word.startswith(CODE_KEYWORD):
            return word[len(CODE_KEYWORD) :][:40]
    return ""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
