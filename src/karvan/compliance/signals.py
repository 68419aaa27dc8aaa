"""Receivers of framework signals: a saved organisation, person or signatory is screened again.

The screening runs after commit in a task and does nothing when the names and identity did not
change since the last screening (`services.screen_subject`), so an ordinary save costs a query.
"""

from django.db import transaction

from karvan.compliance import tasks


def organisation_saved(sender: type, instance: object, **kwargs: object) -> None:
    pk = getattr(instance, "pk", None)
    if pk is not None and not kwargs.get("raw"):
        transaction.on_commit(lambda: tasks.screen_organisation.delay(organisation_id=pk))


def person_saved(sender: type, instance: object, **kwargs: object) -> None:
    pk = getattr(instance, "pk", None)
    if pk is not None and not kwargs.get("raw"):
        transaction.on_commit(lambda: tasks.screen_person.delay(user_id=pk))


def signatory_saved(sender: type, instance: object, **kwargs: object) -> None:
    user_id = getattr(instance, "user_id", None)
    if user_id is not None and kwargs.get("created") and not kwargs.get("raw"):
        transaction.on_commit(lambda: tasks.screen_person.delay(user_id=user_id))
