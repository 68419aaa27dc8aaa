"""Private files: kept outside MEDIA_ROOT, read only through views that check the reader.

Logos are public and live under MEDIA_ROOT, which the reverse proxy serves as /media/. Quotation
attachments and sealed agreement PDFs live in the private storage (KARVAN_PRIVATE_ROOT), which has
no URL: a view checks who asks, then hands the file over itself (KARVAN_PRIVATE_FILE_SERVER=django)
or tells the proxy to send it (nginx's X-Accel-Redirect, Apache's X-Sendfile), so large files do not
hold a worker.
"""

import mimetypes
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

from karvan.core.storages import signed_url


@deconstructible
class PrivateFileStorage(FileSystemStorage):
    """Files on local disk under KARVAN_PRIVATE_ROOT (unless given a location); they have no URL.

    The root is read from the settings when first needed and again after it changes, like
    FileSystemStorage does with MEDIA_ROOT: a model field holds its storage from import time on.
    """

    @cached_property
    def base_location(self) -> str:
        # `_location` is set by FileSystemStorage.__init__; the stubs do not declare it.
        location = self._location  # type: ignore[attr-defined]
        return str(self._value_or_setting(location, settings.KARVAN_PRIVATE_ROOT))

    def _clear_cached_properties(self, setting: str, **kwargs: object) -> None:
        # Every setting change arrives here; the stubs type `setting` as MEDIA_* names only.
        super()._clear_cached_properties(setting, **kwargs)  # type: ignore[arg-type]
        if setting == "KARVAN_PRIVATE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL: serve them through a view that checks access.")


def private_storage() -> Storage:
    """The storage of private files (a callable, so that tests may point it elsewhere)."""
    return storages["private"]


def _content_disposition(filename: str, *, as_attachment: bool) -> str:
    kind = "attachment" if as_attachment else "inline"
    ascii_name = filename.encode("ascii", "ignore").decode() or "file"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def serve_private_file(
    file: FieldFile, *, filename: str, as_attachment: bool = True, content_type: str | None = None
) -> HttpResponseBase:
    """Hand a private file to a reader the caller has already checked.

    Raises Http404 when the row has no file or the file is gone from its storage. Files in object
    storage are handed over as a redirect to a short-lived signed URL.
    """
    if not file or not file.name or not file.storage.exists(file.name):
        raise Http404
    url = signed_url(file, download_name=filename, inline=not as_attachment)
    if url:  # object storage: the reader fetches it from the bucket, for a few minutes only
        redirect = HttpResponseRedirect(url)
        redirect["Cache-Control"] = "private, no-store"
        return redirect
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    server = settings.KARVAN_PRIVATE_FILE_SERVER
    if server == "django":
        return FileResponse(
            file.open("rb"),
            as_attachment=as_attachment,
            filename=filename,
            content_type=content_type,
        )
    response = HttpResponse(content_type=content_type)
    if server == "nginx":
        prefix = settings.KARVAN_PRIVATE_FILE_ACCEL_PREFIX.rstrip("/")
        response["X-Accel-Redirect"] = quote(f"{prefix}/{file.name}")
    else:  # apache, with mod_xsendfile allowed to read KARVAN_PRIVATE_ROOT
        response["X-Sendfile"] = str(Path(file.path))
    response["Content-Disposition"] = _content_disposition(filename, as_attachment=as_attachment)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def serve_public_file(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    """Public uploads (logos) from local disk, in the embedded mode, whatever DEBUG says.

    MEDIA_ROOT is read per request, so a changed setting (a test's folder) is honoured.
    """
    from django.views.static import serve

    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


#: Documents people attach (quotations, interest messages, verification evidence): recognised by
#: their first bytes, never by the name or the type the browser claims.
DOCUMENT_TYPES = {b"%PDF": "pdf", b"\x89PNG": "png", b"\xff\xd8\xff": "jpg"}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def document_extension(upload: UploadedFile[bytes]) -> str | None:
    """The extension of an acceptable document (PDF, PNG, JPEG, at most 10 MB), or None."""
    if upload.size is None or upload.size > DOCUMENT_MAX_BYTES:
        return None
    head = upload.read(8)
    upload.seek(0)
    for magic, extension in DOCUMENT_TYPES.items():
        if head.startswith(magic):
            return extension
    return None
