"""Audit events written at the same moment by different people, on a real PostgreSQL server."""

import threading

import pytest
from django.db import connections

from karvan.agreements.models import Agreement
from karvan.agreements.selectors import is_audit_trail_intact, list_audit_entries
from karvan.agreements.services.drafting import add_comment
from karvan.agreements.services.signing import issue_signing_code
from tests.conftest import USE_POSTGRES

ROUNDS = 6


def _in_threads(*jobs: object) -> list[BaseException]:
    """Run each job in its own thread (so its own database connection), all released at once."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: object) -> None:
        try:
            start.wait(timeout=30)
            job()
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.postgres
@pytest.mark.skipif(not USE_POSTGRES, reason="row locks need PostgreSQL (KARVAN_TEST_DATABASE)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_signers_keep_one_unbroken_audit_chain(signing, iran, china):
    """Both signatories ask for their codes and comment at the same moment, several times over:
    every event links to the one before it, so the public page never calls the record altered."""
    agreement = Agreement.objects.get(pk=signing.pk)

    def signer(user: object, round_number: int) -> object:
        def job() -> None:
            if round_number == 0:
                issue_signing_code(actor=user, agreement=Agreement.objects.get(pk=agreement.pk))
            add_comment(
                actor=user,
                agreement=Agreement.objects.get(pk=agreement.pk),
                body=f"Round {round_number}: read and agreed.",
                language="en",
            )

        return job

    for round_number in range(ROUNDS):
        errors = _in_threads(
            signer(iran.signatory, round_number), signer(china.signatory, round_number)
        )
        assert errors == []
    events = list(list_audit_entries(agreement))
    hashes = [event.event_hash for event in events]
    assert len(set(event.previous_hash for event in events)) == len(events)  # no fork
    assert [event.previous_hash for event in events[1:]] == hashes[:-1]
    assert is_audit_trail_intact(agreement)
