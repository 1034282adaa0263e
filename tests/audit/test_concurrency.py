"""Under concurrent writers the chain still has one order (PostgreSQL only)."""

import re
import threading

import pytest
from django.db import connection, connections, transaction

from partnership import audit
from partnership.models import AuditEntry, Organisation
from tests.conftest import require

WRITERS = 4
EACH = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    require(connection.vendor == "postgresql", "Needs PostgreSQL (row locks) for concurrent writers")
    barrier = threading.Barrier(WRITERS)
    errors = []

    def write(n):
        try:
            barrier.wait()
            for i in range(EACH):
                with transaction.atomic():
                    Organisation.objects.create(name=f"Writer {n} body {i}", kind="other")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == WRITERS * EACH
    result = audit.verify_chain()
    assert result.ok, result.problem


def edit_form_data(agreement, partnership):
    """What the edit page's form holds for ``agreement`` as it is now (built here: the test
    client's captured contexts are shared between threads)."""
    from agreements.forms import AgreementForm
    from agreements.models import Agreement

    form = AgreementForm(instance=Agreement.objects.get(pk=agreement.pk), partnership=partnership)
    data = {name: form[name].value() for name in form.fields}
    return {
        k: ("" if v is None else v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()
    }


@pytest.mark.django_db(transaction=True)
def test_four_officers_editing_four_agreements_at_once_all_commit_and_the_chain_verifies(world):
    """Each edit goes through the agreement's edit page: all commit, none is refused as stale
    or lost, and the chain has one order."""
    from django.test import Client
    from django.urls import reverse

    from agreements.models import Agreement
    from partnership.choices import Role
    from tests.agreements.conftest import between_council_and_nhs

    require(connection.vendor == "postgresql", "Needs PostgreSQL (row locks) for concurrent writers")
    agreements = [
        between_council_and_nhs(world, reference=f"RACE-{n}", title=f"Race {n}") for n in range(WRITERS)
    ]
    officer = world.user("council", Role.OFFICER)
    barrier = threading.Barrier(WRITERS)
    answers, errors = [], []

    def edit(agreement):
        try:
            client = Client()
            client.force_login(officer)
            url = reverse("agreements:edit", kwargs={"partnership": world.ours.slug, "pk": agreement.pk})
            barrier.wait()
            for round_ in range(3):
                data = {
                    **edit_form_data(agreement, world.ours),
                    "title": f"{agreement.reference} edit {round_}",
                }
                data["change_reason"] = "Terms agreed"
                response = client.post(url, data)
                answers.append(response.status_code)
                if response.status_code != 302:
                    errors.append(re.findall(r'<a href="#[^"]+">([^<]+)</a>', response.content.decode()))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(agreement,)) for agreement in agreements]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert answers == [302] * (WRITERS * 3)
    assert sorted(
        Agreement.objects.filter(reference__startswith="RACE-").values_list("title", flat=True)
    ) == [f"RACE-{n} edit 2" for n in range(WRITERS)]
    result = audit.verify_chain()
    assert result.ok, result.problem


@pytest.mark.django_db(transaction=True)
def test_a_writer_does_not_wait_for_another_writers_open_transaction():
    """The chain head is locked only to seal committed entries, not from a write to its
    commit: a second writer commits while the first still holds its transaction open,
    and the chain then holds both in the order they committed."""
    require(connection.vendor == "postgresql", "Needs PostgreSQL (row locks) for concurrent writers")
    slow_wrote, quick_done = threading.Event(), threading.Event()
    errors = []

    def slow_writer():
        try:
            with transaction.atomic():
                Organisation.objects.create(name="Slow writer's body", kind="other")
                slow_wrote.set()
                if not quick_done.wait(timeout=10):
                    errors.append("the quick writer did not finish while the slow one was open")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert slow_wrote.wait(timeout=10)
    with transaction.atomic():
        Organisation.objects.create(name="Quick writer's body", kind="other")
    quick_done.set()
    thread.join()
    assert errors == []
    result = audit.verify_chain()
    assert result.ok, result.problem
    sealed = list(AuditEntry.objects.order_by("sequence").values_list("object_label", flat=True))
    assert sealed == ["Quick writer's body", "Slow writer's body"]
