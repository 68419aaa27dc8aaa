from django.utils.translation import gettext_lazy as _

from karvan.core.errors import DomainError


class ListFileError(DomainError):
    code = "compliance.list_file"
    message = _("The list file cannot be read: %(reason)s")


class DecisionNeedsCommentError(DomainError):
    code = "compliance.comment_required"
    message = _("Explain the decision in a comment.")


class CaseClosedError(DomainError):
    code = "compliance.case_decided"
    message = _("This case has already been decided.")
    status = 409


class SecondApprovalError(DomainError):
    code = "compliance.second_approval"
    message = _("The decision must be approved by another compliance officer.")
    status = 409
