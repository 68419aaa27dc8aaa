"""The pages: drafting from a template, signing with the e-mailed code, public verification."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from karvan.agreements.models import Agreement, AgreementTemplate
from karvan.agreements.selectors import current_version
from karvan.agreements.services.drafting import create_agreement
from tests.agreements.conftest import code_from_outbox, sign_as

pytestmark = pytest.mark.django_db


def test_drafting_from_a_template_through_the_form(client, iran, china):
    client.force_login(iran.owner)
    response = client.post(
        reverse("agreements:create"),
        {
            "initiator": iran.organisation.pk,
            "partners": [china.organisation.pk],
            "template": AgreementTemplate.objects.get(key="nda").pk,
            "languages": ["fa", "zh-hans"],
            "prevailing_language": "zh-hans",
            "value_place_fa": "گوانگجو",
            "value_place_zh-hans": "广州",
            "value_field_fa": "packaging lines",
            "value_field_zh-hans": "包装生产线",
        },
    )
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response.url == agreement.get_absolute_url()
    assert "packaging lines" in current_version(agreement).texts["fa"]
    page = client.get(agreement.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fa")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'lang="zh-hans" dir="ltr"' in text and 'lang="fa" dir="rtl"' in text
    assert "保密协议" in text and "قرارداد عدم افشای اطلاعات" in text


def test_a_bad_form_is_shown_again_with_messages_not_an_error(client, iran, china):
    client.force_login(iran.owner)
    response = client.post(
        reverse("agreements:create"),
        {
            "initiator": iran.organisation.pk,
            "partners": [china.organisation.pk],
            "languages": ["fa"],
            "prevailing_language": "en",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["prevailing_language"]
    assert response.context["form"].errors["text_fa"]
    assert not Agreement.objects.exists()


def test_signing_through_the_page_records_ip_and_browser(
    client, signing, iran, django_capture_on_commit_callbacks
):
    client.force_login(iran.signatory)
    url = reverse("agreements:sign", args=[signing.code])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agreements:request_code", args=[signing.code]))
    sha = current_version(signing).document_sha256
    wrong = client.post(url, {"code": "12", "typed_name": "Maryam Ahmadi", "document_sha256": sha})
    assert wrong.status_code == 200 and wrong.context["form"].errors["code"]
    response = client.post(
        url,
        {
            "code": code_from_outbox(),
            "typed_name": "maryam  ahmadi",
            "document_sha256": sha,
        },
        HTTP_USER_AGENT="Mozilla/5.0 Test",
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 302
    signature = signing.signatures.get()
    assert (signature.ip_address, signature.user_agent) == ("192.0.2.44", "Mozilla/5.0 Test")


def test_the_progress_partial_polls_while_signing(client, signing, china):
    client.force_login(china.owner)
    response = client.get(
        reverse("agreements:progress", args=[signing.code]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b'hx-trigger="every 3s"' in response.content
    assert response.content.count(b'data-signed="no"') == 2


@pytest.mark.parametrize("url_name", ["progress", "detail", "ceremony"])
def test_signing_progress_shows_no_signatorys_email_address(client, signing, iran, china, url_name):
    """The other party's people see who signs, not how to reach them by e-mail."""
    client.force_login(china.member)
    response = client.get(reverse(f"agreements:{url_name}", args=[signing.code]))
    assert response.status_code == 200
    assert iran.signatory.email.encode() not in response.content
    assert china.signatory.email.encode() not in response.content


@pytest.fixture
def sealed(signing, iran, china, django_capture_on_commit_callbacks) -> Agreement:
    sign_as(iran.signatory, signing)
    with django_capture_on_commit_callbacks(execute=True):
        sign_as(china.signatory, signing)
    signing.refresh_from_db()
    assert signing.is_sealed
    return signing


