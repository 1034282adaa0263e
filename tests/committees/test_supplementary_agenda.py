"""Late items and supplementary agendas (Local Government Act 1972 s100B(3) and (4)).

An item added after the agenda is published is a late item: it needs the special
circumstances the chair accepted, which go into the minutes. It stays off the public
agenda until the secretary publishes it on a supplementary agenda (numbered 1, 2 ...).
Once the meeting is held, cancelled or its minutes approved, no item can be added.
"""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from committees import services
from committees.choices import MeetingStatus, ReportStatus
from committees.models import AgendaItem, Meeting, Report, SupplementaryAgenda
from committees.papers import content, kinds
from partnership.choices import Role

pytestmark = pytest.mark.django_db

REASON = "the Better Care Fund return is due before the next meeting"


def secretary(world):
    return world.user("council", Role.COMMITTEE_SECRETARY)


def publish(meeting, world):
    # Only reports approved for publication go on a published agenda (test_report_clearance.py).
    Report.objects.filter(agenda_items__meeting=meeting).update(status=ReportStatus.FINAL)
    services.publish_agenda(meeting=meeting, user=secretary(world))
    meeting.refresh_from_db()
    return meeting


def add_late_item(meeting, world, title="Urgent funding return", reason=REASON, **fields):
    item = AgendaItem(meeting=meeting, title=title, late_reason=reason, **fields)
    return services.add_agenda_item(item=item, user=secretary(world))


def item_add_url(meeting):
    return reverse("committees:item_add", kwargs={"partnership": "ours", "meeting": meeting.pk})


def public_page(client, meeting):
    return client.get(reverse("public:meeting", kwargs={"pk": meeting.pk})).content.decode()


def test_an_item_added_before_the_agenda_is_published_is_not_late(world, board):
    item = services.add_agenda_item(
        item=AgendaItem(meeting=board.meeting, title="Minutes of the last meeting", late_reason="typed"),
        user=secretary(world),
    )
    item.refresh_from_db()
    assert (item.late, item.late_reason) == (False, "")


def test_a_late_item_needs_its_special_circumstances(world, board):
    meeting = publish(board.meeting, world)
    with pytest.raises(ValidationError, match="Special circumstances for taking the item late"):
        add_late_item(meeting, world, reason="   ")
    item = add_late_item(meeting, world)
    item.refresh_from_db()
    assert item.late and item.late_reason == REASON and item.supplementary_agenda is None
    assert item.history.first().history_user == secretary(world)


def test_the_item_form_asks_for_the_special_circumstances_only_once_the_agenda_is_out(client, world, board):
    client.force_login(secretary(world))
    assert "id_late_reason" not in client.get(item_add_url(board.meeting)).content.decode()
    publish(board.meeting, world)
    assert "id_late_reason" in client.get(item_add_url(board.meeting)).content.decode()
    response = client.post(item_add_url(board.meeting), {"title": "Urgent item", "purpose": "decision"})
    assert response.status_code == 200
    assert response.context["form"].errors["late_reason"] == [
        "Say why the item cannot wait for the next meeting."
    ]
    # The error summary links to the field, and the message shows beside it.
    page = response.content.decode()
    assert 'href="#id_late_reason"' in page and '<p id="id_late_reason-error"' in page
    assert not board.meeting.items.filter(title="Urgent item").exists()
    response = client.post(
        item_add_url(board.meeting), {"title": "Urgent item", "purpose": "decision", "late_reason": REASON}
    )
    assert response.status_code == 302
    assert board.meeting.items.get(title="Urgent item").late_reason == REASON


@pytest.mark.parametrize(
    "status", [MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED, MeetingStatus.CANCELLED]
)
def test_no_item_can_be_added_once_the_meeting_is_held_cancelled_or_its_minutes_approved(
    client, world, board, status
):
    Meeting.objects.filter(pk=board.meeting.pk).update(status=status)
    stale = board.meeting  # as loaded before the move: the service looks at the locked row
    with pytest.raises(ValidationError, match="no more items can be added"):
        add_late_item(stale, world)
    client.force_login(secretary(world))
    response = client.post(
        item_add_url(board.meeting), {"title": "Too late", "purpose": "decision", "late_reason": REASON}
    )
    assert response.status_code == 200
    assert "no more items can be added" in response.content.decode()
    assert not AgendaItem.objects.filter(title="Too late").exists()


def test_supplementary_agendas_are_numbered_and_record_who_published_them(world, board):
    meeting = publish(board.meeting, world)
    first_item = add_late_item(meeting, world, title="First late item")
    first = services.publish_supplementary_agenda(meeting=meeting, user=secretary(world))
    second_item = add_late_item(meeting, world, title="Second late item")
    second = services.publish_supplementary_agenda(
        meeting=meeting, user=world.user("nhs", Role.COMMITTEE_SECRETARY)
    )
    assert (first.number, second.number) == (1, 2)
    assert second.published_by == world.user("nhs", Role.COMMITTEE_SECRETARY)
    assert first.published_at <= second.published_at <= timezone.now()
    first_item.refresh_from_db()
    second_item.refresh_from_db()
    assert (first_item.supplementary_agenda, second_item.supplementary_agenda) == (first, second)
    assert first.history.first().history_change_reason == "Supplementary agenda 1 published"


