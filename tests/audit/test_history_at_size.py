"""A record's History tab costs the same few queries however long its history is, and its
pages, older and newer, show every change once."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from simple_history.utils import bulk_create_with_history

from agreements.models import Schedule
from partnership.choices import Role
from tests.agreements.factories import ScheduleFactory, agreement_between
from tests.factories import add_versions

SIZES = (4, 300)


def agreement_with_history(world, versions):
    agreement = agreement_between(
        world.ours, world.bodies["council"], world.bodies["nhs"], title="Pooled fund"
    )
    schedule = ScheduleFactory(agreement=agreement, title="Services")
    start = agreement.history.get().history_date
    add_versions(agreement, versions, "title", start)
    add_versions(schedule, versions, "title", start + datetime.timedelta(seconds=30))
    return agreement


def history_url(world, agreement, query=""):
    return reverse("agreements:history", kwargs={"partnership": world.ours.slug, "pk": agreement.pk}) + query


def get_counting(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def older_link(response):
    found = re.search(r'href="\?([^"]*before=[^"]*)" rel="next"', response.content.decode())
    return found and "?" + found.group(1).replace("&amp;", "&")


def newer_link(response):
    found = re.search(r'href="\?([^"]*after=[^"]*)" rel="prev"', response.content.decode())
    return found and "?" + found.group(1).replace("&amp;", "&")


def page_ids(response):
    """Each entry on the page, with what it says changed."""
    return [
        (entry.kind, entry.history_id, tuple((c.name, c.before, c.after) for c in entry.changes))
        for entry in response.context["entries"]
    ]


@pytest.mark.django_db
def test_history_pages_cost_the_same_queries_at_4_and_300_versions(client, world):
    client.force_login(world.user("council", Role.OFFICER))
    counts, sizes = [], []
    for versions in SIZES:
        agreement = agreement_with_history(world, versions)
        client.get(history_url(world, agreement))  # the session and permission caches are warm
        first, first_count = get_counting(client, history_url(world, agreement))
        counts.append(first_count)
        sizes.append(len(first.content))
        if versions == SIZES[-1]:
            _older, older_count = get_counting(client, history_url(world, agreement, older_link(first)))
            assert older_count == first_count
    assert counts[1] <= counts[0], counts  # the first page at 300 versions has no creations to name
    assert sizes[1] < 120_000


@pytest.mark.django_db
def test_walking_the_history_shows_every_change_once_newest_first_and_back_again(client, world):
    agreement = agreement_with_history(world, 130)
    client.force_login(world.user("council", Role.OFFICER))
    response = newest = client.get(history_url(world, agreement))
    assert "Newer changes" not in response.content.decode()
    pages, seen_dates = [], []
    while True:
        pages.append(page_ids(response))
        seen_dates.extend(entry.date for entry in response.context["entries"])
        link = older_link(response)
        if not link:
            break
        response = client.get(history_url(world, agreement, link))
        assert "Newest changes" in response.content.decode()
    expected = (
        agreement.history.count() + agreement.schedules.get().history.count() + agreement.parties.count()
    )
    every = [entry for page in pages for entry in page]
    assert len(every) == len(set(every)) == expected
    assert [len(page) for page in pages] == [50, 50, 50, 50, 50, expected - 250]
    assert seen_dates == sorted(seen_dates, reverse=True)
    # The last entry is the agreement's creation, with what it was created with.
    oldest = response.context["entries"][-1]
    assert oldest.action == "Created"
    assert any(change.after == "Pooled fund" for change in oldest.changes)
    # Each version is compared with the one before it.
    latest = newest.context["entries"][0]
    assert (latest.kind, latest.changes[0].before, latest.changes[0].after) == (
        "Schedule",
        "Services (version 130)",
        "Services (version 131)",
    )

    back = []
    while True:
        link = newer_link(response)
        if not link:
            break
        response = client.get(history_url(world, agreement, link))
        back.append(page_ids(response))
    assert back == list(reversed(pages[:-1]))


@pytest.mark.django_db
@pytest.mark.parametrize("position", ["nonsense", "2026-13-01T00:00:00+00:00~0~1", "9999-12-31T00:00:00~x~1"])
def test_a_broken_page_link_shows_the_newest_changes(client, world, position):
    agreement = agreement_with_history(world, 3)
    client.force_login(world.user("council", Role.OFFICER))
    response = client.get(history_url(world, agreement, f"?before={position}"))
    assert response.status_code == 200
    assert len(response.context["entries"]) == 3 + 3 + 2 + 2


def agreement_with_schedules(world, count):
    agreement = agreement_between(
        world.ours, world.bodies["council"], world.bodies["nhs"], title="Pooled fund"
    )
    bulk_create_with_history(
        [Schedule(agreement=agreement, number=n + 1, title=f"Schedule {n + 1:03}") for n in range(count)],
        Schedule,
    )
    return agreement


def as_of_url(world, agreement, query="", pdf=False):
    kwargs = {
        "partnership": world.ours.slug,
        "app_label": "agreements",
        "model": "agreement",
        "pk": agreement.pk,
    }
    url = reverse("audit:as_of_pdf" if pdf else "audit:as_of", kwargs=kwargs)
    return url + f"?date={timezone.localdate().isoformat()}" + query


@pytest.mark.django_db
def test_as_it_stood_costs_the_same_queries_at_2_and_120_children_and_pages_them(client, world):
    client.force_login(world.user("council", Role.AUDITOR))
    counts = []
    for count in (2, 120):
        agreement = agreement_with_schedules(world, count)
        client.get(as_of_url(world, agreement))
        response, queries = get_counting(client, as_of_url(world, agreement))
        counts.append(queries)
    assert counts[0] == counts[1], counts
    html = response.content.decode()
    assert "1 to 25 of 120" in html
    assert "Schedule 1: Schedule 001" in html and "Schedule 26: Schedule 026" not in html
    assert len(response.content) < 100_000
    parameter = response.context["reconstruction"].children[2].parameter
    second = client.get(as_of_url(world, agreement, f"&{parameter}=2")).content.decode()
    assert "26 to 50 of 120" in second and "Schedule 26: Schedule 026" in second
    assert "Schedule 1: Schedule 001" not in second


@pytest.mark.django_db
def test_as_it_stood_pdf_lists_every_child(client, world):
    agreement = agreement_with_schedules(world, 30)
    client.force_login(world.user("council", Role.AUDITOR))
    response = client.get(as_of_url(world, agreement, pdf=True))
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Schedule 001" in text and "Schedule 030" in text


@pytest.mark.django_db
def test_every_history_table_finds_a_records_latest_row_by_one_index():
    """ "As it stood on" and the History tab ask for each record's latest row before a date: an
    index on (record id, history date, history id) answers that without walking the date range."""
    from partnership import audit

    missing = []
    with connection.cursor() as cursor:
        for model in audit.tracked_models():
            history_model = audit.history_model_for(model)
            record_id = history_model._meta.get_field(model._meta.pk.name).column
            constraints = connection.introspection.get_constraints(cursor, history_model._meta.db_table)
            if not any(
                c["index"] and c["columns"][:3] == [record_id, "history_date", "history_id"]
                for c in constraints.values()
            ):
                missing.append(history_model._meta.db_table)
    assert missing == []
