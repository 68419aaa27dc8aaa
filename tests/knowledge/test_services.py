import pytest
from django.core import mail

from karvan.core.errors import NotAllowedError
from karvan.knowledge.errors import (
    EmptyTextError,
    HiddenPostError,
    OwnVoteError,
    RateLimitedError,
    ReasonRequiredError,
)
from karvan.knowledge.indexing import KIND
from karvan.knowledge.models import Answer, ModerationAction, Question, Report
from karvan.knowledge.services import (
    accept_answer,
    answer_question,
    ask_question,
    comment_on,
    grant_expert,
    hide_post,
    report_post,
    restore_post,
    update_question,
    vote,
)
from karvan.matching.models import StoredVector
from karvan.notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory
from tests.knowledge.conftest import PAYMENT_QUESTION

pytestmark = pytest.mark.django_db


def test_question_is_stored_in_its_authors_language_with_organisation_and_tags(iranian):
    question = ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
    assert question.title == {"fa": PAYMENT_QUESTION["title"]}
    assert question.language == "fa"
    assert question.organisation == iranian.organisation
    assert question.country == "IR"
    assert question.tags == ["پرداخت", "حواله"]
    assert "گوانگژو" in question.search_document


def test_empty_title_is_refused(iranian):
    with pytest.raises(EmptyTextError):
        ask_question(actor=iranian.user, data={**PAYMENT_QUESTION, "title": "  "})
    assert not Question.objects.exists()


