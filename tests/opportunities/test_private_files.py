"""Quotation attachments are private: only the buyer's and the supplier's members read them."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.static import serve

from karvan.directory.models import Membership
from karvan.opportunities.services import create_opportunity, publish_opportunity, submit_quotation
from tests.factories import MembershipFactory, OrganisationFactory
from tests.opportunities.conftest import PISTACHIO_REQUEST

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def quotation(iranian, chinese):
    rfq = publish_opportunity(
        opportunity=create_opportunity(
            actor=chinese.user,
            organisation=chinese.organisation,
            data={
                **PISTACHIO_REQUEST,
                "is_rfq": True,
                "quotation_deadline": timezone.now() + datetime.timedelta(days=7),
            },
        ),
        actor=chinese.user,
    )
    return submit_quotation(
        opportunity=rfq,
        actor=iranian.user,
        organisation=iranian.organisation,
        data={
            "unit_price": "9.40",
            "currency": "USD",
            "quantity": "40",
            "quantity_unit": "t",
            "lead_time_days": 21,
        },
        attachment=SimpleUploadedFile("price-list.pdf", PDF, "application/pdf"),
    )


def _url(quotation) -> str:
    return reverse("opportunities:quotation_attachment", args=[quotation.pk])


def _other_supplier():
    return MembershipFactory(
        organisation=OrganisationFactory(name={"en": "Another supplier"}),
        role=Membership.Role.OWNER,
    ).user


@pytest.mark.parametrize("reader", ["buyer", "supplier", "supplier_plain_member"])
def test_the_buyer_and_the_supplier_read_the_attachment(
    client, quotation, iranian, chinese, reader
):
    user = {
        "buyer": chinese.user,
        "supplier": iranian.user,
        "supplier_plain_member": MembershipFactory(
            organisation=iranian.organisation, role=Membership.Role.MEMBER
        ).user,
    }[reader]
    client.force_login(user)
    response = client.get(_url(quotation))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")


def test_anonymous_readers_are_sent_to_log_in(client, quotation):
    response = client.get(_url(quotation))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_organisation_gets_404(client, quotation):
    client.force_login(_other_supplier())
    assert client.get(_url(quotation)).status_code == 404


def test_a_missing_quotation_or_file_gets_404(client, quotation, chinese):
    client.force_login(chinese.user)
    assert (
        client.get(reverse("opportunities:quotation_attachment", args=[99999])).status_code == 404
    )
    quotation.attachment.storage.delete(quotation.attachment.name)
    assert client.get(_url(quotation)).status_code == 404


def test_the_attachment_is_not_under_the_public_media_root(quotation):
    """/media/ is MEDIA_ROOT, served by the proxy (or Django in DEBUG) to anyone with the link."""
    name = quotation.attachment.name
    assert not (Path(settings.MEDIA_ROOT) / name).exists()
    assert Path(quotation.attachment.path).is_relative_to(settings.KARVAN_PRIVATE_ROOT)
    with pytest.raises(Http404):
        serve(RequestFactory().get(f"/media/{name}"), name, document_root=settings.MEDIA_ROOT)
    with pytest.raises(ValueError, match="no URL"):
        quotation.attachment.url  # noqa: B018


def test_the_comparison_page_links_to_the_checked_view(client, quotation, chinese):
    client.force_login(chinese.user)
    page = client.get(reverse("opportunities:quotations", args=[quotation.opportunity_id]))
    assert _url(quotation) in page.content.decode()
    assert "/media/" not in page.content.decode()


def test_behind_nginx_the_view_answers_with_an_internal_redirect(client, settings, quotation):
    settings.KARVAN_PRIVATE_FILE_SERVER = "nginx"
    settings.KARVAN_PRIVATE_FILE_ACCEL_PREFIX = "/internal-private-files/"
    client.force_login(quotation.opportunity.organisation.memberships.get().user)
    response = client.get(_url(quotation))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/internal-private-files/{quotation.attachment.name}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    client.force_login(_other_supplier())
    refused = client.get(_url(quotation))
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


def test_behind_apache_the_view_answers_with_x_sendfile(client, settings, quotation):
    settings.KARVAN_PRIVATE_FILE_SERVER = "apache"
    client.force_login(quotation.organisation.memberships.get().user)
    response = client.get(_url(quotation))
    assert response.status_code == 200
    assert response["X-Sendfile"] == quotation.attachment.path
    assert response.content == b""


def test_the_migration_moves_existing_attachments_out_of_media(quotation):
    """Files uploaded before private storage sit under MEDIA_ROOT; the migration moves them."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module(
        "karvan.opportunities.migrations.0005_move_attachments_to_private_storage"
    )
    private = Path(quotation.attachment.path)
    public = Path(settings.MEDIA_ROOT) / quotation.attachment.name
    migration.backwards(apps, None)
    assert public.read_bytes() == PDF and not private.exists()
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # runs twice without harm
    assert private.read_bytes() == PDF and not public.exists()
