"""Questions and answers as documents of the platform's one matching store.

Each post is an engine `Listing` (questions on the request side, answers on the offer side, both
of kind "service"), keyed "q<pk>" or "a<pk>" under the kind "knowledge": embedded once by the
platform's embedder, stored, indexed in every process or in pgvector exactly as opportunities are,
and dropped everywhere when hidden or deleted (a deleted post leaves a tombstone).
"""

from django.db import transaction

from karvan.knowledge.models import Answer, Question
from karvan.matching.documents import Document, engine_language
from karvan.matching.engine import Listing, Match
from karvan.matching.services import remove_documents, store_documents
from karvan.matching.stores import current_store

KIND = "knowledge"


def _document(key: str, language: str, title: str, text: str) -> Document:
    return Document(
        Listing(
            id=key,
            side="request" if key.startswith("q") else "offer",
            kind="service",
            language=engine_language(language),
            country="",
            title=title,
            description=text,
        )
    )


@transaction.atomic
def index_question(*, question: Question) -> int:
    """Store the vectors of a question and its answers (or their removal); return how many
    posts are active in the index. Embeds with the platform's embedder only what changed."""
    title = question.title.get(question.language, "")
    documents, withdrawn = [], []
    if question.is_hidden:
        withdrawn.append(f"q{question.pk}")
    else:
        documents.append(
            _document(
                f"q{question.pk}",
                question.language,
                title,
                question.body.get(question.language, ""),
            )
        )
    for answer in question.answers.all():
        key = f"a{answer.pk}"
        if answer.is_hidden or question.is_hidden:
            withdrawn.append(key)
        else:
            documents.append(
                _document(key, answer.language, title, answer.body.get(answer.language, ""))
            )
    store_documents(kind=KIND, documents=documents, withdrawn=withdrawn)
    return len(documents)


def search_posts(query: str, *, top: int) -> list[Match]:
    """Posts about a free-text query in any language, best first: keys "q<pk>" and "a<pk>"."""
    return current_store().search(KIND, query, top=top)


def forget_deleted_question(sender: type, instance: Question, **kwargs: object) -> None:
    """`post_delete` receiver: a deleted question leaves every index (its answers follow through
    their own deletion), with a tombstone written in the deleting transaction."""
    remove_documents(kind=KIND, keys=[f"q{instance.pk}"])


def forget_deleted_answer(sender: type, instance: Answer, **kwargs: object) -> None:
    """`post_delete` receiver: a deleted answer leaves every index."""
    remove_documents(kind=KIND, keys=[f"a{instance.pk}"])
