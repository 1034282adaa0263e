"""Shared fixtures.

``world`` builds two partnerships: ``ours`` (a council and an NHS body) and
``theirs`` (two other bodies), with one person per role per body, for
permission matrices: ``world.user(body_key, role)``.
"""

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from partnership.choices import OrganisationKind, Role
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parent.parent
IN_CI = bool(os.environ.get("CI"))


def require(available, why):
    """Fail (in CI) or skip (elsewhere) a test whose real service is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{why} (CI is set, so this fails rather than skips)")
    pytest.skip(why)


@dataclass
class World:
    ours: object
    theirs: object
    bodies: dict
    users: dict = field(default_factory=dict)

    def user(self, body, role):
        return self.users[(body, role)]


@pytest.fixture
def world(db):
    ours = PartnershipFactory(name="Our partnership", slug="ours")
    theirs = PartnershipFactory(name="Their partnership", slug="theirs")
    bodies = {
        "council": OrganisationFactory(name="Our Council", short_name="Council"),
        "nhs": OrganisationFactory(name="Our ICB", short_name="ICB", kind=OrganisationKind.ICB),
        "other": OrganisationFactory(name="Their Council", short_name="Other"),
        "other_nhs": OrganisationFactory(name="Their ICB", short_name="Other ICB", kind=OrganisationKind.ICB),
    }
    PartnerFactory(partnership=ours, organisation=bodies["council"])
    PartnerFactory(partnership=ours, organisation=bodies["nhs"])
    PartnerFactory(partnership=theirs, organisation=bodies["other"])
    PartnerFactory(partnership=theirs, organisation=bodies["other_nhs"])
    world = World(ours=ours, theirs=theirs, bodies=bodies)
    for key, body in bodies.items():
        for role in Role.values:
            user = UserFactory(username=f"{key}-{role}")
            MembershipFactory(user=user, organisation=body, role=role)
            world.users[(key, role)] = user
    return world


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


# --- Browser tests: Debian's Chromium driven by Playwright -------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(Path(CHROMIUM).exists(), "Chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def axe():
    """Run axe-core (from npm) on a Playwright page; returns the violations."""
    script = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    require(script.exists(), "axe-core is not installed (npm install)")

    def run(page):
        page.add_script_tag(path=str(script))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']})"
        )
        return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]

    return run


@pytest.fixture
def login(live_server, page):
    """Sign in through the real login page as ``username``."""

    def sign_in(username, password="password"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        return page

    return sign_in


def pytest_configure(config):
    from django.conf import settings

    # Fast hashing: the fixtures create dozens of users per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False


@pytest.fixture
def celery_worker_on_redis(transactional_db):
    """A real Celery worker (in a thread of this process) consuming from the real Redis.

    Yields the name of a queue of its own: send with ``task.apply_async(queue=...)``,
    so parallel test runs never take each other's tasks.
    """
    import uuid

    from celery.contrib.testing.worker import start_worker

    from partnership.celery import app

    require(os.environ.get("REDIS_URL"), "REDIS_URL is not set: Celery integration tests need Redis")
    assert not app.conf.task_always_eager, "with REDIS_URL set, tasks must go through the broker"
    assert app.conf.broker_url.startswith("redis://")
    queue = f"concordat-test-{uuid.uuid4().hex}"
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=60):
        yield queue
