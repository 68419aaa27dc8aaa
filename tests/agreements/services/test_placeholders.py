"""Template values per language, blanks that stop a text going out, and proposed changes kept
apart from plain comments."""

import datetime
from decimal import Decimal

import pytest

from karvan.agreements import errors
from karvan.agreements.models import Agreement, AgreementTemplate
from karvan.agreements.selectors import (
    current_version,
    list_send_blockers,
    proposal_diffs,
    unresolved_placeholders,
)
from karvan.agreements.services.drafting import add_comment, create_agreement, revise_agreement
from karvan.agreements.services.signatories import name_signatory
from karvan.agreements.services.signing import send_for_signing

pytestmark = pytest.mark.django_db


def _draft(iran, china, values, template="mou"):
    return create_agreement(
        actor=iran.owner,
        initiator=iran.organisation,
        partners=[china.organisation],
        languages=["fa", "zh-hans"],
        prevailing_language="fa",
        template=AgreementTemplate.objects.get(key=template),
        values=values,
    )


def _name_signatories(agreement, iran, china):
    for side in (iran, china):
        name_signatory(
            actor=side.owner,
            agreement=agreement,
            party=agreement.parties.get(organisation=side.organisation),
            user=side.signatory,
        )


def test_each_language_gets_its_own_words_and_never_another_languages(iran, china):
    draft = _draft(
        iran,
        china,
        {
            "place": {"fa": "تهران", "zh-hans": "德黑兰"},
            "field": {"fa": "", "zh-hans": ""},  # left blank in every language
            "term": {"fa": "سه سال", "zh-hans": "三年"},
            "effective_date": datetime.date(2026, 11, 23),
        },
    )
    texts = current_version(draft).texts
    assert "تهران" in texts["fa"] and "德黑兰" in texts["zh-hans"]
    assert "تهران" not in texts["zh-hans"] and "德黑兰" not in texts["fa"]
    assert "{field}" in texts["zh-hans"] and "{field}" in texts["fa"]
    # The date in each language's calendar: Solar Hijri in Persian digits, Gregorian in Chinese.
    assert "۲ آذر ۱۴۰۵" in texts["fa"]
    assert "2026" in texts["zh-hans"] and "۱۴۰۵" not in texts["zh-hans"]
    assert unresolved_placeholders(draft) == ["field"]


def test_a_text_given_in_one_language_only_is_refused_naming_the_other(iran, china):
    """Persian words never stand in for the Chinese version: the draft is refused, naming the
    placeholder and the language it lacks, and nothing is created."""
    with pytest.raises(errors.PlaceholderValueMissingError) as raised:
        _draft(
            iran,
            china,
            {"place": {"fa": "تهران", "zh-hans": "德黑兰"}, "field": {"fa": "ماشین‌آلات"}},
        )
    assert "{field}" in raised.value.text and "(zh-hans)" in raised.value.text
    assert raised.value.params["language_code"] == "zh-hans"
    assert not Agreement.objects.exists()


def test_one_text_for_two_languages_is_refused_but_a_date_and_a_number_are_not(iran, china):
    with pytest.raises(errors.PlaceholderTextPerLanguageError) as raised:
        _draft(iran, china, {"place": "Tehran"})
    assert "{place}" in raised.value.text
    assert not Agreement.objects.exists()
    draft = _draft(iran, china, {"term": "۳", "effective_date": "2026-11-23"})
    texts = current_version(draft).texts
    assert "۳" in texts["fa"] and "3" in texts["zh-hans"]
    assert "۲ آذر ۱۴۰۵" in texts["fa"]


def test_a_number_is_written_in_each_languages_digits(iran, china):
    draft = _draft(
        iran,
        china,
        {
            "place": {"fa": "تهران", "zh-hans": "德黑兰"},
            "field": {"fa": "کشاورزی", "zh-hans": "农业"},
            "term": Decimal(3),
            "effective_date": datetime.date(2026, 11, 23),
        },
    )
    texts = current_version(draft).texts
    assert "۳" in texts["fa"]
    assert unresolved_placeholders(draft) == []


def test_a_text_with_a_blank_cannot_be_sent_and_the_message_names_it(iran, china):
    draft = _draft(
        iran,
        china,
        {
            "place": {"fa": "تهران", "zh-hans": "德黑兰"},
            "term": "3",
            "effective_date": "2026-11-23",
        },
    )
    _name_signatories(draft, iran, china)
    with pytest.raises(errors.UnresolvedPlaceholderError) as raised:
        send_for_signing(actor=iran.owner, agreement=draft)
    assert "{field}" in raised.value.text
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.DRAFT


def test_filling_the_blank_in_the_text_lets_it_go_out(iran, china):
    draft = _draft(
        iran,
        china,
        {
            "place": {"fa": "تهران", "zh-hans": "德黑兰"},
            "term": "3",
            "effective_date": "2026-11-23",
        },
    )
    _name_signatories(draft, iran, china)
    version = current_version(draft)
    revise_agreement(
        actor=iran.owner,
        agreement=draft,
        title=version.title,
        texts={lang: text.replace("{field}", "trade") for lang, text in version.texts.items()},
    )
    assert list_send_blockers(draft) == []
    assert send_for_signing(actor=iran.owner, agreement=draft).status == Agreement.Status.SIGNING


def test_the_blockers_name_the_party_without_a_signatory_and_the_blank(draft, iran, china):
    version = current_version(draft)
    revise_agreement(
        actor=iran.owner,
        agreement=draft,
        title=version.title,
        texts={lang: text + "\n{arbitration}" for lang, text in version.texts.items()},
    )
    name_signatory(
        actor=iran.owner,
        agreement=draft,
        party=draft.parties.get(organisation=iran.organisation),
        user=iran.signatory,
    )
    blockers = list_send_blockers(draft)
    assert [type(b) for b in blockers] == [
        errors.SignatoriesMissingError,
        errors.UnresolvedPlaceholderError,
    ]
    assert china.organisation.display_name in blockers[0].text
    assert "{arbitration}" in blockers[1].text


def test_a_proposal_left_as_the_current_text_is_a_plain_comment(draft, china):
    texts = current_version(draft).texts
    comment = add_comment(
        actor=china.owner,
        agreement=draft,
        body="Looks good.",
        language="zh-hans",
        proposed_texts={lang: text + "\r\n" for lang, text in texts.items()},
    )
    assert comment.proposed_texts == {} and not comment.is_proposal


def test_a_proposed_change_is_shown_as_a_diff_from_the_text_it_was_made_on(draft, china):
    texts = current_version(draft).texts
    changed = texts["zh-hans"].replace("广州包装机械有限公司", "广州包装机械股份有限公司")
    comment = add_comment(
        actor=china.owner,
        agreement=draft,
        body="Our full legal name.",
        language="zh-hans",
        proposed_texts={"fa": texts["fa"], "zh-hans": changed},
    )
    assert set(comment.proposed_texts) == {"zh-hans"}
    lines = proposal_diffs([comment])[comment.pk]["zh-hans"]
    assert any(line.kind == "added" and "股份" in line.text for line in lines)
    assert any(line.kind == "removed" for line in lines)
