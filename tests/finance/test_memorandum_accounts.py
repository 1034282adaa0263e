"""Memorandum accounts over two years with a carry forward, to the penny; the reconciliation to
the host's ledger; who keeps the host's figures and a contribution's instalments."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from finance import cover, services
from finance.choices import UnderspendRule
from finance.models import FundYear, Instalment
from partnership.choices import Role
from tests.finance.factories import (
    BudgetLineFactory,
    ContributionFactory,
    InstalmentFactory,
    LinePlanFactory,
    MonitoringFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal


def outturn(line, year, amount):
    MonitoringFactory(line=line, year=year, month=12, actual_to_date=amount, forecast_outturn=amount)


def set_rule(pool, world, rule, cap=None):
    budget = pool.budget
    budget.underspend_rule, budget.underspend_cap = rule, cap
    services.save_budget(budget=budget, user=world.user("council", Role.FINANCE_OFFICER))


def accounts(budget, year):
    working = services.BudgetFigures(budget).year(year).working
    return {
        a.body.short_name or a.body.name: (a.opening, a.contribution, a.cover, a.returned, a.spend, a.closing)
        for a in working.accounts
    }


@pytest.fixture
def two_years(world, pool):
    """2018/19 underspends by £33,333.34 (carried forward); 2019/20 overspends its lines by £40,000."""
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    set_rule(pool, world, UnderspendRule.CARRY_FORWARD)
    outturn(pool.council_line, 2018, D("566666.66"))
    outturn(pool.nhs_line, 2018, D("400000.00"))
    for body, amount in ((council, "600000.00"), (nhs, "400000.00")):
        ContributionFactory(budget=pool.budget, organisation=body, year=2019, amount=D(amount))
    LinePlanFactory(line=pool.council_line, year=2019, amount=D("600000.00"))
    LinePlanFactory(line=pool.nhs_line, year=2019, amount=D("400000.00"))
    outturn(pool.council_line, 2019, D("640000.00"))
    outturn(pool.nhs_line, 2019, D("400000.00"))
    return pool


def names(world):
    return world.bodies["council"].short_name or world.bodies["council"].name, (
        world.bodies["nhs"].short_name or world.bodies["nhs"].name
    )


def test_an_underspend_carried_forward_opens_next_year_and_an_overspend_uses_it_first(world, two_years):
    budget = two_years.budget
    council, nhs = names(world)
    # 2018/19: £33,333.34 unspent, carried forward in proportion to contributions (60:40).
    first = accounts(budget, 2018)
    assert first[council] == (0, D("600000.00"), 0, 0, D("580000.00"), D("20000.00"))
    assert first[nhs] == (0, D("400000.00"), 0, 0, D("386666.66"), D("13333.34"))
    services.close_financial_year(budget=budget, year=2018, user=world.user("council", Role.FINANCE_OFFICER))

    # 2019/20: the council's line overspends by £40,000. The £33,333.34 carried in is money in the
    # pool planned on no line (step 1); the £6,666.66 left falls on the bodies 60:40.
    figures = services.BudgetFigures(budget).year(2019)
    assert [(s.step, s.used, s.left_to_cover) for s in figures.working.steps][0] == (
        "lines",
        D("33333.34"),
        D("6666.66"),
    )
    second = accounts(budget, 2019)
    assert second[council] == (D("20000.00"), D("600000.00"), D("4000.00"), 0, D("624000.00"), 0)
    assert second[nhs] == (D("13333.34"), D("400000.00"), D("2666.66"), 0, D("416000.00"), 0)
    assert figures.variance == D("6666.66")
    assert sum(figures.shares.values()) == figures.variance


def test_a_closed_year_keeps_what_was_decided_when_the_rules_change(world, two_years):
    budget = two_years.budget
    council, _ = names(world)
    services.close_financial_year(budget=budget, year=2018, user=world.user("council", Role.FINANCE_OFFICER))
    set_rule(two_years, world, UnderspendRule.RETURN_PRO_RATA)
    assert accounts(budget, 2018)[council][-1] == D("20000.00")
    assert accounts(budget, 2019)[council][0] == D("20000.00")
    # The open year would, under the new rule, return nothing: it overspends.
    assert accounts(budget, 2019)[council][3] == 0


def test_a_reopened_year_works_out_again_under_todays_rules(world, two_years):
    budget = two_years.budget
    council, _ = names(world)
    officer = world.user("council", Role.FINANCE_OFFICER)
    services.close_financial_year(budget=budget, year=2018, user=officer)
    services.reopen_financial_year(budget=budget, year=2018, user=officer, reason="Late invoice")
    set_rule(two_years, world, UnderspendRule.RETURN_PRO_RATA)
    assert accounts(budget, 2018)[council][3:] == (D("20000.00"), D("580000.00"), 0)
    assert accounts(budget, 2019)[council][0] == 0


def test_the_reconciliation_lists_each_difference_from_the_ledger(world, two_years):
    budget = two_years.budget
    council_contribution = two_years.council_contribution
    nhs_contribution = two_years.nhs_contribution
    InstalmentFactory(
        contribution=council_contribution, amount=D("600000.00"), paid_on=datetime.date(2018, 4, 2)
    )
    InstalmentFactory(contribution=nhs_contribution, amount=D("300000.00"), paid_on=datetime.date(2018, 4, 3))
    InstalmentFactory(contribution=nhs_contribution, amount=D("100000.00"), due_on=datetime.date(2019, 1, 1))
    services.save_fund_year(
        budget=budget,
        year=2018,
        user=world.user("council", Role.FINANCE_OFFICER),
        ledger_contributions=D("1000000.00"),
        ledger_spend=D("966666.66"),
        ledger_income=D("0"),
    )
    services.close_financial_year(budget=budget, year=2018, user=world.user("council", Role.FINANCE_OFFICER))
    figures = services.BudgetFigures(budget).year(2018)
    rows = {row.label: row for row in cover.reconcile(figures.working, figures.fund_year)}
    assert rows["Contributions received"].accounts == D("900000.00")
    assert rows["Contributions received"].difference == D("100000.00")
    assert rows["Spend"].difference == 0
    assert rows["Income"].difference == 0


def test_the_accounts_page_shows_the_accounts_the_working_and_the_differences(client, world, two_years):
    budget = two_years.budget
    InstalmentFactory(
        contribution=two_years.nhs_contribution, amount=D("400000.00"), paid_on=datetime.date(2018, 4, 3)
    )
    FundYear.objects.create(budget=budget, year=2018, ledger_contributions=D("1000000.00"))
    client.force_login(world.user("council", Role.AUDITOR))
    url = reverse("finance:fund_accounts", kwargs={"partnership": "ours", "budget": budget.pk, "year": 2018})
    html = client.get(url).content.decode()
    assert "£13,333.34" in html  # the NHS body's balance carried forward
    assert "Carried forward within the pool" in html
    assert "the ledger shows £1,000,000.00, the accounts £400,000.00 (£600,000.00 more in the ledger)" in html
    assert "Enter the host&#x27;s figures" not in html and "Schedule an instalment" not in html


@pytest.mark.parametrize("extra", [1, 120])
def test_the_accounts_page_query_count_does_not_grow(
    client, world, pool, extra, django_assert_max_num_queries
):
    council = world.bodies["council"]
    for n in range(extra):
        line = BudgetLineFactory(budget=pool.budget, organisation=council, name=f"Scheme {n}")
        LinePlanFactory(line=line, year=2018, amount=D("10.00"), committed=n % 2 == 0)
        MonitoringFactory(line=line, year=2018, month=6, actual_to_date=D("4"), forecast_outturn=D("12"))
        InstalmentFactory(
            contribution=pool.council_contribution, amount=D("1.00"), paid_on=datetime.date(2018, 5, 1)
        )
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    url = reverse(
        "finance:fund_accounts", kwargs={"partnership": "ours", "budget": pool.budget.pk, "year": 2018}
    )
    with django_assert_max_num_queries(22):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Received so far: £{extra}.00 of £1,000,000.00." in html
    assert html.count("Scheme ") == 0  # the accounts are by body, not by line
    assert html.count("Not yet paid") == 0 and html.count("1 May 2018") == extra


def test_only_the_hosts_finance_officers_keep_the_funds_figures(world, pool):
    budget = pool.budget
    for body, role in (("nhs", Role.FINANCE_OFFICER), ("council", Role.OFFICER), ("council", Role.AUDITOR)):
        with pytest.raises(PermissionDenied):
            services.save_fund_year(budget=budget, year=2018, user=world.user(body, role), contingency="10")
    host = world.user("council", Role.FINANCE_OFFICER)
    services.save_fund_year(budget=budget, year=2018, user=host, contingency="10,000.00", income="0")
    assert FundYear.objects.get(budget=budget, year=2018).contingency == D("10000.00")


def test_once_closed_the_contingency_is_fixed_but_the_ledger_can_still_be_entered(world, pool):
    budget = pool.budget
    host = world.user("council", Role.FINANCE_OFFICER)
    services.close_financial_year(budget=budget, year=2018, user=host)
    with pytest.raises(ValidationError, match="2018/19 is closed"):
        services.save_fund_year(budget=budget, year=2018, user=host, contingency="5")
    services.save_fund_year(budget=budget, year=2018, user=host, ledger_spend="1,000,000.00")
    assert FundYear.objects.get(budget=budget, year=2018).ledger_spend == D("1000000.00")


def test_a_bodys_instalments_are_its_own_and_never_add_up_to_more_than_it(world, pool):
    contribution = pool.council_contribution  # £600,000
    with pytest.raises(PermissionDenied):
        services.save_instalment(
            instalment=Instalment(contribution=contribution, due_on=datetime.date(2018, 4, 1), amount="1"),
            user=world.user("nhs", Role.FINANCE_OFFICER),
        )
    officer = world.user("council", Role.FINANCE_OFFICER)
    services.save_instalment(
        instalment=Instalment(contribution=contribution, due_on=datetime.date(2018, 4, 1), amount="400000"),
        user=officer,
    )
    with pytest.raises(ValidationError) as refusal:
        services.save_instalment(
            instalment=Instalment(
                contribution=contribution, due_on=datetime.date(2018, 10, 1), amount="200000.01"
            ),
            user=officer,
        )
    assert refusal.value.message_dict["amount"] == [
        "Amount: the instalments would come to £600,000.01, more than the contribution of £600,000.00."
    ]


def test_a_paid_instalment_is_not_taken_out(world, pool):
    officer = world.user("council", Role.FINANCE_OFFICER)
    paid = InstalmentFactory(contribution=pool.council_contribution, paid_on=datetime.date(2018, 4, 2))
    unpaid = InstalmentFactory(contribution=pool.council_contribution)
    with pytest.raises(ValidationError, match="paid on 2 April 2018"):
        services.remove_instalment(instalment=paid, user=officer)
    services.remove_instalment(instalment=unpaid, user=officer)
    assert list(Instalment.objects.values_list("pk", flat=True)) == [paid.pk]


def budget_form(pool, world, **changes):
    budget = pool.budget
    data = {
        "name": budget.name,
        "agreement": budget.agreement.reference,
        "kind": budget.kind,
        "host": budget.host_id,
        "risk_share_rule": budget.risk_share_rule,
        "underspend_rule": UnderspendRule.CARRY_FORWARD,
        "underspend_cap": "",
        "cover_lines": "1",
        "cover_contingency": "2",
        "cover_uncommitted": "0",
        f"cap_{world.bodies['nhs'].pk}": "25,000",
        "loaded_version": budget.updated_at.isoformat(),
    }
    data.update(changes)
    return data


def test_the_budget_form_sets_the_order_of_cover_caps_and_underspend_rule(client, world, pool):
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    url = reverse("finance:budget_edit", kwargs={"partnership": "ours", "pk": pool.budget.pk})
    response = client.post(url, budget_form(pool, world, cover_lines="2", cover_contingency="1"))
    assert response.status_code == 302
    pool.budget.refresh_from_db()
    assert pool.budget.cover_steps == ("contingency", "lines")
    assert pool.budget.underspend_rule == UnderspendRule.CARRY_FORWARD
    assert {c.organisation.name: c.cap for c in pool.budget.cover_caps.all()} == {
        world.bodies["nhs"].name: D("25000.00")
    }
    html = client.get(pool.budget.get_absolute_url()).content.decode()
    assert html.index("The pool&#x27;s contingency") < html.index(
        "Underspends on other lines within the pool"
    )


def test_the_budget_form_refuses_two_steps_in_one_place_and_a_cap_on_returning(client, world, pool):
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    url = reverse("finance:budget_edit", kwargs={"partnership": "ours", "pk": pool.budget.pk})
    html = client.post(url, budget_form(pool, world, cover_contingency="1")).content.decode()
    assert "The pool&#x27;s contingency: step 1 is already" in html
    html = client.post(
        url, budget_form(pool, world, underspend_rule=UnderspendRule.RETURN_PRO_RATA, underspend_cap="10")
    ).content.decode()
    assert "Most the pool keeps: a cap applies only when an underspend is carried forward" in html
    pool.budget.refresh_from_db()
    assert pool.budget.underspend_rule == UnderspendRule.RISK_SHARE and not pool.budget.cover_caps.exists()


def ledger_url(pool, name="finance:ledger_upload"):
    return reverse(name, kwargs={"partnership": "ours", "budget": pool.budget.pk})


def csv_file(text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ledger.csv", text.encode("utf-8"), content_type="text/csv")


HEADINGS = "Financial year,Contributions received (£),Spend (£),Income (£),Ledger as at (dd/mm/yyyy)\n"


def test_the_ledger_totals_are_imported_whole_from_the_template(client, world, pool):
    FundYear.objects.create(budget=pool.budget, year=2018, ledger_income=D("12.00"))
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    template = client.get(ledger_url(pool, "finance:ledger_template")).content.decode()
    assert template.splitlines() == [HEADINGS.strip(), "2018/19,,,12.00,"]
    response = client.post(
        ledger_url(pool),
        {"file": csv_file(HEADINGS + '2018/19,"1,000,000.00",966666.66,,31/03/2019\n2019/20,5.00,,,\n')},
    )
    assert response.status_code == 302 and response["Location"].endswith(
        "/years/2019/accounts/#reconciliation"
    )
    first = FundYear.objects.get(budget=pool.budget, year=2018)
    assert (first.ledger_contributions, first.ledger_spend, first.ledger_income) == (
        D("1000000"),
        D("966666.66"),
        None,
    )
    assert first.ledger_as_at == datetime.date(2019, 3, 31)
    assert FundYear.objects.get(budget=pool.budget, year=2019).ledger_contributions == D("5.00")


def test_a_ledger_file_with_a_wrong_row_is_refused_whole_naming_each_problem(client, world, pool):
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    html = client.post(
        ledger_url(pool),
        {"file": csv_file(HEADINGS + "2018/19,100,200,0,\n2019/20,ten,-5,0,31/02/2020\n2018/19,1,1,1,\n")},
    ).content.decode()
    assert "nothing was saved" in html
    assert "Contributions received (£)" in html and "Ledger as at (dd/mm/yyyy)" in html
    assert "2018/19 is on more than one row" in html
    assert not FundYear.objects.exists()


def test_only_the_hosts_finance_officers_import_the_ledger(client, world, pool):
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    assert client.post(ledger_url(pool), {"file": csv_file(HEADINGS + "2018/19,1,1,1,\n")}).status_code == 403
    assert client.get(ledger_url(pool, "finance:ledger_template")).status_code == 403
    assert not FundYear.objects.exists()


def test_years_close_in_order_and_reopen_in_reverse(world, two_years):
    host = world.user("council", Role.FINANCE_OFFICER)
    with pytest.raises(ValidationError, match="Close 2018/19 first: its closing balances open 2019/20"):
        services.close_financial_year(budget=two_years.budget, year=2019, user=host)
    services.close_financial_year(budget=two_years.budget, year=2018, user=host)
    services.close_financial_year(budget=two_years.budget, year=2019, user=host)
    with pytest.raises(ValidationError, match="Reopen 2019/20 first"):
        services.reopen_financial_year(budget=two_years.budget, year=2018, user=host, reason="Late invoice")


def test_a_contribution_is_not_cut_below_its_instalments_and_a_paid_one_stays_paid(world, pool):
    officer = world.user("council", Role.FINANCE_OFFICER)
    paid = InstalmentFactory(
        contribution=pool.council_contribution, amount=D("500000"), paid_on=datetime.date(2018, 4, 2)
    )
    with pytest.raises(ValidationError) as refusal:
        services.set_contribution(
            budget=pool.budget, organisation=world.bodies["council"], year=2018, amount="400000", user=officer
        )
    assert "£500,000.00 is already scheduled in instalments" in refusal.value.message_dict["amount"][0]
    paid.paid_on = None
    with pytest.raises(ValidationError, match="it stays paid"):
        services.save_instalment(instalment=paid, user=officer)
    paid.paid_on = datetime.date(2018, 4, 3)  # a corrected date is fine
    services.save_instalment(instalment=paid, user=officer)


def test_a_quarterly_report_is_cut_at_its_quarter_even_once_the_year_is_closed(world, two_years):
    budget = two_years.budget
    InstalmentFactory(
        contribution=two_years.council_contribution, amount=D("1"), paid_on=datetime.date(2018, 6, 30)
    )
    InstalmentFactory(
        contribution=two_years.council_contribution, amount=D("2"), paid_on=datetime.date(2018, 7, 1)
    )
    services.close_financial_year(budget=budget, year=2018, user=world.user("council", Role.FINANCE_OFFICER))
    quarter = services.BudgetFigures(budget).to_month(2018, 3)
    assert not quarter.is_closed
    assert quarter.working.totals()["received"] == D("1")
    assert services.BudgetFigures(budget).year(2018).is_closed


def test_the_budget_page_shows_the_balances_a_year_opens_with_beside_its_variance(client, world, two_years):
    services.close_financial_year(
        budget=two_years.budget, year=2018, user=world.user("council", Role.FINANCE_OFFICER)
    )
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    html = client.get(two_years.budget.get_absolute_url() + "?year=2019").content.decode()
    carried = html.index("Balances carried in and income")
    assert "£33,333.34" in html[carried : carried + 300]
    assert "£6,666.66" in html  # £1,040,000 outturn less £1,033,333.34 in the pool
