"""Minutes sign-off: the draft goes to those who attended, they propose amendments, the secretary
accepts or rejects each with a reason, and the committee approves the minutes at its next meeting
(an item that links them), after which they are published and locked."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from committees import services
from committees.choices import AmendmentStatus, AttendanceStatus, MeetingStatus
from committees.models import AgendaItem, Minute, MinuteAmendment
from partnership.choices import Role
from partnership.models import Reminder
from tests.committees.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    CommitteeMemberFactory,
    MeetingFactory,
    MinuteFactory,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(world, board):
    """The board's meeting a week ago, held, with an open and an exempt minute; one member with an
    account was present, another sent apologies."""
    meeting = board.meeting
    meeting.starts_at = timezone.now() - datetime.timedelta(days=7)
    meeting.status = MeetingStatus.HELD
    meeting.save()
    people = {}
    for name, status in (("present", AttendanceStatus.PRESENT), ("apologies", AttendanceStatus.APOLOGIES)):
        person = UserFactory(username=f"minutes-{name}")
        MembershipFactory(user=person, organisation=world.bodies["council"], role=Role.OFFICER)
        seat = CommitteeMemberFactory(
            committee=meeting.committee, organisation=world.bodies["council"], user=person
        )
        AttendanceFactory(meeting=meeting, member=seat, status=status)
        people[name] = person
    open_item = AgendaItemFactory(meeting=meeting, order=1, title="Better Care Fund plan")
    exempt_item = AgendaItemFactory(meeting=meeting, order=2, title="Tender", exempt=True, exempt_paragraph=3)
    return {
        "meeting": meeting,
        "minute": MinuteFactory(agenda_item=open_item, text="The Board agreed the plan."),
        "exempt_minute": MinuteFactory(agenda_item=exempt_item, text="SECRETMINUTETEXT awarded to Bidder B."),
        **people,
    }


def secretary(world):
    return world.user("council", Role.COMMITTEE_SECRETARY)


def propose(minute, user, text="The Board agreed the plan, the CCG Chair abstaining."):
    return services.propose_amendment(amendment=MinuteAmendment(minute=minute, text=text), user=user)


def test_the_draft_goes_to_those_who_attended_and_only_they_propose_amendments(world, held):
    with pytest.raises(ValidationError, match="once they are circulated"):
        propose(held["minute"], held["present"])
    services.circulate_minutes(meeting=held["meeting"], user=secretary(world))

    sent = Reminder.objects.filter(key__startswith=f"committees:minutes-circulated:{held['meeting'].pk}:")
    assert [r.recipient for r in sent] == [held["present"]]
    assert "SECRETMINUTETEXT" not in sent[0].body and "propose an amendment" in sent[0].body

    amendment = propose(held["minute"], held["present"])
    assert amendment.status == AmendmentStatus.PROPOSED and amendment.proposed_by == held["present"]
    for outsider in (
        held["apologies"],
        world.user("council", Role.OFFICER),
        world.user("council", Role.AUDITOR),
    ):
        with pytest.raises(PermissionDenied):
            propose(held["minute"], outsider)
    with pytest.raises(ValidationError, match="already proposed"):
        propose(held["minute"], held["present"], text="Yet another wording.")
    with pytest.raises(ValidationError) as unchanged:
        propose(held["exempt_minute"], held["present"], text=held["exempt_minute"].text)
    assert "text" in unchanged.value.message_dict


def test_the_secretary_accepts_or_rejects_each_amendment_and_its_proposer_is_told(world, held):
    services.circulate_minutes(meeting=held["meeting"], user=secretary(world))
    accepted = propose(held["minute"], held["present"])
    rejected = propose(held["exempt_minute"], held["present"], text="SECRETAMENDMENT: awarded to Bidder C.")

    with pytest.raises(PermissionDenied):
        services.decide_amendment(amendment=accepted, user=held["present"], accept=True)
    with pytest.raises(ValidationError) as no_reason:
        services.decide_amendment(amendment=rejected, user=secretary(world), accept=False)
    assert "reason" in no_reason.value.message_dict

    services.decide_amendment(amendment=accepted, user=secretary(world), accept=True)
    services.decide_amendment(
        amendment=rejected,
        user=secretary(world),
        accept=False,
        reason="The evaluation panel's record says B.",
    )
    minute = Minute.objects.get(pk=held["minute"].pk)
    assert minute.text == accepted.text
    assert minute.history.first().history_change_reason.startswith("Amendment proposed by")
    assert Minute.objects.get(pk=held["exempt_minute"].pk).text.startswith("SECRETMINUTETEXT")
    with pytest.raises(ValidationError, match="already accepted"):
        services.decide_amendment(amendment=accepted, user=secretary(world), accept=False, reason="x")

    told = {
        r.key: r
        for r in Reminder.objects.filter(recipient=held["present"], key__startswith="committees:amendment:")
    }
    assert len(told) == 2
    bodies = " ".join(r.body for r in told.values())
    assert "was accepted" in bodies and "The evaluation panel's record says B." in bodies
    assert "SECRET" not in bodies  # the e-mail names the item's number, not its words


def test_the_next_meeting_approves_the_minutes_once_every_amendment_is_decided_then_they_lock(world, held):
    meeting = held["meeting"]
    services.circulate_minutes(meeting=meeting, user=secretary(world))
    amendment = propose(held["minute"], held["present"])
    following = MeetingFactory(
        committee=meeting.committee,
        status=MeetingStatus.PLANNED,
        starts_at=timezone.now() - datetime.timedelta(hours=3),
    )
    services.add_agenda_item(
        item=AgendaItem(meeting=following, title="Minutes of the last meeting", minutes_of=meeting),
        user=secretary(world),
    )
    with pytest.raises(ValidationError, match="record that meeting as held"):
        services.move_meeting(meeting=meeting, status=MeetingStatus.MINUTES_APPROVED, user=secretary(world))
    following.status = MeetingStatus.HELD
    following.save()
    with pytest.raises(ValidationError, match="1 proposed amendment"):
        services.move_meeting(meeting=meeting, status=MeetingStatus.MINUTES_APPROVED, user=secretary(world))
    services.decide_amendment(amendment=amendment, user=secretary(world), accept=True)
    services.move_meeting(meeting=meeting, status=MeetingStatus.MINUTES_APPROVED, user=secretary(world))
    meeting.refresh_from_db()
    assert meeting.minutes_approved_on == following.date

    with pytest.raises(ValidationError):
        propose(held["minute"], held["present"], text="Too late.")
    with pytest.raises(ValidationError, match="cannot change"):
        services.save_minute(item=held["minute"].agenda_item, text="Rewritten", user=secretary(world))
    public = reverse("public:meeting", args=[meeting.pk])
    assert public  # the public minutes are published from approval (tests/committees/test_public_pages.py)


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("later", "an earlier meeting of this committee"),
        ("other committee", "an earlier meeting of this committee"),
        ("planned", "has no draft minutes to approve"),
    ],
)
def test_an_item_approves_only_an_earlier_meetings_draft_minutes(world, held, which, message):
    meeting = held["meeting"]
    target = {
        "later": MeetingFactory(
            committee=meeting.committee, status=MeetingStatus.HELD, starts_at=timezone.now()
        ),
        "other committee": MeetingFactory(
            committee=CommitteeFactory(partnership=world.ours),
            status=MeetingStatus.HELD,
            starts_at=meeting.starts_at - datetime.timedelta(days=30),
        ),
        "planned": MeetingFactory(
            committee=meeting.committee,
            status=MeetingStatus.PLANNED,
            starts_at=meeting.starts_at - datetime.timedelta(days=30),
        ),
    }[which]
    with pytest.raises(ValidationError) as refused:
        services.add_agenda_item(
            item=AgendaItem(meeting=meeting, title="Minutes", minutes_of=target), user=secretary(world)
        )
    assert "minutes_of" in refused.value.message_dict and message in str(refused.value)


def test_rejecting_an_amendment_without_a_reason_shows_the_minutes_again_with_the_error_beside_it(
    client, world, held
):
    services.circulate_minutes(meeting=held["meeting"], user=secretary(world))
    amendment = propose(held["minute"], held["present"])
    decide = reverse("committees:amendment_decide", kwargs={"partnership": "ours", "pk": amendment.pk})
    client.force_login(secretary(world))
    response = client.post(decide, {"decision": "reject", "reason": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Minutes and decisions" in page and "the CCG Chair abstaining" in page
    reason = "Give the reason for rejecting it: whoever proposed it is told."
    assert f'<a href="#reason-{amendment.pk}">{reason}</a>' in page  # the summary, to the box
    assert f'id="reason-{amendment.pk}-error"' in page  # and beside it
    assert f'id="decision-{amendment.pk}_1" name="decision" type="radio" value="reject" checked' in page
    amendment.refresh_from_db()
    assert amendment.status == "proposed"
    # Once decided, a second decision sent without a reason is not shown on the page: a plain 400.
    client.post(decide, {"decision": "accept"})
    response = client.post(decide, {"decision": "reject"})
    assert response.status_code == 400 and "There is a problem with the request" in response.content.decode()


def test_the_minutes_page_shows_the_amendments_and_offers_each_person_their_part(client, world, held):
    services.circulate_minutes(meeting=held["meeting"], user=secretary(world))
    propose(held["minute"], held["present"])
    url = held["meeting"].minutes_url
    client.force_login(held["present"])
    page = client.get(url).content.decode()
    assert (
        "Propose an amendment" in page
        and "the CCG Chair abstaining" in page
        and "Record the decision" not in page
    )
    client.force_login(secretary(world))
    page = client.get(url).content.decode()
    assert "Record the decision" in page and "Propose an amendment<" not in page
    assert "Circulated to those who attended on" in page
    client.force_login(world.user("council", Role.OFFICER))  # neither attended nor a secretary
    page = client.get(url).content.decode()
    assert "Propose an amendment" not in page and "Record the decision" not in page
    assert (
        client.get(
            reverse("committees:amendment_propose", kwargs={"partnership": "ours", "pk": held["minute"].pk})
        ).status_code
        == 403
    )


def test_the_meetings_history_shows_each_amendment_and_its_decision(client, world, held):
    services.circulate_minutes(meeting=held["meeting"], user=secretary(world))
    amendment = propose(held["minute"], held["present"])
    services.decide_amendment(
        amendment=amendment, user=secretary(world), accept=False, reason="Not what was said."
    )
    client.force_login(world.user("council", Role.OFFICER))
    history = reverse("committees:meeting_history", kwargs={"partnership": "ours", "pk": held["meeting"].pk})
    page = client.get(history).content.decode()
    assert "the CCG Chair abstaining" in page and "Not what was said." in page
