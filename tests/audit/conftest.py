import pytest
from django.urls import reverse

from partnership.choices import Role


@pytest.fixture
def auditor(world):
    return world.user("council", Role.AUDITOR)


@pytest.fixture
def officer(world):
    return world.user("council", Role.OFFICER)


@pytest.fixture
def log_url(world):
    return reverse("audit:log", kwargs={"partnership": world.ours.slug})