def test_publishing_with_nothing_new_is_refused_so_a_second_click_adds_no_supplement(client, world, board):
    meeting = publish(board.meeting, world)
    with pytest.raises(ValidationError, match="no late items waiting"):
        services.publish_supplementary_agenda(meeting=meeting, user=secretary(world))
    add_late_item(meeting, world)
    client.force_login(secretary(world))
    url = reverse(
        "committees:meeting_publish_supplement", kwargs={"partnership": "ours", "meeting": meeting.pk}
    )
    client.post(url)
    response = client.post(url, follow=True)
    assert (
        "no late items waiting for a supplementary agenda: nothing was published" in response.content.decode()
    )
    assert SupplementaryAgenda.objects.filter(meeting=meeting).count() == 1


def test_publishing_the_agenda_again_is_refused_so_late_items_stay_late(client, world, board):
    meeting = publish(board.meeting, world)
    first_published = meeting.agenda_published_at
    add_late_item(meeting, world)
    client.force_login(secretary(world))
    url = reverse("committees:meeting_publish", kwargs={"partnership": "ours", "meeting": meeting.pk})

    page = client.post(url, follow=True).content.decode()

    assert "The agenda was already published on" in page
    assert "publish them on a supplementary agenda" in page
    meeting.refresh_from_db()
    assert meeting.agenda_published_at == first_published
    assert AgendaItem.objects.get(meeting=meeting, title="Urgent funding return").late


def test_only_committee_secretaries_publish_a_supplementary_agenda(world, board):
    meeting = publish(board.meeting, world)
    add_late_item(meeting, world)
    with pytest.raises(Exception, match="Only committee secretaries publish agendas"):
        services.publish_supplementary_agenda(meeting=meeting, user=world.user("council", Role.OFFICER))
    assert not SupplementaryAgenda.objects.exists()


def test_a_meeting_is_not_recorded_as_held_while_a_late_item_is_unpublished(world, board):
    Meeting.objects.filter(pk=board.meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))
    board.meeting.refresh_from_db()
    meeting = publish(board.meeting, world)
    add_late_item(meeting, world)
    with pytest.raises(ValidationError, match="Publish the supplementary agenda for the late items"):
        services.move_meeting(meeting=meeting, status=MeetingStatus.HELD, user=secretary(world))
    services.publish_supplementary_agenda(meeting=meeting, user=secretary(world))
    services.move_meeting(meeting=meeting, status=MeetingStatus.HELD, user=secretary(world))
    with pytest.raises(ValidationError, match="only after the agenda and before the meeting is held"):
        services.publish_supplementary_agenda(meeting=meeting, user=secretary(world))


def test_the_meeting_page_offers_the_supplement_and_marks_late_items(client, world, board):
    meeting = publish(board.meeting, world)
    add_late_item(meeting, world)
    client.force_login(secretary(world))
    assert "Publish supplementary agenda" in client.get(meeting.get_absolute_url()).content.decode()
    page = client.get(meeting.agenda_url).content.decode()
    assert "Late item (not yet on a supplementary agenda)" in page
    services.publish_supplementary_agenda(meeting=meeting, user=secretary(world))
    assert "Publish supplementary agenda" not in client.get(meeting.get_absolute_url()).content.decode()
    page = client.get(meeting.agenda_url).content.decode()
    assert "Late item (supplementary agenda 1)" in page and REASON in page


def test_the_public_see_a_late_item_only_once_its_supplementary_agenda_is_published(client, world, board):
    board.committee.meets_in_public = True
    board.committee.save()
    meeting = publish(board.meeting, world)
    add_late_item(meeting, world, title="Urgent funding return")
    page = public_page(client, meeting)
    assert "Better Care Fund plan" in page
    assert "Urgent funding return" not in page and REASON not in page
    services.publish_supplementary_agenda(meeting=meeting, user=secretary(world))
    page = public_page(client, meeting)
    assert "Urgent funding return" in page
    assert "Late item (supplementary agenda 1)" in page and REASON in page


def test_an_exempt_late_items_special_circumstances_stay_private(client, world, board):
    board.committee.meets_in_public = True
    board.committee.save()
    meeting = publish(board.meeting, world)
    add_late_item(
        meeting,
        world,
        title="SECRETZEBRA late award",
        reason="SECRETZEBRA bidder withdrew",
        exempt=True,
        exempt_paragraph=3,
        public_interest_reasons="Publishing the bids now would prejudice the award.",
    )
    services.publish_supplementary_agenda(meeting=meeting, user=secretary(world))
    page = public_page(client, meeting)
    assert "Late item (supplementary agenda 1)" in page and "Exempt item" in page
    assert "SECRETZEBRA" not in page
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    page = client.get(meeting.agenda_url).content.decode()
    assert "Late item (supplementary agenda 1)" in page and "SECRETZEBRA" not in page
    client.force_login(secretary(world))
    assert "SECRETZEBRA bidder withdrew" in client.get(meeting.agenda_url).content.decode()


