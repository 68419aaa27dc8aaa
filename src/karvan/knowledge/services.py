"""Actions of the knowledge exchange: asking, answering, commenting, voting, accepting,
moderating, granting the expert badge, and keeping the cross-lingual index current."""

import datetime
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from karvan.accounts.models import User
from karvan.core.errors import NotAllowedError
from karvan.core.search import document_tokens
from karvan.core.text import CONTENT_LANGUAGES
from karvan.directory import memberships
from karvan.directory.models import Organisation
from karvan.knowledge import notifications as kinds
from karvan.knowledge import tasks
from karvan.knowledge.errors import (
    AnswerOfAnotherQuestionError,
    EmptyTextError,
    HiddenPostError,
    OwnVoteError,
    RateLimitedError,
    ReasonRequiredError,
    UnknownLanguageError,
)
from karvan.knowledge.models import (
    Answer,
    Comment,
    Expert,
    ModerationAction,
    Question,
    Report,
    Vote,
)
from karvan.knowledge.permissions import (
    can_accept_answer,
    can_edit_question,
    can_grant_expert,
    can_moderate,
    can_post,
)
from karvan.notifications.services import notify

MAX_TAGS = 8


def _posts_per_hour() -> int:
    return settings.KARVAN_KNOWLEDGE_POSTS_PER_HOUR


def _comments_per_hour() -> int:
    return settings.KARVAN_KNOWLEDGE_COMMENTS_PER_HOUR


def _check_rate(actor: User) -> None:
    """Questions and answers together, per person per hour; staff are not limited."""
    if actor.is_staff:
        return
    since = timezone.now() - datetime.timedelta(hours=1)
    count = (
        Question.objects.filter(author=actor, created_at__gte=since).count()
        + Answer.objects.filter(author=actor, created_at__gte=since).count()
    )
    if count >= _posts_per_hour():
        raise RateLimitedError(count=count)


def _check_comment_rate(actor: User) -> None:
    if actor.is_staff:
        return
    since = timezone.now() - datetime.timedelta(hours=1)
    count = Comment.objects.filter(author=actor, created_at__gte=since).count()
    if count >= _comments_per_hour():
        raise RateLimitedError(count=count)


def _check_language(language: str) -> None:
    if language not in CONTENT_LANGUAGES:
        raise UnknownLanguageError(field="language")


def _clean_tags(tags: object) -> list[str]:
    if isinstance(tags, str):
        tags = tags.replace("،", ",").replace("，", ",").split(",")
    # Ignored for mypy: a list of tags from the schema, or None.
    cleaned = [str(tag).strip().casefold()[:40] for tag in tags or []]  # type: ignore[attr-defined]
    return list(dict.fromkeys(tag for tag in cleaned if tag))[:MAX_TAGS]


def _actor_organisation(actor: User, organisation: Organisation | None) -> Organisation | None:
    """The organisation the actor writes for: the one named (if theirs), else their first."""
    if organisation is not None:
        if not memberships.is_member(actor, organisation.pk):
            raise NotAllowedError()
        return organisation
    first = memberships.memberships_of(actor).order_by("created_at").first()
    return first.organisation if first else None


def other_side_of(country: str) -> str:
    """The corridor's other country for an organisation of `country` ("" outside the corridor)."""
    corridor = list(settings.KARVAN_CORRIDOR)
    if country in corridor and len(corridor) == 2:
        return corridor[1 - corridor.index(country)]
    return ""


def build_search_document(question: Question) -> str:
    texts = [*question.title.values(), *question.body.values(), *question.tags]
    for answer in question.answers.filter(is_hidden=False):
        texts.extend(answer.body.values())
    return document_tokens(texts)


def _refresh(question: Question) -> None:
    question.search_document = build_search_document(question)
    Question.objects.filter(pk=question.pk).update(search_document=question.search_document)
    transaction.on_commit(lambda: tasks.index_question.delay(question_id=question.pk))


@transaction.atomic
def ask_question(
    *,
    actor: User,
    data: Mapping[str, object],
    organisation: Organisation | None = None,
    to_other_side: bool = False,
) -> Question:
    """Post a question or an experience in the author's language; put it to the other side's
    community when asked to (its members are told)."""
    if not can_post(actor):
        raise NotAllowedError()
    language = str(data.get("language") or "")
    _check_language(language)
    title, body = str(data.get("title") or "").strip(), str(data.get("body") or "").strip()
    if not title or not body:
        raise EmptyTextError(field="title" if not title else "body")
    _check_rate(actor)
    organisation = _actor_organisation(actor, organisation)
    country = organisation.country if organisation else ""
    question = Question(
        author=actor,
        organisation=organisation,
        kind=str(data.get("kind") or Question.Kind.QUESTION),
        category=str(data.get("category") or ""),
        tags=_clean_tags(data.get("tags")),
        title={language: title[:300]},
        body={language: body},
        language=language,
        country=country,
        audience_country=other_side_of(country) if to_other_side else "",
    )
    question.full_clean(exclude=["search_document", "accepted_answer"])
    question.save()
    _refresh(question)
    if question.audience_country:
        audience = Organisation.objects.filter(country=question.audience_country)
        community = [
            person
            for person in memberships.people_of(
                audience.values_list("pk", flat=True), roles=memberships.MANAGER_ROLES
            )
            if person.is_active
        ]
        transaction.on_commit(
            lambda: notify(
                recipients=list(community),
                kind=kinds.QUESTION_FOR_COMMUNITY,
                params={"question": dict(question.title)},
                url=question.get_absolute_url(),
            )
        )
    return question


