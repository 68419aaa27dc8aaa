"""Questions and answers in the platform's one matching store: indexed, hidden and deleted."""

import pytest

from karvan.knowledge.indexing import KIND, search_posts
from karvan.knowledge.selectors import search_questions
from karvan.knowledge.services import answer_question, ask_question
from karvan.matching.models import StoredVector, VectorRemoval
from tests.factories import UserFactory

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
QUERY = "开心果出口中国海关"


def test_a_deleted_question_leaves_the_running_index_and_search(
    iranian, chinese, django_capture_on_commit_callbacks
):
    """Deleting a post (the admin) cannot mark its vector inactive: a tombstone tells every
    process's index, which had kept it and its answers before."""
    with django_capture_on_commit_callbacks(execute=True):
        question = ask_question(actor=iranian.user, data=PISTACHIO)
        answer = answer_question(
            question=question,
            actor=chinese.user,
            body="开心果出口需要海关总署注册。",
            language="zh-hans",
        )
    keys = {f"q{question.pk}", f"a{answer.pk}"}
    assert keys <= {match.id for match in search_posts(QUERY, top=10)}  # the index is built
    assert search_questions(viewer=UserFactory(), query=QUERY) == [question]

    question.delete()

    assert not StoredVector.objects.filter(kind=KIND).exists()
    assert set(VectorRemoval.objects.filter(kind=KIND).values_list("key", flat=True)) == keys
    assert not keys & {match.id for match in search_posts(QUERY, top=10)}
    assert search_questions(viewer=UserFactory(), query=QUERY) == []


def test_a_deleted_answer_leaves_the_index_and_its_question_stays(
    iranian, chinese, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = ask_question(actor=iranian.user, data=PISTACHIO)
        answer = answer_question(
            question=question,
            actor=chinese.user,
            body="开心果出口需要海关总署注册。",
            language="zh-hans",
        )
    assert f"a{answer.pk}" in {match.id for match in search_posts(QUERY, top=10)}
    answer.delete()
    found = {match.id for match in search_posts(QUERY, top=10)}
    assert f"a{answer.pk}" not in found and f"q{question.pk}" in found
