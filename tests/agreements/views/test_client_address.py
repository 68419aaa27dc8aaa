"""A signature behind the trusted reverse proxy records the signer's address, not the proxy's."""

import pytest
from django.urls import reverse

from karvan.agreements.selectors import current_version
from tests.agreements.conftest import code_from_outbox

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("trusted", "expected"), [(["10.0.0.0/8"], "203.0.113.7"), ([], "10.0.0.2")]
)
def test_signature_records_the_client_behind_a_trusted_proxy(
    client, settings, signing, iran, django_capture_on_commit_callbacks, trusted, expected
):
    settings.KARVAN_TRUSTED_PROXIES = trusted
    headers = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    client.force_login(iran.signatory)
    url = reverse("agreements:sign", args=[signing.code])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agreements:request_code", args=[signing.code]), **headers)
    response = client.post(
        url,
        {
            "code": code_from_outbox(),
            "typed_name": "Maryam Ahmadi",
            "document_sha256": current_version(signing).document_sha256,
        },
        **headers,
    )
    assert response.status_code == 302
    assert signing.signatures.get().ip_address == expected
