"""Receivers of framework signals: a saved organisation, person or signatory is screened again.

The screening runs after commit in a task and does nothing when the names and identity did not
change since the last screening (`services.screen_subject`). Saves that cannot change what is
screened queue nothing: a save limited to other fields (`update_fields`, as a log-in's
`last_login`), and a new person, who is screened once named a signatory.
"""

from django.db import transaction

from karvan.compliance import tasks

ORGANISATION_FIELDS = {"name", "country", "registry_id"}
PERSON_FIELDS = {"full_name", "full_name_native"}


def _touches(kwargs: dict[str, object], fields: set[str]) -> bool:
    update_fields = kwargs.get("update_fields")
    if update_fields is None:
        return True
    return isinstance(update_fields, frozenset | set) and bool(fields & update_fields)


def organisation_saved(sender: type, instance: object, **kwargs: object) -> None:
    pk = getattr(instance, "pk", None)
    if pk is not None and not kwargs.get("raw") and _touches(kwargs, ORGANISATION_FIELDS):
        transaction.on_commit(lambda: tasks.screen_organisation.delay(organisation_id=pk))


def person_saved(sender: type, instance: object, **kwargs: object) -> None:
    pk = getattr(instance, "pk", None)
    if (
        pk is not None
        and not kwargs.get("raw")
        and not kwargs.get("created")
        and _touches(kwargs, PERSON_FIELDS)
    ):
        transaction.on_commit(lambda: tasks.screen_person.delay(user_id=pk))


def signatory_saved(sender: type, instance: object, **kwargs: object) -> None:
    user_id = getattr(instance, "user_id", None)
    if user_id is not None and kwargs.get("created") and not kwargs.get("raw"):
        transaction.on_commit(lambda: tasks.screen_person.delay(user_id=user_id))
