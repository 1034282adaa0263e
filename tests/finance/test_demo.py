import contextlib

import pytest

from finance.models import Budget, BudgetLine, Contribution, LinePlan, Monitoring, Transfer, YearEnd


def _counts():
    models = [Budget, BudgetLine, Contribution, LinePlan, Monitoring, Transfer, YearEnd]
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
def test_demo_loads_the_papers_budgets_and_runs_twice_without_duplicates():
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
