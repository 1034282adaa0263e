"""Shared fixtures.

``world`` builds two partnerships: ``ours`` (a council and an NHS body) and
``theirs`` (two other bodies), with one person per role per body, for
permission matrices: ``world.user(body_key, role)``.
"""

import datetime
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from partnership.choices import OrganisationKind, Role
from partnership.models import Organisation, Partnership
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


# --- The clock ------------------------------------------------------------------

TEST_DATE = os.environ.get("CONCORDAT_TEST_DATE") or "2026-12-02"
LONDON = ZoneInfo("Europe/London")


def clock_start():
    """10:00 London time on CONCORDAT_TEST_DATE (ISO date; default 2 December 2026)."""
    try:
        day = datetime.date.fromisoformat(TEST_DATE)
    except ValueError:
        raise pytest.UsageError(f"CONCORDAT_TEST_DATE={TEST_DATE!r} is not a date (YYYY-MM-DD)") from None
    return datetime.datetime.combine(day, datetime.time(10), LONDON)


@pytest.fixture(scope="session", autouse=True)
def fixed_clock():
    """Every test runs on the same day whatever the wall clock says.

    The clock ticks, so time still moves within a test. time-machine patches the
    whole process, so the live server's thread and an in-process Celery worker
    share it; Chromium keeps the real clock.
    """
    with time_machine.travel(clock_start(), tick=True):
        yield timezone.now()


# --- The world: two partnerships, one person per role per body -------------------

BODIES = {
    "council": {"name": "Our Council", "short_name": "Council"},
    "nhs": {"name": "Our ICB", "short_name": "ICB", "kind": OrganisationKind.ICB},
    "other": {"name": "Their Council", "short_name": "Other"},
    "other_nhs": {"name": "Their ICB", "short_name": "Other ICB", "kind": OrganisationKind.ICB},
}
PARTNERSHIPS = {
    "ours": ("Our partnership", ("council", "nhs")),
    "theirs": ("Their partnership", ("other", "other_nhs")),
}


@dataclass
class World:
    ours: object
    theirs: object
    bodies: dict
    users: dict = field(default_factory=dict)

    def user(self, body, role):
        return self.users[(body, role)]


def build_world():
    for slug, (name, keys) in PARTNERSHIPS.items():
        partnership = PartnershipFactory(name=name, slug=slug)
        for key in keys:
            body = OrganisationFactory(**BODIES[key])
            PartnerFactory(partnership=partnership, organisation=body)
            for role in Role.values:
                MembershipFactory(user=UserFactory(username=f"{key}-{role}"), organisation=body, role=role)


def load_world():
    """The world as it is in the database, in fresh objects (None if any of it is missing).

    Fresh objects each test: nothing cached on a user (memberships, permissions)
    or on a partnership carries over from one test to the next.
    """
    partnerships = Partnership.objects.in_bulk(PARTNERSHIPS, field_name="slug")
    by_name = Organisation.objects.in_bulk([body["name"] for body in BODIES.values()], field_name="name")
    usernames = {f"{key}-{role}": (key, role) for key in BODIES for role in Role.values}
    users = get_user_model().objects.in_bulk(usernames, field_name="username")
    if len(partnerships) < len(PARTNERSHIPS) or len(by_name) < len(BODIES) or len(users) < len(usernames):
        return None
    return World(
        ours=partnerships["ours"],
        theirs=partnerships["theirs"],
        bodies={key: by_name[body["name"]] for key, body in BODIES.items()},
        users={usernames[username]: user for username, user in users.items()},
    )


class WorldRows:
    """Commits the world to this worker's test database, outside any test's transaction.

    Each test then runs in its own transaction (rolled back), so the rows stay
    for the next test that asks for the world. A test that does not ask for it
    never sees it: the database is flushed before such a test, as a
    transactional test (``transactional_db``, ``live_server``) flushes it when
    it ends, and the world is committed again when next needed.
    """

    blocker = None
    present = False

    @classmethod
    def ensure(cls):
        with cls.blocker.unblock():
            if load_world() is None:
                build_world()
        cls.present = True

    @classmethod
    def remove(cls):
        if cls.present:
            with cls.blocker.unblock():
                call_command("flush", interactive=False, verbosity=0)
        cls.present = False


def _transactional(transaction=False, reset_sequences=False, **options):
    return transaction or reset_sequences


def database_use(item):
    """None, "transaction" (the test's changes roll back) or "flush" (the database is flushed after)."""
    names = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    if names & {"transactional_db", "live_server", "django_db_reset_sequences"} or (
        marker and _transactional(*marker.args, **marker.kwargs)
    ):
        return "flush"
    if marker or "db" in names:
        return "transaction"
    return None


@pytest.fixture(scope="session")
def world_rows(fixed_clock, django_db_setup, django_db_blocker):
    WorldRows.blocker = django_db_blocker
    WorldRows.ensure()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the test's fixtures (and its transaction): the world there if it asks for it, else gone."""
    if WorldRows.blocker is None:
        return  # no test of this worker has asked for the world yet
    use = database_use(item)
    if "world" in getattr(item, "fixturenames", ()):
        WorldRows.ensure()
    elif use:
        WorldRows.remove()
    if use == "flush":
        WorldRows.present = False


@pytest.fixture
def world(world_rows, db):
    world = load_world()
    if world is None:  # flushed and not put back (the fixture was asked for by name at run time)
        build_world()
        world = load_world()
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
        # Evaluated through the DevTools protocol: the page's CSP forbids an inline script tag.
        page.evaluate(script.read_text())
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
