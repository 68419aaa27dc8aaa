import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from karvan.api.auth import request_user, request_viewer
from karvan.api.main import BoundedPageNumberPagination, Id, anyone
from karvan.core.errors import NotFoundError
from karvan.knowledge.models import Answer, Question
from karvan.knowledge.selectors import get_question, list_questions, search_questions
from karvan.knowledge.services import (
    accept_answer,
    answer_question,
    ask_question,
    comment_on,
    vote,
)

router: Router = Router(tags=["knowledge"])

Language = Literal["fa", "zh-hans", "ar", "en"]
# Ignored for mypy: mypy cannot unpack runtime choices into a Literal; pydantic can.
Category = Literal[*Question.Category.values]  # type: ignore[valid-type]
Kind = Literal[*Question.Kind.values]  # type: ignore[valid-type]  # as above


class AnswerOut(Schema):
    id: int
    body: dict[str, str]
    language: str
    is_by_expert: bool
    score: int
    created_at: datetime.datetime
    organisation_id: int | None


class QuestionOut(Schema):
    id: int
    kind: str
    category: str
    tags: list[str]
    title: dict[str, str]
    body: dict[str, str]
    language: str
    country: str
    audience_country: str
    score: int
    accepted_answer_id: int | None
    organisation_id: int | None
    created_at: datetime.datetime
    url: str

    @staticmethod
    def resolve_url(obj: Question) -> str:
        return obj.get_absolute_url()


class QuestionDetailOut(QuestionOut):
    answers: list[AnswerOut]

    @staticmethod
    def resolve_answers(obj: Question) -> list[Answer]:
        return list(obj.answers.all())


class QuestionIn(Schema):
    kind: Kind = "question"
    category: Category
    language: Language
    title: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=10000)
    tags: list[str] = []
    to_other_side: bool = False


class AnswerIn(Schema):
    language: Language
    body: str = Field(min_length=1, max_length=10000)


class CommentIn(Schema):
    language: Language
    body: str = Field(min_length=1, max_length=1000)
    answer_id: Id | None = None


class VoteIn(Schema):
    value: Literal[-1, 1]
    answer_id: Id | None = None


class AnswerAcceptIn(Schema):
    answer_id: Id | None


class VoteOut(Schema):
    score: int


def _answer(question: Question, answer_id: int | None) -> Answer | None:
    """The question's answer with this id; another question's answer is not found."""
    if answer_id is None:
        return None
    for row in question.answers.all():  # the visible answers, prefetched by get_question
        if row.pk == answer_id:
            return row
    raise NotFoundError()


@router.get("", response=list[QuestionOut], auth=anyone, summary="List or search questions")
@paginate(BoundedPageNumberPagination, page_size=20)
def list_(
    request: HttpRequest, q: str = "", category: str = "", tag: str = "", kind: str = ""
) -> object:
    """With `q`, questions about it in any language (cross-lingual search), best first."""
    if q.strip():
        allowed = set(
            list_questions(
                viewer=request_viewer(request), category=category, tag=tag, kind=kind
            ).values_list("pk", flat=True)
        )
        return [
            row
            for row in search_questions(viewer=request_viewer(request), query=q)
            if row.pk in allowed
        ]
    return list_questions(viewer=request_viewer(request), category=category, tag=tag, kind=kind)


@router.post("", response={201: QuestionOut}, summary="Ask a question or share an experience")
def create(request: HttpRequest, payload: QuestionIn) -> Status[Question]:
    data = payload.dict()
    to_other_side = data.pop("to_other_side")
    return Status(
        201, ask_question(actor=request_user(request), data=data, to_other_side=to_other_side)
    )


@router.get("/{question_id}", response=QuestionDetailOut, auth=anyone, summary="Read a question")
def read(request: HttpRequest, question_id: int) -> Question:
    return get_question(viewer=request_viewer(request), pk=question_id)


@router.post("/{question_id}/answers", response={201: AnswerOut}, summary="Answer a question")
def answer(request: HttpRequest, question_id: int, payload: AnswerIn) -> Status[Answer]:
    question = get_question(viewer=request_user(request), pk=question_id)
    return Status(
        201,
        answer_question(
            question=question,
            actor=request_user(request),
            body=payload.body,
            language=payload.language,
        ),
    )


@router.post("/{question_id}/comments", response={201: dict}, summary="Comment")
def comment(request: HttpRequest, question_id: int, payload: CommentIn) -> Status[dict]:
    question = get_question(viewer=request_user(request), pk=question_id)
    row = comment_on(
        question=question,
        actor=request_user(request),
        body=payload.body,
        language=payload.language,
        answer=_answer(question, payload.answer_id),
    )
    return Status(201, {"id": row.pk})


@router.post("/{question_id}/vote", response=VoteOut, summary="Vote on a question or an answer")
def vote_(request: HttpRequest, question_id: int, payload: VoteIn) -> dict[str, int]:
    question = get_question(viewer=request_user(request), pk=question_id)
    target = _answer(question, payload.answer_id)
    if target is None:
        score = vote(actor=request_user(request), value=payload.value, question=question)
    else:
        score = vote(actor=request_user(request), value=payload.value, answer=target)
    return {"score": score}


@router.post("/{question_id}/accept", response=QuestionOut, summary="Accept an answer")
def accept(request: HttpRequest, question_id: int, payload: AnswerAcceptIn) -> Question:
    question = get_question(viewer=request_user(request), pk=question_id)
    return accept_answer(
        question=question, answer=_answer(question, payload.answer_id), actor=request_user(request)
    )
