"""Two people change one budget's figures at once: no 500, no duplicate, and a closed
year agrees with the contributions committed before it. Two real PostgreSQL connections."""

import datetime
from decimal import Decimal

import pytest

from finance import services
from finance.choices import ReportKind, ReportPeriod
from finance.models import Contribution, Instalment, StatutoryReport, YearEnd
from partnership.choices import Role
from tests.finance.factories import BudgetFactory, BudgetLineFactory, ContributionFactory, LinePlanFactory
from tests.races import race, two_bodies

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


@pytest.fixture
def pair():
    return two_bodies()


@pytest.fixture
def budget(pair):
    council, nhs = pair.bodies["council"], pair.bodies["nhs"]
    budget = BudgetFactory(partnership=pair.partnership, host=council, name="Racing pool")
    LinePlanFactory(
        line=BudgetLineFactory(budget=budget, organisation=council), year=2018, amount=D("1000.00")
    )
    ContributionFactory(budget=budget, organisation=nhs, year=2018, amount=D("400.00"))
    return budget


def test_two_first_contributions_at_once_make_one_and_the_second_is_told(pair, budget):
    council = pair.bodies["council"]

    def enter(amount, role):
        return lambda: services.set_contribution(
            budget=budget,
            organisation=council,
            year=2018,
            amount=amount,
            user=pair.user("council", role),
            adding=True,
        )

    first, second = race(enter("600.00", Role.FINANCE_OFFICER), enter("650.00", Role.FINANCE_OFFICER))

    assert not first.refused
    assert second.refused
    assert "already has a contribution of £600.00 for 2018/19" in second.message
    assert list(
        Contribution.objects.filter(budget=budget, organisation=council).values_list("amount", flat=True)
    ) == [D("600.00")]


def test_a_contribution_changed_while_the_year_closes_waits_and_is_refused(pair, budget):
    closer = pair.user("council", Role.FINANCE_OFFICER)
    closed, changed = race(
        lambda: services.close_financial_year(budget=budget, year=2018, user=closer),
        lambda: services.set_contribution(
            budget=budget,
            organisation=pair.bodies["nhs"],
            year=2018,
            amount="523.50",
            user=pair.user("nhs", Role.FINANCE_OFFICER),
        ),
    )
    assert not closed.refused
    assert changed.refused
    assert "2018/19 is closed" in changed.message
    year_end = YearEnd.objects.get(budget=budget, year=2018)
    assert year_end.total_contributions == sum(
        Contribution.objects.filter(budget=budget).values_list("amount", flat=True)
    )


def test_a_close_waits_for_a_contribution_being_saved_and_includes_it(pair, budget):
    changed, closed = race(
        lambda: services.set_contribution(
            budget=budget,
            organisation=pair.bodies["nhs"],
            year=2018,
            amount="523.50",
            user=pair.user("nhs", Role.FINANCE_OFFICER),
        ),
        lambda: services.close_financial_year(
            budget=budget, year=2018, user=pair.user("council", Role.FINANCE_OFFICER)
        ),
    )
    assert not changed.refused and not closed.refused
    assert YearEnd.objects.get(budget=budget, year=2018).total_contributions == D("523.50")


def test_two_closes_at_once_close_the_year_once(pair, budget):
    def close(body):
        return lambda: services.close_financial_year(
            budget=budget, year=2018, user=pair.user(body, Role.FINANCE_OFFICER)
        )

    first, second = race(close("council"), close("council"))
    assert not first.refused
    assert second.refused and "already closed" in second.message
    assert YearEnd.objects.filter(budget=budget, year=2018).count() == 1


def test_an_upload_while_the_year_closes_waits_and_is_refused_whole(pair, budget):
    """The upload's pre-check passed before the close committed; after the lock, every row is
    refused together and nothing is saved."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from finance import monitoring_upload
    from finance.models import Monitoring

    council = pair.bodies["council"]
    second = BudgetLineFactory(budget=budget, organisation=council, name="Second line")
    first = budget.lines.exclude(pk=second.pk).get()
    text = (
        "Line,Run by,Actual spend to date (£),Forecast outturn (£),Note\n"
        f"{second.name},,10.00,20.00,\n{first.name},,30.00,40.00,\n"
    )
    officer = pair.user("council", Role.FINANCE_OFFICER)
    closed, uploaded = race(
        lambda: services.close_financial_year(budget=budget, year=2018, user=officer),
        lambda: monitoring_upload.upload_monitoring(
            user=officer,
            budget=budget,
            year=2018,
            month=3,
            upload=SimpleUploadedFile("june.csv", text.encode()),
        ),
    )
    assert not closed.refused
    assert isinstance(uploaded.error, monitoring_upload.UploadRefused)
    assert "2018/19 is closed" in uploaded.message
    assert not Monitoring.objects.filter(line__budget=budget).exists()


def test_two_instalments_at_once_never_come_to_more_than_the_contribution(pair, budget):
    """The NHS body's £400 contribution: two finance officers schedule £300 each at once."""
    contribution = Contribution.objects.get(budget=budget, organisation=pair.bodies["nhs"])
    officer = pair.user("nhs", Role.FINANCE_OFFICER)

    def schedule(month):
        return lambda: services.save_instalment(
            instalment=Instalment(
                contribution=contribution, due_on=datetime.date(2018, month, 1), amount="300"
            ),
            user=officer,
        )

    first, second = race(schedule(4), schedule(7))
    assert [first.refused, second.refused].count(True) == 1
    refused = first if first.refused else second
    assert "the instalments would come to £600.00, more than the contribution of £400.00" in refused.message
    assert list(Instalment.objects.values_list("amount", flat=True)) == [D("300.00")]


def test_a_report_issued_twice_at_once_is_issued_once_and_the_second_is_told(
    pair, budget, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    officer = pair.user("council", Role.FINANCE_OFFICER)

    def issue():
        return services.issue_statutory_report(
            budget=budget, kind=ReportKind.POOLED_FUND, year=2018, period=ReportPeriod.Q1, user=officer
        )

    first, second = race(issue, issue)
    assert [first.refused, second.refused].count(True) == 1
    refused = first if first.refused else second
    assert "has already been issued" in refused.message
    assert StatutoryReport.objects.filter(budget=budget).count() == 1
