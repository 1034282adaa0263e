"""Reopening a closed year is a confirmation page: it asks first, says what reopening does,
and acts only on a POST with the reason, shown beside its field when missing."""

import pytest
from django.urls import reverse

from finance import services
from finance.models import YearEnd
from partnership.choices import Role

pytestmark = pytest.mark.django_db


def test_reopening_asks_first_says_what_happens_and_needs_the_reason(client, world, pool):
    finance_officer = world.user("council", Role.FINANCE_OFFICER)
    services.close_financial_year(budget=pool.budget, year=2018, user=finance_officer, note="Outturn agreed")
    client.force_login(finance_officer)
    address = reverse(
        "finance:year_reopen", kwargs={"partnership": "ours", "budget": pool.budget.pk, "year": 2018}
    )

    page = client.get(address).content.decode()
    assert "Reopen the financial year 2018/19?" in page
    assert 'id="reopen-warning"' in page and "contributions, plans and monitoring again" in page
    assert "Yes, reopen 2018/19" in page
    assert YearEnd.objects.get(budget=pool.budget, year=2018).is_closed  # GET changes nothing

    blank = client.post(address, {"reason": ""})
    assert blank.context["form"].errors == {
        "reason": ["Reason for reopening: say why the year is being reopened."]
    }
    assert YearEnd.objects.get(budget=pool.budget, year=2018).is_closed

    client.post(address, {"reason": "Audit adjustment"})
    assert not YearEnd.objects.get(budget=pool.budget, year=2018).is_closed
