import contextlib
import datetime

import pytest

from finance.models import (
    Budget,
    BudgetLine,
    Contribution,
    ExitReturn,
    FundExit,
    FundYear,
    Instalment,
    LinePlan,
    Monitoring,
    StatutoryReport,
    Transfer,
    YearEnd,
)


def _counts():
    models = [
        Budget,
        BudgetLine,
        Contribution,
        LinePlan,
        Monitoring,
        Transfer,
        YearEnd,
        FundYear,
        Instalment,
        StatutoryReport,
        FundExit,
        ExitReturn,
    ]
    return {m.__name__: (m.objects.count(), m.history.count()) for m in models}


def _load():
    """The core demo, the agreements demo (when there is one), then finance's."""
    import importlib

    from finance import demo
    from partnership import demo as core_demo

    context = core_demo.load()
    with contextlib.suppress(ModuleNotFoundError):
        importlib.import_module("agreements.demo").load(context)
    demo.load(context)
    return context


@pytest.mark.django_db
def test_demo_loads_the_papers_budgets_and_runs_twice_without_duplicates(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    context = _load()
    first = _counts()
    _load()
    assert _counts() == first
    assert set(context["budgets"]) >= {"banes-bcf", "banes-integration", "cheshire-ld", "walsall-aligned"}

    programme = Budget.objects.get(partnership__slug="banes", name__startswith="Integration programme")
    from finance.services import BudgetFigures

    figures = BudgetFigures(programme)
    assert figures.year(2017).total_planned == 68230
    assert figures.year(2018).total_planned == 102795  # the sum of the paper's lines
    assert figures.year(2017).is_closed
    assert FundExit.objects.get(budget=programme).closed_on == datetime.date(2019, 5, 15)  # a fund that ended
    ld = Budget.objects.get(partnership__slug="cheshire-east", name="Learning disability pooled budget")
    assert BudgetFigures(ld).year(2009).total_contributions == 66_000_000
    aligned = Budget.objects.get(partnership__slug="walsall", kind="aligned")
    assert BudgetFigures(aligned).year(2009).total_planned == 97_000_000
    assert Budget.objects.filter(partnership__slug="walsall", kind="pooled").count() == 2
    assert Transfer.objects.filter(agreement__partnership__slug="banes", agreement__kind="s256").count() == 3
    assert all(
        t.from_organisation.is_nhs and t.to_organisation.kind == "local_authority"
        for t in Transfer.objects.all()
    )


@pytest.mark.django_db
def test_the_better_care_fund_over_two_years_with_the_council_hosting(settings, tmp_path):
    """2017/18 closed with its underspend carried forward; 2018/19 opens with it, and its forecast
    overspend is met by other lines' underspends and the contingency; reports issued."""
    from finance.services import BudgetFigures

    settings.MEDIA_ROOT = tmp_path
    _load()
    bcf = Budget.objects.get(partnership__slug="banes", name="Better Care Fund pooled budget")
    assert bcf.host.name == "Bath and North East Somerset Council"
    figures = BudgetFigures(bcf)
    closed = figures.year(2017)
    assert closed.is_closed and closed.working.kept == 180_000
    carried = {a.body.display_name: a.carried_forward for a in closed.working.accounts}
    open_year = figures.year(2018)
    assert {a.body.display_name: a.opening for a in open_year.working.accounts} == carried
    assert [s.used for s in open_year.working.steps][:2] == [172_000, 103_000]
    assert open_year.working.to_bodies == 0
    assert sum(a.spend for a in open_year.working.accounts) == open_year.outturn
    assert StatutoryReport.objects.filter(budget=bcf).count() == 2


@pytest.mark.django_db
def test_the_equipment_stores_exit_is_planned_as_its_agreement_is_terminated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _load()
    ices = Budget.objects.get(partnership__slug="walsall", name__startswith="Integrated Community Equipment")
    assert ices.agreement.ending_status
    fund_exit = FundExit.objects.get(budget=ices)
    assert fund_exit.closed_on is None
    assert fund_exit.liabilities.get().held_by == ices.host
    assert fund_exit.returns.get().returned_on is None
