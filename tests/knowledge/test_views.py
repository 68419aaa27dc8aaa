import pytest
from django.urls import reverse

from karvan.knowledge.models import Question
from karvan.knowledge.services import answer_question, ask_question
from tests.factories import MembershipFactory
from tests.knowledge.conftest import PAYMENT_QUESTION

pytestmark = pytest.mark.django_db


def test_ask_answer_and_accept_through_the_pages(client, iranian, chinese):
    client.force_login(iranian.user)
    response = client.post(
        reverse("knowledge:ask"),
        {
            "kind": "question",
            "category": "payments",
            "language": "fa",
            "title": "پرداخت به چین",
            "body": "چطور پول بفرستیم؟",
            "tags": "پرداخت",
        },
    )
    question = Question.objects.get()
    assert response.status_code == 302 and response.url == question.get_absolute_url()
    client.force_login(chinese.user)
    client.post(
        reverse("knowledge:answer", args=[question.pk]), {"language": "zh-hans", "body": "人民币"}
    )
    answer = question.answers.get()
    client.force_login(iranian.user)
    client.post(reverse("knowledge:accept", args=[question.pk, answer.pk]))
    question.refresh_from_db()
    assert question.accepted_answer == answer
    page = client.get(question.get_absolute_url())
    assert "人民币" in page.content.decode()


def test_bad_input_is_a_form_error_not_a_500(client, iranian):
    client.force_login(iranian.user)
    response = client.post(reverse("knowledge:ask"), {"category": "nonsense", "title": ""})
    assert response.status_code == 200
    assert not Question.objects.exists()
    assert client.get(reverse("knowledge:list"), {"category": "nonsense"}).status_code == 200


@pytest.mark.parametrize("url_name", ["knowledge:hide", "knowledge:restore"])
def test_outsider_cannot_moderate_another_organisations_post(client, iranian, url_name):
    question = ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
    client.force_login(MembershipFactory().user)
    response = client.post(reverse(url_name, args=[question.pk]), {"reason": "mine now"})
    assert response.status_code == 404
    question.refresh_from_db()
    assert not question.is_hidden and not question.moderation.exists()


def test_outsider_cannot_edit_or_accept(client, iranian, chinese):
    question = ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
    answer = answer_question(
        question=question, actor=chinese.user, body="人民币", language="zh-hans"
    )
    client.force_login(chinese.user)
    response = client.post(
        reverse("knowledge:edit", args=[question.pk]),
        {"category": "payments", "title": "Taken over", "body": "x"},
    )
    assert response.status_code == 404
    client.post(reverse("knowledge:accept", args=[question.pk, answer.pk]))
    question.refresh_from_db()
    assert question.title == {"fa": PAYMENT_QUESTION["title"]} and question.accepted_answer is None


@pytest.mark.parametrize("url_name", ["knowledge:moderation", "knowledge:experts"])
def test_staff_pages_are_invisible_to_members(client, iranian, staff, url_name):
    client.force_login(iranian.user)
    assert client.get(reverse(url_name)).status_code == 404
    client.force_login(staff)
    assert client.get(reverse(url_name)).status_code == 200


def test_staff_grant_the_expert_badge_by_email(client, staff, chinese):
    client.force_login(staff)
    response = client.post(
        reverse("knowledge:experts"), {"email": chinese.user.email, "field": "payments"}
    )
    assert response.status_code == 302
    assert chinese.user.expert_badge.is_active
