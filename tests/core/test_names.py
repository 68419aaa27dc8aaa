"""One rule for names: the native name for a reader of its script, the Latin one for others."""

import pytest
from django.core import mail
from django.utils import translation

from karvan.core.names import name_for_reader, name_versions, script_of
from karvan.notifications.kinds import render_params
from tests.factories import UserFactory


def test_the_script_of_a_name():
    assert script_of("پریسا احمدی") == "arabic"
    assert script_of("王伟") == "han"
    assert script_of("Parisa Ahmadi") == "latin"
    assert script_of("") == "other"


@pytest.mark.parametrize(
    ("language", "persian_person", "chinese_person"),
    [
        ("fa", "پریسا احمدی", "Wang Wei"),
        ("ar", "پریسا احمدی", "Wang Wei"),
        ("zh-hans", "Parisa Ahmadi", "王伟"),
        ("en", "Parisa Ahmadi", "Wang Wei"),
    ],
)
def test_each_reader_gets_the_name_they_can_read(language, persian_person, chinese_person):
    assert name_for_reader("Parisa Ahmadi", "پریسا احمدی", language) == persian_person
    assert name_for_reader("Wang Wei", "王伟", language) == chinese_person
    # No native name given: the Latin one for everyone; no Latin one: the native one.
    assert name_for_reader("Parisa Ahmadi", "", language) == "Parisa Ahmadi"
    assert name_for_reader("", "王伟", language) == "王伟"


@pytest.mark.django_db
def test_a_person_reads_the_same_everywhere_through_display_name_and_notifications():
    person = UserFactory(full_name="Parisa Ahmadi", full_name_native="پریسا احمدی")
    with translation.override("fa"):
        assert person.display_name == "پریسا احمدی"
    with translation.override("zh-hans"):
        assert person.display_name == "Parisa Ahmadi"
    assert render_params({"person": person.name_versions}, "fa") == {"person": "پریسا احمدی"}
    assert render_params({"person": person.name_versions}, "zh-hans") == {"person": "Parisa Ahmadi"}
    assert name_versions("Wang Wei", "王伟")["zh-hans"] == "王伟"


@pytest.mark.django_db
def test_an_email_greets_the_person_by_the_name_they_gave_in_their_language(client):
    from karvan.accounts.services import send_confirmation_email

    persian = UserFactory(full_name="Parisa Ahmadi", full_name_native="پریسا احمدی", language="fa")
    send_confirmation_email(user=persian)
    assert "پریسا احمدی" in mail.outbox[-1].body
    chinese = UserFactory(full_name="Wang Wei", full_name_native="王伟", language="zh-hans")
    send_confirmation_email(user=chinese)
    assert "王伟" in mail.outbox[-1].body
