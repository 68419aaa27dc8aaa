"""Every page route and every API operation is in the attack matrix: a new one cannot land
without saying who may use it (tests/security/routes.py)."""

from django.urls import URLPattern, URLResolver, get_resolver

from karvan.api.main import api
from tests.security.routes import ROUTES

#: URL namespaces the matrix leaves out, each with its reason.
EXCLUDED_NAMESPACES = {
    # Django's admin: staff only, guarded by Django's own admin_view; its hundreds of generated
    # routes (one set per model) are Django's code, not Karvan's.
    "admin": "Django's admin site",
    # The API's routes are covered operation by operation from the OpenAPI description below.
    "api": "covered through /api/openapi.json",
}
#: Route names outside any namespace that the matrix leaves out, each with its reason.
EXCLUDED_NAMES = {
    # django.conf.urls.static serves MEDIA_ROOT in DEBUG only; the test settings are not DEBUG.
    "django.views.static.serve": "the development server's media files (DEBUG only)",
}


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            if inner in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            names |= _url_names(entry, prefix)
        elif isinstance(entry, URLPattern):
            name = entry.name or entry.lookup_str
            if name in EXCLUDED_NAMES:
                continue
            names.add(f"{namespace}:{name}" if namespace else name)
    return names


def _api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


def test_every_page_route_is_in_the_matrix() -> None:
    in_matrix = {route.name for route in ROUTES if not route.is_api}
    missing = sorted(_url_names(get_resolver()) - in_matrix)
    assert not missing, f"routes without a line in tests/security/routes.py: {missing}"
    unknown = sorted(in_matrix - _url_names(get_resolver()))
    assert not unknown, f"tests/security/routes.py names routes that do not exist: {unknown}"


def test_every_api_operation_is_in_the_matrix() -> None:
    in_matrix = {route.name for route in ROUTES if route.is_api}
    missing = sorted(_api_operations() - in_matrix)
    assert not missing, f"API operations without a line in tests/security/routes.py: {missing}"
    unknown = sorted(in_matrix - _api_operations())
    assert not unknown, f"tests/security/routes.py names operations that do not exist: {unknown}"


def test_the_excluded_namespaces_exist() -> None:
    """An exclusion outliving its routes would hide a new namespace of the same name."""
    namespaces = {
        entry.namespace
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and entry.namespace
    }
    assert set(EXCLUDED_NAMESPACES) <= namespaces
