"""Where uploaded and generated files live: a private storage and a public one.

`storages["private"]` holds private files (quotations' attachments, sealed PDFs) and
`storages["public"]` (also the default) the files anyone may load (organisations' logos). Both are
local folders in the embedded mode and S3-compatible buckets when `KARVAN_S3_BUCKET` is set (see
settings.py).

A view serves a private file only after its permission check, through
`core.files.serve_private_file`: a redirect to `signed_url(...)` (object storage: a URL valid for
`KARVAN_PRIVATE_URL_SECONDS`) or, when that is None (local disk), the file handed to the proxy or
streamed by Django.
"""

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db.models.fields.files import FieldFile


def public_storage() -> Storage:
    """The storage of files anyone may load; a callable, so that settings choose it at run time."""
    return storages["public"]


def is_object_storage(storage: Storage) -> bool:
    """Whether files of this storage are fetched from a bucket rather than from this machine."""
    # By module, so that the embedded mode never imports boto3; `__class__`, not type(), sees
    # through `default_storage`'s lazy wrapper.
    return any(
        klass.__module__.startswith("storages.backends.s3") for klass in storage.__class__.__mro__
    )


def signed_url(
    file: FieldFile, *, download_name: str = "", inline: bool = False, seconds: int | None = None
) -> str | None:
    """A short-lived signed URL of a private file in object storage; None for local files.

    Call it only after checking that the viewer may read the file. `download_name` is the file
    name the browser saves (Content-Disposition); the URL expires after `seconds`
    (`KARVAN_PRIVATE_URL_SECONDS` by default).
    """
    if not file or not is_object_storage(file.storage):
        return None
    parameters = {}
    if download_name:
        disposition = "inline" if inline else "attachment"
        fallback = download_name.encode("ascii", "replace").decode().replace('"', "_")
        parameters["ResponseContentDisposition"] = (
            f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(download_name)}"
        )
    return str(
        file.storage.url(  # type: ignore[call-arg]  # S3Storage.url (checked above) takes these
            file.name,
            parameters=parameters or None,
            expire=seconds or settings.KARVAN_PRIVATE_URL_SECONDS,
        )
    )
