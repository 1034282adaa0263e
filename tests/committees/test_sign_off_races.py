"""Two people at once on one register entry, one proposed amendment to draft minutes, or one
report under review, on two real PostgreSQL connections."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from committees import clearance, services
from committees.choices import AmendmentStatus, ClearanceKind, ClearanceOutcome, InterestReview, MeetingStatus
from committees.models import Minute, MinuteAmendment, RegisteredInterest, Report
from partnership.choices import Role
from tests.committees.factories import (
    AgendaItemFactory,
    ClearanceReviewerFactory,
    CommitteeFactory,
    CommitteeMemberFactory,
    MeetingFactory,
    MinuteAmendmentFactory,
    MinuteFactory,
    RegisteredInterestFactory,
    ReportFactory,
)
from tests.races import race, two_bodies

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pair():
    return two_bodies()


def awaiting_entry(pair, user=None):
    committee = CommitteeFactory(partnership=pair.partnership)
    seat = CommitteeMemberFactory(committee=committee, organisation=pair.bodies["council"], user=user)
    return RegisteredInterestFactory(member=seat, review_status=InterestReview.AWAITING)


def test_two_reviewers_at_once_one_review_is_recorded_and_the_other_is_told(pair):
    interest = awaiting_entry(pair)
    first = RegisteredInterest.objects.get(pk=interest.pk)
    second = RegisteredInterest.objects.get(pk=interest.pk)
    secretary = pair.user("council", Role.COMMITTEE_SECRETARY)
    administrator = pair.user("council", Role.ADMINISTRATOR)
    administrator.is_superuser = True
    administrator.save()

    accepted, returned = race(
        lambda: services.review_interest(interest=first, user=secretary, accept=True),
        lambda: services.review_interest(
            interest=second, user=administrator, accept=False, comment="Add the date"
        ),
    )

    assert not accepted.refused
    assert isinstance(returned.error, ValidationError) and "already reviewed" in returned.message
    stored = RegisteredInterest.objects.get(pk=interest.pk)
    assert stored.review_status == InterestReview.ACCEPTED and stored.review_comment == ""
    assert stored.history.filter(review_status=InterestReview.RETURNED).count() == 0


def test_a_review_of_what_the_member_has_just_changed_is_refused_not_applied_to_the_change(pair):
    """The reviewer opened the entry, the member changed it, then both sent at once: the review
    names the version it read, so it does not accept text the reviewer never saw."""
    member = pair.user("council", Role.OFFICER)
    interest = awaiting_entry(pair, user=member)
    opened = interest.updated_at.isoformat()
    editing = RegisteredInterest.objects.get(pk=interest.pk)
    editing.description = "Director, Bath Home Care Ltd (new)"
    reviewing = RegisteredInterest.objects.get(pk=interest.pk)

    changed, reviewed = race(
        lambda: services.save_interest(interest=editing, user=member),
        lambda: services.review_interest(
            interest=reviewing,
            user=pair.user("council", Role.COMMITTEE_SECRETARY),
            accept=True,
            loaded_version=opened,
        ),
    )

    assert not changed.refused
    assert isinstance(reviewed.error, ValidationError) and "changed after you opened it" in reviewed.message
    stored = RegisteredInterest.objects.get(pk=interest.pk)
    assert stored.review_status == InterestReview.AWAITING and stored.description.endswith("(new)")


def test_two_secretaries_deciding_one_amendment_at_once_one_decision_stands(pair):
    """The council's secretary accepts and the ICB's rejects at the same moment: one decision is
    recorded, the other is told, and the minute reads as the recorded decision says."""
    committee = CommitteeFactory(partnership=pair.partnership)
    meeting = MeetingFactory(
        committee=committee,
        status=MeetingStatus.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        minutes_circulated_on=timezone.localdate(),
    )
    minute = MinuteFactory(agenda_item=AgendaItemFactory(meeting=meeting), text="As drafted.")
    amendment = MinuteAmendmentFactory(minute=minute, text="As amended.")
    first = MinuteAmendment.objects.get(pk=amendment.pk)
    second = MinuteAmendment.objects.get(pk=amendment.pk)

    accepted, rejected = race(
        lambda: services.decide_amendment(
            amendment=first, user=pair.user("council", Role.COMMITTEE_SECRETARY), accept=True
        ),
        lambda: services.decide_amendment(
            amendment=second, user=pair.user("nhs", Role.COMMITTEE_SECRETARY), accept=False, reason="Not so"
        ),
    )

    assert not accepted.refused
    assert isinstance(rejected.error, ValidationError) and "already accepted" in rejected.message
    assert MinuteAmendment.objects.get(pk=amendment.pk).status == AmendmentStatus.ACCEPTED
    assert Minute.objects.get(pk=minute.pk).text == "As amended."


def test_a_review_and_an_edit_at_once_never_clear_text_the_reviewer_did_not_read(pair):
    """The finance reviewer clears the report as they read it while its author changes it: the
    edit stands and the review is refused, so the report still needs clearing."""
    council = pair.bodies["council"]
    reviewer = pair.user("council", Role.FINANCE_OFFICER)
    ClearanceReviewerFactory(
        partnership=pair.partnership, organisation=council, kind=ClearanceKind.FINANCE, user=reviewer
    )
    report = ReportFactory(
        partnership=pair.partnership, organisation=council, body="As the reviewer read it."
    )
    read = clearance.fingerprint(report)
    editing = Report.objects.get(pk=report.pk)
    editing.body = "Changed by the author."
    reviewing = Report.objects.get(pk=report.pk)

    edited, reviewed = race(
        lambda: services.save_report(report=editing, user=pair.user("council", Role.OFFICER)),
        lambda: services.record_clearance(
            report=reviewing,
            kind=ClearanceKind.FINANCE,
            organisation=council,
            outcome=ClearanceOutcome.CLEARED,
            user=reviewer,
            seen=read,
        ),
    )

    assert not edited.refused
    assert isinstance(reviewed.error, ValidationError) and "changed after you opened it" in reviewed.message
    assert [r.kind for r in clearance.outstanding(Report.objects.get(pk=report.pk))] == [
        ClearanceKind.FINANCE
    ]
