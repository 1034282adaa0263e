"""Exempt (Part 2) business never reaches anyone not entitled to it, by any address.

Exempt business is planted in one meeting (tests/url_catalogue.py,
``plant_exempt_business``) with a marker in every text field of the report,
agenda item, minute, decision and its binding, action, declaration, cost line
and appendix (a real PDF whose text is the marker): once for an item exempt
only because its report is, once for an item exempt by its own box. Then every
URL pattern of the project (the catalogue: a pattern it cannot fill fails here),
filled with those records' ids, "as it stood on" for each of them and every kind
of meeting paper, is asked by GET and POST, and every list by CSV and XLSX
export, as each person not entitled and as the public. Pages, PDFs (their text),
spreadsheets, CSV and iCalendar are read as text, with the headers. The only
markers allowed are those of a report to the officers of the body that wrote it.
The reminders' e-mails are read too, and an entitled secretary must see the
markers on the meeting page, so the test cannot pass by breaking the page.
"""

import functools
import io
import re

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from committees.papers import content, kinds, store
from committees.reminders import sweep_reminders
from partnership.audit_views import AuditLogView
from partnership.choices import Role
from partnership.generic import ObjectListView
from partnership.models import Reminder
from tests.factories import MembershipFactory, UserFactory
from tests.url_catalogue import MARKER, build_records, catalogue, marker, plant_exempt_business

FOUND = re.compile(rf"{MARKER}-[ab]-[a-z]+", re.IGNORECASE)
#: A report and its parts are read by the officers of the body that wrote it.
REPORT_PARTS = ("report", "appendix", "costline", "clearance")


