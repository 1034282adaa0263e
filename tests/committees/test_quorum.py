"""Quorum from attendance, overall and per body; equal nomination."""

import datetime

import pytest

from committees.choices import AttendanceStatus
from committees.models import Attendance
from committees.services import nomination_check, quorum_status
from tests.committees.factories import CommitteeMemberFactory


def attend(meeting, member, status=AttendanceStatus.PRESENT, substitute=""):
    return Attendance.objects.create(
        meeting=meeting, member=member, status=status, substitute_name=substitute
    )


@pytest.mark.django_db
def test_no_attendance_is_not_quorate(board):
    status = quorum_status(board.meeting)
    assert status.required == 3
    assert status.present == 0
    assert not status.met
    assert not status.recorded
    attend(board.meeting, board.members[0], status=AttendanceStatus.APOLOGIES)
    assert quorum_status(board.meeting).recorded


@pytest.mark.django_db
def test_a_meeting_with_no_attendance_recorded_is_not_said_to_be_inquorate(client, world, board):
    """Nobody's attendance entered yet is not a meeting that failed its quorum: the pages say
    it is not recorded, and a decision's reasons say it cannot be shown quorate."""
    from committees.validity import binding_answer
    from partnership.choices import Role

    client.force_login(world.user("nhs", Role.OFFICER))
    summary = client.get(board.meeting.get_absolute_url()).content.decode()
    attendance = client.get(board.meeting.attendance_url).content.decode()
    assert "No attendance recorded yet, 3 needed" in summary and "Not quorate" not in summary
    assert "No attendance is recorded yet, so the meeting cannot be shown to be quorate" in attendance
    assert "Not quorate" not in attendance
    answer = binding_answer(
        committee=board.meeting.committee,
        organisation=world.bodies["council"],
        meeting=board.meeting,
        matter=None,
    )
    reasons = [reason.text for reason in answer.reasons]
    assert (
        "No attendance is recorded for the meeting, so it cannot be shown to be quorate "
        "(3 voting members needed)." in reasons
    )
    assert not any("not quorate" in reason for reason in reasons)


@pytest.mark.django_db
def test_quorate_when_overall_and_every_body_met(board):
    council_a, council_b, nhs_c, _ = board.members
    attend(board.meeting, council_a)
    attend(board.meeting, council_b)
    attend(board.meeting, nhs_c)
    status = quorum_status(board.meeting)
    assert status.present == 3
    assert status.overall_met
    assert sorted((b.organisation.short_name, b.present, b.met) for b in status.bodies) == [
        ("Council", 2, True),
        ("ICB", 1, True),
    ]
    assert status.met


@pytest.mark.django_db
def test_enough_people_but_one_body_missing_is_not_quorate(board, world):
    council_a, council_b, _, _ = board.members
    extra = CommitteeMemberFactory(committee=board.committee, organisation=world.bodies["council"])
    for member in (council_a, council_b, extra):
        attend(board.meeting, member)
    status = quorum_status(board.meeting)
    assert status.overall_met
    nhs = next(b for b in status.bodies if b.organisation == world.bodies["nhs"])
    assert nhs.present == 0 and not nhs.met
    assert not status.met


@pytest.mark.django_db
def test_apologies_absent_and_non_voting_do_not_count_substitutes_do(board, world):
    council_a, council_b, nhs_c, nhs_d = board.members
    adviser = CommitteeMemberFactory(
        committee=board.committee, organisation=world.bodies["nhs"], voting=False
    )
    attend(board.meeting, council_a, AttendanceStatus.APOLOGIES)
    attend(board.meeting, council_b, AttendanceStatus.SUBSTITUTE, "Cllr Sub")
    attend(board.meeting, nhs_c, AttendanceStatus.ABSENT)
    attend(board.meeting, nhs_d)
    attend(board.meeting, adviser)
    status = quorum_status(board.meeting)
    assert status.present == 2
    assert not status.overall_met


@pytest.mark.django_db
def test_equal_nomination_holds_with_two_each(board):
    board.committee.equal_nomination_required = True
    check = nomination_check(board.committee)
    assert [count for _, count in check.counts] == [2, 2]
    assert check.equal and check.ok


