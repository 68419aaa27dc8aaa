from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from karvan.translations.selectors import (
    TextNotFoundError,
    get_machine_translation,
    get_translatable_text,
    is_translation_enabled,
)
from karvan.translations.services import request_machine_translation, same_language


@require_http_methods(["GET", "POST"])
def translate(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """A text in the reader's language: POST asks for it, GET looks at how it is going (the
    htmx partial polls while it is being translated)."""
    try:
        source = get_translatable_text(viewer=request.user, kind=kind, pk=pk)
    except TextNotFoundError as error:
        raise Http404 from error
    target = translation.get_language() or "en"
    if request.method == "POST":
        row = request_machine_translation(
            text=source.text, source_language=source.language, target_language=target
        )
    elif is_translation_enabled() and not same_language(source.language, target):
        row = get_machine_translation(
            text=source.text, source_language=source.language, target_language=target
        )
    else:
        row = None
    context = {
        "kind": kind,
        "pk": pk,
        "source": source,
        "machine": row,
        "target": target,
        "is_enabled": is_translation_enabled(),
    }
    template = (
        "translations/_translation.html"
        if request.headers.get("HX-Request")
        else "translations/translation_page.html"
    )
    return render(request, template, context)
