"""The platform's sealing key, from the configuration: a named PKCS#12 file, or one made here.

`KARVAN_SIGNING_PKCS12` names the file (default `<data dir>/signing/platform.p12`). When the
default file does not exist yet it is created on first use (a self-signed root and a sealing
certificate under it); a file named in the configuration must exist.

The key is encrypted at rest with `KARVAN_SIGNING_PKCS12_PASSWORD`, which production requires.
Outside production, without it, the default file gets a random passphrase kept beside it in
`platform.passphrase` (owner-only), and a default file made unencrypted by an older Karvan is
encrypted in place on first use.
"""

import os
import secrets
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core import checks

from karvan.agreements.documents.sealing import (
    SealingKey,
    SealingKeyError,
    create_sealing_key,
    encrypt_pkcs12_file,
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


def _passphrase_file(path: Path) -> Path:
    return path.with_name(f"{path.stem}.passphrase")


def _new_passphrase(path: Path) -> bytes:
    """A random passphrase written beside the key file, readable by its owner alone."""
    passphrase = secrets.token_urlsafe(32)
    target = _passphrase_file(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(passphrase)
    return passphrase.encode()


def _configured_passphrase(path: Path, *, is_default: bool) -> bytes | None:
    """The configured passphrase; outside production, the default file's own, if it has one."""
    if settings.KARVAN_SIGNING_PKCS12_PASSWORD:
        return settings.KARVAN_SIGNING_PKCS12_PASSWORD.encode()
    if settings.PRODUCTION:
        raise SealingKeyError(
            "KARVAN_SIGNING_PKCS12_PASSWORD is empty: in production the sealing key must be "
            "encrypted with a passphrase"
        )
    stored = _passphrase_file(path)
    if is_default and stored.exists():
        return stored.read_text().strip().encode()
    return None


def get_sealing_key() -> SealingKey:
    """The configured key (cached while the file is unchanged); created if it is the default."""
    path = Path(settings.KARVAN_SIGNING_PKCS12)
    is_default = path.resolve() == _default_path().resolve()
    with _LOCK:
        passphrase = _configured_passphrase(path, is_default=is_default)
        if not path.exists():
            if not is_default:
                raise SealingKeyError(f"KARVAN_SIGNING_PKCS12 names {path}, which does not exist")
            create_sealing_key(
                path,
                organisation=settings.KARVAN_SIGNING_ORGANISATION,
                passphrase=passphrase or _new_passphrase(path),
            )
            passphrase = _configured_passphrase(path, is_default=True)
        elif passphrase is None and is_default:
            # Made unencrypted by an earlier Karvan: encrypt it now, same key and certificate.
            encrypt_pkcs12_file(path, passphrase=_new_passphrase(path), old_passphrase=None)
            passphrase = _configured_passphrase(path, is_default=True)
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


def check_sealing_passphrase(app_configs: object = None, **kwargs: object) -> list[checks.Error]:
    """A system check (at start-up and in `check --deploy`): production needs the passphrase."""
    if settings.PRODUCTION and not settings.KARVAN_SIGNING_PKCS12_PASSWORD:
        return [
            checks.Error(
                "The key that seals signed agreements would be stored without a passphrase.",
                hint="Set KARVAN_SIGNING_PKCS12_PASSWORD (and keep it apart from the key file).",
                id="agreements.E001",
            )
        ]
    return []