@transaction.atomic
def update_question(*, question: Question, actor: User, data: Mapping[str, object]) -> Question:
    """The author corrects the text in its language, or the category and tags."""
    if not can_edit_question(actor, question):
        raise NotAllowedError()
    title = str(data.get("title", question.title.get(question.language, ""))).strip()
    body = str(data.get("body", question.body.get(question.language, ""))).strip()
    if not title or not body:
        raise EmptyTextError(field="title" if not title else "body")
    question.title = {**question.title, question.language: title[:300]}
    question.body = {**question.body, question.language: body}
    if "category" in data:
        question.category = str(data["category"])
    if "tags" in data:
        question.tags = _clean_tags(data["tags"])
    question.full_clean(exclude=["search_document", "accepted_answer"])
    question.save()
    _refresh(question)
    return question


@transaction.atomic
def answer_question(*, question: Question, actor: User, body: str, language: str) -> Answer:
    """Answer a question; an expert's answer is marked; the asker is told."""
    if not can_post(actor):
        raise NotAllowedError()
    if question.is_hidden:
        raise HiddenPostError()
    _check_language(language)
    body = body.strip()
    if not body:
        raise EmptyTextError(field="body")
    _check_rate(actor)
    organisation = _actor_organisation(actor, None)
    answer = Answer.objects.create(
        question=question,
        author=actor,
        organisation=organisation,
        body={language: body},
        language=language,
        is_by_expert=Expert.objects.filter(user=actor, revoked_at__isnull=True).exists(),
    )
    _refresh(question)
    asker = question.author
    if asker is not None and asker.pk != actor.pk:
        transaction.on_commit(
            lambda: notify(
                recipients=[asker],
                kind=kinds.QUESTION_ANSWERED,
                params={"question": dict(question.title), "person": actor.name_versions},
                url=answer.get_absolute_url(),
            )
        )
    return answer


@transaction.atomic
def comment_on(
    *, question: Question, actor: User, body: str, language: str, answer: Answer | None = None
) -> Comment:
    """A short remark on the question or one of its answers."""
    if not can_post(actor):
        raise NotAllowedError()
    if question.is_hidden or (answer is not None and answer.is_hidden):
        raise HiddenPostError()
    if answer is not None and answer.question_id != question.pk:
        raise AnswerOfAnotherQuestionError()
    _check_language(language)
    body = body.strip()[:1000]
    if not body:
        raise EmptyTextError(field="body")
    _check_comment_rate(actor)
    comment = Comment.objects.create(
        question=question, answer=answer, author=actor, body=body, language=language
    )
    target = answer.author if answer is not None else question.author
    if target is not None and target.pk != actor.pk:
        transaction.on_commit(
            lambda: notify(
                recipients=[target],
                kind=kinds.COMMENT_ADDED,
                params={"question": dict(question.title), "person": actor.name_versions},
                url=question.get_absolute_url(),
            )
        )
    return comment


@transaction.atomic
def vote(
    *, actor: User, value: int, question: Question | None = None, answer: Answer | None = None
) -> int:
    """Vote +1 or -1 on a question or an answer (voting the same again takes the vote back);
    return the new score."""
    if not can_post(actor):
        raise NotAllowedError()
    if value not in (-1, 1) or (question is None) == (answer is None):
        raise ValueError("vote on one question or one answer, +1 or -1")
    # Ignored for mypy: exactly one of question and answer is given, checked just above.
    target: Question | Answer = question if question is not None else answer  # type: ignore[assignment]
    if target.author_id == actor.pk:
        raise OwnVoteError()
    if target.is_hidden:
        raise HiddenPostError()
    lookup = {"question": question} if question is not None else {"answer": answer}
    model = type(target)
    model.objects.select_for_update().filter(pk=target.pk).first()  # one vote count at a time
    existing = Vote.objects.filter(user=actor, **lookup).first()
    if existing is not None and existing.value == value:
        existing.delete()
    elif existing is not None:
        existing.value = value
        existing.save(update_fields=["value"])
    else:
        try:
            with transaction.atomic():
                Vote.objects.create(user=actor, value=value, **lookup)
        except IntegrityError:
            pass  # a double click: the first vote counts
    score = Vote.objects.filter(**lookup).aggregate(total=Sum("value"))["total"] or 0
    model.objects.filter(pk=target.pk).update(score=score)
    target.score = score
    return score


