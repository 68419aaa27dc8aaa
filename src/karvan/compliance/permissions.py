from karvan.accounts.http import Viewer
from karvan.accounts.models import User


def can_review_cases(user: Viewer) -> bool:
    """The center's compliance officers: staff holding the review permission."""
    return bool(user.is_authenticated and user.is_staff and user.has_perm("compliance.review_case"))


def can_decide_case(user: Viewer, proposer: User | None) -> bool:
    """With a second approval, the officer who proposed a decision cannot approve it too."""
    return can_review_cases(user) and (proposer is None or proposer.pk != user.pk)
