import re
from decimal import Decimal

import pytest
from django.urls import reverse

from finance.models import BudgetLine, LinePlan, Monitoring
from partnership.choices import Role

pytestmark = pytest.mark.django_db


def page_url(budget, year=2018):
    return reverse(
        "finance:budget_detail", kwargs={"partnership": budget.partnership.slug, "pk": budget.pk}
    ) + (f"?year={year}")


def test_budget_page_shows_contributions_lines_and_computed_totals(client, world, pool):
    Monitoring.objects.create(
        line=pool.council_line,
        year=2018,
        month=6,
        actual_to_date=Decimal("310000"),
        forecast_outturn=Decimal("650000"),
    )
    client.force_login(world.user("nhs", Role.OFFICER))
    response = client.get(page_url(pool.budget))
    assert response.status_code == 200
    html = response.content.decode()
    assert "£600,000.00" in html and "£400,000.00" in html
    assert "£1,000,000.00" in html  # total contributions, computed
    assert "£1,050,000.00" in html  # forecast outturn: 650,000 + 400,000 (as planned)
    assert "£50,000.00" in html  # variance
    assert "to end of September" in html


def test_budget_page_charts_are_svg_with_text_alternatives(client, world, pool):
    client.force_login(world.user("council", Role.OFFICER))
    html = client.get(page_url(pool.budget)).content.decode()
    assert html.count("<svg") == 2
    assert '<title id="contrib-title">Contributions by body, 2018/19</title>' in html
    assert '<desc id="contrib-desc">Total contributions £1,000,000' in html
    assert '<title id="spend-title">Spend against budget by month, 2018/19</title>' in html
    assert "Spend by month as a table" in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>")[0]


def _add_lines(pool, world, count, months):
    """Bulk-made test data (no history needed here): ``count`` lines with ``months`` of monitoring each."""
    council = world.bodies["council"]
    lines = BudgetLine.objects.bulk_create(
        [
            BudgetLine(budget=pool.budget, organisation=council, name=f"Extra line {i:04d}")
            for i in range(count)
        ]
    )
    LinePlan.objects.bulk_create([LinePlan(line=line, year=2018, amount=Decimal("1000")) for line in lines])
    Monitoring.objects.bulk_create(
        [
            Monitoring(
                line=line,
                year=2018,
                month=month,
                actual_to_date=Decimal(50 * month),
                forecast_outturn=Decimal("1000"),
            )
            for line in lines
            for month in range(1, months + 1)
        ]
    )


@pytest.mark.parametrize(("count", "months"), [(5, 1), (200, 12)])
def test_budget_page_query_count_does_not_grow_with_lines_or_months(
    client, world, pool, count, months, django_assert_max_num_queries
):
    _add_lines(pool, world, count, months)
    user = world.user("council", Role.FINANCE_OFFICER)
    client.force_login(user)
    with django_assert_max_num_queries(25):
        response = client.get(page_url(pool.budget))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Extra line") >= count
    assert "£" + f"{1_000_000 + 1000 * count:,}.00" in html  # total planned, computed


def test_the_year_on_the_page_starts_each_add_form(client, world, pool):
    """The budget page's links carry its year, and each form starts at it: the contribution,
    plan and monitoring forms (monitoring for a past year at its last month, March)."""
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    html = client.get(page_url(pool.budget, 2018)).content.decode()
    kwargs = {"partnership": "ours"}
    links = {
        "contribution": reverse("finance:contribution_add", kwargs={**kwargs, "budget": pool.budget.pk}),
        "plan": reverse("finance:plan_add", kwargs={**kwargs, "line": pool.council_line.pk}),
        "monitoring": reverse("finance:monitoring_add", kwargs={**kwargs, "line": pool.council_line.pk}),
    }
    for form, url in links.items():
        assert f'href="{url}?year=2018"' in html, form
        page = client.get(f"{url}?year=2018").content.decode()
        assert re.search(r'name="year" value="2018/19"', page), form
    monitoring = client.get(f"{links['monitoring']}?year=2018").content.decode()
    assert re.search(r'<option value="12" selected>March</option>', monitoring)
    # A year that is not one is only a suggestion left out, not an error.
    assert 'name="year" value=' not in client.get(f"{links['plan']}?year=soon").content.decode()
