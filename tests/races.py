"""Two people acting at once, on two real PostgreSQL connections.

:func:`race` runs ``first`` in a transaction that it keeps open, so the row
locks ``first`` took are held; runs ``second`` on another connection (with the
objects both people loaded before either acted), waits until ``second`` is
blocked on one of those locks, and only then lets ``first`` commit. A service
that validates before it locks lets ``second`` through on what it read
earlier; one that validates after the lock sees what ``first`` did.
"""

import threading
import time
from dataclasses import dataclass

from django.db import connection, connections, transaction

from tests.conftest import require


@dataclass
class Answer:
    """What one person was told: the service's result, or the error it raised."""

    result: object = None
    error: Exception | None = None

    @property
    def refused(self):
        return self.error is not None

    @property
    def message(self):
        if self.error is None:
            return ""
        return " ".join(getattr(self.error, "messages", None) or [str(self.error)])


def _blocked_on_a_lock(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def race(first, second, *, wait=10.0):
    """Run ``first`` and ``second`` as two people at once; returns their two Answers."""
    require(connection.vendor == "postgresql", "Races need PostgreSQL: two connections and row locks")
    answers = [Answer(), Answer()]
    first_has_acted = threading.Event()
    second_started = threading.Event()
    second_pid = []

    def act(index, action):
        try:
            answers[index].result = action()
        except Exception as error:  # noqa: BLE001 - the answer a person would get
            answers[index].error = error

    def run_first():
        try:
            with transaction.atomic():
                act(0, first)
                first_has_acted.set()
                second_started.wait(wait)
                deadline = time.monotonic() + wait
                while second_pid and not _blocked_on_a_lock(second_pid[0]) and time.monotonic() < deadline:
                    if not second_thread.is_alive():
                        break
                    time.sleep(0.02)
        finally:
            first_has_acted.set()
            connections.close_all()

    def run_second():
        try:
            first_has_acted.wait(wait)
            connections["default"].ensure_connection()
            second_pid.append(connections["default"].connection.get_backend_pid())
            second_started.set()
            with transaction.atomic():
                act(1, second)
        finally:
            second_started.set()
            connections.close_all()

    first_thread = threading.Thread(target=run_first)
    second_thread = threading.Thread(target=run_second)
    first_thread.start()
    second_thread.start()
    first_thread.join(wait * 3)
    second_thread.join(wait * 3)
    return answers


@dataclass
class Pair:
    """A partnership of a council and an NHS body, with one person per role in each."""

    partnership: object
    bodies: dict
    users: dict

    def user(self, body, role):
        return self.users[(body, role)]


def two_bodies():
    """Committed data for a race (both connections must see it): build inside a
    ``transactional_db`` test."""
    from partnership.choices import OrganisationKind, Role
    from tests.factories import (
        MembershipFactory,
        OrganisationFactory,
        PartnerFactory,
        PartnershipFactory,
        UserFactory,
    )

    partnership = PartnershipFactory(name="Racing partnership", slug="racing")
    bodies = {
        "council": OrganisationFactory(name="Racing Council"),
        "nhs": OrganisationFactory(name="Racing ICB", kind=OrganisationKind.ICB),
    }
    users = {}
    for key, body in bodies.items():
        PartnerFactory(partnership=partnership, organisation=body)
        for role in Role.values:
            user = UserFactory(username=f"racing-{key}-{role}")
            MembershipFactory(user=user, organisation=body, role=role)
            users[(key, role)] = user
    return Pair(partnership=partnership, bodies=bodies, users=users)