def test_question_to_the_other_side_tells_its_community(
    iranian, chinese, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = ask_question(actor=iranian.user, data=PAYMENT_QUESTION, to_other_side=True)
    assert question.audience_country == "CN"
    assert Notification.objects.filter(
        recipient=chinese.user, kind="knowledge.question_for_community"
    ).exists()
    assert not Notification.objects.filter(recipient=iranian.user).exists()


def test_answer_notifies_the_asker_and_is_marked_when_by_an_expert(
    iranian, chinese, staff, django_capture_on_commit_callbacks
):
    question = ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
    grant_expert(actor=staff, user=chinese.user, field={"en": "cross-border payments"})
    with django_capture_on_commit_callbacks(execute=True):
        answer = answer_question(
            question=question, actor=chinese.user, body="可以通过人民币结算。", language="zh-hans"
        )
    assert answer.is_by_expert
    assert answer.body == {"zh-hans": "可以通过人民币结算。"}
    notification = Notification.objects.get(
        recipient=iranian.user, kind="knowledge.question_answered"
    )
    assert notification.url.endswith(f"#answer-{answer.pk}")
    assert len(mail.outbox) >= 1


def test_the_expert_is_told_once_not_at_each_edit_of_their_field(
    chinese, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        grant_expert(actor=staff, user=chinese.user, field={"en": "payments"})
        grant_expert(actor=staff, user=chinese.user, field={"en": "cross-border payments"})
    told = Notification.objects.filter(recipient=chinese.user, kind="knowledge.expert_granted")
    assert told.count() == 1
    chinese.user.refresh_from_db()
    assert chinese.user.expert_badge.field == {"en": "cross-border payments"}


def test_only_staff_grant_the_expert_badge(iranian, chinese):
    with pytest.raises(NotAllowedError):
        grant_expert(actor=iranian.user, user=chinese.user, field={"en": "x"})


def test_only_the_asker_accepts_and_only_an_answer_of_that_question(iranian, chinese):
    question = ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
    answer = answer_question(
        question=question, actor=chinese.user, body="人民币", language="zh-hans"
    )
    with pytest.raises(NotAllowedError):
        accept_answer(question=question, answer=answer, actor=chinese.user)
    accept_answer(question=question, answer=answer, actor=iranian.user)
    question.refresh_from_db()
    assert question.accepted_answer == answer


def test_votes_count_once_per_person_and_not_on_ones_own_post(iranian, chinese):
    question = ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
    other = MembershipFactory().user
    assert vote(actor=chinese.user, value=1, question=question) == 1
    assert vote(actor=other, value=1, question=question) == 2
    assert vote(actor=other, value=-1, question=question) == 0
    assert vote(actor=other, value=-1, question=question) == 1  # the same vote again withdraws it
    with pytest.raises(OwnVoteError):
        vote(actor=iranian.user, value=1, question=question)
    question.refresh_from_db()
    assert question.score == 1


def test_rate_limit_stops_a_flood_of_posts(iranian, settings):
    settings.KARVAN_KNOWLEDGE_POSTS_PER_HOUR = 2
    ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
    ask_question(actor=iranian.user, data={**PAYMENT_QUESTION, "title": "دوم"})
    with pytest.raises(RateLimitedError) as error:
        ask_question(actor=iranian.user, data={**PAYMENT_QUESTION, "title": "سوم"})
    assert error.value.code == "knowledge.rate_limited"
    assert Question.objects.count() == 2


def test_comment_rate_limit(iranian, chinese, settings):
    settings.KARVAN_KNOWLEDGE_COMMENTS_PER_HOUR = 1
    question = ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
    comment_on(question=question, actor=chinese.user, body="好问题", language="zh-hans")
    with pytest.raises(RateLimitedError):
        comment_on(question=question, actor=chinese.user, body="再说一次", language="zh-hans")


def test_report_hide_and_restore_with_reasons(
    iranian, chinese, staff, django_capture_on_commit_callbacks
):
    question = ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
    answer = answer_question(
        question=question, actor=chinese.user, body="广告 广告", language="zh-hans"
    )
    report = report_post(actor=iranian.user, question=question, answer=answer, reason="spam")
    with pytest.raises(ReasonRequiredError):
        hide_post(actor=staff, question=question, answer=answer, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        hide_post(actor=staff, question=question, answer=answer, reason="Advertising")
    answer.refresh_from_db()
    report.refresh_from_db()
    assert answer.is_hidden and report.resolved_at is not None
    assert Notification.objects.filter(
        recipient=chinese.user, kind="knowledge.post_hidden"
    ).exists()
    assert not StoredVector.objects.filter(kind=KIND, key=f"a{answer.pk}", is_active=True).exists()
    with pytest.raises(HiddenPostError):
        vote(actor=iranian.user, value=1, answer=answer)
    restore_post(actor=staff, question=question, answer=answer, reason="Checked again")
    answer.refresh_from_db()
    assert not answer.is_hidden
    assert list(ModerationAction.objects.values_list("action", "reason")) == [
        ("restore", "Checked again"),
        ("hide", "Advertising"),
    ]


def test_another_organisation_cannot_moderate_or_edit(iranian, chinese):
    question = ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
    with pytest.raises(NotAllowedError):
        hide_post(actor=chinese.user, question=question, reason="I do not like it")
    with pytest.raises(NotAllowedError):
        update_question(question=question, actor=chinese.user, data={"title": "Taken over"})
    question.refresh_from_db()
    assert not question.is_hidden and question.title == {"fa": PAYMENT_QUESTION["title"]}


def test_question_and_answers_are_indexed_with_the_platform_embedder(
    iranian, chinese, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
        answer_question(
            question=question, actor=chinese.user, body="人民币结算", language="zh-hans"
        )
    rows = {row.key: row for row in StoredVector.objects.filter(kind=KIND)}
    assert set(rows) == {f"q{question.pk}", f"a{Answer.objects.get().pk}"}
    assert all(row.is_active and row.model == settings.KARVAN_EMBEDDER for row in rows.values())
    assert len(bytes(rows[f"q{question.pk}"].vector)) == 384 * 4


def test_unknown_user_cannot_post():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowedError):
        ask_question(actor=AnonymousUser(), data=PAYMENT_QUESTION)


def test_report_needs_a_reason(iranian):
    question = ask_question(actor=iranian.user, data=PAYMENT_QUESTION)
    with pytest.raises(ReasonRequiredError):
        report_post(actor=UserFactory(), question=question, reason="")
    assert not Report.objects.exists()
