"""The one task layer: Celery with a Redis broker in production, eager in-process otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "karvan.settings")

app = Celery("karvan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
