"""Register filters offer today's bodies first, and name an abolished body with its end; forms offer
only today's partners, keeping a body a record already names."""

import datetime

import pytest
from django.urls import reverse

from partnership.choices import OrganisationKind, Role
from tests.factories import OrganisationFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def test_an_abolished_body_comes_after_today_s_bodies_with_its_last_day(client, world):
    pct = OrganisationFactory(
        name="Aardvark PCT", kind=OrganisationKind.PCT, active_to=datetime.date(2013, 3, 31)
    )
    PartnerFactory(partnership=world.ours, organisation=pct, left=datetime.date(2013, 3, 31))
    client.force_login(world.user("council", Role.OFFICER))
    page = client.get(reverse("committees:delegation_list", kwargs={"partnership": "ours"})).content.decode()
    options = page[page.index('name="from_organisation"') :]
    options = options[: options.index("</select>")]
    assert options.index("Our Council") < options.index("Our ICB") < options.index("Aardvark PCT")
    assert "Aardvark PCT (until 31 March 2013)" in options
    assert "Our Council (until" not in options


def test_forms_offer_only_today_s_partners_and_keep_a_body_a_record_already_names(world):
    """A body that left (or was abolished) is not offered for new records; a record that
    already names it keeps it when edited."""
    from agreements.forms import PartyForm
    from committees.forms import QuorumRuleForm
    from committees.models import CommitteeQuorumRule
    from finance.forms import BudgetForm, TransferForm
    from finance.models import Budget
    from tests.agreements.factories import AgreementFactory
    from tests.committees.factories import CommitteeFactory

    pct = OrganisationFactory(
        name="Gone PCT", kind=OrganisationKind.PCT, active_to=datetime.date(2013, 3, 31)
    )
    PartnerFactory(partnership=world.ours, organisation=pct, left=datetime.date(2013, 3, 31))
    today = {world.bodies["council"], world.bodies["nhs"]}
    agreement = AgreementFactory(partnership=world.ours)
    finance_officer = world.user("nhs", Role.FINANCE_OFFICER)
    offered = {
        "party": PartyForm(agreement=agreement).fields["organisation"].queryset,
        "quorum rule": QuorumRuleForm(partnership=world.ours).fields["organisation"].queryset,
        "budget host": BudgetForm(partnership=world.ours).fields["host"].queryset,
        "transfer recipient": TransferForm(partnership=world.ours, user=finance_officer)
        .fields["to_organisation"]
        .queryset,
    }
    for name, queryset in offered.items():
        assert set(queryset) <= today and pct not in set(queryset), name
    rule = CommitteeQuorumRule.objects.create(
        committee=CommitteeFactory(partnership=world.ours), organisation=pct, minimum_members=1
    )
    assert pct in set(QuorumRuleForm(instance=rule, partnership=world.ours).fields["organisation"].queryset)
    budget = Budget(partnership=world.ours, host=pct)
    assert pct in set(BudgetForm(instance=budget, partnership=world.ours).fields["host"].queryset)
    from staffing.forms import PostForm

    post_form = PostForm(partnership=world.ours, user=world.user("council", Role.OFFICER))
    assert {body.name for body in post_form.partner_bodies} == {"Our Council", "Our ICB"}


def test_a_register_emptied_by_its_filters_says_so_rather_than_that_there_are_none(client, world):
    from tests.agreements.factories import AgreementFactory

    AgreementFactory(partnership=world.ours, reference="FRAMEWORK-1")
    client.force_login(world.user("council", Role.OFFICER))
    url = reverse("agreements:list", kwargs={"partnership": "ours"})
    assert "FRAMEWORK-1" in client.get(url).content.decode()
    filtered = client.get(url, {"q": "no such agreement"}).content.decode()
    assert "No agreements match the filters chosen." in filtered
    assert "FRAMEWORK-1" not in filtered
    transfers = reverse("finance:transfer_list", kwargs={"partnership": "ours"})
    unfiltered = client.get(transfers, {"status": "", "year": ""}).content.decode()
    assert "No Section 256 transfers yet." in unfiltered and "match the filters" not in unfiltered
