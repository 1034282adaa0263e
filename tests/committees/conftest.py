"""Fixtures for the committees tests: a committee in ``world.ours`` with a meeting."""

from dataclasses import dataclass

import pytest

from committees.choices import ItemPurpose
from partnership.choices import Role
from tests.committees.factories import (
    ActionFactory,
    AgendaItemFactory,
    CommitteeFactory,
    CommitteeMemberFactory,
    DelegationFactory,
    MeetingFactory,
    QuorumRuleFactory,
    ReportFactory,
)


@dataclass
class Board:
    committee: object
    meeting: object
    item: object
    exempt_item: object
    report: object
    exempt_report: object
    members: list
    delegation: object
    action: object
    council_member: object
    nhs_member: object


@pytest.fixture
def board(world):
    """A joint board of ``world.ours`` with two members from each body, a meeting and papers."""
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    committee = CommitteeFactory(
        partnership=world.ours, name="Integrated Health and Care Board", quorum_overall=3
    )
    members = [
        CommitteeMemberFactory(committee=committee, organisation=council, person_name="Cllr A"),
        CommitteeMemberFactory(committee=committee, organisation=council, person_name="Cllr B"),
        CommitteeMemberFactory(committee=committee, organisation=nhs, person_name="Dr C"),
        CommitteeMemberFactory(committee=committee, organisation=nhs, person_name="Dr D"),
    ]
    QuorumRuleFactory(committee=committee, organisation=council, minimum_members=1)
    QuorumRuleFactory(committee=committee, organisation=nhs, minimum_members=1)
    meeting = MeetingFactory(committee=committee)
    report = ReportFactory(partnership=world.ours, organisation=council, meeting=meeting, title="Open report")
    exempt_report = ReportFactory(
        partnership=world.ours,
        organisation=council,
        meeting=meeting,
        title="SECRETZEBRA contract award",
        exempt=True,
        exempt_paragraph=3,
    )
    item = AgendaItemFactory(
        meeting=meeting,
        order=1,
        title="Better Care Fund plan",
        report=report,
        purpose=ItemPurpose.DECISION,
    )
    exempt_item = AgendaItemFactory(
        meeting=meeting,
        order=2,
        title="SECRETZEBRA tender evaluation",
        exempt=True,
        exempt_paragraph=3,
        report=exempt_report,
    )
    delegation = DelegationFactory(partnership=world.ours, from_organisation=council, to_committee=committee)
    action = ActionFactory(
        meeting=meeting, organisation=council, owner_user=world.user("council", Role.OFFICER)
    )
    return Board(
        committee=committee,
        meeting=meeting,
        item=item,
        exempt_item=exempt_item,
        report=report,
        exempt_report=exempt_report,
        members=members,
        delegation=delegation,
        action=action,
        council_member=members[0],
        nhs_member=members[2],
    )
