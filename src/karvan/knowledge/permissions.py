"""Who may read, write and moderate in the knowledge exchange."""

from karvan.accounts.models import User
from karvan.knowledge.models import Answer, Comment, Question


def can_view_question(user: User, question: Question) -> bool:
    """Questions are public unless the moderators hid them; then their author and staff see them."""
    if not question.is_hidden:
        return True
    return user.is_authenticated and (user.is_staff or question.author_id == user.pk)


def can_post(user: User) -> bool:
    return user.is_authenticated and user.is_active


def can_edit_question(user: User, question: Question) -> bool:
    """Only its author, while it is not hidden."""
    return user.is_authenticated and question.author_id == user.pk and not question.is_hidden


def can_edit_answer(user: User, answer: Answer) -> bool:
    return user.is_authenticated and answer.author_id == user.pk and not answer.is_hidden


def can_accept_answer(user: User, question: Question) -> bool:
    """The asker decides which answer solved the problem."""
    return user.is_authenticated and question.author_id == user.pk


def can_moderate(user: User) -> bool:
    """The center's staff moderate; no organisation moderates another's posts."""
    return user.is_authenticated and user.is_staff


def can_grant_expert(user: User) -> bool:
    return user.is_authenticated and user.is_staff


def is_visible_comment(user: User, comment: Comment) -> bool:
    return not comment.is_hidden or (
        user.is_authenticated and (user.is_staff or comment.author_id == user.pk)
    )
