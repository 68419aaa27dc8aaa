"""What the agreements' pages share: the agreement the viewer may see, names, form errors."""

from django.forms import BaseForm
from django.http import Http404
from django.utils import translation

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.agreements.models import Agreement
from karvan.agreements.selectors import get_agreement
from karvan.core.errors import DomainError
from karvan.core.text import localize
from karvan.directory.models import Organisation


def visible_agreement(request: AuthenticatedHttpRequest, code: str) -> Agreement:
    """The agreement by its code, or a 404 when it does not exist or the viewer may not see it."""
    try:
        return get_agreement(viewer=request.user, code=code)
    except Agreement.DoesNotExist as error:
        raise Http404 from error


def organisation_name(organisation: Organisation) -> str:
    language = translation.get_language() or "en"
    return localize(organisation.name, language, original=organisation.original_language)[0]


def add_form_error(form: BaseForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.text)
