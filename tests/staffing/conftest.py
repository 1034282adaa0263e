import pytest

from tests.staffing.factories import shared_post


@pytest.fixture
def joint_post(world):
    """A post employed by our council, shared 60/40 with our NHS body."""
    return shared_post(
        world.ours,
        world.bodies["council"],
        {world.bodies["council"]: "60.00", world.bodies["nhs"]: "40.00"},
        title="Joint Director of Commissioning",
        annual_cost="100000.00",
        jointly_managed=True,
    )
