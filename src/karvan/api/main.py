"""The JSON API: token or session authentication, one error format, OpenAPI at /api/openapi.json."""

from collections.abc import Mapping
from typing import Annotated, Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PageNumberPagination
from ninja.security import HttpBearer, django_auth

from karvan.accounts.errors import InvalidTokenError
from karvan.accounts.models import User
from karvan.accounts.services import authenticate_api_token
from karvan.core.errors import DomainError
from karvan.core.ids import MAX_ID

# An id in a request body: a JSON integer within the database's range. Strict, so that `false`,
# `true` or "12" is refused instead of read as 0, 1 or 12.
Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]

# Far beyond any list Karvan holds, and small enough that (page - 1) × page size stays a valid
# SQL OFFSET on every database.
MAX_PAGE = 1_000_000


# Counting stops here: an exact count of half a million listings costs the database about a
# second per page at a million, for a figure nobody pages through (counting to 10,000 still
# cost 50 ms of every page; to 1,000, 6 ms).
COUNT_LIMIT = 1_000


class BoundedPageNumberPagination(PageNumberPagination):
    """Ninja's page-number pagination with the page and page size kept within range, and the
    count stopped at COUNT_LIMIT (saying so).

    Every paginated operation uses it: an absurd page number is a 422 in the reader's language, not
    an integer overflow in the database.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=1000)

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            description=f"How many items the list holds, counted up to {COUNT_LIMIT:,}"
        )
        count_is_exact: bool = Field(
            description=f"False when the list holds more than {COUNT_LIMIT:,} items"
        )

    def paginate_queryset(
        self,
        queryset: QuerySet,
        pagination: PageNumberPagination.Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        if isinstance(queryset, QuerySet):
            counted = queryset.all()[: COUNT_LIMIT + 1].count()
        else:
            counted = len(queryset)
        return {
            "items": queryset[offset : offset + page_size],
            "count": min(counted, COUNT_LIMIT),
            "count_is_exact": counted <= COUNT_LIMIT,
        }


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` with a personal token made on the preferences page."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        """The token's person; a read-only token used to change something is refused with 403."""
        writes = request.method not in {"GET", "HEAD", "OPTIONS"}
        try:
            user = authenticate_api_token(key=token, writes=writes)
        except InvalidTokenError:
            return None
        request.user = user
        return user


def anonymous(request: HttpRequest) -> AnonymousUser | User | None:
    """Public reads: a visitor without credentials reads as anonymous.

    A request that sent an Authorization header which the token check refused gets 401, not a
    quiet anonymous answer that would hide the broken token from its program.
    """
    if request.headers.get("Authorization"):
        return None
    return request.user if request.user.is_authenticated else AnonymousUser()


token_auth = TokenAuth()
signed_in = [token_auth, django_auth]
anyone = [token_auth, django_auth, anonymous]

api = NinjaAPI(
    title="Karvan API",
    version="1",
    description=(
        "Organisations, opportunities, events and agreements of a Karvan cooperation center. "
        "Authenticate with `Authorization: Bearer <token>` "
        "(make a token on your preferences page: read-only or read-write, valid for up to a "
        "year and only until your password changes; a read-only token is refused writes with "
        "403). "
        "Errors answer `{code, message, fields}` with the message in your language."
    ),
    auth=signed_in,
    urls_namespace="api",
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    fields = {error.field: [error.text]} if error.field else {}
    return error_response(request, error.status, error.code, error.text, fields)


# Where a value was sent, as ninja reports it: ("body", <parameter>, field…), ("query", name)…
_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}

