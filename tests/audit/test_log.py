"""The partnership-wide audit log: who may read it, filters, paging, CSV, query count."""

import csv
import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnership.choices import Role
from partnership.models import AuditAction, AuditEntry, Organisation, Partnership
from tests.factories import OrganisationFactory

#: Queries for one page of the log, whatever its length (session, user, partnership,
#: memberships, partner bodies, the filter's bodies and people, the page of entries).
LOG_PAGE_QUERIES = 9


def bulk_entries(world, count, **fields):
    """``count`` entries about ``ours`` written straight to the table (no hashing needed here)."""
    content_type = ContentType.objects.get_for_model(Organisation)
    now = timezone.now()
    defaults = {
        "content_type": content_type,
        "object_id": "1",
        "history_id": 1,
        "history_table": "partnership.HistoricalOrganisation",
        "action": AuditAction.CHANGED,
        "partnership": world.ours,
        "user": world.user("council", Role.OFFICER),
        "organisation": world.bodies["council"],
        "object_label": "Bulk record",
        "previous_hash": "",
        "hash": "0" * 64,
    }
    defaults.update(fields)
    AuditEntry.objects.bulk_create(
        [AuditEntry(timestamp=now - datetime.timedelta(minutes=i), **defaults) for i in range(count)],
        batch_size=2000,
    )


@pytest.mark.parametrize(
    "body, role, status",
    [
        ("council", Role.AUDITOR, 200),
        ("nhs", Role.AUDITOR, 200),
        ("council", Role.OFFICER, 403),
        ("council", Role.ADMINISTRATOR, 403),
        ("nhs", Role.FINANCE_OFFICER, 403),
        ("other", Role.AUDITOR, 404),
        ("other", Role.ADMINISTRATOR, 404),
    ],
)
def test_who_may_read_the_audit_log(client, world, log_url, body, role, status):
    client.force_login(world.user(body, role))
    assert client.get(log_url).status_code == status


def test_superuser_reads_the_log_and_anonymous_is_sent_to_sign_in(client, superuser, log_url):
    assert client.get(log_url).status_code == 302
    client.force_login(superuser)
    assert client.get(log_url).status_code == 200


def test_partnership_page_links_to_the_log_for_auditors_only(client, world, auditor, officer, log_url):
    page = reverse("partnership_detail", kwargs={"partnership": world.ours.slug})
    client.force_login(auditor)
    assert log_url in client.get(page).content.decode()
    client.force_login(officer)
    assert log_url not in client.get(page).content.decode()


def test_log_lists_changes_to_the_partnership_and_its_bodies_only(client, world, auditor, log_url):
    world.ours.description = "Changed description"
    world.ours._history_user = world.user("council", Role.ADMINISTRATOR)
    world.ours._change_reason = "Annual refresh"
    world.ours.save()
    world.theirs.description = "Theirs changed"
    world.theirs.save()
    outsider = OrganisationFactory(name="Unrelated Borough")
    client.force_login(auditor)
    html = client.get(log_url).content.decode()
    assert "Annual refresh" in html
    assert "Our partnership" in html
    assert "Our Council" in html  # the body itself (no partnership of its own)
    assert "Their partnership" not in html
    assert outsider.name not in html


def test_filters_by_body_person_kind_action_and_dates(client, world, auditor, log_url):
    officer = world.user("council", Role.OFFICER)
    nhs_officer = world.user("nhs", Role.OFFICER)
    AuditEntry.objects.all()._raw_delete(connection.alias)
    bulk_entries(world, 3, object_label="Council change")
    old = timezone.now() - datetime.timedelta(days=40)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                content_type=ContentType.objects.get_for_model(Partnership),
                object_id="9",
                history_id=9,
                history_table="partnership.HistoricalPartnership",
                action=AuditAction.DELETED,
                partnership=world.ours,
                user=nhs_officer,
                organisation=world.bodies["nhs"],
                object_label="ICB deletion",
                timestamp=old,
                previous_hash="",
                hash="1" * 64,
            )
        ]
    )
    client.force_login(auditor)

    def labels(**params):
        html = client.get(log_url, params).content.decode()
        return ("Council change" in html, "ICB deletion" in html)

    assert labels() == (True, True)
    assert labels(organisation=world.bodies["nhs"].pk) == (False, True)
    assert labels(user=officer.pk) == (True, False)
    assert labels(kind="partnership.partnership") == (False, True)
    assert labels(action="deleted") == (False, True)
    old_day = timezone.localtime(old).date()
    assert labels(date_from=old_day.isoformat(), date_to=old_day.isoformat()) == (False, True)
    assert labels(date_from=(old_day + datetime.timedelta(days=1)).isoformat()) == (True, False)


def test_pages_through_with_newer_and_older_links(client, world, auditor, log_url):
    AuditEntry.objects.all()._raw_delete(connection.alias)
    bulk_entries(world, 120)
    ids = list(AuditEntry.objects.order_by("-id").values_list("id", flat=True))
    client.force_login(auditor)
    first = client.get(log_url)
    assert [e.pk for e in first.context["entries"]] == ids[:50]
    assert first.context["newer_url"] is None
    second = client.get(log_url + first.context["older_url"])
    assert [e.pk for e in second.context["entries"]] == ids[50:100]
    third = client.get(log_url + second.context["older_url"])
    assert [e.pk for e in third.context["entries"]] == ids[100:]
    assert third.context["older_url"] is None
    back = client.get(log_url + third.context["newer_url"])
    assert [e.pk for e in back.context["entries"]] == ids[50:100]


def test_exports_the_filtered_log_as_streamed_csv(client, world, auditor, log_url):
    AuditEntry.objects.all()._raw_delete(connection.alias)
    bulk_entries(world, 60, object_label="=HYPERLINK(1)")
    bulk_entries(world, 5, object_label="Created one", action=AuditAction.CREATED)
    client.force_login(auditor)
    response = client.get(log_url, {"action": "changed", "export": "csv"})
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="ours-audit-log.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Entry", "When (UK time)", "Action"]
    assert len(rows) == 61
    assert {row[2] for row in rows[1:]} == {"Changed"}
    assert rows[1][5] == "'=HYPERLINK(1)"  # not run as a formula


@pytest.mark.parametrize("count", [100, 10_000])
def test_log_page_query_count_is_fixed(client, world, auditor, log_url, count, django_assert_max_num_queries):
    bulk_entries(world, count)
    client.force_login(auditor)
    client.get(log_url)  # warm per-process caches (content types)
    with django_assert_max_num_queries(LOG_PAGE_QUERIES):
        response = client.get(log_url, {"action": "changed"})
    assert len(response.context["entries"]) == 50
    with django_assert_max_num_queries(LOG_PAGE_QUERIES):
        client.get(log_url + response.context["older_url"])


def test_log_page_queries_counted(client, world, auditor, log_url):
    """Guard against the bound above being loose: say what a page actually costs."""
    bulk_entries(world, 100)
    client.force_login(auditor)
    client.get(log_url)
    with CaptureQueriesContext(connection) as queries:
        client.get(log_url)
    assert len(queries) <= LOG_PAGE_QUERIES, [q["sql"][:120] for q in queries]
