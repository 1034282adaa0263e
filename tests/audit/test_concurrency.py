"""Under concurrent writers the chain still has one order (PostgreSQL only)."""

import threading

import pytest
from django.db import connection, connections, transaction

from partnership import audit
from partnership.models import AuditEntry, Organisation
from tests.conftest import require

WRITERS = 4
EACH = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    require(connection.vendor == "postgresql", "Needs PostgreSQL (row locks) for concurrent writers")
    barrier = threading.Barrier(WRITERS)
    errors = []

    def write(n):
        try:
            barrier.wait()
            for i in range(EACH):
                with transaction.atomic():
                    Organisation.objects.create(name=f"Writer {n} body {i}", kind="other")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == WRITERS * EACH
    result = audit.verify_chain()
    assert result.ok, result.problem
