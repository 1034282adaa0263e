"""Rights on a partnership's records follow each body's Partner place on the day asked.

A body that joins acts on the partnership's existing committees and budgets
per its roles from its joining date; a body that has left changes nothing
after its leaving date (its own records included) but its people still read,
read-only, what was recorded while it was a partner (``partnership/permissions.py``).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from committees import access as committee_access
from finance import access as finance_access
from finance import services as finance_services
from finance.models import Budget, Contribution
from partnership import permissions
from partnership.choices import OrganisationKind, Role
from partnership.models import Partner
from tests.committees.factories import CommitteeFactory
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.finance.factories import BudgetFactory, ContributionFactory

DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


@pytest.fixture
def records(world):
    """A committee and a budget of ``world.ours`` created before anyone joined or left."""
    committee = CommitteeFactory(partnership=world.ours, name="Joint Commissioning Board")
    budget = BudgetFactory(partnership=world.ours, host=world.bodies["council"], name="Better Care Fund")
    return committee, budget


def new_body(world, *, joined=None, left=None):
    """A body placed in ``world.ours`` with one person per role; returns {role: user}."""
    body = OrganisationFactory(name="Newcomer Trust", kind=OrganisationKind.NHS_TRUST)
    Partner.objects.create(partnership=world.ours, organisation=body, joined=joined, left=left)
    return body, {
        role: MembershipFactory(
            user=UserFactory(username=f"newcomer-{role}"), organisation=body, role=role
        ).user
        for role in Role.values
    }


def leave(world, body_key, on):
    place = Partner.objects.get(partnership=world.ours, organisation=world.bodies[body_key])
    place.left = on
    place.save()


def backdate(*records):
    """Record ``records`` as created three days ago, before anyone left."""
    for record in records:
        type(record).objects.filter(pk=record.pk).update(created_at=timezone.now() - 3 * DAY)
        record.refresh_from_db()


def fresh(user):
    """The user as a new request would load it (nothing cached)."""
    return type(user).objects.get(pk=user.pk)


#: (role, may run the committee, may manage the committee, may change the budget)
ROLE_RIGHTS = [
    (Role.COMMITTEE_SECRETARY, True, True, False),
    (Role.ADMINISTRATOR, False, True, False),
    (Role.OFFICER, False, False, True),
    (Role.FINANCE_OFFICER, False, False, True),
    (Role.SIGNATORY, False, False, False),
    (Role.AUDITOR, False, False, False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "runs", "manages", "changes_budget"), ROLE_RIGHTS)
def test_a_body_joining_later_acts_on_existing_records_per_its_role(
    world, records, role, runs, manages, changes_budget
):
    committee, budget = records
    _, people = new_body(world, joined=today() - DAY)
    user = people[role]
    assert committee_access.can_run(user, committee) is runs
    assert committee_access.can_manage(user, committee) is manages
    assert finance_access.may_save_budget(user, budget) is changes_budget


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "runs", "manages", "changes_budget"), ROLE_RIGHTS)
def test_a_body_joining_tomorrow_has_no_rights_today_but_has_them_from_its_joining_date(
    world, records, role, runs, manages, changes_budget
):
    committee, budget = records
    _, people = new_body(world, joined=today() + DAY)
    user = people[role]
    assert not permissions.has_object_permission(user, committee, "service")
    assert not permissions.has_object_permission(user, committee, "change")
    assert not permissions.has_object_permission(user, budget, "change")
    tomorrow = today() + DAY
    assert permissions.has_object_permission(user, committee, "service", on=tomorrow) is runs
    assert permissions.has_object_permission(user, committee, "change", on=tomorrow) is manages
    assert permissions.has_object_permission(user, budget, "change", on=tomorrow) is changes_budget


#: (role, the record, the action its role allowed while a partner)
LEAVER_CASES = [
    (Role.COMMITTEE_SECRETARY, "committee", "service"),
    (Role.ADMINISTRATOR, "committee", "change"),
    (Role.ADMINISTRATOR, "partnership", "change"),
    (Role.OFFICER, "budget", "change"),
    (Role.FINANCE_OFFICER, "budget", "change"),
    (Role.FINANCE_OFFICER, "own contribution", "change"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "record", "action"), LEAVER_CASES)
def test_a_leaver_changes_nothing_after_its_leaving_date(world, records, role, record, action):
    committee, budget = records
    contribution = ContributionFactory(budget=budget, organisation=world.bodies["nhs"], year=2026)
    target = {
        "committee": committee,
        "budget": budget,
        "partnership": world.ours,
        "own contribution": contribution,
    }[record]
    user = world.user("nhs", role)
    assert permissions.has_object_permission(user, target, action), "allowed while a partner"
    leave(world, "nhs", today() - DAY)
    user = fresh(user)
    assert not permissions.has_object_permission(user, target, action)
    assert permissions.has_object_permission(user, target, action, on=today() - DAY), "on its last day"
    assert not permissions.has_object_permission(user, target, action, on=today())


@pytest.mark.django_db
def test_a_leaver_may_not_create_records_nor_change_its_own_contribution_through_the_service(world, records):
    _, budget = records
    contribution = ContributionFactory(
        budget=budget, organisation=world.bodies["nhs"], year=2026, amount=Decimal("100.00")
    )
    leave(world, "nhs", today() - DAY)
    user = fresh(world.user("nhs", Role.FINANCE_OFFICER))
    assert not permissions.can_create(user, Budget, world.ours)
    assert not finance_access.may_enter_figures(user, world.ours, world.bodies["nhs"])
    with pytest.raises(PermissionDenied):
        finance_services.set_contribution(
            budget=budget, organisation=world.bodies["nhs"], year=2026, amount="200.00", user=user
        )
    contribution.refresh_from_db()
    assert contribution.amount == Decimal("100.00")


@pytest.mark.django_db
def test_the_remaining_partner_keeps_its_rights_when_another_leaves(world, records):
    committee, budget = records
    leave(world, "nhs", today() - DAY)
    assert committee_access.can_run(fresh(world.user("council", Role.COMMITTEE_SECRETARY)), committee)
    assert finance_access.may_save_budget(fresh(world.user("council", Role.OFFICER)), budget)


@pytest.mark.django_db
def test_a_leaver_keeps_its_own_records_no_other_body_gains_them(world, records):
    _, budget = records
    contribution = ContributionFactory(budget=budget, organisation=world.bodies["nhs"], year=2026)
    leave(world, "nhs", today() - DAY)
    _, people = new_body(world, joined=today() - DAY)
    assert not permissions.can_change(people[Role.FINANCE_OFFICER], contribution)
    assert not permissions.can_change(fresh(world.user("council", Role.FINANCE_OFFICER)), contribution)


# --- The read rule: a leaver reads what was recorded while it was a partner -------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.AUDITOR, Role.OFFICER])
def test_a_leaver_reads_records_from_its_time_but_not_later_ones(world, records, role):
    committee, budget = records
    leave(world, "nhs", today() - DAY)
    later = BudgetFactory(partnership=world.ours, host=world.bodies["council"], name="Later fund")
    backdate(budget)
    user = fresh(world.user("nhs", role))
    seen = set(permissions.restrict(Budget.objects.all(), user).values_list("pk", flat=True))
    assert budget.pk in seen
    assert later.pk not in seen
    assert permissions.can_view(user, budget)
    assert not permissions.can_view(user, later)
    assert permissions.can_view(user, world.ours)


@pytest.mark.django_db
def test_a_body_still_a_partner_through_another_place_sees_everything(world, records):
    """A person of a leaver who also acts for a current partner is not narrowed."""
    leave(world, "nhs", today() - DAY)
    user = world.user("nhs", Role.OFFICER)
    MembershipFactory(user=user, organisation=world.bodies["council"], role=Role.OFFICER)
    later = BudgetFactory(partnership=world.ours, host=world.bodies["council"], name="Later fund")
    assert permissions.restrict(Budget.objects.filter(pk=later.pk), fresh(user)).exists()


@pytest.mark.django_db
def test_restricting_for_a_leaver_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    leave(world, "nhs", today() - DAY)
    for n in range(8):
        BudgetFactory(partnership=world.ours, host=world.bodies["council"], name=f"Fund {n}")
    user = fresh(world.user("nhs", Role.OFFICER))
    with django_assert_max_num_queries(3):
        list(permissions.restrict(Budget.objects.all(), user))


@pytest.mark.django_db
def test_a_checker_answers_many_contributions_in_a_fixed_number_of_queries(
    world, records, django_assert_max_num_queries
):
    _, budget = records
    contributions = [
        ContributionFactory(budget=budget, organisation=world.bodies[key], year=year)
        for key in ("council", "nhs")
        for year in range(2020, 2026)
    ]
    user = fresh(world.user("nhs", Role.FINANCE_OFFICER))
    loaded = list(Contribution.objects.filter(pk__in=[c.pk for c in contributions]))
    with django_assert_max_num_queries(8):
        checker = permissions.permission_checker(user, loaded)
        answers = {c.organisation_id: permissions.can_change(user, c, checker) for c in loaded}
    assert answers == {world.bodies["council"].pk: False, world.bodies["nhs"].pk: True}


# --- The pages ------------------------------------------------------------------------


def committee_url(name, committee):
    return reverse(f"committees:{name}", kwargs={"partnership": "ours", "pk": committee.pk})


def budget_url(name, budget):
    return reverse(f"finance:{name}", kwargs={"partnership": "ours", "pk": budget.pk})


@pytest.mark.django_db
def test_the_joiner_edits_an_existing_budget_and_committee_through_the_pages(client, world, records):
    committee, budget = records
    _, people = new_body(world, joined=today() - DAY)
    client.force_login(people[Role.OFFICER])
    assert client.get(budget_url("budget_edit", budget)).status_code == 200
    assert client.get(committee_url("committee_edit", committee)).status_code == 403
    client.force_login(people[Role.ADMINISTRATOR])
    assert client.get(committee_url("committee_edit", committee)).status_code == 200
    assert client.get(reverse("partnership_edit", kwargs={"partnership": "ours"})).status_code == 200


@pytest.mark.django_db
def test_the_joiner_saves_an_existing_budget_with_history(client, world, records):
    _, budget = records
    _, people = new_body(world, joined=today() - DAY)
    client.force_login(people[Role.OFFICER])
    form = client.get(budget_url("budget_edit", budget)).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "description": "Joined and edited",
            "reason": "The Trust joined the partnership",
            "agreement": budget.agreement.reference,
            "host": budget.host_id,
        }
    )
    for name, field in form.fields.items():
        if name not in data and field.initial is not None:
            data[name] = field.initial
    response = client.post(budget_url("budget_edit", budget), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    budget.refresh_from_db()
    assert budget.description == "Joined and edited"
    assert budget.history.first().history_user == people[Role.OFFICER]


@pytest.mark.django_db
def test_the_leaver_sees_its_time_read_only_on_the_pages(client, world, records):
    committee, budget = records
    backdate(committee, budget)
    leave(world, "nhs", today() - DAY)
    later = BudgetFactory(partnership=world.ours, host=world.bodies["council"], name="Later fund")
    client.force_login(world.user("nhs", Role.OFFICER))
    page = client.get(budget_url("budget_detail", budget))
    assert page.status_code == 200
    assert budget_url("budget_edit", budget) not in page.content.decode()
    assert client.get(budget_url("budget_edit", budget)).status_code == 403
    assert client.get(budget_url("budget_detail", later)).status_code == 404
    listing = client.get(reverse("finance:budget_list", kwargs={"partnership": "ours"})).content.decode()
    assert "Better Care Fund" in listing and "Later fund" not in listing
    client.force_login(world.user("nhs", Role.COMMITTEE_SECRETARY))
    assert client.get(committee_url("committee_edit", committee)).status_code == 403
    client.force_login(world.user("nhs", Role.ADMINISTRATOR))
    assert client.get(reverse("partnership_edit", kwargs={"partnership": "ours"})).status_code == 403
    assert client.get(reverse("partnership_detail", kwargs={"partnership": "ours"})).status_code == 200