def test_the_verification_page_tells_authentic_from_tampered(client, sealed):
    data = sealed.sealed_pdf.read()
    url = reverse("agreements:verify")
    response = client.post(url, {"pdf": SimpleUploadedFile("a.pdf", data, "application/pdf")})
    assert response.context["result"].is_authentic
    assert b'data-verdict="authentic"' in response.content
    assert b"Maryam Ahmadi" in response.content
    for position in (len(data) // 3, len(data) - 40):  # a signed byte, and one in the trailer
        changed = bytearray(data)
        changed[position] ^= 0x20
        response = client.post(
            url, {"pdf": SimpleUploadedFile("a.pdf", bytes(changed), "application/pdf")}
        )
        assert response.status_code == 200
        assert not response.context["result"].is_authentic
    response = client.post(
        url, {"pdf": SimpleUploadedFile("a.pdf", b"not a pdf", "application/pdf")}
    )
    assert response.status_code == 200 and response.context["form"].errors["pdf"]


def test_the_qr_code_page_shows_who_signed_and_when(client, sealed):
    response = client.get(reverse("agreements:verify_code", args=[sealed.code]))
    assert response.status_code == 200
    assert b'data-verdict="on-record"' in response.content
    assert b'data-intact="yes"' in response.content
    assert "李娜".encode() in response.content or b"Li Na" in response.content
    assert client.get(reverse("agreements:root_certificate")).content.startswith(
        b"-----BEGIN CERTIFICATE"
    )


def test_parties_download_the_sealed_pdf(client, sealed, china):
    client.force_login(china.member)
    response = client.get(reverse("agreements:pdf", args=[sealed.code]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == sealed.sealed_pdf.open("rb").read()


def test_the_commands_list_and_export(sealed, draft, tmp_path):
    out = StringIO()
    call_command("agreements", "list", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert {row["code"] for row in rows} == {sealed.code}  # draft is the same agreement signed
    row = rows[0]
    assert row["status"] == "signed" and row["title"]
    assert [party["country"] for party in row["parties"]] == ["IR", "CN"]
    out = StringIO()
    call_command("agreements", "list", "--signed", stdout=out)
    assert sealed.code in out.getvalue()
    target = tmp_path / "out.pdf"
    call_command("agreements", "export", sealed.code, "--out", str(target), stdout=StringIO())
    assert target.read_bytes() == sealed.sealed_pdf.open("rb").read()
    with pytest.raises(CommandError):
        call_command("agreements", "export", "KV-NONE-NONE", "--out", str(target))


def test_staff_add_a_template_in_the_admin_with_one_box_per_language(client):
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(
        reverse("admin:agreements_agreementtemplate_add"),
        {
            "key": "joint-rd",
            "kind": "cooperation",
            "is_active": "on",
            "title_en": "Joint R&D agreement",
            "body_en": "Between {party_1} and {party_2}, at {place}.\n\nArticle 1 — {field}.",
            "title_fa": "قرارداد پژوهش مشترک",
            "body_fa": "میان {party_1} و {party_2}، در {place}.\n\nماده ۱ — {field}.",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    template = AgreementTemplate.objects.get(key="joint-rd")
    assert set(template.body) == {"en", "fa"}
    assert template.placeholders == ["party_1", "party_2", "place", "field"]
    page = client.get(reverse("admin:agreements_agreementtemplate_change", args=[template.pk]))
    assert "قرارداد پژوهش مشترک" in page.content.decode()


def test_a_party_previews_the_draft_as_a_pdf_marked_not_signed(client, draft, china):
    client.force_login(china.member)
    response = client.get(reverse("agreements:preview", args=[draft.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"/ByteRange" not in response.content  # not sealed


def test_an_arabic_agreement_is_sealed_with_arabic_pages(
    iran, china, django_capture_on_commit_callbacks, tmp_path
):
    """From scratch in Arabic and English; the PDF's headings read in Arabic, shaped and found."""
    import shutil
    import subprocess

    from karvan.agreements.services.drafting import create_agreement
    from karvan.agreements.services.signatories import name_signatory
    from karvan.agreements.services.signing import send_for_signing

    agreement = create_agreement(
        actor=iran.owner,
        initiator=iran.organisation,
        partners=[china.organisation],
        languages=["ar", "en"],
        prevailing_language="ar",
        title={"ar": "مذكرة تفاهم لتوزيع الفستق", "en": "Pistachio distribution MoU"},
        texts={
            "ar": "المادة ١ — يوزّع الطرف الثاني الفستق في مقاطعة قوانغدونغ.",
            "en": "Article 1 — The second party distributes pistachios in Guangdong.",
        },
    )
    for side in (iran, china):
        name_signatory(
            actor=side.owner,
            agreement=agreement,
            party=agreement.parties.get(organisation=side.organisation),
            user=side.signatory,
        )
    send_for_signing(actor=iran.owner, agreement=agreement)
    sign_as(iran.signatory, agreement)
    with django_capture_on_commit_callbacks(execute=True):
        sign_as(china.signatory, agreement)
    agreement.refresh_from_db()
    assert agreement.is_sealed
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "ar.pdf"
    path.write_bytes(agreement.sealed_pdf.read())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "التوقيعات" in text  # "Signatures", from the Arabic catalogue
    assert "الفستق" in text and "Guangdong" in text
    assert "اختلاف بين النسخ" in text  # the prevailing-language sentence, in Arabic


def test_the_public_verifier_is_limited_per_client_address(client, sealed, settings):
    """Uploads, codes and QR links count together; past the limit a 429 page in the visitor's
    language; another address is still served."""
    settings.KARVAN_VERIFICATIONS_PER_HOUR = 3
    data = sealed.sealed_pdf.read()
    url = reverse("agreements:verify")
    persian = {"REMOTE_ADDR": "198.51.100.9", "HTTP_ACCEPT_LANGUAGE": "fa"}
    upload = SimpleUploadedFile("a.pdf", data, "application/pdf")
    assert client.post(url, {"pdf": upload}, **persian).status_code == 200
    assert client.post(url, {"code": sealed.code}, **persian).status_code == 200
    qr_page = reverse("agreements:verify_code", args=[sealed.code])
    assert client.get(qr_page, **persian).status_code == 200
    for refused in (
        client.post(url, {"code": sealed.code}, **persian),
        client.get(qr_page, **persian),
    ):
        assert refused.status_code == 429
        assert refused.context.get("result") is None
        with translation.override("fa"):
            message = gettext(
                "Too many documents were checked from your network in the last hour. "
                "Try again in an hour."
            )
        assert message in refused.content.decode()
    assert client.get(url, **persian).status_code == 200  # the empty form is not a check
    other = client.post(url, {"code": sealed.code}, REMOTE_ADDR="198.51.100.10")
    assert other.status_code == 200 and other.context["result"].agreement == sealed


def test_the_list_reads_every_title_in_one_query_not_one_per_agreement(
    client, iran, china, django_assert_max_num_queries
):
    """Each row shows the agreement's current title: read with the list, not per row."""
    for number in range(8):
        create_agreement(
            actor=iran.owner,
            initiator=iran.organisation,
            partners=[china.organisation],
            languages=["en"],
            prevailing_language="en",
            title={"en": f"Agreement number {number}"},
            texts={"en": "Text."},
        )
    client.force_login(iran.owner)
    with django_assert_max_num_queries(7):  # 14 before: one per row
        page = client.get(reverse("agreements:list")).content.decode()
    assert all(f"Agreement number {number}" in page for number in range(8))
