"""Ending an agreement: notice given under its terms, the day the ending takes effect (applied
by the daily task on that day), withdrawal before then, who may, and who is told."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements import services, tasks
from agreements.choices import AgreementStatus
from agreements.models import Agreement
from partnership.choices import Role
from tests.conftest import LONDON

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_2_december_2026")]

D = datetime.date


def today():
    return timezone.localdate()  # 2 December 2026 on the test clock


def officer(world, body="council"):
    return world.user(body, Role.OFFICER)


def give_notice(world, agreement, ends_on=None, notice_given_on=None, **extra):
    return services.end_agreement(
        agreement=agreement,
        status=AgreementStatus.TERMINATED,
        user=extra.pop("user", None) or officer(world),
        reason="The pooled fund moves to the ICB's own budget",
        ends_on=ends_on or D(2027, 6, 2),
        notice_given_on=notice_given_on or today(),
        **extra,
    )


def on(day):
    """The clock moved to 10:00 London time on ``day``."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), LONDON), tick=False)


def test_notice_is_recorded_and_the_agreement_stays_in_force_until_its_date(world, in_force):
    agreement = give_notice(world, in_force)

    agreement = Agreement.objects.get(pk=in_force.pk)
    assert agreement.status == AgreementStatus.IN_FORCE
    assert agreement.pending_ending
    assert agreement.ending_summary() == (
        f"Terminating on 2 June 2027 (notice given 2 December 2026 by {officer(world).get_full_name()}: "
        "The pooled fund moves to the ICB's own budget)"
    )
    latest = agreement.history.first()
    assert latest.history_user == officer(world)
    assert latest.history_organisation == world.bodies["council"]
    assert "Terminating on 2 June 2027" in latest.history_change_reason


def test_an_ending_before_the_notice_period_is_up_is_refused_beside_its_date(world, in_force):
    with pytest.raises(ValidationError) as refused:
        give_notice(world, in_force, ends_on=D(2027, 6, 1))

    message = " ".join(refused.value.message_dict["ends_on"])
    assert "must be on or after 2 June 2027" in message
    assert "notice period is 6 months, counted from the date notice was given (2 December 2026)" in message
    assert not Agreement.objects.get(pk=in_force.pk).ending_status


def test_notice_cannot_be_dated_in_the_future(world, in_force):
    with pytest.raises(ValidationError) as refused:
        give_notice(world, in_force, notice_given_on=D(2026, 12, 3))
    assert "cannot be in the future" in " ".join(refused.value.message_dict["notice_given_on"])


def test_under_a_notice_period_the_ending_is_never_today_or_past(world, in_force):
    """Notice given long ago, recorded only now: the ending is still a future date."""
    with pytest.raises(ValidationError) as refused:
        give_notice(world, in_force, notice_given_on=D(2026, 1, 5), ends_on=D(2026, 7, 5))
    assert "must be after today" in " ".join(refused.value.message_dict["ends_on"])


def test_without_a_notice_period_an_ending_today_takes_effect_at_once(world, in_force):
    Agreement.objects.filter(pk=in_force.pk).update(notice_period_months=None)
    agreement = give_notice(world, in_force, ends_on=today())
    assert agreement.status == AgreementStatus.TERMINATED
    assert not agreement.pending_ending
    assert agreement.ending_summary().startswith("Terminated on 2 December 2026")


def test_a_click_on_terminate_cannot_go_round_the_notice_period(world, in_force):
    with pytest.raises(ValidationError, match="notice period is 6 months"):
        services.change_status(agreement=in_force, status="terminated", user=officer(world))
    assert Agreement.objects.get(pk=in_force.pk).status == AgreementStatus.IN_FORCE


def test_the_daily_task_applies_the_ending_on_its_date_and_records_the_system_did(world, in_force):
    give_notice(world, in_force)
    assert tasks.apply_due_endings.apply().get() == 0  # not yet

    with on(D(2027, 6, 1)):
        assert tasks.apply_due_endings.apply().get() == 0
    with on(D(2027, 6, 2)):
        assert tasks.apply_due_endings.apply().get() == 1
        assert tasks.apply_due_endings.apply().get() == 0  # run twice: applied once

    agreement = Agreement.objects.get(pk=in_force.pk)
    assert agreement.status == AgreementStatus.TERMINATED
    assert agreement.ending_reason == "The pooled fund moves to the ICB's own budget"
    latest = agreement.history.first()
    assert latest.history_user is None
    assert latest.history_change_reason.startswith(
        "Applied by Concordat on its date: Terminated on 2 June 2027"
    )


def test_a_withdrawn_ending_never_takes_effect(world, in_force):
    give_notice(world, in_force)
    services.withdraw_ending(agreement=in_force, user=officer(world, "nhs"), reason="Agreed to continue")

    agreement = Agreement.objects.get(pk=in_force.pk)
    assert not agreement.ending_status and agreement.ends_on is None
    assert "Ending withdrawn (Terminating on 2 June 2027" in agreement.history.first().history_change_reason
    with on(D(2027, 6, 2)):
        assert services.apply_due_endings() == 0
    assert Agreement.objects.get(pk=in_force.pk).status == AgreementStatus.IN_FORCE
    with pytest.raises(ValidationError, match="nothing to withdraw"):
        services.withdraw_ending(agreement=in_force, user=officer(world), reason="Again")


def test_a_second_notice_is_refused_while_one_is_recorded(world, in_force):
    give_notice(world, in_force)
    with pytest.raises(ValidationError, match="An ending is already recorded: Terminating on 2 June 2027"):
        give_notice(world, in_force, user=officer(world, "nhs"), ends_on=D(2027, 9, 1))


@pytest.mark.parametrize(
    ("body", "role", "may"),
    [
        ("council", Role.OFFICER, True),
        ("nhs", Role.OFFICER, True),
        ("council", Role.SIGNATORY, False),
        ("council", Role.AUDITOR, False),
        ("other", Role.OFFICER, False),
    ],
)
def test_only_officers_of_a_party_body_end_or_withdraw(world, in_force, body, role, may):
    user = world.user(body, role)
    if may:
        give_notice(world, in_force, user=user)
        services.withdraw_ending(agreement=in_force, user=user, reason="Continues")
        return
    with pytest.raises(PermissionDenied):
        give_notice(world, in_force, user=user)
    give_notice(world, in_force)
    with pytest.raises(PermissionDenied):
        services.withdraw_ending(agreement=in_force, user=user, reason="Continues")


def test_each_partys_officers_and_signatories_are_told_by_the_outbox(
    world, in_force, django_capture_on_commit_callbacks
):
    expected = sorted(
        f"{body}-{role}@example.org" for body in ("council", "nhs") for role in ("officer", "signatory")
    )
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        give_notice(world, in_force)
    assert sorted(message.to[0] for message in mail.outbox) == expected
    assert {message.subject for message in mail.outbox} == {"Notice given: OURS-BCF ends on 2 June 2027"}
    assert "Terminating on 2 June 2027 (notice given 2 December 2026" in mail.outbox[0].body

    mail.outbox = []
    with on(D(2027, 6, 2)), django_capture_on_commit_callbacks(execute=True):
        services.apply_due_endings()
    assert sorted(message.to[0] for message in mail.outbox) == expected
    assert {message.subject for message in mail.outbox} == {"OURS-BCF is now terminated"}
