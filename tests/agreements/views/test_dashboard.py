"""Agreements to sign on the dashboard: the signatory whose turn it is, until they sign."""

import re

import pytest
from django.urls import reverse

from karvan.agreements.services.signatories import name_signatory
from karvan.agreements.services.signing import send_for_signing
from tests.agreements.conftest import sign_as

pytestmark = pytest.mark.django_db


def _count(html: str) -> int | None:
    found = re.search(
        r'data-block="agreements">\s*<div class="card-header[^\n]*?data-count="(\d+)"', html
    )
    return int(found.group(1)) if found else None


def test_each_signatory_sees_the_agreement_until_they_have_signed(client, signing, iran, china):
    for side in (iran, china):
        client.force_login(side.signatory)
        html = client.get(reverse("home")).content.decode()
        assert _count(html) == 1
        assert reverse("agreements:sign", args=[signing.code]) in html
    client.force_login(iran.owner)  # not a signatory
    assert _count(client.get(reverse("home")).content.decode()) is None
    sign_as(iran.signatory, signing)
    client.force_login(iran.signatory)
    assert _count(client.get(reverse("home")).content.decode()) is None
    client.force_login(china.signatory)
    assert _count(client.get(reverse("home")).content.decode()) == 1


def test_in_a_signing_order_only_the_next_signatory_is_asked(client, draft, iran, china):
    draft.is_ordered = True
    draft.save(update_fields=["is_ordered"])
    for side in (iran, china):
        name_signatory(
            actor=side.owner,
            agreement=draft,
            party=draft.parties.get(organisation=side.organisation),
            user=side.signatory,
        )
    send_for_signing(actor=iran.owner, agreement=draft)
    client.force_login(iran.signatory)
    assert _count(client.get(reverse("home")).content.decode()) == 1
    client.force_login(china.signatory)
    assert _count(client.get(reverse("home")).content.decode()) is None