# Pydantic's error types, said in the reader's language (pydantic itself speaks only English).
_FIELD_MESSAGES: dict[str, str | Promise] = {
    "missing": gettext_lazy("This value is required."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_type": gettext_lazy("Enter a number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "decimal_type": gettext_lazy("Enter a number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "bool_type": gettext_lazy("Enter true or false."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "string_type": gettext_lazy("Enter text."),
    "string_too_long": gettext_lazy("Too long: at most %(max_length)s characters."),
    "too_long": gettext_lazy("Too many items: at most %(max_length)s."),
    "too_short": gettext_lazy("Too few items: at least %(min_length)s."),
    "less_than_equal": gettext_lazy("At most %(le)s."),
    "greater_than_equal": gettext_lazy("At least %(ge)s."),
    "less_than": gettext_lazy("Less than %(lt)s."),
    "greater_than": gettext_lazy("More than %(gt)s."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "date_type": gettext_lazy("Enter a date or time as ISO 8601, e.g. 2027-03-21T09:30:00Z."),
    "date_parsing": gettext_lazy("Enter a date or time as ISO 8601, e.g. 2027-03-21T09:30:00Z."),
    "datetime_type": gettext_lazy("Enter a date or time as ISO 8601, e.g. 2027-03-21T09:30:00Z."),
    "datetime_parsing": gettext_lazy(
        "Enter a date or time as ISO 8601, e.g. 2027-03-21T09:30:00Z."
    ),
    "datetime_from_date_parsing": gettext_lazy(
        "Enter a date or time as ISO 8601, e.g. 2027-03-21T09:30:00Z."
    ),
    "dict_type": gettext_lazy("This value has the wrong type."),
    "list_type": gettext_lazy("This value has the wrong type."),
    "model_type": gettext_lazy("This value has the wrong type."),
    "model_attributes_type": gettext_lazy("This value has the wrong type."),
}


def _field_name(location: tuple[object, ...] | list[object]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in _LOCATIONS:
        root = parts.pop(0)
        if root == "body" and len(parts) > 1:  # the handler's parameter name, e.g. "payload"
            parts.pop(0)
    return ".".join(parts) or "__all__"


def _field_message(item: Mapping[str, object]) -> str:
    kind = str(item.get("type", ""))
    context = item.get("ctx")
    params = dict(context) if isinstance(context, Mapping) else {}
    if kind == "string_too_short":
        if params.get("min_length") == 1:
            return _("This value may not be empty.")
        return _("Too short: at least %(min_length)s characters.") % params
    template = _FIELD_MESSAGES.get(kind)
    if template is None:
        return str(item.get("msg", ""))
    try:
        return str(template) % params if "%(" in str(template) else str(template)
    except (KeyError, TypeError, ValueError):
        return str(item.get("msg", ""))


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for item in error.errors:
        fields.setdefault(_field_name(item.get("loc", [])), []).append(_field_message(item))
    return error_response(
        request, 422, "invalid", _("Some values are missing or not valid."), fields
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return error_response(
        request, 401, "unauthenticated", _("Authentication required: send a valid API token.")
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    """Ninja's own refusals (a body that is not JSON, a failed CSRF check) in the same format."""
    known = {
        400: ("bad_request", _("The request body could not be read: send JSON.")),
        403: ("csrf_failed", _("The CSRF check failed: send the CSRF token, or use an API token.")),
    }
    code, message = known.get(error.status_code, ("error", str(error.message)))
    return error_response(request, error.status_code, code, message)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Exception) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(ObjectDoesNotExist)
def does_not_exist(request: HttpRequest, error: Exception) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


# The routers import `api` (for its error handling), so they come after it.
from karvan.api import (  # noqa: E402
    accounts,
    agreements,
    compliance,
    events,
    knowledge,
    opportunities,
    organisations,
    parks,
    statistics,
)

api.add_router("/organisations", organisations.router)
api.add_router("/opportunities", opportunities.router)
api.add_router("/interests", opportunities.interests_router)
api.add_router("/search", opportunities.search_router)
api.add_router("/me", accounts.router)
api.add_router("/events", events.router)
api.add_router("/me/registrations", events.registrations_router)
api.add_router("/meeting-requests", events.requests_router)
api.add_router("/meetings", events.meetings_router)
api.add_router("/agreements", agreements.router)
api.add_router("/questions", knowledge.router)
api.add_router("/parks", parks.router)
api.add_router("/units", parks.units_router)
api.add_router("/statistics", statistics.router)
api.add_router("/compliance", compliance.router)
