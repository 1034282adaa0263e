# ruff: noqa: F811 (the agreement fixture imported from test_as_of is used as an argument)
""" "As it stood on" as a PDF for a record with many children: made in the background, the
address answering a page that says how far it has got until the PDF is ready. Each PDF is the
asker's own and is made again after any change."""

import datetime
import io
import time

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from agreements.models import Agreement
from partnership import as_of_pdf
from partnership.tasks import build_as_of_pdf, forget_as_of_pdfs
from tests.agreements.factories import agreement_between
from tests.audit.test_as_of import DAY_TWO, agreement, as_of_url, at  # noqa: F401


@pytest.fixture
def background(settings, tmp_path):
    """Records with more than three children are made in the background. The progress is kept
    in a cache of this test's own: the suite's Redis outlives the run, and another run's records
    have the same ids."""
    settings.MEDIA_ROOT = tmp_path
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }
    settings.AS_OF_PDF_IN_REQUEST_UP_TO = 3


def build_for(person, world, agreement):
    key = as_of_pdf.document_key(person, Agreement, agreement.pk, DAY_TWO)
    return key, (key, world.ours.pk, "agreements.Agreement", agreement.pk, DAY_TWO.isoformat(), person.pk)


def pdf_text(content):
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


@pytest.mark.django_db
def test_many_children_are_made_in_the_background_while_a_page_says_how_far_it_has_got(
    client, world, auditor, agreement, background, django_capture_on_commit_callbacks
):
    client.force_login(auditor)
    url = as_of_url(world.ours, agreement, DAY_TWO, pdf=True)
    with django_capture_on_commit_callbacks() as queued:
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Waiting to be made" in html
    assert "It holds 4 records under this one" in html  # two parties, a schedule, a variation
    assert "PDF of S75-1" in html
    assert 'data-app-poll="3"' in html  # with JavaScript the page asks again every 3 seconds
    assert len(queued) == 1  # the build is sent once the request's transaction commits

    with django_capture_on_commit_callbacks() as queued_again:
        assert "Waiting to be made" in client.get(url).content.decode()
    assert queued_again == []  # asked again while it waits: not queued twice

    key, arguments = build_for(auditor, world, agreement)
    assert as_of_pdf.get_status(key)["state"] == as_of_pdf.QUEUED
    build_as_of_pdf(*arguments)  # what the worker runs
    assert as_of_pdf.get_status(key)["state"] == as_of_pdf.READY

    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    # Every child, not one page of each: two parties, the schedule as revised, the variation.
    assert "Renamed" in text and "Pooled budget (revised)" in text and "Increase contributions" in text
    assert "Page 1 of" in text


@pytest.mark.django_db
def test_a_pdf_is_the_askers_own_and_is_made_again_after_a_change(
    client, world, auditor, officer, agreement, background
):
    key, arguments = build_for(auditor, world, agreement)
    as_of_pdf.set_status(key, as_of_pdf.QUEUED)
    build_as_of_pdf(*arguments)
    url = as_of_url(world.ours, agreement, DAY_TWO, pdf=True)

    client.force_login(officer)
    response = client.get(url)
    assert response["Content-Type"].startswith("text/html"), "another person is not given the auditor's PDF"
    assert "Waiting to be made" in response.content.decode()

    client.force_login(auditor)
    assert client.get(url)["Content-Type"] == "application/pdf"
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        client.force_login(auditor)
        response = client.get(url)
        assert response["Content-Type"].startswith("text/html"), "a PDF made yesterday is made again"
    client.force_login(auditor)
    assert client.get(url)["Content-Type"] == "application/pdf"
    agreement.title = "Renamed again"
    agreement.save()
    response = client.get(url)
    assert response["Content-Type"].startswith("text/html"), "the PDF made before the change is not served"
    assert as_of_pdf.get_status(key)["state"] == as_of_pdf.READY  # kept, but under the old key


@pytest.mark.django_db
def test_a_failed_build_says_so_and_is_tried_again_only_when_asked(
    client, world, auditor, agreement, background, monkeypatch, django_capture_on_commit_callbacks
):
    key, arguments = build_for(auditor, world, agreement)
    as_of_pdf.set_status(key, as_of_pdf.QUEUED)

    def no_fonts(html, styled=False):
        raise OSError("No fonts could be loaded")

    monkeypatch.setattr(as_of_pdf, "html_to_pdf", no_fonts)
    with pytest.raises(OSError):
        build_as_of_pdf(*arguments)
    assert as_of_pdf.get_status(key)["state"] == as_of_pdf.FAILED

    client.force_login(auditor)
    url = as_of_url(world.ours, agreement, DAY_TWO, pdf=True)
    with django_capture_on_commit_callbacks() as queued:
        html = client.get(url).content.decode()
    assert "The PDF could not be made" in html
    assert "data-app-poll" not in html  # a failure does not ask again by itself
    assert queued == []
    assert f"{url}&amp;retry=1" in html
    with django_capture_on_commit_callbacks() as queued:
        assert "Waiting to be made" in client.get(f"{url}&retry=1").content.decode()
    assert len(queued) == 1


@pytest.mark.django_db
def test_a_build_silent_for_a_quarter_of_an_hour_counts_as_failed(world, auditor, agreement, background):
    key, _ = build_for(auditor, world, agreement)
    as_of_pdf.set_status(key, as_of_pdf.BUILDING)
    assert as_of_pdf.get_status(key)["state"] == as_of_pdf.BUILDING
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16), tick=False):
        assert as_of_pdf.get_status(key)["state"] == as_of_pdf.FAILED


@pytest.mark.django_db
def test_pdfs_are_forgotten_after_a_day(world, auditor, agreement, background):
    key, arguments = build_for(auditor, world, agreement)
    build_as_of_pdf(*arguments)
    # The file system's clock, not the test's, dates the file.
    made = default_storage.get_modified_time(as_of_pdf.storage_name(key))
    with time_machine.travel(made + datetime.timedelta(hours=23), tick=False):
        assert forget_as_of_pdfs() == 0
    assert as_of_pdf.read(key) is not None
    with time_machine.travel(made + datetime.timedelta(days=1, minutes=1), tick=False):
        assert forget_as_of_pdfs() == 1
    assert as_of_pdf.read(key) is None
    assert as_of_pdf.get_status(key)["state"] == as_of_pdf.MISSING  # so it is made again when asked


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_pdf_the_page_was_waiting_for(
    celery_worker_on_redis, client, settings, world, auditor, background
):
    with at(DAY_TWO):
        record = agreement_between(world.ours, world.bodies["council"], world.bodies["nhs"], reference="W-1")
        record.title = "Made by the worker"
        record.save()
    settings.AS_OF_PDF_IN_REQUEST_UP_TO = 1  # its two parties are more
    client.force_login(auditor)
    url = as_of_url(world.ours, record, DAY_TWO, pdf=True)
    assert "Waiting to be made" in client.get(url).content.decode()

    key, arguments = build_for(auditor, world, record)
    result = build_as_of_pdf.apply_async(arguments, queue=celery_worker_on_redis)
    deadline = time.monotonic() + 120
    while not result.ready() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert result.get(timeout=5) == as_of_pdf.storage_name(key)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert "Made by the worker" in pdf_text(response.content)
