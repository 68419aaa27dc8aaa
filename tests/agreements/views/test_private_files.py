"""A sealed agreement's PDF is private: the parties' members and staff read it, nobody else."""

from pathlib import Path

import pytest
from django.conf import settings
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.views.static import serve

from karvan.agreements.models import Agreement
from tests.agreements.conftest import sign_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(signing, iran, china, django_capture_on_commit_callbacks) -> Agreement:
    with django_capture_on_commit_callbacks(execute=True):
        sign_as(iran.signatory, signing, typed_name="Maryam Ahmadi")
    with django_capture_on_commit_callbacks(execute=True):
        sign_as(china.signatory, signing, typed_name="Li Na")
    signing.refresh_from_db()
    assert signing.is_sealed
    return signing


def _url(agreement: Agreement) -> str:
    return reverse("agreements:pdf", args=[agreement.code])


@pytest.mark.parametrize("reader", ["iran_member", "china_owner", "staff"])
def test_parties_and_staff_read_the_sealed_pdf(client, sealed, iran, china, reader):
    user = {
        "iran_member": iran.member,
        "china_owner": china.owner,
        "staff": UserFactory(is_staff=True),
    }[reader]
    client.force_login(user)
    response = client.get(_url(sealed))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == sealed.sealed_pdf.open("rb").read()


def test_an_outsider_gets_404_and_an_anonymous_reader_is_sent_to_log_in(client, sealed, outsider):
    anonymous = client.get(_url(sealed))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(outsider)
    assert client.get(_url(sealed)).status_code == 404


def test_the_sealed_pdf_is_not_under_the_public_media_root(sealed):
    name = sealed.sealed_pdf.name
    assert not (Path(settings.MEDIA_ROOT) / name).exists()
    assert Path(sealed.sealed_pdf.path).is_relative_to(settings.KARVAN_PRIVATE_ROOT)
    with pytest.raises(Http404):
        serve(RequestFactory().get(f"/media/{name}"), name, document_root=settings.MEDIA_ROOT)
