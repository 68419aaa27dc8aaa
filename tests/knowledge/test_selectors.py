import pytest

from karvan.knowledge.selectors import get_question, list_questions, search_questions
from karvan.knowledge.services import answer_question, ask_question, hide_post
from tests.factories import UserFactory
from tests.knowledge.conftest import PAYMENT_QUESTION

pytestmark = pytest.mark.django_db

PISTACHIO = {
    "kind": "question",
    "category": "customs",
    "language": "fa",
    "title": "صادرات پسته به چین و ثبت در گمرک چین",
    "body": "برای صادرات پسته به چین چه مدارکی لازم است و ثبت کارخانه در سامانه گمرک چین "
    "چقدر طول می‌کشد؟",
    "tags": "پسته",
}
CCC = {
    "kind": "experience",
    "category": "certification",
    "language": "en",
    "title": "Getting CCC certification for electric motors",
    "body": "Our experience of the China Compulsory Certificate for small electric motors: "
    "factory audit, type tests, and how long it took.",
}


def test_search_finds_a_persian_question_from_a_chinese_query(
    iranian, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pistachio = ask_question(actor=iranian.user, data=PISTACHIO)
        ask_question(actor=iranian.user, data=CCC)
    found = search_questions(viewer=UserFactory(), query="开心果出口中国海关")
    assert found and found[0] == pistachio


def test_search_finds_a_question_through_its_answer(
    iranian, chinese, django_capture_on_commit_callbacks
):
    question = ask_question(actor=iranian.user, data=CCC)
    with django_capture_on_commit_callbacks(execute=True):
        answer_question(
            question=question,
            actor=chinese.user,
            body="工厂检查和型式试验大约需要三个月。",
            language="zh-hans",
        )
    assert question in search_questions(viewer=UserFactory(), query="型式试验")


def test_full_text_answers_when_the_engine_finds_nothing(iranian, monkeypatch):
    question = ask_question(actor=iranian.user, data=CCC)

    from karvan.knowledge import selectors

    def broken(query, top):
        raise RuntimeError("no model")

    monkeypatch.setattr(selectors, "search_posts", broken)
    assert search_questions(viewer=UserFactory(), query="motors") == [question]


def test_hidden_questions_are_seen_by_their_author_and_staff_only(
    iranian, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
        hide_post(actor=staff, question=question, reason="Duplicate")
    outsider = UserFactory()
    assert question not in list_questions(viewer=outsider)
    assert question not in search_questions(viewer=outsider, query="گوانگژو")
    with pytest.raises(type(question).DoesNotExist):
        get_question(viewer=outsider, pk=question.pk)
    assert get_question(viewer=iranian.user, pk=question.pk) == question
    assert get_question(viewer=staff, pk=question.pk) == question


def test_filters_by_category_tag_and_unanswered(iranian, chinese):
    payment = ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
    ccc = ask_question(actor=iranian.user, data=CCC)
    answer_question(question=ccc, actor=chinese.user, body="三个月", language="zh-hans")
    viewer = UserFactory()
    assert list(list_questions(viewer=viewer, category="payments")) == [payment]
    assert list(list_questions(viewer=viewer, tag="حواله")) == [payment]
    assert list(list_questions(viewer=viewer, unanswered=True)) == [payment]
