"""Register exports stream: memory does not grow with the rows exported."""

import csv
import datetime
import io
import tempfile
import tracemalloc

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agreements.choices import AgreementKind, AgreementStatus
from partnership import exports
from partnership.choices import Role
from tests.agreements.factories import bulk_agreements


def add_agreements(world, count, start):
    bulk_agreements(
        world.ours,
        count,
        world.bodies["council"],
        reference="BULK-{n:05d}",
        start=start,
        title=lambda n: f"Pooled fund {n} " + "with a long title " * 4,
        kind=AgreementKind.S256,
        status=AgreementStatus.IN_FORCE,
        start_date=datetime.date(2020, 4, 1),
        review_frequency_months=12,
    )


def exported(client, world, export_format):
    """Peak memory while the export is made and read (into a file, which takes none), and
    what it held."""
    url = reverse("agreements:list", kwargs={"partnership": world.ours.slug})
    with tempfile.TemporaryFile() as received:
        tracemalloc.start()
        try:
            response = client.get(url, {"export": export_format})
            assert response.status_code == 200
            assert response.streaming
            for block in response.streaming_content:
                received.write(block)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        received.seek(0)
        return peak, received.read()


@pytest.mark.django_db
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_an_export_of_2000_rows_takes_no_more_memory_than_one_of_200(
    client, world, monkeypatch, export_format
):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 100)
    client.force_login(world.user("council", Role.AUDITOR))
    add_agreements(world, 200, 0)
    small_peak, small = exported(client, world, export_format)
    add_agreements(world, 1800, 200)
    large_peak, large = exported(client, world, export_format)

    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(large.decode("utf-8-sig"))))
    else:
        rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(large)).active.iter_rows()]
    references = [row[0] for row in rows[1:] if row[0].startswith("BULK-")]
    assert references == [f"BULK-{n:05d}" for n in range(2000)]  # every row, in the register's order
    assert len(large) > 5 * len(small)
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
