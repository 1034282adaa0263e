"""Shared fixtures.

``world`` builds two partnerships: ``ours`` (a council and an NHS body) and
``theirs`` (two other bodies), with one person per role per body, for
permission matrices: ``world.user(body_key, role)``.
"""

import datetime
import functools
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections, transaction
from django.test import TransactionTestCase, override_settings
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


class SharedRows:
    """Commits the world or the demo to this worker's test database, outside any test's transaction.

    Each test then runs in its own transaction (rolled back), so the rows stay
    for the next test that asks for the same. A test that asks for neither never
    sees them: the database is emptied before such a test, as a transactional
    test (``transactional_db``, ``live_server``) empties it when it ends, and
    the rows are committed again when next needed. The demo is loaded by
    ``load_demo`` once per worker and kept as a snapshot; later it is restored
    from the snapshot (0.2 s rather than 7 s).
    """

    blocker = None
    present = None  # "world", "demo", or None: empty (or not yet known)
    demo_media = None
    demo_snapshot = None

    @classmethod
    def ensure(cls, kind):
        if cls.present == kind:
            return
        with cls.blocker.unblock():
            if kind == "world":
                if cls.present is not None or load_world() is None:
                    empty_database()
                    build_world()
            elif cls.demo_snapshot is None:
                empty_database()
                with override_settings(MEDIA_ROOT=cls.demo_media):
                    call_command("load_demo", force=True, verbosity=0)
                cls.demo_snapshot = take_snapshot("demo")
            else:
                restore_snapshot(cls.demo_snapshot)
        cls.present = kind

    @classmethod
    def remove(cls):
        if cls.present is not None:
            with cls.blocker.unblock():
                empty_database()
        cls.present = None


# Content types and permissions are rows Django makes once per database, not test data.
KEPT_TABLES = {"django_content_type", "auth_permission"}


def empty_database(using="default"):
    """Delete every test row, in place of ``manage.py flush``.

    On PostgreSQL, flush's TRUNCATE of 120 tables and its post_migrate signal
    take about 0.7 s; deleting the few rows a test leaves takes 0.02 s. Content
    types and permissions stay, so their ids (and Django's cache of them) stay right.
    """
    _for_each_table(using, "DELETE FROM {table}")


def take_snapshot(name, using="default"):
    """Copy every test row into tables named ``<name>__<table>`` beside them (not models'
    tables, so emptying the database leaves them)."""
    _for_each_table(
        using, "DROP TABLE IF EXISTS {copy}", "CREATE TABLE {copy} AS SELECT * FROM {table}", name=name
    )
    return name


def restore_snapshot(name, using="default"):
    """Empty the database and put back the rows of ``take_snapshot``. Sequences only rise,
    so rows made after the snapshot never collide with its ids."""
    _for_each_table(using, "DELETE FROM {table}", "INSERT INTO {table} SELECT * FROM {copy}", name=name)


def _for_each_table(using, *statements, name=""):
    """Run each statement for every test table in turn (``{table}``, and ``{copy}`` its copy
    in snapshot ``name``), in one transaction whose foreign keys are checked at its end."""
    connection = connections[using]
    quote = connection.ops.quote_name
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    tables = sorted(set(tables) - KEPT_TABLES)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for statement in statements:
            for table in tables:
                cursor.execute(statement.format(table=quote(table), copy=quote(f"{name}__{table}")))


def _empty_databases_after_test(test_case):
    for using in test_case._databases_names(include_mirrors=False):
        empty_database(using)


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
def world_rows(fixed_clock, django_db_setup, django_db_blocker, tmp_path_factory):
    SharedRows.blocker = django_db_blocker
    SharedRows.demo_media = tmp_path_factory.mktemp("demo-media")
    SharedRows.ensure("world")


@pytest.fixture(scope="session")
def demo_rows(fixed_clock, django_db_setup, django_db_blocker, tmp_path_factory):
    SharedRows.blocker = django_db_blocker
    SharedRows.demo_media = SharedRows.demo_media or tmp_path_factory.mktemp("demo-media")
    SharedRows.ensure("demo")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the test's fixtures (and its transaction): the world or the demo there if it asks
    for it, else neither."""
    if SharedRows.blocker is None:
        return  # no test of this worker has asked for the world or the demo yet
    use = database_use(item)
    names = getattr(item, "fixturenames", ())
    if "world" in names:
        SharedRows.ensure("world")
    elif "demo" in names:
        SharedRows.ensure("demo")
    elif use:
        SharedRows.remove()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item):
    """A test that commits (a flush test) leaves the database emptied when it ends."""
    if database_use(item) == "flush":
        SharedRows.present = None


@pytest.fixture
def world(world_rows, db):
    world = load_world()
    if world is None:  # emptied and not put back (the fixture was asked for by name at run time)
        build_world()
        world = load_world()
    return world


@pytest.fixture
def demo(demo_rows, db, settings):
    """The demo, as ``manage.py load_demo`` leaves a fresh database (its appendix files too)."""
    settings.MEDIA_ROOT = SharedRows.demo_media
    if SharedRows.present != "demo":  # asked for by name at run time
        call_command("load_demo", force=True, verbosity=0)


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


def _then_wait_for_the_page(click, page_of):
    @functools.wraps(click)
    def click_and_wait(self, *args, **kwargs):
        result = click(self, *args, **kwargs)
        page_of(self).wait_for_load_state("load")
        return result

    return click_and_wait


@pytest.fixture(scope="session", autouse=True)
def clicks_wait_for_the_next_page():
    """A click that follows a link or sends a form returns once the answer has begun to arrive:
    the new page may still be empty, or the old one still shown. Every click here then waits for
    the page to finish loading, as a person would, so what a test reads next is the new page."""
    from playwright.sync_api import Locator, Page

    clicks = Page.click, Locator.click
    Page.click = _then_wait_for_the_page(Page.click, lambda page: page)
    Locator.click = _then_wait_for_the_page(Locator.click, lambda locator: locator.page)
    yield
    Page.click, Locator.click = clicks


@pytest.fixture
def axe():
    """Run axe-core (from npm) on a Playwright page; returns the violations."""
    script = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    require(script.exists(), "axe-core is not installed (npm install)")

    def run(page):
        # Checked once its stylesheet has loaded.
        page.wait_for_load_state("load")
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

    # Transactional tests (live server, races, worker) leave the database empty by deleting rows.
    TransactionTestCase._fixture_teardown = _empty_databases_after_test
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # A test database need not survive a crash: commits need not wait for the disk.
        settings.DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
    # Fast hashing: the fixtures create dozens of users per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False
    # Threads (races, the live server, a worker) must not keep connections that would stop the
    # test database being dropped; the production check runs with the deployed setting.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Papers build through Celery (eager or a real worker) unless a test asks for the thread.
    settings.PAPERS_BUILD_IN_THREAD = False
    # xdist already keeps every core busy: a pack's parts render one after another unless a test
    # asks for worker processes (tests/partnership/test_pdf_workers.py, the pack benchmark).
    settings.PDF_RENDER_PROCESSES = 1


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


def pytest_terminal_summary(terminalreporter):
    """Benchmarks' results (a test's ``record_property("benchmark", text)``) at the end of the
    run: under xdist a worker's own output is not shown."""
    for report in terminalreporter.stats.get("passed", []):
        for name, text in getattr(report, "user_properties", ()):
            if name == "benchmark":
                terminalreporter.write_sep("-", "benchmark")
                terminalreporter.write_line(text)
