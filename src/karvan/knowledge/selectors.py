"""Reading the knowledge exchange as a given viewer may, and searching it across languages."""

import json
import logging

from django.db.models import Count, Prefetch, Q, QuerySet

from karvan.accounts.http import Viewer
from karvan.accounts.models import User
from karvan.core.search import filter_fulltext
from karvan.knowledge.indexing import search_posts
from karvan.knowledge.models import Answer, Comment, Expert, Question, Report

logger = logging.getLogger(__name__)

SEARCH_RELATIVE_FLOOR = 0.6
SEARCH_TOP = 50


def _visible(viewer: Viewer) -> Q:
    if viewer.is_authenticated and viewer.is_staff:
        return Q()
    if viewer.is_authenticated:
        return Q(is_hidden=False) | Q(author=viewer)
    return Q(is_hidden=False)


def list_questions(
    *,
    viewer: Viewer,
    category: str = "",
    kind: str = "",
    tag: str = "",
    audience_country: str = "",
    unanswered: bool = False,
    author: User | None = None,
) -> QuerySet[Question]:
    """Questions and experiences the viewer may see, newest first."""
    rows = Question.objects.filter(_visible(viewer))
    if category:
        rows = rows.filter(category=category)
    if kind:
        rows = rows.filter(kind=kind)
    if tag:
        tag = tag.strip().casefold()
        # SQLite keeps JSON with non-ASCII letters escaped, PostgreSQL as they are.
        rows = rows.filter(Q(tags__icontains=f'"{tag}"') | Q(tags__icontains=json.dumps(tag)))
    if audience_country:
        rows = rows.filter(audience_country=audience_country)
    if author is not None:
        rows = rows.filter(author=author)
    rows = rows.annotate(answer_count=Count("answers", filter=Q(answers__is_hidden=False)))
    if unanswered:
        rows = rows.filter(answer_count=0)
    return rows.select_related("organisation", "author")


def get_question(*, viewer: Viewer, pk: int) -> Question:
    """One question with its visible answers and comments; raises Question.DoesNotExist."""
    comments = Comment.objects.filter(_visible(viewer)).select_related("author")
    answers = (
        Answer.objects.filter(_visible(viewer))
        .select_related("author", "organisation")
        .prefetch_related(Prefetch("comments", queryset=comments))
        .order_by("-is_by_expert", "-score", "created_at")
    )
    return (
        Question.objects.filter(_visible(viewer))
        .select_related("organisation", "author", "accepted_answer")
        .prefetch_related(
            Prefetch("answers", queryset=answers),
            Prefetch("comments", queryset=comments.filter(answer__isnull=True)),
        )
        .get(pk=pk)
    )


def search_questions(*, viewer: Viewer, query: str, top: int = SEARCH_TOP) -> list[Question]:
    """Questions about the query, found through them or their answers, in any language.

    The platform's cross-lingual engine ranks first; full-text matches the engine missed follow.
    When the engine cannot run (no model installed), full-text alone answers.
    """
    query = query.strip()
    if not query:
        return []
    ranked: list[int] = []
    try:
        matches = search_posts(query, top=top * 2)
    except (RuntimeError, ValueError, ImportError):
        logger.exception("knowledge search: the cross-lingual engine failed, full-text only")
        matches = []
    if matches:
        floor = matches[0].score * SEARCH_RELATIVE_FLOOR
        keys = [match.id for match in matches if match.score >= floor]
        answer_ids = [int(key[1:]) for key in keys if key.startswith("a")]
        answer_question = dict(
            Answer.objects.filter(pk__in=answer_ids).values_list("pk", "question_id")
        )
        for key in keys:
            pk = int(key[1:]) if key.startswith("q") else answer_question.get(int(key[1:]))
            if pk is not None and pk not in ranked:
                ranked.append(pk)
    visible = list_questions(viewer=viewer)
    textual = list(filter_fulltext(visible, query).values_list("pk", flat=True)[:top])
    ranked.extend(pk for pk in textual if pk not in ranked)
    rows = visible.in_bulk(ranked[:top])
    return [rows[pk] for pk in ranked[:top] if pk in rows]


def list_open_reports(*, viewer: Viewer) -> QuerySet[Report]:
    """Reports awaiting a moderator (staff only; others get none)."""
    if not (viewer.is_authenticated and viewer.is_staff):
        return Report.objects.none()
    return Report.objects.filter(resolved_at__isnull=True).select_related(
        "question", "answer", "comment", "reporter"
    )


def list_experts() -> QuerySet[Expert]:
    return Expert.objects.filter(revoked_at__isnull=True).select_related("user")


def get_viewer_votes(*, viewer: Viewer, question: Question) -> dict[str, int]:
    """The viewer's votes on a question and its answers: {"q": 1, "a12": -1}."""
    if not viewer.is_authenticated:
        return {}
    votes = {}
    for row in question.votes.model.objects.filter(user=viewer).filter(
        Q(question=question, answer__isnull=True) | Q(answer__question=question)
    ):
        votes["q" if row.answer_id is None else f"a{row.answer_id}"] = row.value
    return votes
