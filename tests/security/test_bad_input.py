"""The bad input that once gave a 500 now gets a message naming the field, and a 400 or the form."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from committees.models import CommitteeMember, Delegation
from partnership.choices import Role
from partnership.models import Membership
from tests.agreements.factories import agreement_between
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    CommitteeMemberFactory,
    DelegationFactory,
    MeetingFactory,
)
from tests.factories import MembershipFactory, UserFactory
from tests.finance.factories import BudgetFactory
from tests.staffing.factories import PostFactory

pytestmark = pytest.mark.django_db
NUL = "reason with a \x00 in it"


def _ours(name, **kwargs):
    return reverse(name, kwargs={"partnership": "ours", **kwargs})


def _page(response):
    return response.content.decode()


def test_nul_in_the_reason_for_a_delete_shows_the_form_again(client, world):
    delegation = DelegationFactory(partnership=world.ours, from_organisation=world.bodies["council"])
    client.force_login(world.user("council", Role.ADMINISTRATOR))
    response = client.post(_ours("committees:delegation_delete", pk=delegation.pk), {"change_reason": NUL})
    assert response.status_code == 400
    assert "Reason must not contain null characters" in _page(response)
    assert Delegation.objects.filter(pk=delegation.pk).exists()


def test_nul_in_the_reason_for_deleting_a_post_is_refused(client, world):
    post = PostFactory(partnership=world.ours, employer=world.bodies["council"])
    client.force_login(world.user("council", Role.OFFICER))
    response = client.post(_ours("staffing:delete", pk=post.pk), {"change_reason": NUL})
    assert response.status_code == 400
    assert "Reason must not contain null characters" in _page(response)


def test_a_reason_over_a_thousand_characters_is_refused(client, world):
    delegation = DelegationFactory(partnership=world.ours, from_organisation=world.bodies["council"])
    client.force_login(world.user("council", Role.ADMINISTRATOR))
    response = client.post(
        _ours("committees:delegation_delete", pk=delegation.pk), {"change_reason": "x" * 1001}
    )
    assert response.status_code == 400
    assert "Reason must be 1,000 characters or fewer" in _page(response)


def test_nul_in_the_reason_for_removing_a_committee_member_shows_the_confirmation_again(client, world):
    committee = CommitteeFactory(partnership=world.ours)
    member = CommitteeMemberFactory(committee=committee, organisation=world.bodies["council"])
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    response = client.post(_ours("committees:member_delete", pk=member.pk), {"change_reason": NUL})
    assert response.status_code == 200
    assert "Are you sure you want to remove this member?" in _page(response)
    assert "Reason must not contain null characters" in _page(response)
    assert CommitteeMember.objects.filter(pk=member.pk).exists()


def test_nul_in_the_reason_for_removing_a_role_shows_the_form_again(client, world):
    council = world.bodies["council"]
    membership = MembershipFactory(user=UserFactory(username="leaver"), organisation=council)
    client.force_login(world.user("council", Role.ADMINISTRATOR))
    url = reverse("membership_remove", kwargs={"pk": council.pk, "membership": membership.pk})
    response = client.post(url, {"change_reason": NUL})
    assert response.status_code == 400
    assert "Reason must not contain null characters" in _page(response)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_moving_an_agenda_item_sideways_is_a_400(client, world):
    committee = CommitteeFactory(partnership=world.ours)
    item = AgendaItemFactory(meeting=MeetingFactory(committee=committee))
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    response = client.post(_ours("committees:item_move", pk=item.pk), {"direction": "sideways"})
    assert response.status_code == 400
    assert "Direction: Move an item up or down." in _page(response)


def test_audit_log_from_the_year_one_shows_the_filter_again(client, world):
    client.force_login(world.user("council", Role.AUDITOR))
    response = client.get(_ours("audit:log") + "?date_from=0001-01-01")
    assert response.status_code == 200
    assert "From: 1/1/1 is not a date between 1900 and 2200." in _page(response)


def test_as_it_stood_on_the_last_day_of_9999_shows_the_form_again(client, world):
    agreement = agreement_between(world.ours, world.bodies["council"], world.bodies["nhs"])
    client.force_login(world.user("council", Role.OFFICER))
    kwargs = {"app_label": "agreements", "model": "agreement", "pk": agreement.pk}
    response = client.get(_ours("audit:as_of", **kwargs) + "?date=9999-12-31")
    assert response.status_code == 200
    assert "is not a date between 1900 and 2200" in _page(response)
    pdf = client.get(_ours("audit:as_of_pdf", **kwargs) + "?date=9999-12-31")
    assert pdf.status_code == 400
    assert "is not a date between 1900 and 2200" in _page(pdf)


@pytest.mark.parametrize("year", ["0", "99999", "-1", "2018/19", "x" * 5000])
def test_a_budget_in_a_year_that_is_not_one_is_a_400(client, world, year):
    budget = BudgetFactory(partnership=world.ours, host=world.bodies["council"])
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    response = client.get(_ours("finance:budget_detail", pk=budget.pk), {"year": year})
    assert response.status_code == 400
    assert "Financial year:" in _page(response)


def test_closing_year_99999_is_a_400(client, world):
    budget = BudgetFactory(partnership=world.ours, host=world.bodies["council"])
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    for name in ("finance:year_close", "finance:year_reopen"):
        url = _ours(name, budget=budget.pk, year=99999)
        for response in (client.get(url), client.post(url, {"note": "Closing", "reason": "Reopening"})):
            assert response.status_code == 400
            assert "Financial year: 99999 is not a year between 1900 and 2200." in _page(response)


def test_a_contribution_for_year_0000_is_refused(client, world):
    budget = BudgetFactory(partnership=world.ours, host=world.bodies["council"])
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    url = _ours("finance:contribution_add", budget=budget.pk)
    data = {"organisation": world.bodies["council"].pk, "year": "0000/01", "amount": "1"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Financial year: 0 is not a year between 1900 and 2200." in _page(response)


def test_a_delegation_cannot_have_a_negative_financial_limit(client, world):
    council = world.bodies["council"]
    committee = CommitteeFactory(partnership=world.ours)
    client.force_login(world.user("council", Role.ADMINISTRATOR))
    response = client.post(
        _ours("committees:delegation_add"),
        {
            "from_organisation": council.pk,
            "to_committee": committee.pk,
            "scope": "Commissioning",
            "financial_limit": "-1",
            "valid_from": "2026-04-01",
        },
    )
    assert response.status_code == 200
    assert "The financial limit cannot be negative" in _page(response)
    assert not Delegation.objects.exists()


def test_the_database_refuses_a_negative_financial_limit(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationFactory(
            partnership=world.ours,
            from_organisation=world.bodies["council"],
            financial_limit=Decimal("-1.00"),
            valid_from=datetime.date(2026, 4, 1),
        )