def test_the_minutes_say_why_a_late_item_was_taken_as_a_matter_of_urgency(client, world, board):
    board.committee.meets_in_public = True
    board.committee.save()
    meeting = publish(board.meeting, world)
    add_late_item(meeting, world, title="Urgent funding return")
    services.publish_supplementary_agenda(meeting=meeting, user=secretary(world))
    Meeting.objects.filter(pk=meeting.pk).update(
        status=MeetingStatus.MINUTES_APPROVED, minutes_approved_on=timezone.localdate()
    )
    page = public_page(client, meeting)
    assert f"Considered as a matter of urgency because {REASON}" in page


def test_an_item_already_on_the_agenda_is_not_made_late_by_an_edit(world, board):
    meeting = publish(board.meeting, world)
    item = AgendaItem.objects.get(pk=board.item.pk)
    item.title = "Better Care Fund plan (revised)"
    services.add_agenda_item(item=item, user=secretary(world))
    item.refresh_from_db()
    assert not item.late
    assert not meeting.items.filter(late=True).exists()


def pack_text(meeting, code):
    pdf = content.build(content.load_meeting(meeting.pk), kinds.paper_kind(code))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def test_the_packs_carry_a_late_item_only_once_its_supplement_is_published(world, board):
    meeting = publish(board.meeting, world)
    add_late_item(meeting, world, title="Urgent funding return")
    for code in (kinds.PUBLIC_PACK, kinds.MEMBERS_PACK):
        assert "Urgent funding return" not in pack_text(meeting, code)
    services.publish_supplementary_agenda(meeting=meeting, user=secretary(world))
    text = pack_text(meeting, kinds.PUBLIC_PACK)
    assert "Late item (supplementary agenda 1): Urgent funding return" in text
    assert f"Special circumstances: {REASON}" in text


def test_the_members_pack_is_marked_exempt_only_for_exempt_items_it_carries(world, board):
    """An exempt late item not yet on a supplementary agenda is not in the pack, so it does not
    make the pack "Not for publication"; once published, it does."""
    meeting = publish(board.meeting, world)
    meeting.items.filter(pk=board.exempt_item.pk).delete()
    note = "not for publication"
    assert note not in pack_text(meeting, kinds.MEMBERS_PACK).lower()
    add_late_item(
        meeting,
        world,
        title="Retender prices",
        exempt=True,
        exempt_paragraph=3,
        public_interest_reasons="Publishing the bids now would prejudice the award.",
    )
    assert note not in pack_text(meeting, kinds.MEMBERS_PACK).lower()
    services.publish_supplementary_agenda(meeting=meeting, user=secretary(world))
    assert note in pack_text(meeting, kinds.MEMBERS_PACK).lower()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_secretary_adds_a_late_item_and_publishes_the_supplement_in_a_browser(
    live_server, page, login, axe, world, board
):
    board.committee.meets_in_public = True
    board.committee.save()
    Report.objects.filter(agenda_items__meeting=board.meeting).update(status=ReportStatus.FINAL)
    login(secretary(world).username)
    page.goto(f"{live_server.url}{board.meeting.get_absolute_url()}")
    page.click("button:has-text('Publish agenda')")
    assert "Publish supplementary agenda" not in page.locator("main").inner_text()

    page.click(".app-sub-navigation >> text=Agenda")
    page.click("text=Add a late item")
    page.fill("#id_title", "Urgent funding return")
    page.select_option("#id_purpose", "decision")
    page.click("button:has-text('Save')")
    assert "Say why the item cannot wait" in page.locator(".govuk-error-summary").inner_text()
    assert "Say why the item cannot wait" in page.locator("#id_late_reason-error").inner_text()
    assert axe(page) == []
    page.fill("#id_late_reason", REASON)
    page.click("button:has-text('Save')")
    main = page.locator("main").inner_text()
    assert "3. Urgent funding return" in main
    assert "Late item (not yet on a supplementary agenda)" in main
    assert "not yet published" in main

    page.goto(f"{live_server.url}{reverse('public:meeting', kwargs={'pk': board.meeting.pk})}")
    assert "Urgent funding return" not in page.locator("main").inner_text()

    page.goto(f"{live_server.url}{board.meeting.get_absolute_url()}")
    page.click("button:has-text('Publish supplementary agenda')")
    assert (
        "Supplementary agenda 1 published with 1 late item"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert "Publish supplementary agenda" not in page.locator("main").inner_text()
    page.click(".app-sub-navigation >> text=Agenda")
    main = page.locator("main").inner_text()
    assert "Late item (supplementary agenda 1)" in main and REASON in main
    assert axe(page) == []

    page.goto(f"{live_server.url}{reverse('public:meeting', kwargs={'pk': board.meeting.pk})}")
    public = page.locator("main").inner_text()
    assert "Urgent funding return" in public and "Late item (supplementary agenda 1)" in public
