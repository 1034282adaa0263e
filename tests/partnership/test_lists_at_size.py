"""The registers take the same queries with 2 records or 100: each row's link, its body and
its partnership come with the page's one query, not one a row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.choices import AgreementKind
from committees.models import Delegation, Report
from finance.models import Budget, Transfer
from partnership.choices import Role
from tests.agreements.conftest import between_council_and_nhs
from tests.committees.factories import CommitteeFactory, DelegationFactory, ReportFactory
from tests.finance.factories import BudgetFactory, TransferFactory


def budgets(world, count):
    agreement = between_council_and_nhs(world, kind=AgreementKind.S75_POOLED_FUND)
    Budget.objects.bulk_create(
        BudgetFactory.build(partnership=world.ours, agreement=agreement, host=world.bodies["council"])
        for _ in range(count)
    )


def transfers(world, count):
    agreement = between_council_and_nhs(world, kind=AgreementKind.S256)
    Transfer.objects.bulk_create(
        TransferFactory.build(
            agreement=agreement,
            from_organisation=world.bodies["nhs"],
            to_organisation=world.bodies["council"],
        )
        for _ in range(count)
    )


def delegations(world, count):
    committee = CommitteeFactory(partnership=world.ours)
    Delegation.objects.bulk_create(
        DelegationFactory.build(
            partnership=world.ours, from_organisation=world.bodies["council"], to_committee=committee
        )
        for _ in range(count)
    )


def reports(world, count):
    Report.objects.bulk_create(
        ReportFactory.build(partnership=world.ours, organisation=world.bodies["council"])
        for _ in range(count)
    )


REGISTERS = {
    "finance:budget_list": budgets,
    "finance:transfer_list": transfers,
    "committees:delegation_list": delegations,
    "committees:report_list": reports,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", REGISTERS)
def test_a_register_takes_the_same_queries_with_2_or_100_records(client, world, name):
    client.force_login(world.user("council", Role.OFFICER))
    url = reverse(name, kwargs={"partnership": world.ours.slug})
    counts = []
    for count in (2, 98):
        REGISTERS[name](world, count)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert len(response.context["table"].page.object_list) == 25


@pytest.mark.django_db
def test_a_registers_rows_do_not_each_work_out_their_columns_anew(client, world, monkeypatch):
    """django-tables2 asks for the signature of each cell's ``render`` before calling it; the
    answer is kept per function, so 25 rows ask no more than 2 do (and the cells still render)."""
    import inspect

    asked = []
    real = inspect.signature
    monkeypatch.setattr(inspect, "signature", lambda *a, **k: asked.append(a[0]) or real(*a, **k))
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    url = reverse("finance:budget_list", kwargs={"partnership": world.ours.slug})
    counts = []
    for count in (2, 23):
        budgets(world, count)
        client.get(url)
        asked.clear()
        response = client.get(url)
        counts.append(len(asked))
    assert counts[0] == counts[1], counts
    rows = response.context["table"].page.object_list
    assert len(rows) == 25
    assert str(rows[0].record.name) in response.content.decode()