@transaction.atomic
def accept_answer(*, question: Question, answer: Answer | None, actor: User) -> Question:
    """The asker marks the answer that solved the problem (None takes the mark back)."""
    if not can_accept_answer(actor, question):
        raise NotAllowedError()
    if answer is not None and answer.question_id != question.pk:
        raise AnswerOfAnotherQuestionError()
    if answer is not None and answer.is_hidden:
        raise HiddenPostError()
    question.accepted_answer = answer
    question.save(update_fields=["accepted_answer", "updated_at"])
    author = answer.author if answer is not None else None
    if author is not None and author.pk != actor.pk:
        transaction.on_commit(
            lambda: notify(
                recipients=[author],
                kind=kinds.ANSWER_ACCEPTED,
                params={"question": dict(question.title)},
                # Ignored for mypy: set with `author`; the lambda loses the narrowing.
                url=answer.get_absolute_url(),  # type: ignore[union-attr]
            )
        )
    return question


@transaction.atomic
def report_post(
    *,
    actor: User,
    question: Question,
    reason: str,
    answer: Answer | None = None,
    comment: Comment | None = None,
) -> Report:
    """Flag a post for the moderators, with the reason."""
    if not can_post(actor):
        raise NotAllowedError()
    reason = reason.strip()[:1000]
    if not reason:
        raise ReasonRequiredError(field="reason")
    if (answer and answer.question_id != question.pk) or (
        comment and comment.question_id != question.pk
    ):
        raise AnswerOfAnotherQuestionError()
    return Report.objects.create(
        reporter=actor, question=question, answer=answer, comment=comment, reason=reason
    )


def _moderate(
    *,
    actor: User,
    question: Question,
    reason: str,
    hide: bool,
    answer: Answer | None,
    comment: Comment | None,
) -> ModerationAction:
    if not can_moderate(actor):
        raise NotAllowedError()
    reason = reason.strip()
    if not reason:
        raise ReasonRequiredError(field="reason")
    if (answer and answer.question_id != question.pk) or (
        comment and comment.question_id != question.pk
    ):
        raise AnswerOfAnotherQuestionError()
    target: Question | Answer | Comment = comment or answer or question
    type(target).objects.filter(pk=target.pk).update(is_hidden=hide)
    target.is_hidden = hide
    if hide and isinstance(target, Answer) and question.accepted_answer_id == target.pk:
        Question.objects.filter(pk=question.pk).update(accepted_answer=None)
        question.accepted_answer = None
    action = ModerationAction.objects.create(
        actor=actor,
        action=ModerationAction.Action.HIDE if hide else ModerationAction.Action.RESTORE,
        question=question,
        answer=answer,
        comment=comment,
        reason=reason,
    )
    now = timezone.now()
    reports = Report.objects.filter(question=question, answer=answer, comment=comment)
    reports.filter(resolved_at__isnull=True).update(resolved_at=now)
    _refresh(question)
    author = target.author
    if hide and author is not None:
        transaction.on_commit(
            lambda: notify(
                recipients=[author],
                kind=kinds.POST_HIDDEN,
                params={"question": dict(question.title), "reason": reason},
                url=question.get_absolute_url(),
            )
        )
    return action


@transaction.atomic
def hide_post(
    *,
    actor: User,
    question: Question,
    reason: str,
    answer: Answer | None = None,
    comment: Comment | None = None,
) -> ModerationAction:
    """Staff hide a question, answer or comment, with a reason its author is told."""
    return _moderate(
        actor=actor, question=question, reason=reason, hide=True, answer=answer, comment=comment
    )


@transaction.atomic
def restore_post(
    *,
    actor: User,
    question: Question,
    reason: str,
    answer: Answer | None = None,
    comment: Comment | None = None,
) -> ModerationAction:
    """Staff show a hidden post again, with a reason kept in the moderation log."""
    return _moderate(
        actor=actor, question=question, reason=reason, hide=False, answer=answer, comment=comment
    )


@transaction.atomic
def dismiss_report(*, actor: User, report: Report) -> Report:
    """Staff close a report without hiding anything."""
    if not can_moderate(actor):
        raise NotAllowedError()
    report.resolved_at = timezone.now()
    report.save(update_fields=["resolved_at", "updated_at"])
    return report


@transaction.atomic
def grant_expert(*, actor: User, user: User, field: Mapping[str, str]) -> Expert:
    """Staff recognise a person as an expert (or change their field); their answers are marked.
    The person is told when the badge is new to them, not each time the field is edited."""
    if not can_grant_expert(actor):
        raise NotAllowedError()
    already = Expert.objects.filter(user=user, revoked_at__isnull=True).exists()
    expert, _created = Expert.objects.update_or_create(
        user=user, defaults={"field": dict(field), "granted_by": actor, "revoked_at": None}
    )
    Answer.objects.filter(author=user).update(is_by_expert=True)
    if not already:
        transaction.on_commit(
            lambda: notify(recipients=[user], kind=kinds.EXPERT_GRANTED, params={}, url="")
        )
    return expert


@transaction.atomic
def revoke_expert(*, actor: User, expert: Expert) -> Expert:
    if not can_grant_expert(actor):
        raise NotAllowedError()
    expert.revoked_at = timezone.now()
    expert.save(update_fields=["revoked_at", "updated_at"])
    Answer.objects.filter(author=expert.user).update(is_by_expert=False)
    return expert
