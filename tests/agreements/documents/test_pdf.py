"""The PDF and sealing engines, checked by pyHanko and by an independent verifier (pdfsig)."""

import datetime
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from karvan.agreements.documents.pdf import (
    LABEL_KEYS,
    AgreementDocument,
    AuditEntry,
    Party,
    Signature,
)
from karvan.agreements.documents.pdf import render_pdf as render
from karvan.agreements.documents.sealing import (
    SealingKeyError,
    check_sealed_pdf,
    create_sealing_key,
    load_sealing_key,
    seal_pdf,
)

FONTS = Path(__file__).resolve().parents[3] / "src/karvan/static/vendor/fonts"
REQUIRE_ALL = __import__("os").environ.get("KARVAN_REQUIRE_ALL_TESTS") == "1"
SIGNED_AT = datetime.datetime(2026, 11, 23, 8, 30, tzinfo=datetime.UTC)


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} (poppler-utils) is not installed"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    return path


def document() -> AgreementDocument:
    labels = {
        lang: {key: key.replace("_", " ") for key in LABEL_KEYS}
        for lang in ("fa", "zh-hans", "ar", "en")
    }
    return AgreementDocument(
        code="KV-TEST-PDF2",
        titles={"fa": "تفاهم‌نامه همکاری", "zh-hans": "合作谅解备忘录", "ar": "مذكرة تفاهم للتعاون"},
        texts={
            "fa": (
                "ماده ۱ — طرفین در زمینه فرآوری پسته همکاری می‌کنند.\n\n"
                "ماده ۲ — این تفاهم‌نامه از تاریخ امضا نافذ است."
            ),
            "zh-hans": "第一条 双方在开心果加工领域开展合作。\n\n第二条 本备忘录自签署之日起生效。",
            "ar": (
                "المادة ١ — يتعاون الطرفان في مجال تصنيع الفستق.\n\n"
                "المادة ٢ — تسري هذه المذكرة من تاريخ التوقيع."
            ),
        },
        languages=("fa", "zh-hans", "ar"),
        prevailing_language="fa",
        prevailing_note={"fa": "در صورت اختلاف، متن فارسی معتبر است."},
        parties=(
            Party("پسته نوین رفسنجان", "fa", "IR"),
            Party("广州包装机械有限公司", "zh-hans", "CN"),
        ),
        version=2,
        document_sha256="a" * 64,
        verify_url="https://karvan.example.org/agreements/verify/KV-TEST-PDF2/",
        labels=labels,
        signatures=(
            Signature(
                "پسته نوین رفسنجان",
                "fa",
                "Maryam Ahmadi",
                "مریم احمدی",
                "",
                SIGNED_AT,
                "203.0.113.7",
                "Firefox",
                "a" * 64,
            ),
            Signature(
                "广州包装机械有限公司",
                "zh-hans",
                "Li Na",
                "李娜",
                "总经理",
                SIGNED_AT,
                "198.51.100.2",
                "Chrome",
                "a" * 64,
            ),
        ),
        audit=(AuditEntry(SIGNED_AT, "Maryam Ahmadi", "signed", "version=2", "b" * 64),),
        font_faces=(("Karvan Vazirmatn", FONTS / "vazirmatn/vazirmatn-arabic-400-normal.woff2"),),
    )


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    return create_sealing_key(
        tmp_path_factory.mktemp("key") / "seal.p12", organisation="Karvan Test"
    )


@pytest.fixture(scope="module")
def sealed(key, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "sealed.pdf"
    path.write_bytes(seal_pdf(render(document()), key, reason="test", location="test"))
    return path


def tampered_copy(original: Path, directory: Path) -> Path:
    """Change one byte inside the signed page content (a digit of the first stream's length)."""
    data = bytearray(original.read_bytes())
    position = data.index(b"stream\n") + len(b"stream\n") + 20
    data[position] ^= 0x01
    path = directory / "tampered.pdf"
    path.write_bytes(bytes(data))
    return path


def test_the_engines_import_no_django():
    code = (
        "import sys, karvan.agreements.documents.pdf, karvan.agreements.documents.sealing,"
        " karvan.agreements.documents.canonical;"
        "sys.exit(any(name == 'django' or name.startswith('django.') for name in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_pyhanko_accepts_the_sealed_pdf(sealed, key):
    check = check_sealed_pdf(sealed.read_bytes(), key.trust_roots)
    assert check.is_authentic
    assert check.verification_code == "KV-TEST-PDF2"
    assert "Karvan Test document seal" in check.signer


def test_pdfsig_accepts_the_sealed_pdf(sealed):
    result = subprocess.run(
        [_poppler("pdfsig"), str(sealed)], capture_output=True, text=True, check=False
    )
    assert "Signature is Valid." in result.stdout
    assert "Total document signed" in result.stdout
    assert "Signer Certificate Common Name: Karvan Test document seal" in result.stdout


def test_both_verifiers_reject_a_tampered_copy(sealed, key, tmp_path):
    copy = tampered_copy(sealed, tmp_path)
    check = check_sealed_pdf(copy.read_bytes(), key.trust_roots)
    assert not check.is_authentic and not check.intact
    result = subprocess.run(
        [_poppler("pdfsig"), str(copy)], capture_output=True, text=True, check=False
    )
    assert "Signature is Valid." not in result.stdout
    assert "Digest Mismatch" in result.stdout or result.returncode != 0


def test_bytes_added_after_sealing_are_detected(sealed, key):
    check = check_sealed_pdf(sealed.read_bytes() + b"\n% appended\n", key.trust_roots)
    assert check.intact and not check.whole_file and not check.is_authentic


def test_another_root_does_not_vouch_for_the_seal(sealed, tmp_path):
    stranger = create_sealing_key(tmp_path / "other.p12", organisation="Someone Else")
    check = check_sealed_pdf(sealed.read_bytes(), stranger.trust_roots)
    assert check.intact and not check.trusted and not check.is_authentic


def test_a_file_that_is_not_a_pdf_is_reported_not_raised(key):
    assert not check_sealed_pdf(b"GIF89a...", key.trust_roots).has_seal
    assert not check_sealed_pdf(render(document()), key.trust_roots).has_seal


def test_the_text_of_every_script_is_in_the_pdf(sealed):
    text = subprocess.run(
        [_poppler("pdftotext"), str(sealed), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "双方在开心果加工" in text and "合作谅解备忘录" in text
    assert "KV-TEST-PDF2" in text
    for word in ("پسته", "همکاری", "الفستق"):
        assert word in text, word
    fonts = subprocess.run(
        [_poppler("pdffonts"), str(sealed)], capture_output=True, text=True, check=True
    ).stdout
    assert "Vazirmatn" in fonts and "CJK" in fonts and "Naskh" in fonts  # fa, zh, ar


def test_a_pkcs12_with_a_passphrase_loads_only_with_it(tmp_path):
    path = tmp_path / "locked.p12"
    create_sealing_key(path, organisation="Karvan", passphrase=b"s3cret")
    assert load_sealing_key(path, b"s3cret").trust_roots
    with pytest.raises(SealingKeyError):
        load_sealing_key(path, b"wrong")
    with pytest.raises(SealingKeyError):
        load_sealing_key(tmp_path / "missing.p12")
