"""Karvan: the software of a bilateral SME joint cooperation center.

The Celery app is loaded when Django starts (`karvan.core.apps.CoreConfig.ready`) and by
`celery -A karvan`, not on import of this package: importing Celery imports Django (kombu does),
and the engines below (`karvan.matching.engine`) must load without Django.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from celery import Celery

__all__ = ["celery_app"]


def __getattr__(name: str) -> "Celery":
    if name == "celery_app":
        from karvan.celery import app

        return app
    raise AttributeError(f"module 'karvan' has no attribute {name!r}")
