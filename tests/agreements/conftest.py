import pytest

from agreements.choices import AgreementStatus
from tests.agreements.factories import agreement_between


@pytest.fixture
def agreement(world):
    """A draft S256 in ``ours`` between the council and the NHS body."""
    return agreement_between(
        world.ours, world.bodies["council"], world.bodies["nhs"], reference="OURS-S256", title="Our S256"
    )


@pytest.fixture
def awaiting(world):
    """An agreement in ``ours`` awaiting signature by the council and the NHS body."""
    return agreement_between(
        world.ours,
        world.bodies["council"],
        world.bodies["nhs"],
        reference="OURS-SIGN",
        title="To be signed",
        status=AgreementStatus.AWAITING_SIGNATURE,
    )


@pytest.fixture
def council_only(world):
    """A draft agreement in ``ours`` to which only the council is party."""
    return agreement_between(world.ours, world.bodies["council"], reference="OURS-COUNCIL")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The world fixture makes 24 users; the default hasher takes most of a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
