"""Move files already uploaded under MEDIA_ROOT (served publicly as /media/) to the private root.

Names stay the same: only the directory they are kept in changes. Re-runnable: a file already
moved, or missing, is left alone. The reverse moves them back.
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations


def _move(apps: object, source_root: Path, target_root: Path) -> None:
    model = apps.get_model("agreements", "Agreement")  # type: ignore[attr-defined]
    names = model.objects.exclude(sealed_pdf="").values_list("sealed_pdf", flat=True)
    for name in names.iterator(chunk_size=500):
        source, target = source_root / name, target_root / name
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, target)


def forwards(apps: object, schema_editor: object) -> None:
    _move(apps, Path(settings.MEDIA_ROOT), Path(settings.KARVAN_PRIVATE_ROOT))


def backwards(apps: object, schema_editor: object) -> None:
    _move(apps, Path(settings.KARVAN_PRIVATE_ROOT), Path(settings.MEDIA_ROOT))


class Migration(migrations.Migration):
    dependencies = [("agreements", "0004_private_storage")]

    operations = [migrations.RunPython(forwards, backwards)]
