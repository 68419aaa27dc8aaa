"""A signatory types the e-mailed code in the digits of their keyboard: Persian, Arabic-Indic or
full-width, on the page and through the API."""

import re

import pytest
from django.test import TestCase
from django.urls import reverse

from karvan.agreements.selectors import current_version
from tests.agreements.conftest import code_from_outbox

pytestmark = pytest.mark.django_db

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(
    ("side", "digits"), [("iran", PERSIAN), ("china", FULL_WIDTH), ("iran", ARABIC_INDIC)]
)
def test_signing_on_the_page_with_the_code_in_native_digits(
    client, signing, side, digits, request, django_capture_on_commit_callbacks
):
    signatory = request.getfixturevalue(side).signatory
    client.force_login(signatory)
    url = reverse("agreements:sign", args=[signing.code])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agreements:request_code", args=[signing.code]))
    code = code_from_outbox().translate(digits)
    assert code.isdigit() and not code.isascii()
    response = client.post(
        url,
        {
            "code": f" {code} ",
            "typed_name": signatory.full_name,
            "document_sha256": current_version(signing).document_sha256,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert signing.signatures.get().user == signatory


def test_signing_through_the_api_with_a_persian_code(client, signing, iran):
    client.force_login(iran.signatory)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/api/agreements/{signing.code}/signing-code")
    signed = client.post(
        f"/api/agreements/{signing.code}/sign",
        {
            "code": code_from_outbox().translate(PERSIAN),
            "typed_name": "مریم احمدی",
            "document_sha256": current_version(signing).document_sha256,
        },
        content_type="application/json",
    )
    assert signed.status_code == 200, signed.json()
    assert signed.json()["signatories"][0]["signed_at"]


def test_a_wrong_native_code_is_still_wrong(
    client, signing, iran, django_capture_on_commit_callbacks
):
    client.force_login(iran.signatory)
    url = reverse("agreements:sign", args=[signing.code])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agreements:request_code", args=[signing.code]))
    right = code_from_outbox()
    wrong = str((int(right) + 1) % 1_000_000).zfill(6).translate(PERSIAN)
    response = client.post(
        url,
        {
            "code": wrong,
            "typed_name": iran.signatory.full_name,
            "document_sha256": current_version(signing).document_sha256,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert not signing.signatures.exists()


def test_the_service_reads_a_full_width_code_whoever_calls_it(signing, china):
    from karvan.agreements.services.signing import sign_agreement
    from tests.agreements.conftest import ask_code

    code = ask_code(china.signatory, signing).translate(FULL_WIDTH)
    signature = sign_agreement(
        actor=china.signatory,
        agreement=signing,
        code=code,
        typed_name=china.signatory.full_name,
        document_sha256=current_version(signing).document_sha256,
    )
    assert signature.signatory.user == china.signatory


def test_a_wrong_code_is_reported_at_the_focused_code_field(
    client, signing, iran, django_capture_on_commit_callbacks
):
    """The error sits at the code field, which is autofocused (so the browser scrolls to it
    below the long text) and described by it."""
    client.force_login(iran.signatory)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agreements:request_code", args=[signing.code]))
    wrong = str((int(code_from_outbox()) + 1) % 1_000_000).zfill(6).translate(FULL_WIDTH)
    response = client.post(
        reverse("agreements:sign", args=[signing.code]),
        {
            "code": wrong,
            "typed_name": iran.signatory.full_name,
            "document_sha256": current_version(signing).document_sha256,
        },
    )
    page = response.content.decode()
    field = re.search(r"<input[^>]*\bname=\"code\"[^>]*>", page).group(0)
    assert "autofocus" in field
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_code_error"' in field
    error = re.search(
        r'<div class="invalid-feedback d-block" id="id_code_error">([^<]+)</div>', page
    )
    assert error and str(response.context["form"].errors["code"][0]) in error.group(1)
    assert not signing.signatures.exists()


def test_a_valid_form_focuses_nothing(client, signing, iran):
    client.force_login(iran.signatory)
    page = client.get(reverse("agreements:sign", args=[signing.code])).content.decode()
    assert "autofocus" not in re.search(r"<input[^>]*\bname=\"code\"[^>]*>", page).group(0)
