"""The forward plan as its users meet it: an officer plans and publishes a decision, the public
read it (page, CSV, RSS), a secretary records a key decision (refused, with the field named,
when its notice was short) and steps a decision through call-in."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from committees import key_decisions
from committees.models import Attendance, Decision, PlannedDecision
from partnership.choices import Role
from tests.committees.factories import PlannedDecisionFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def url(name, **kwargs):
    return reverse(f"committees:{name}", kwargs={"partnership": "ours", **kwargs})


def date_fields(name, day):
    return {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}


def public(name):
    return reverse(f"public:{name}", kwargs={"partnership": "ours"})


def test_an_officer_plans_and_publishes_a_decision_and_the_public_read_it(client, world, board):
    board.committee.meets_in_public = True
    board.committee.save()
    today = timezone.localdate()
    due = today + datetime.timedelta(days=130)
    client.force_login(world.user("council", Role.OFFICER))
    assert "Plan a decision" in client.get(url("planned_decision_list")).content.decode()
    response = client.post(
        url("planned_decision_add"),
        {
            "organisation": world.bodies["council"].pk,
            "committee": board.committee.pk,
            "title": "Home care framework: extension",
            "summary": "Extend the framework by a year.",
            **date_fields("decision_due", due),
            "key_decision": "on",
            "reports": "Home care framework: extension",
            "contact_name": "Jane Shayler",
        },
    )
    planned = PlannedDecision.objects.get(title="Home care framework: extension")
    assert response.status_code == 302 and response["Location"] == planned.get_absolute_url()
    page = client.get(planned.get_absolute_url()).content.decode()
    assert "Not published" in page
    last_day = key_decisions.publish_by(due)
    assert f"Publish it by {last_day:%-d %B %Y} for it to be taken on {due:%-d %B %Y}." in page
    # Not yet public.
    assert "Home care framework" not in client.get(public("forward_plan")).content.decode()

    # A date that is not one: the entry's page again, the error beside the date, nothing published.
    response = client.post(
        url("planned_decision_publish", pk=planned.pk), {"on-day": "31", "on-month": "4", "on-year": "2027"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Home care framework: extension" in page and "There is a problem" in page
    assert 'class="govuk-error-message"' in page and 'value="31"' in page
    planned.refresh_from_db()
    assert planned.published_on is None

    response = client.post(url("planned_decision_publish", pk=planned.pk), date_fields("on", today))
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.published_on == today
    client.logout()
    page = client.get(public("forward_plan")).content.decode()
    assert "Home care framework: extension" in page and planned.reference in page
    csv = b"".join(client.get(public("forward_plan_csv")).streaming_content).decode("utf-8-sig")
    assert f"{planned.reference},Home care framework: extension," in csv
    rss = client.get(public("forward_plan_feed")).content.decode()
    assert "Home care framework: extension (key decision)" in rss
    response = client.get(public("forward_plan_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    )
    assert f"{planned.reference}: Home care framework: extension" in " ".join(text.split())


def test_a_formula_in_an_entry_is_not_run_by_the_spreadsheet(client, world, board):
    board.committee.meets_in_public = True
    board.committee.save()
    PlannedDecisionFactory(
        committee=board.committee, organisation=world.bodies["council"], title="=HYPERLINK(1)"
    )
    csv = b"".join(client.get(public("forward_plan_csv")).streaming_content).decode("utf-8-sig")
    assert ",'=HYPERLINK(1)," in csv


def test_the_public_plan_shows_only_published_entries_of_committees_meeting_in_public(client, world, board):
    PlannedDecisionFactory(
        committee=board.committee, organisation=world.bodies["council"], title="Private board's"
    )
    assert client.get(public("forward_plan")).status_code == 404  # no committee of ours meets in public
    board.committee.meets_in_public = True
    board.committee.save()
    PlannedDecisionFactory(
        committee=board.committee,
        organisation=world.bodies["council"],
        title="Draft entry",
        published_on=None,
    )
    page = client.get(public("forward_plan")).content.decode()
    assert "Private board&#x27;s" in page or "Private board's" in page
    assert "Draft entry" not in page


def test_another_bodys_officer_may_not_change_or_publish_an_entry(client, world, board):
    planned = PlannedDecisionFactory(
        committee=board.committee, organisation=world.bodies["council"], published_on=None
    )
    client.force_login(world.user("nhs", Role.OFFICER))
    assert client.get(url("planned_decision_detail", pk=planned.pk)).status_code == 200
    assert client.get(url("planned_decision_edit", pk=planned.pk)).status_code == 403
    response = client.post(url("planned_decision_publish", pk=planned.pk), date_fields("on", D(2026, 12, 2)))
    assert response.status_code == 403
    assert PlannedDecision.objects.get(pk=planned.pk).published_on is None


def decision_form(board, world, **extra):
    for member in board.members[:3]:
        Attendance.objects.get_or_create(meeting=board.meeting, member=member)
    return {
        "agenda_item": board.item.pk,
        "resolution": "Award the contract.",
        "matter": "commissioning",
        **date_fields("decided_on", D(2027, 4, 12)),
        "organisations": [world.bodies["council"].pk],
        **extra,
    }


def test_a_key_decision_without_notice_is_refused_with_the_field_named(client, world, board):
    planned = PlannedDecisionFactory(
        committee=board.committee, organisation=world.bodies["council"], published_on=D(2027, 3, 1)
    )
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    response = client.post(
        url("decision_add", meeting=board.meeting.pk),
        decision_form(board, world, key_decision="on", planned_decision=planned.pk),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_planned_decision"' in page  # the error summary links to the field
    assert "only 27 clear working days before the decision; 28 are needed" in page
    assert not Decision.objects.filter(meeting=board.meeting).exists()

    response = client.post(
        url("decision_add", meeting=board.meeting.pk),
        decision_form(
            board,
            world,
            key_decision="on",
            planned_decision=planned.pk,
            urgency_agreed_by="Cllr Ash, chair of Children and Adults Scrutiny",
            urgency_reasons="The grant offer lapses on 14 April.",
        ),
        follow=True,
    )
    assert "Key decision: special urgency." in response.content.decode()
    decision = Decision.objects.get(meeting=board.meeting)
    page = client.get(board.meeting.minutes_url).content.decode()
    assert "Special urgency" in page and "Cllr Ash, chair of Children and Adults Scrutiny" in page
    assert (
        "Not open to call-in: taken under special urgency" in page
        or decision.meeting.committee.call_in_working_days == 0
    )


def test_a_secretary_steps_a_decision_through_call_in(client, world, board):
    board.committee.call_in_working_days = 5
    board.committee.save()
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    client.post(
        url("decision_add", meeting=board.meeting.pk),
        decision_form(board, world, **date_fields("decided_on", D(2026, 12, 17))),
    )
    decision = Decision.objects.get(meeting=board.meeting)

    def step(name, **data):
        return client.post(url("decision_call_in", pk=decision.pk, step=name), data, follow=True)

    page = step("publish", on="2026-12-18").content.decode()
    assert "open to call-in until the end of 29 Dec 2026" in page
    assert "May be implemented from 30 December 2026." in page
    page = step("call-in", on="2026-12-30").content.decode()
    assert "It could be called in from 18 December 2026 to 29 December 2026." in page
    page = step("call-in", on="2026-12-21").content.decode()
    assert "it may not be implemented until the call-in is decided" in page
    assert "May be implemented from" not in page.split(f'id="decision-{decision.pk}"')[1].split("</dl>")[0]
    page = step("outcome", outcome="stands", on="2027-01-07").content.decode()
    assert "May be implemented from 7 January 2027." in page
    assert step("outcome", outcome="bogus", on="2027-01-07").status_code == 400


def test_the_public_plan_takes_the_same_queries_however_long(
    client, world, board, django_assert_max_num_queries
):
    board.committee.meets_in_public = True
    board.committee.save()
    for _ in range(3):
        PlannedDecisionFactory(committee=board.committee, organisation=world.bodies["council"])
    with django_assert_max_num_queries(6) as few:
        client.get(public("forward_plan"))
    for _ in range(40):
        PlannedDecisionFactory(committee=board.committee, organisation=world.bodies["council"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(public("forward_plan"))
    page = response.content.decode()
    assert page.count('class="govuk-summary-card__title"') == 20
    assert "Entries 1 to 20 of 43, in the order they are due to be decided." in page
    assert "Page 1 of 3" in page
    last = client.get(public("forward_plan"), {"page": "3"}).content.decode()
    assert last.count('class="govuk-summary-card__title"') == 3 and "Entries 41 to 43 of 43" in last
    # A page past the end, or not a number, is a page of the plan, never an error.
    assert "Entries 41 to 43 of 43" in client.get(public("forward_plan"), {"page": "9" * 20}).content.decode()
    assert "Entries 1 to 20 of 43" in client.get(public("forward_plan"), {"page": "²"}).content.decode()


def test_the_plan_s_downloads_hold_every_entry_and_each_entry_has_its_own_page(client, world, board):
    """The law asks for the whole plan: the CSV and PDF hold every entry, not a page of it; the
    feed and the e-mail alerts link to each entry's own page, which is public once published."""
    from committees import services

    board.committee.meets_in_public = True
    board.committee.save()
    entries = [
        PlannedDecisionFactory(committee=board.committee, organisation=world.bodies["council"])
        for _ in range(25)
    ]
    csv = b"".join(client.get(public("forward_plan_csv")).streaming_content).decode("utf-8-sig")
    assert all(f"\r\n{entry.reference}," in csv for entry in entries)
    response = client.get(public("forward_plan_pdf"))
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    )
    assert all(f"{entry.reference}:" in text for entry in entries)
    page = client.get(public("forward_plan")).content.decode()
    assert f'href="{entries[0].public_url}"' in page

    entry = client.get(entries[0].public_url)
    assert entry.status_code == 200 and entries[0].title in entry.content.decode()

    unpublished = PlannedDecisionFactory(
        committee=board.committee, organisation=world.bodies["council"], published_on=None
    )
    assert client.get(unpublished.public_url).status_code == 404
    services.publish_planned_decision(
        planned=unpublished, user=world.user("council", Role.OFFICER), on=timezone.localdate()
    )
    assert client.get(unpublished.public_url).status_code == 200
    rss = client.get(public("forward_plan_feed")).content.decode()
    assert f"<link>http://testserver{unpublished.public_url}</link>" in rss
