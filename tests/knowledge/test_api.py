import pytest

from karvan.knowledge.models import Question
from karvan.knowledge.services import ask_question, hide_post
from tests.factories import MembershipFactory
from tests.knowledge.conftest import PAYMENT_QUESTION

pytestmark = pytest.mark.django_db


def test_api_ask_answer_vote_and_read(client, iranian, chinese):
    client.force_login(iranian.user)
    response = client.post(
        "/api/questions",
        {"category": "payments", "language": "fa", "title": "پرداخت", "body": "چطور؟"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    question_id = response.json()["id"]
    client.force_login(chinese.user)
    answered = client.post(
        f"/api/questions/{question_id}/answers",
        {"language": "zh-hans", "body": "人民币结算"},
        content_type="application/json",
    )
    assert answered.status_code == 201
    voted = client.post(
        f"/api/questions/{question_id}/vote", {"value": 1}, content_type="application/json"
    )
    assert voted.json() == {"score": 1}
    client.logout()
    read = client.get(f"/api/questions/{question_id}").json()
    assert read["answers"][0]["body"] == {"zh-hans": "人民币结算"}
    listed = client.get("/api/questions", {"category": "payments"}).json()
    assert [item["id"] for item in listed["items"]] == [question_id]


def test_api_refuses_bad_category_with_the_error_format(client, iranian):
    client.force_login(iranian.user)
    response = client.post(
        "/api/questions",
        {"category": "gossip", "language": "fa", "title": "x", "body": "y"},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    assert not Question.objects.exists()


def test_api_hidden_question_is_not_found_for_outsiders(client, iranian, staff):
    question = ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
    hide_post(actor=staff, question=question, reason="spam")
    client.force_login(MembershipFactory().user)
    assert client.get(f"/api/questions/{question.pk}").status_code == 404


def test_api_rate_limit_answers_429(client, iranian, settings):
    settings.KARVAN_KNOWLEDGE_POSTS_PER_HOUR = 1
    client.force_login(iranian.user)
    body = {"category": "payments", "language": "fa", "title": "x", "body": "y"}
    assert client.post("/api/questions", body, content_type="application/json").status_code == 201
    refused = client.post("/api/questions", body, content_type="application/json")
    assert refused.status_code == 429 and refused.json()["code"] == "knowledge.rate_limited"
