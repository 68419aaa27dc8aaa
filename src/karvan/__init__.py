"""Karvan: the software of a bilateral SME joint cooperation center."""

from karvan.celery import app as celery_app

__all__ = ["celery_app"]
