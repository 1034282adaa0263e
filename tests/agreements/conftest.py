import datetime

import pytest
import time_machine

from agreements.choices import AgreementStatus
from partnership.choices import Role
from tests.agreements.factories import agreement_between
from tests.conftest import LONDON
from tests.factories import MembershipFactory, UserFactory
from tests.staffing.factories import joint_commissioning_manager_post


@pytest.fixture
def agreement(world):
    """A draft S256 in ``ours`` between the council and the NHS body."""
    return agreement_between(
        world.ours, world.bodies["council"], world.bodies["nhs"], reference="OURS-S256", title="Our S256"
    )


def between_council_and_nhs(world, **fields):
    return agreement_between(world.ours, world.bodies["council"], world.bodies["nhs"], **fields)


@pytest.fixture
def awaiting(world):
    """An agreement in ``ours`` awaiting signature by the council and the NHS body."""
    return between_council_and_nhs(
        world, reference="OURS-SIGN", title="To be signed", status=AgreementStatus.AWAITING_SIGNATURE
    )


@pytest.fixture
def in_force(world):
    """In force between the council and the NHS body, with six months' notice."""
    return between_council_and_nhs(
        world,
        reference="OURS-BCF",
        title="Better Care Fund",
        status=AgreementStatus.IN_FORCE,
        notice_period_months=6,
    )


@pytest.fixture
def council_only(world):
    """A draft agreement in ``ours`` to which only the council is party."""
    return agreement_between(world.ours, world.bodies["council"], reference="OURS-COUNCIL")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The world fixture makes 24 users; the default hasher takes most of a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def jcu_manager(world):
    """Walsall 2009: employed by the NHS body, jointly managed with the council, acting for both,
    a signatory of the NHS body, and wrongly given the council's signatory role as well."""
    user = UserFactory(username="jcu", first_name="Jo", last_name="Carter")
    for body, role in [
        ("nhs", Role.OFFICER),
        ("nhs", Role.SIGNATORY),
        ("council", Role.OFFICER),
        ("council", Role.SIGNATORY),
    ]:
        MembershipFactory(user=user, organisation=world.bodies[body], role=role)
    joint_commissioning_manager_post(
        user, world.ours, world.bodies["nhs"], world.bodies["council"], start_date=datetime.date(2020, 4, 1)
    )
    return user


@pytest.fixture
def on_2_december_2026():
    """The clock at 10:00 London time on 2 December 2026, whatever day the suite runs at: the
    notice examples (six months' notice given that day ends an agreement on 2 June 2027) are
    worked for that day."""
    with time_machine.travel(datetime.datetime(2026, 12, 2, 10, tzinfo=LONDON), tick=False):
        yield
