"""Who may read, write and moderate in the knowledge exchange."""

from karvan.accounts.http import Viewer
from karvan.knowledge.models import Answer, Comment, Question


def can_view_question(user: Viewer, question: Question) -> bool:
    """Questions are public unless the moderators hid them; then their author and staff see them."""
    if not question.is_hidden:
        return True
    return user.is_authenticated and (user.is_staff or question.author_id == user.pk)


def can_post(user: Viewer) -> bool:
    return user.is_authenticated and user.is_active


def can_edit_question(user: Viewer, question: Question) -> bool:
    """Only its author, while it is not hidden."""
    return user.is_authenticated and question.author_id == user.pk and not question.is_hidden


def can_edit_answer(user: Viewer, answer: Answer) -> bool:
    return user.is_authenticated and answer.author_id == user.pk and not answer.is_hidden


def can_accept_answer(user: Viewer, question: Question) -> bool:
    """The asker decides which answer solved the problem."""
    return user.is_authenticated and question.author_id == user.pk


def can_moderate(user: Viewer) -> bool:
    """The center's staff moderate; no organisation moderates another's posts."""
    return user.is_authenticated and user.is_staff


def can_grant_expert(user: Viewer) -> bool:
    return user.is_authenticated and user.is_staff


def is_visible_comment(user: Viewer, comment: Comment) -> bool:
    return not comment.is_hidden or (
        user.is_authenticated and (user.is_staff or comment.author_id == user.pk)
    )
