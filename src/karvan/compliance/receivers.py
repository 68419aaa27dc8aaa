"""Receivers of `core.signals.identity_changed`: the services of directory, accounts and
agreements announce explicitly that an organisation's or a person's identity changed, or that a
person was named signatory, and the subject is screened again in a task. The screening does nothing
when the names and identity did not change since the last one (`services.screen_subject`)."""

from karvan.compliance import tasks


def identity_changed(
    sender: object, organisation_id: int | None = None, user_id: int | None = None, **kwargs: object
) -> None:
    # The senders already wait for their transaction to commit.
    if organisation_id is not None:
        tasks.screen_organisation.delay(organisation_id=organisation_id)
    elif user_id is not None:
        tasks.screen_person.delay(user_id=user_id)
