"""Creating budgets (with their risk-share rule), S256 transfers, and the app's hooks."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from finance import services
from finance.models import Budget, RiskShare, Transfer
from partnership.choices import Role
from tests.finance.factories import AgreementFactory, TransferFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_officer_creates_a_pooled_budget_with_fixed_shares(client, world):
    agreement = AgreementFactory(partnership=world.ours, reference="S75-POOL")
    client.force_login(world.user("council", Role.OFFICER))
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    data = {
        "name": "Learning disability pool",
        "agreement": "s75-pool",  # typed, as people know it
        "kind": "pooled",
        "host": council.pk,
        "pooled_fund_manager": "Head of Commissioning",
        "risk_share_rule": "fixed_shares",
        f"share_{council.pk}": "60",
        f"share_{nhs.pk}": "30",
    }
    url = reverse("finance:budget_add", kwargs={"partnership": "ours"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "the shares add up to 90%, not 100%" in response.content.decode()
    data[f"share_{nhs.pk}"] = "40"
    response = client.post(url, data)
    assert response.status_code == 302
    budget = Budget.objects.get(name="Learning disability pool")
    assert budget.agreement == agreement
    assert {rs.organisation: rs.percentage for rs in RiskShare.objects.filter(budget=budget)} == {
        council: D("60.00"),
        nhs: D("40.00"),
    }


def test_a_pooled_budget_needs_a_host_and_a_section_75_agreement(client, world):
    s256 = AgreementFactory(partnership=world.ours, kind="s256", reference="S256-X")
    client.force_login(world.user("council", Role.OFFICER))
    response = client.post(
        reverse("finance:budget_add", kwargs={"partnership": "ours"}),
        {"name": "Pool", "agreement": s256.reference, "kind": "pooled", "risk_share_rule": "proportional"},
    )
    html = response.content.decode()
    assert "Host body: a pooled budget needs a host body." in html
    assert "Agreement: a pooled budget must rest on a Section 75 agreement" in html
    assert not Budget.objects.exists()


def test_an_auditor_cannot_create_a_budget(client, world):
    client.force_login(world.user("council", Role.AUDITOR))
    assert client.get(reverse("finance:budget_add", kwargs={"partnership": "ours"})).status_code == 403


def test_budget_list_is_per_partnership(client, world, pool, their_budget):
    client.force_login(world.user("council", Role.OFFICER))
    html = client.get(reverse("finance:budget_list", kwargs={"partnership": "ours"})).content.decode()
    assert "Better Care Fund pool" in html and "Their pool" not in html
    assert client.get(reverse("finance:budget_list", kwargs={"partnership": "theirs"})).status_code == 404
    # Each budget's agreement is a link to it.
    agreement = pool.budget.agreement
    assert f'<a href="{agreement.get_absolute_url()}">{agreement.reference}</a>' in html


def _transfer_data(world, agreement, **overrides):
    data = {
        "agreement": agreement.reference,
        "from_organisation": world.bodies["nhs"].pk,
        "to_organisation": world.bodies["council"].pk,
        "purpose": "Social care which benefits health",
        "conditions": "Quarterly report of spend",
        "year": "2018/19",
        "amount": "£250,000.00",
        "status": "proposed",
        "payment_date": "",
    }
    data.update(overrides)
    return data


def test_nhs_finance_officer_records_a_transfer_to_the_council(client, world):
    agreement = AgreementFactory(partnership=world.ours, kind="s256", reference="S256-1")
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    url = reverse("finance:transfer_add", kwargs={"partnership": "ours"})
    response = client.post(url, _transfer_data(world, agreement, status="paid"))
    assert "Payment date: enter the date it was paid (the status is paid)." in response.content.decode()
    response = client.post(url, _transfer_data(world, agreement, status="paid", payment_date="2018-11-30"))
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert transfer.amount == D("250000.00") and transfer.payment_date == datetime.date(2018, 11, 30)
    listing = client.get(reverse("finance:transfer_list", kwargs={"partnership": "ours"})).content.decode()
    assert "£250,000.00" in listing and "2018/19" in listing
    assert f'<a href="{agreement.get_absolute_url()}">S256-1</a>' in listing
    TransferFactory(
        agreement=agreement, from_organisation=world.bodies["nhs"], to_organisation=world.bodies["council"]
    )
    listing = client.get(reverse("finance:transfer_list", kwargs={"partnership": "ours"})).content.decode()
    assert "Total of the 2 transfers shown: £500,000.00" in listing
    listing = client.get(reverse("finance:transfer_list", kwargs={"partnership": "ours"}) + "?status=paid")
    assert "Total of the 1 transfer shown: £250,000.00" in listing.content.decode()


def test_a_transfer_names_its_section_256_by_reference_and_is_offered_only_those(client, world):
    s256 = AgreementFactory(partnership=world.ours, kind="s256", reference="S256-1", title="Discharge")
    AgreementFactory(
        partnership=world.ours, kind="s75_pooled_fund", reference="S75-1", title="Discharge pool"
    )
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    url = reverse("finance:transfer_add", kwargs={"partnership": "ours"})
    form_page = client.get(url).content.decode()
    search = reverse("agreements:choices", kwargs={"partnership": "ours"}) + "?kind=s256"
    assert f'data-app-autocomplete="{search}"' in form_page
    assert client.get(search + "&q=discharge").json() == {"results": ["S256-1 — Discharge"]}

    response = client.post(url, {**_transfer_data(world, s256), "agreement": "S75-1"})
    assert response.context["form"].errors["agreement"] == [
        "No agreement here has the reference “S75-1”: type a reference as it is shown on the agreement, "
        "or pick one from the suggestions"
    ]
    response = client.post(url, {**_transfer_data(world, s256), "agreement": "S256-1 — Discharge"})
    assert response.status_code == 302
    assert Transfer.objects.get().agreement == s256


def test_transfer_must_be_under_a_s256_agreement_from_nhs_to_council(world):
    s75 = AgreementFactory(partnership=world.ours, reference="S75-1")
    transfer = Transfer(
        agreement=s75,
        from_organisation=world.bodies["council"],
        to_organisation=world.bodies["nhs"],
        purpose="Backwards",
        year=2018,
        amount=D("1"),
    )
    with pytest.raises(ValidationError) as error:
        services.save_transfer(transfer=transfer, user=world.user("council", Role.FINANCE_OFFICER))
    messages = error.value.message_dict
    assert messages["agreement"] == ["Agreement: a transfer must be made under a Section 256 agreement."]
    assert messages["from_organisation"] == ["From: a Section 256 transfer is paid by an NHS body."]
    assert messages["to_organisation"] == ["To: a Section 256 transfer is paid to a council."]


def test_council_cannot_record_a_transfer_as_if_from_the_nhs_body(client, world):
    agreement = AgreementFactory(partnership=world.ours, kind="s256", reference="S256-2")
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    response = client.post(
        reverse("finance:transfer_add", kwargs={"partnership": "ours"}), _transfer_data(world, agreement)
    )
    assert response.status_code in (200, 403)
    assert not Transfer.objects.exists()


def test_only_the_paying_body_changes_a_transfer(client, world):
    transfer = TransferFactory(
        agreement=AgreementFactory(partnership=world.ours, kind="s256", reference="S256-3"),
        from_organisation=world.bodies["nhs"],
        to_organisation=world.bodies["council"],
    )
    edit = reverse("finance:transfer_edit", kwargs={"partnership": "ours", "pk": transfer.pk})
    client.force_login(world.user("council", Role.FINANCE_OFFICER))
    assert client.get(edit).status_code == 403
    client.force_login(world.user("nhs", Role.FINANCE_OFFICER))
    assert client.get(edit).status_code == 200
    client.force_login(world.user("other", Role.FINANCE_OFFICER))
    assert client.get(edit).status_code == 404


def test_partnership_page_links_to_budgets_and_transfers(client, world):
    client.force_login(world.user("council", Role.OFFICER))
    html = client.get(reverse("partnership_detail", kwargs={"partnership": "ours"})).content.decode()
    assert reverse("finance:budget_list", kwargs={"partnership": "ours"}) in html
    assert reverse("finance:transfer_list", kwargs={"partnership": "ours"}) in html


def test_attention_items_missing_monitoring_and_unclosed_year(world, pool):
    config = apps.get_app_config("finance")
    today = datetime.date(2019, 5, 10)  # last month is April 2019, month 1 of 2019/20
    user = world.user("nhs", Role.FINANCE_OFFICER)
    services.set_contribution(
        budget=pool.budget, organisation=world.bodies["nhs"], year=2019, amount=D("1"), user=user
    )
    items = config.attention_items(user, today=today)
    texts = [item["text"] for item in items]
    assert any("monitoring for April 2019/20 not entered for 1 line" in t for t in texts)
    # Closing is for the host (the Council), so the ICB is not asked to close 2018/19...
    assert not any("not closed" in t for t in texts)
    council_texts = [
        i["text"] for i in config.attention_items(world.user("council", Role.FINANCE_OFFICER), today=today)
    ]
    assert "Better Care Fund pool: year end 2018/19 not closed" in council_texts
    # ...and entering April's monitoring clears the ICB's item.
    services.record_monitoring(
        line=pool.nhs_line, year=2019, month=1, actual_to_date=D("0"), forecast_outturn=D("0"), user=user
    )
    assert not config.attention_items(user, today=today)
    assert config.attention_items(world.user("nhs", Role.AUDITOR), today=today) == []


@pytest.mark.parametrize(
    "model", ["budget", "contribution", "budgetline", "monitoring", "yearend", "transfer"]
)
def test_admin_lists_finance_records(client, superuser, pool, model):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:finance_{model}_changelist")).status_code == 200


def test_admin_budget_change_page(client, superuser, pool):
    client.force_login(superuser)
    assert client.get(reverse("admin:finance_budget_change", args=[pool.budget.pk])).status_code == 200


def test_sweep_reminds_each_finance_officer_once(world, pool):
    from partnership.models import Reminder

    config = apps.get_app_config("finance")
    today = datetime.date(2019, 5, 10)
    services.set_contribution(
        budget=pool.budget,
        organisation=world.bodies["nhs"],
        year=2019,
        amount=D("1"),
        user=world.user("nhs", Role.FINANCE_OFFICER),
    )
    first = config.sweep_reminders(today=today)
    assert first >= 2  # each body's finance officer: its own line's April monitoring
    assert config.sweep_reminders(today=today) == 0  # a second sweep sends nothing again
    nhs_reminders = Reminder.objects.filter(recipient=world.user("nhs", Role.FINANCE_OFFICER))
    assert [r.subject for r in nhs_reminders] == [
        "Better Care Fund pool: monitoring for April 2019/20 not entered for 1 line your body runs"
    ]


def test_an_agreement_shows_the_budgets_and_transfers_resting_on_it(client, world):
    """The agreement's page names the first few budgets and Section 256 transfers under it
    (each budget a link), says how many there are beyond those, and links to the registers
    filtered to them; its queries are the same with one budget or eight."""
    from tests.finance.factories import BudgetFactory

    agreement = AgreementFactory(partnership=world.ours, kind="s75_pooled_fund", reference="S75-POOL")
    other = AgreementFactory(partnership=world.ours, kind="s75_pooled_fund", reference="S75-OTHER")
    BudgetFactory(partnership=world.ours, agreement=other, host=world.bodies["council"], name="Not this one")
    first = BudgetFactory(
        partnership=world.ours, agreement=agreement, host=world.bodies["council"], name="A pool"
    )
    client.force_login(world.user("council", Role.OFFICER))
    client.get(agreement.get_absolute_url())
    with CaptureQueriesContext(connection) as with_one:
        page = client.get(agreement.get_absolute_url()).content.decode()
    assert f'<a class="govuk-link" href="{first.get_absolute_url()}">A pool</a>' in page
    assert "Not this one" not in page and "All 1 " not in page
    assert "Section 256 transfers under it" not in page  # none: no row

    for number in range(2, 9):
        BudgetFactory(
            partnership=world.ours, agreement=agreement, host=world.bodies["council"], name=f"Pool {number}"
        )
    with CaptureQueriesContext(connection) as with_eight:
        page = client.get(agreement.get_absolute_url()).content.decode()
    assert len(with_eight) == len(with_one)
    assert page.count('href="/p/ours/finance/budgets/') == 5
    register = reverse("finance:budget_list", kwargs={"partnership": "ours"}) + "?agreement=S75-POOL"
    assert f'<a class="govuk-link" href="{register}">All 8 budgets under it</a>' in page
    listing = client.get(register).content.decode()
    assert "A pool" in listing and "Pool 8" in listing and "Not this one" not in listing

    transfers = AgreementFactory(partnership=world.ours, kind="s256", reference="S256-2")
    transfer = nhs_to_council(world, transfers, purpose="Reablement")
    page = client.get(transfers.get_absolute_url()).content.decode()
    assert "Section 256 transfers under it" in page
    assert f'<a class="govuk-link" href="{transfer.get_absolute_url()}">Reablement</a>' in page
    assert "All 1 " not in page


def nhs_to_council(world, agreement, **values):
    return TransferFactory(
        agreement=agreement,
        from_organisation=world.bodies["nhs"],
        to_organisation=world.bodies["council"],
        **values,
    )


def test_a_transfer_has_a_page_everyone_in_the_partnership_reads_and_its_payer_edits(client, world):
    """The register links each transfer to its page (not its edit form, which an auditor or
    the council may not open); the page shows every term, the history of its changes, and an
    Edit button only to the paying NHS body's officers."""
    agreement = AgreementFactory(partnership=world.ours, kind="s256", reference="S256-3")
    transfer = nhs_to_council(
        world,
        agreement,
        purpose="Community equipment",
        conditions="Quarterly report of spend",
        year=2018,
        amount=Decimal("125000.00"),
    )
    page_url = reverse("finance:transfer_detail", kwargs={"partnership": "ours", "pk": transfer.pk})
    edit_url = reverse("finance:transfer_edit", kwargs={"partnership": "ours", "pk": transfer.pk})
    for body, role, edits in (
        ("council", Role.AUDITOR, False),
        ("council", Role.FINANCE_OFFICER, False),
        ("nhs", Role.FINANCE_OFFICER, True),
    ):
        client.force_login(world.user(body, role))
        listing = client.get(
            reverse("finance:transfer_list", kwargs={"partnership": "ours"})
        ).content.decode()
        assert f'href="{page_url}"' in listing and f'href="{edit_url}"' not in listing
        page = client.get(page_url)
        assert page.status_code == 200
        text = page.content.decode()
        for shown in ("Community equipment", "Quarterly report of spend", "£125,000.00", "2018/19", "S256-3"):
            assert shown in text, (role, shown)
        assert (f'href="{edit_url}"' in text) is edits, (body, role)
        assert client.get(edit_url).status_code == (200 if edits else 403)
    services.save_transfer(
        transfer=_with(transfer, amount=Decimal("130000.00")),
        user=world.user("nhs", Role.FINANCE_OFFICER),
        reason="Uplift agreed",
    )
    client.force_login(world.user("council", Role.AUDITOR))
    history = client.get(
        reverse("finance:transfer_history", kwargs={"partnership": "ours", "pk": transfer.pk})
    )
    assert "£125,000.00" in history.content.decode() and "£130,000.00" in history.content.decode()
    theirs = client.get(
        reverse("finance:transfer_detail", kwargs={"partnership": "theirs", "pk": transfer.pk})
    )
    assert theirs.status_code == 404


def _with(record, **values):
    for name, value in values.items():
        setattr(record, name, value)
    return record
