"""The platform's sealing key: created at first use by default, loaded when configured."""

import pytest

from karvan.agreements.documents.platform import get_sealing_key, root_certificate_pem
from karvan.agreements.documents.sealing import SealingKeyError, create_sealing_key


def test_the_default_key_is_created_once_under_the_data_directory(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.KARVAN_SIGNING_PKCS12 = tmp_path / "signing" / "platform.p12"
    settings.KARVAN_SIGNING_PKCS12_PASSWORD = ""
    key = get_sealing_key()
    assert (tmp_path / "signing" / "platform.p12").stat().st_mode & 0o077 == 0
    assert (tmp_path / "signing" / "platform-root.pem").read_bytes().startswith(b"-----BEGIN")
    assert get_sealing_key().fingerprint == key.fingerprint  # not made again
    assert root_certificate_pem().count(b"BEGIN CERTIFICATE") == 1


def test_a_configured_pkcs12_is_loaded_with_its_passphrase(settings, tmp_path):
    path = tmp_path / "production.p12"
    made = create_sealing_key(path, organisation="Center Production", passphrase=b"p4ss")
    settings.KARVAN_SIGNING_PKCS12 = path
    settings.KARVAN_SIGNING_PKCS12_PASSWORD = "p4ss"
    assert get_sealing_key().trust_roots == made.trust_roots
    assert "Center Production" in get_sealing_key().certificate.subject.rfc4514_string()


def test_a_configured_file_that_is_missing_is_an_error_not_a_new_key(settings, tmp_path):
    settings.KARVAN_SIGNING_PKCS12 = tmp_path / "missing.p12"
    with pytest.raises(SealingKeyError):
        get_sealing_key()
    assert not (tmp_path / "missing.p12").exists()


def test_extra_trust_roots_come_from_a_pem_file(settings, tmp_path):
    path = tmp_path / "seal.p12"
    create_sealing_key(path, organisation="Karvan")
    other = create_sealing_key(tmp_path / "other.p12", organisation="Other Root")
    settings.KARVAN_SIGNING_PKCS12 = path
    settings.KARVAN_SIGNING_PKCS12_PASSWORD = ""
    settings.KARVAN_SIGNING_TRUST_ROOTS = str(tmp_path / "other-root.pem")
    assert other.trust_roots[0] in get_sealing_key().trust_roots


def _opens_without_passphrase(path) -> bool:
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        pkcs12.load_key_and_certificates(path.read_bytes(), None)
    except ValueError:
        return False
    return True


def test_the_default_key_is_encrypted_at_rest_even_without_a_configured_passphrase(
    settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    settings.KARVAN_SIGNING_PKCS12 = tmp_path / "signing" / "platform.p12"
    settings.KARVAN_SIGNING_PKCS12_PASSWORD = ""
    key = get_sealing_key()
    assert not _opens_without_passphrase(tmp_path / "signing" / "platform.p12")
    passphrase_file = tmp_path / "signing" / "platform.passphrase"
    assert passphrase_file.stat().st_mode & 0o077 == 0
    assert key.passphrase == passphrase_file.read_text().encode()


def test_an_unencrypted_default_key_of_an_older_karvan_is_encrypted_in_place(settings, tmp_path):
    path = tmp_path / "signing" / "platform.p12"
    made = create_sealing_key(path, organisation="Karvan")
    assert _opens_without_passphrase(path)
    settings.DATA_DIR = tmp_path
    settings.KARVAN_SIGNING_PKCS12 = path
    settings.KARVAN_SIGNING_PKCS12_PASSWORD = ""
    key = get_sealing_key()
    assert not _opens_without_passphrase(path)
    assert key.fingerprint == made.fingerprint and key.trust_roots == made.trust_roots


def test_the_configured_passphrase_encrypts_a_new_default_key(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.KARVAN_SIGNING_PKCS12 = tmp_path / "signing" / "platform.p12"
    settings.KARVAN_SIGNING_PKCS12_PASSWORD = "from the vault"
    assert get_sealing_key().passphrase == b"from the vault"
    assert not _opens_without_passphrase(tmp_path / "signing" / "platform.p12")
    assert not (tmp_path / "signing" / "platform.passphrase").exists()


def test_production_requires_a_passphrase(settings, tmp_path):
    from karvan.agreements.documents.platform import check_sealing_passphrase

    settings.DATA_DIR = tmp_path
    settings.KARVAN_SIGNING_PKCS12 = tmp_path / "signing" / "platform.p12"
    settings.KARVAN_SIGNING_PKCS12_PASSWORD = ""
    settings.PRODUCTION = True
    assert [error.id for error in check_sealing_passphrase()] == ["agreements.E001"]
    with pytest.raises(SealingKeyError, match="KARVAN_SIGNING_PKCS12_PASSWORD"):
        get_sealing_key()
    assert not (tmp_path / "signing" / "platform.p12").exists()
    settings.KARVAN_SIGNING_PKCS12_PASSWORD = "from the vault"
    assert check_sealing_passphrase() == []