def text_of(response):
    """Everything a person receives, as text: status, headers and body (PDF text, every
    spreadsheet cell); spaces and line breaks dropped, so a wrapped marker still shows, and
    the search's highlighting (<mark>) too, so a marked marker still shows."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    parts = [str(response.status_code), *(f"{key}: {value}" for key, value in response.items())]
    if body.startswith((b"%PDF", b"PK")):
        parts.append(document_text(body))
    else:
        parts.append(body.decode("utf-8", "replace"))
    return re.sub(r"\s+|</?mark>", "", "\n".join(parts))


@functools.lru_cache(maxsize=256)
def document_text(body):
    """The text of a PDF (every page) or a spreadsheet (every cell). Kept by the bytes
    themselves: a body equal to one already read (the same stored paper served to
    another person) has the same text, so it is not parsed again."""
    if body.startswith(b"%PDF"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    rows = (row for sheet in workbook for row in sheet.iter_rows(values_only=True))
    return "\n".join(str(cell) for row in rows for cell in row)


def leaks(text, allowed):
    return sorted({m.group(0) for m in FOUND.finditer(text)} - allowed)


def addresses(variants):
    """(method, address) for every pattern filled with each variant's records, every list's
    exports too (not signing out). Raises NotCovered for a pattern the catalogue cannot fill."""
    asked = []
    for route in catalogue():
        for records in variants.values():
            for url in route.urls(records):
                asked.append(("get", url))
                view_class = route.view_class
                if view_class is not None and issubclass(view_class, (ObjectListView, AuditLogView)):
                    asked += [("get", f"{url}?export=csv"), ("get", f"{url}?export=xlsx")]
                if not route.is_admin and route.allows("post") and route.name != "logout":
                    asked.append(("post", url))
    return list(dict.fromkeys(asked))


def person(username, body, role):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organisation=body, role=role)
    return user


@pytest.mark.django_db(transaction=False)
def test_exempt_business_reaches_no_one_not_entitled_by_any_address(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    records = build_records()
    icb_officer = person("leak-icb-officer", records.nhs, Role.OFFICER)
    variants = plant_exempt_business(records, action_owner=icb_officer)
    # The unentitled, and the markers each may see: the ICB wrote report b, the council report a.
    people = {
        "ICB officer": (icb_officer, {marker("b", part) for part in REPORT_PARTS}),
        "ICB finance officer": (person("leak-icb-finance", records.nhs, Role.FINANCE_OFFICER), set()),
        "council officer": (
            person("leak-council-officer", records.council, Role.OFFICER),
            {marker("a", part) for part in REPORT_PARTS},
        ),
        "council finance officer": (
            person("leak-council-finance", records.council, Role.FINANCE_OFFICER),
            set(),
        ),
        "the public": (None, set()),
    }

    # Every paper of the meeting is built, so each address serves it rather than "preparing".
    meeting = content.load_meeting(records.meeting.pk)
    codes = [*kinds.FIXED_KINDS, *(kinds.decision_kind(d).code for d in meeting.decisions.all())]
    for code in codes:
        store.build_and_store(meeting.pk, code)
        assert store.read_paper(meeting, kinds.paper_kind(code)) is not None, code

    # E-mail leaves Concordat: the owner's reminders name the paragraph, not the words.
    mail.outbox = []
    assert sweep_reminders() >= 2
    sent = "".join(f"{r.subject}{r.body}" for r in Reminder.objects.filter(recipient=icb_officer)) + "".join(
        f"{m.subject}{m.body}" for m in mail.outbox
    )
    assert "paragraph" in sent
    assert leaks(re.sub(r"\s+", "", sent), set()) == []

    # Positive control: someone entitled sees the exempt business on the meeting page.
    secretary = Client()
    secretary.force_login(person("leak-icb-secretary", records.nhs, Role.COMMITTEE_SECRETARY))
    meeting = records.meeting
    page = "".join(
        text_of(secretary.get(url))
        for url in (meeting.get_absolute_url(), meeting.agenda_url, meeting.minutes_url)
    )
    for variant in "ab":
        for kind in ("item", "minute", "decision", "action", "declaration"):
            assert marker(variant, kind) in page, (variant, kind)
        assert marker(variant, "item", "late_reason") in page, (variant, "late reason")
        assert marker(variant, "item", "public_interest_reasons") in page, (variant, "public interest")
        assert marker(variant, "binding", "reasons") in page, (variant, "why it does not bind")

    asked = addresses(variants)
    found, meeting_pages = {}, {}
    for name, (user, allowed) in people.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for method, url in asked:
            with transaction.atomic():
                response = getattr(client, method)(url)
                text = text_of(response)
                transaction.set_rollback(True)
            for leak in leaks(text, allowed):
                found.setdefault(f"{name}: {method.upper()} {url.split('?')[0]}", set()).add(leak)
        if user is not None:  # still signed in after every address
            meeting_pages[name] = client.get(records.meeting.agenda_url)
    assert not found, "Exempt business reached people not entitled to it:\n" + "\n".join(
        f"{where}: {', '.join(sorted(what))}" for where, what in sorted(found.items())
    )
    # ...and not by breaking the page: each sees the meeting, its exempt items by paragraph.
    for name, page in meeting_pages.items():
        assert page.status_code == 200, name
        assert "Exempt item" in page.content.decode() and "paragraph 3" in page.content.decode(), name


@pytest.mark.django_db
def test_the_queryset_filter_and_the_object_check_agree_for_every_kind_of_exempt_record(settings, tmp_path):
    """One rule, two ways of asking: for every kind of record that can be exempt and every
    person, the records ``restrict(..., action="read")`` keeps are those ``can_read`` allows."""
    from committees.access import rules
    from partnership import permissions

    settings.MEDIA_ROOT = tmp_path
    records = build_records()
    plant_exempt_business(records, action_owner=records.member)
    unentitled = [
        person(f"rule-{body.pk}-{role}", body, role)
        for body in (records.council, records.nhs)
        for role in (Role.OFFICER, Role.FINANCE_OFFICER)
    ]
    entitled = [
        person(f"rule-{body.pk}-{role}", body, role)
        for body in (records.council, records.nhs)
        for role in (Role.COMMITTEE_SECRETARY, Role.SIGNATORY, Role.AUDITOR)
    ] + [records.body_user, records.superuser]  # a committee member, and a site administrator
    for model in rules():
        assert model.objects.count() >= 3, model  # an open one and two exempt ones
        for user in unentitled + entitled:
            kept = set(permissions.restrict(model.objects.all(), user, action="read"))
            visible = list(permissions.restrict(model.objects.all(), user))
            allowed = {obj for obj in visible if permissions.can_read(user, obj)}
            assert kept == allowed, (model.__name__, user.username)
            # The officers read their own body's report; no one else unentitled reads any of it.
            assert (len(allowed) == len(visible)) is (user in entitled), (model.__name__, user.username)


@pytest.mark.django_db
def test_an_item_made_exempt_later_hides_its_earlier_history_too(client, world, board):
    """The meeting's History tab leaves out every row of an item that is exempt now,
    including those written while it was still open."""
    from tests.committees.factories import AgendaItemFactory

    item = AgendaItemFactory(meeting=board.meeting, title="OPENTHENSECRETYAK")
    item.exempt, item.exempt_paragraph, item.title = True, 3, "Renamed when made exempt"
    item.save()
    history_url = reverse(
        "committees:meeting_history", kwargs={"partnership": "ours", "pk": board.meeting.pk}
    )
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    page = client.get(history_url).content.decode()
    assert "OPENTHENSECRETYAK" not in page and "Renamed when made exempt" not in page
    client.force_login(world.user("nhs", Role.COMMITTEE_SECRETARY))
    page = client.get(history_url).content.decode()
    assert "OPENTHENSECRETYAK" in page and "Renamed when made exempt" in page
