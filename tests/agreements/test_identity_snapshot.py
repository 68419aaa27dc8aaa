"""What a signature covers: the text and a snapshot of every party's identity, kept as signed."""

import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from karvan.agreements import errors
from karvan.agreements.documents.rendering import build_document
from karvan.agreements.models import Agreement
from karvan.agreements.selectors import current_version, hash_document, signing_document_sha256
from karvan.agreements.services.signing import sign_agreement
from tests.agreements.conftest import ask_code, sign_as
from tests.agreements.documents.test_pdf import _poppler
from tests.factories import valid_uscc

pytestmark = pytest.mark.django_db

MOVED = {"zh-hans": "香港新包装集团", "en": "Hong Kong New Packaging Group"}


def _move_china(china: object) -> None:
    """The organisation renames itself, moves and takes another registry identifier (written
    directly: how a change reaches the row is the directory's business, not the agreement's)."""
    china.organisation.name = MOVED
    china.organisation.country = "HK"
    china.organisation.registry_id = valid_uscc(8)
    china.organisation.save()


def test_a_signature_stores_and_covers_every_partys_identity(signing, iran, china):
    signature = sign_as(iran.signatory, signing)
    by_id = {party["organisation_id"]: party for party in signature.parties}
    assert by_id[china.organisation.pk]["country"] == "CN"
    assert by_id[china.organisation.pk]["registry_id"] == china.organisation.registry_id
    assert by_id[china.organisation.pk]["name"] == "广州包装机械有限公司"
    assert by_id[iran.organisation.pk]["name"] == "پسته نوین رفسنجان"
    assert by_id[iran.organisation.pk]["country"] == "IR"
    version = current_version(signing)
    assert hash_document(signing, version, signature.parties) == signature.document_sha256
    for field, other in (("country", "HK"), ("registry_id", "X1"), ("name", "Someone")):
        changed = [dict(party) for party in signature.parties]
        changed[1][field] = other
        assert hash_document(signing, version, changed) != signature.document_sha256, field


def test_every_signature_of_a_round_covers_the_same_snapshot(signing, iran, china):
    """A party renamed between two signatures: the second signs the document the first signed."""
    first = sign_as(iran.signatory, signing)
    _move_china(china)
    second = sign_as(china.signatory, signing)
    assert second.parties == first.parties
    assert second.document_sha256 == first.document_sha256


def test_an_identity_change_after_review_asks_the_signatory_to_review_again(signing, iran, china):
    reviewed = signing_document_sha256(signing)
    _move_china(china)
    code = ask_code(iran.signatory, signing)
    with pytest.raises(errors.TextChangedError):
        sign_agreement(
            actor=iran.signatory,
            agreement=signing,
            code=code,
            typed_name=iran.signatory.full_name,
            document_sha256=reviewed,
        )
    assert signing_document_sha256(signing) != reviewed
    signature = sign_agreement(
        actor=iran.signatory,
        agreement=signing,
        code=code,  # refused before the code was tried: it still works
        typed_name=iran.signatory.full_name,
        document_sha256=signing_document_sha256(signing),
    )
    assert {party["country"] for party in signature.parties} == {"IR", "HK"}


def _pdf_text(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "agreement.pdf"
        path.write_bytes(data)
        return subprocess.run(
            [_poppler("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
        ).stdout


def test_the_sealed_pdf_and_verification_show_the_parties_as_signed(
    client, signing, iran, china, django_capture_on_commit_callbacks
):
    """China renames itself and moves after Iran signed, and again after sealing: the sealed PDF,
    its rendering and the public verification page keep the identity both signatures cover."""
    registry_id = china.organisation.registry_id
    sign_as(iran.signatory, signing)
    _move_china(china)
    with django_capture_on_commit_callbacks(execute=True):
        sign_as(china.signatory, signing)
    signing.refresh_from_db()
    assert signing.status == Agreement.Status.SIGNED and signing.is_sealed
    china.organisation.name = {"zh-hans": "又一个名字", "en": "Yet Another Name"}
    china.organisation.save()

    text = _pdf_text(signing.sealed_pdf.open("rb").read())
    assert "广州包装机械有限公司" in text and f"CN · {registry_id}" in text
    assert "香港新包装集团" not in text and "又一个名字" not in text
    china_party = build_document(signing).parties[1]
    assert (china_party.name, china_party.country, china_party.registry_id) == (
        "广州包装机械有限公司",
        "CN",
        registry_id,
    )
    assert {s.party for s in build_document(signing).signatures} == {
        "پسته نوین رفسنجان",
        "广州包装机械有限公司",
    }

    page = client.get(
        reverse("agreements:verify_code", args=[signing.code]), HTTP_ACCEPT_LANGUAGE="en"
    )
    content = page.content.decode()
    assert "Guangzhou Packaging Machinery" in content and registry_id in content
    assert "Hong Kong New Packaging Group" not in content and "Yet Another Name" not in content
    assert signing.signatures.first().document_sha256 in content
