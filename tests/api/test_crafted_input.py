"""Crafted input gets a clear 4xx in the reader's language, never a server error (issue 10, 13)."""

import pytest
from django.urls import reverse

from karvan.knowledge.models import Answer, Comment, Question, Vote
from karvan.knowledge.services import answer_question, ask_question
from karvan.notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HUGE_PAGES = [
    ("/api/interests?received=true&page=1152921504606846977"),
    ("/api/questions?page=8239313113810634752"),
    ("/api/parks/inquiries?page=503000625642099968"),
    ("/api/organisations?page=9223372036854775807"),
    ("/api/opportunities?page=99999999999999999999999"),
]


@pytest.fixture
def member():
    return MembershipFactory(user__language="fa")


@pytest.fixture
def question(member):
    return ask_question(
        actor=member.user,
        data={
            "kind": "question",
            "category": "payments",
            "language": "en",
            "title": "Paying a supplier in Guangzhou",
            "body": "How do we pay a supplier in Guangzhou when banks refuse the transfer?",
            "tags": "",
        },
    )


@pytest.fixture
def answer(question):
    other = MembershipFactory()
    return answer_question(
        question=question, actor=other.user, body="Through a CNY account.", language="en"
    )


@pytest.mark.parametrize("url", HUGE_PAGES)
def test_a_page_number_beyond_any_list_is_refused_in_the_readers_language(client, member, url):
    client.force_login(member.user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid" and "page" in body["fields"]
    assert body["message"] != "Some values are missing or not valid."


def test_every_paginated_operation_uses_the_bounded_pagination():
    from ninja.pagination import PaginationBase

    from karvan.api.main import BoundedPageNumberPagination, api

    paginated = {}
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for name, schema, _source in getattr(
                    operation.view_func, "_ninja_contribute_args", []
                ):
                    if name == "ninja_pagination":
                        paginated[prefix + path] = schema
    assert "/questions" in paginated and "/parks/inquiries" in paginated
    assert len(paginated) > 10
    assert {
        path: schema
        for path, schema in paginated.items()
        if schema is not BoundedPageNumberPagination.Input
    } == {}
    assert issubclass(BoundedPageNumberPagination, PaginationBase)


def test_voting_on_an_answer_of_another_question_is_not_found(client, member, question):
    client.force_login(member.user)
    response = client.post(
        f"/api/questions/{question.pk}/vote",
        {"value": 1, "answer_id": 999999},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("operation", "payload"),
    [
        ("vote", {"value": 1, "answer_id": False}),
        ("vote", {"value": 1, "answer_id": True}),
        ("accept", {"answer_id": False}),
        ("comments", {"language": "en", "body": "Agreed.", "answer_id": False}),
        ("comments", {"language": "en", "body": "Agreed.", "answer_id": "1"}),
    ],
)
def test_a_boolean_where_an_answer_id_is_expected_is_refused(
    client, member, question, answer, operation, payload
):
    client.force_login(member.user)
    response = client.post(
        f"/api/questions/{question.pk}/{operation}", payload, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert "answer_id" in response.json()["fields"]
    assert not Vote.objects.exists() and not Comment.objects.exists()
    assert Question.objects.get().accepted_answer_id is None


def test_an_answer_id_beyond_the_database_range_is_refused(client, member, question):
    client.force_login(member.user)
    response = client.post(
        f"/api/questions/{question.pk}/vote",
        {"value": 1, "answer_id": 2**70},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Answer.objects.count() == 0


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999999", "-1", "x"])
def test_marking_notifications_read_ignores_ids_that_are_not_plain_numbers(client, value):
    user = UserFactory()
    Notification.objects.create(recipient=user, kind="test")
    client.force_login(user)
    response = client.post(reverse("notifications:mark_read"), {"id": value})
    assert response.status_code == 302
    assert Notification.objects.get().read_at is None


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("/api/opportunities", {"organisation_id": False}),
        ("/api/opportunities/1/interests", {"organisation_id": False, "message": "x"}),
        ("/api/opportunities/1/quotations", {"organisation_id": True}),
        ("/api/parks/1/inquiries", {"organisation_id": False, "subject": "x", "body": "y"}),
        ("/api/parks/1/inquiries", {"organisation_id": 1, "unit_id": True, "subject": "x"}),
    ],
)
def test_a_boolean_where_an_organisation_or_unit_id_is_expected_is_refused(
    client, member, url, payload
):
    client.force_login(member.user)
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 422, response.content
    fields = response.json()["fields"]
    assert any(key in fields for key in ("organisation_id", "unit_id"))


def test_field_errors_name_the_field_and_speak_the_readers_language(client, member):
    client.force_login(member.user)
    response = client.post(
        "/api/questions",
        {"category": "payments", "language": "fa", "title": "", "body": "y" * 10001},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert set(fields) == {"title", "body"}  # "body" is the field, not the request body
    assert fields["title"] == ["این مقدار نباید خالی باشد."]
    assert fields["body"] == ["بیش از حد بلند است: حداکثر 10000 نویسه."]
    client.logout()
    paged = client.get("/api/questions?page=abc", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert paged["fields"] == {"page": ["请输入整数。"]}
    client.force_login(UserFactory(language="ar"))
    missing = client.post(
        "/api/questions/1/vote", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ar"
    ).json()
    assert missing["fields"] == {"value": ["هذه القيمة مطلوبة."]}
