"""The agreement pages: template values per language, why a text cannot go out yet, and
proposed changes that start from the current text and read as a diff."""

import re

import pytest
from django.urls import reverse

from karvan.agreements.models import Agreement, AgreementTemplate
from karvan.agreements.selectors import current_version
from karvan.agreements.services.drafting import add_comment
from karvan.agreements.services.signatories import name_signatory

pytestmark = pytest.mark.django_db


def test_values_are_entered_per_language_and_the_date_once(client, iran, china):
    client.force_login(iran.owner)
    response = client.post(
        reverse("agreements:create"),
        {
            "initiator": iran.organisation.pk,
            "partners": [china.organisation.pk],
            "template": AgreementTemplate.objects.get(key="mou").pk,
            "languages": ["fa", "zh-hans"],
            "prevailing_language": "fa",
            "value_place_fa": "تهران",
            "value_place_zh-hans": "德黑兰",
            "value_place_ar": "طهران",  # a language the agreement is not in: ignored
            "value_field_fa": "کشاورزی",
            "value_field_zh-hans": "农业",
            "value_term_fa": "سه سال",
            "value_term_zh-hans": "三年",
            "value_effective_date": "۱۴۰۵-۰۹-۰۲",  # Solar Hijri, in Persian digits
        },
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 302, response.context["form"].errors
    texts = current_version(Agreement.objects.get()).texts
    assert "تهران" in texts["fa"] and "德黑兰" in texts["zh-hans"]
    assert "طهران" not in texts["fa"] + texts["zh-hans"]
    assert "۲ آذر ۱۴۰۵" in texts["fa"]
    assert "2026" in texts["zh-hans"]
    assert "{" not in texts["fa"] + texts["zh-hans"]


def test_a_value_filled_in_one_language_only_is_asked_at_the_other_languages_field(
    client, iran, china
):
    """The API's rule on the page: Persian words never stand in for the Chinese version; the
    error sits at the empty Chinese field and nothing is created."""
    client.force_login(iran.owner)
    response = client.post(
        reverse("agreements:create"),
        {
            "initiator": iran.organisation.pk,
            "partners": [china.organisation.pk],
            "template": AgreementTemplate.objects.get(key="mou").pk,
            "languages": ["fa", "zh-hans"],
            "prevailing_language": "fa",
            "value_place_fa": "تهران",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "{place}" in errors["value_place_zh-hans"][0]
    assert "value_place_fa" not in errors
    assert not Agreement.objects.exists()


def test_the_form_asks_each_value_in_each_language(client, iran):
    client.force_login(iran.owner)
    page = client.get(reverse("agreements:create")).content.decode()
    for code in ("fa", "zh-hans", "ar", "en"):
        assert f'name="value_place_{code}"' in page
        assert f'data-language="{code}"' in page
    assert 'name="value_effective_date"' in page and 'name="value_place"' not in page


def test_send_is_disabled_with_the_reasons_while_a_party_has_no_signatory(client, draft, iran):
    client.force_login(iran.owner)
    page = client.get(draft.get_absolute_url()).content.decode()
    button = re.search(r'<button[^>]*id="send-for-signing"[^>]*>', page).group(0)
    assert "disabled" in button and 'aria-describedby="send-blockers"' in button
    reasons = re.search(r'<ul[^>]*id="send-blockers".*?</ul>', page, re.S).group(0)
    assert "Novin Pistachio" in reasons or "پسته" in reasons


def test_send_is_enabled_once_every_party_has_a_signatory(client, draft, iran, china):
    for side in (iran, china):
        name_signatory(
            actor=side.owner,
            agreement=draft,
            party=draft.parties.get(organisation=side.organisation),
            user=side.signatory,
        )
    client.force_login(iran.owner)
    page = client.get(draft.get_absolute_url()).content.decode()
    button = re.search(r'<button[^>]*id="send-for-signing"[^>]*>', page).group(0)
    assert "disabled" not in button and 'id="send-blockers"' not in page


def test_a_post_to_send_with_a_blank_left_says_which(client, draft, iran, china):
    version = current_version(draft)
    from karvan.agreements.services.drafting import revise_agreement

    revise_agreement(
        actor=iran.owner,
        agreement=draft,
        title=version.title,
        texts={lang: text + " {territory}" for lang, text in version.texts.items()},
    )
    for side in (iran, china):
        name_signatory(
            actor=side.owner,
            agreement=draft,
            party=draft.parties.get(organisation=side.organisation),
            user=side.signatory,
        )
    client.force_login(iran.owner)
    response = client.post(reverse("agreements:send", args=[draft.code]), follow=True)
    assert "{territory}" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.DRAFT


def test_the_proposal_fields_start_from_the_current_text(client, draft, china):
    client.force_login(china.owner)
    response = client.get(draft.get_absolute_url())
    form = response.context["comment_form"]
    texts = current_version(draft).texts
    assert form["proposal_zh-hans"].value() == texts["zh-hans"]
    assert form["proposal_fa"].value() == texts["fa"]


def test_a_proposed_change_is_shown_as_a_diff(client, draft, iran, china):
    texts = current_version(draft).texts
    add_comment(
        actor=china.owner,
        agreement=draft,
        body="Our full legal name.",
        language="zh-hans",
        proposed_texts={"zh-hans": texts["zh-hans"].replace("有限公司", "股份有限公司", 1)},
    )
    client.force_login(iran.owner)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "proposal-diff" in page
    assert re.search(r'class="diff-added bg-success-subtle"[^>]*>\+ [^<]*股份有限公司', page)
    assert 'class="diff-removed bg-danger-subtle' in page
