"""A page read goes on while another connection is writing, as it does on the deployed SQLite
file (write-ahead log): the scheduler's background thread writes a whole schedule in one
transaction while the organiser's page polls its progress."""

import threading
import urllib.request

import pytest
from django.db import connection, connections, transaction

from karvan.directory.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_page_reads_the_organisations_table_while_another_connection_writes_to_it(live_server):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL readers never wait for writers")
    organisation = OrganisationFactory(name={"en": "Rafsanjan Pistachio"})
    writing = threading.Event()
    done = threading.Event()

    def hold_a_write_transaction() -> None:
        try:
            with transaction.atomic():
                Organisation.objects.filter(pk=organisation.pk).update(
                    name={"en": "Renamed while writing"}
                )
                writing.set()
                done.wait(timeout=30)
        finally:
            connections.close_all()

    writer = threading.Thread(target=hold_a_write_transaction)
    writer.start()
    try:
        assert writing.wait(timeout=10)
        url = f"{live_server.url}/organisations/"
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310
            page = response.read().decode()
        assert response.status == 200
        # The reader sees the last committed state, not the writer's pending change.
        assert "Renamed while writing" not in page
    finally:
        done.set()
        writer.join(timeout=30)
