"""The platform's sealing key, from the configuration: a named PKCS#12 file, or one made here.

`KARVAN_SIGNING_PKCS12` names the file (default `<data dir>/signing/platform.p12`). When the
default file does not exist yet it is created on first use (a self-signed root and a sealing
certificate under it); a file named in the configuration must exist.
"""

import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings

from karvan.agreements.sealing import (
    SealingKey,
    SealingKeyError,
    create_sealing_key,
    load_sealing_key,
)

_LOCK = threading.Lock()
_CACHE: dict[tuple[str, float, str, bool], SealingKey] = {}


def _default_path() -> Path:
    return Path(settings.DATA_DIR) / "signing" / "platform.p12"


def _extra_roots() -> tuple[bytes, ...]:
    path = settings.KARVAN_SIGNING_TRUST_ROOTS
    if not path:
        return ()
    try:
        certificates = x509.load_pem_x509_certificates(Path(path).read_bytes())
    except (OSError, ValueError) as error:
        raise SealingKeyError(f"cannot read the trust roots in {path}: {error}") from error
    return tuple(cert.public_bytes(serialization.Encoding.DER) for cert in certificates)


def get_sealing_key() -> SealingKey:
    """The configured key (cached while the file is unchanged); created if it is the default."""
    path = Path(settings.KARVAN_SIGNING_PKCS12)
    passphrase = settings.KARVAN_SIGNING_PKCS12_PASSWORD.encode() or None
    with _LOCK:
        if not path.exists():
            if path.resolve() != _default_path().resolve():
                raise SealingKeyError(f"KARVAN_SIGNING_PKCS12 names {path}, which does not exist")
            create_sealing_key(
                path, organisation=settings.KARVAN_SIGNING_ORGANISATION, passphrase=passphrase
            )
        cache_key = (
            str(path),
            path.stat().st_mtime,
            settings.KARVAN_SIGNING_TRUST_ROOTS,
            passphrase is not None,
        )
        if cache_key not in _CACHE:
            _CACHE.clear()
            _CACHE[cache_key] = load_sealing_key(path, passphrase, _extra_roots())
        return _CACHE[cache_key]


def root_certificate_pem() -> bytes:
    """The trust roots as PEM, offered for download on the verification page."""
    key = get_sealing_key()
    return b"".join(
        x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)
        for der in key.trust_roots
    )
