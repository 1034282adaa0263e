import pytest
from django.urls import reverse

from finance.models import Contribution
from partnership.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_officer_enters_a_contribution(world, pool, live_server, page, login, axe):
    officer = world.user("nhs", Role.FINANCE_OFFICER)
    login(officer.username)
    page.goto(
        live_server.url
        + reverse("finance:budget_detail", kwargs={"partnership": "ours", "pk": pool.budget.pk})
        + "?year=2019"
    )
    page.get_by_role("link", name="Enter your body's contribution").click()
    page.fill("#id_year", "2019/20")
    page.fill("#id_amount", "-5")
    page.get_by_role("button", name="Save").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Contribution amount must not be negative." in page.content()
    page.fill("#id_amount", "£412,500.00")
    page.fill("#id_change_reason", "Agreed at the ICB board")
    page.get_by_role("button", name="Save").click()
    assert "2019/20" in page.content()
    assert "£412,500.00" in page.content()
    contribution = Contribution.objects.get(year=2019)
    assert contribution.organisation == world.bodies["nhs"]
    assert contribution.history.first().history_change_reason == "Agreed at the ICB board"
    assert axe(page) == []