@pytest.mark.django_db
def test_unequal_nomination_is_flagged_only_when_required(board, world):
    CommitteeMemberFactory(committee=board.committee, organisation=world.bodies["council"])
    check = nomination_check(board.committee)
    assert not check.equal
    assert check.ok  # not required by this committee
    board.committee.equal_nomination_required = True
    check = nomination_check(board.committee)
    assert not check.ok


@pytest.mark.django_db
def test_nomination_ignores_non_voting_and_former_members(board, world):
    board.committee.equal_nomination_required = True
    CommitteeMemberFactory(committee=board.committee, organisation=world.bodies["council"], voting=False)
    CommitteeMemberFactory(
        committee=board.committee,
        organisation=world.bodies["council"],
        to_date=datetime.date(2019, 3, 31),
    )
    assert nomination_check(board.committee).ok


@pytest.mark.django_db
def test_body_with_quorum_rule_but_no_members_counts_as_zero(board, world):
    board.committee.equal_nomination_required = True
    for member in board.members:
        if member.organisation == world.bodies["nhs"]:
            member.delete()
    check = nomination_check(board.committee)
    assert sorted(count for _, count in check.counts) == [0, 2]
    assert not check.ok


@pytest.mark.django_db
def test_meeting_page_shows_quorum_live(client, world, board):
    from partnership.choices import Role

    for member in board.members[:3]:
        attend(board.meeting, member)
    client.force_login(world.user("nhs", Role.OFFICER))
    response = client.get(board.meeting.get_absolute_url())
    assert b"Quorate" in response.content
    assert "Quorate: 3 present, 3 needed" in response.content.decode()


@pytest.mark.django_db
def test_meeting_page_words_quorum_as_present_and_needed(client, world, board):
    from partnership.choices import Role

    attend(board.meeting, board.members[0])
    client.force_login(world.user("nhs", Role.OFFICER))
    page = client.get(board.meeting.attendance_url).content.decode()
    assert "Not quorate: 1 present, 3 needed" in page
    assert "Warning" in page  # said in words, not by colour alone
    assert "1 of 3 needed" not in page


@pytest.mark.django_db
def test_a_committee_with_no_quorum_recorded_says_so(client, world, board):
    from partnership.choices import Role

    board.committee.quorum_rules.all().delete()
    board.committee.quorum_overall = 0
    board.committee.save()
    attend(board.meeting, board.members[0])
    client.force_login(world.user("nhs", Role.OFFICER))
    page = client.get(board.meeting.attendance_url).content.decode()
    assert "No quorum is recorded for this committee: 1 voting member present." in page
    assert "0 needed" not in page


@pytest.mark.django_db
def test_a_predecessor_s_nominees_count_towards_the_rule_that_passed_to_its_successor(board, world):
    """A meeting before a reorganisation, whose body's quorum rule has since passed to its
    successor: the predecessor's nominees who sat then still make it quorate."""
    from tests.factories import OrganisationFactory

    nhs = world.bodies["nhs"]
    old_ccg = OrganisationFactory(name="Old CCG", kind="ccg", active_to=board.meeting.date, successor=nhs)
    nominee = CommitteeMemberFactory(committee=board.committee, organisation=old_ccg, person_name="Dr E")
    for member in (board.members[0], board.members[1], nominee):
        attend(board.meeting, member)
    status = quorum_status(board.meeting)
    assert status.for_body(nhs).present == 1
    assert status.met
    # Someone else's nominee does not count for the ICB.
    other = CommitteeMemberFactory(
        committee=board.committee, organisation=world.bodies["other_nhs"], person_name="Dr F"
    )
    attend(board.meeting, other)
    assert quorum_status(board.meeting).for_body(nhs).present == 1


@pytest.mark.django_db
def test_a_predecessor_s_nominees_count_for_the_successor_in_the_nomination_check(board, world):
    from tests.factories import OrganisationFactory

    nhs = world.bodies["nhs"]
    board.committee.equal_nomination_required = True
    old_ccg = OrganisationFactory(name="Old CCG", kind="ccg", active_to=board.meeting.date, successor=nhs)
    board.members[3].organisation = old_ccg
    board.members[3].save()
    check = nomination_check(board.committee)
    assert {body.name: count for body, count in check.counts} == {"Our Council": 2, "Our ICB": 2}
    assert check.ok
