"""Bodies over time: a reorganisation abolishes bodies on a date, and one reviewed transfer
moves every live record that names them to a successor, or ends it, with history."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from agreements import access as agreement_access
from agreements.choices import AgreementStatus
from agreements.models import AgreementParty
from committees.forms import CommitteeMemberForm, DelegationForm
from committees.models import CommitteeMember, CommitteeQuorumRule, Delegation
from finance import services as finance_services
from finance.forms import ContributionForm
from finance.models import Contribution
from partnership import reorganisation as service
from partnership.choices import OrganisationKind, ReorganisationStatus, Role, TransferOutcome
from partnership.forms import OrganisationForm
from partnership.models import Membership, Organisation, Partner, Reorganisation, TransferredRecord
from staffing.models import Post, PostShare
from tests.agreements.factories import AgreementPaymentFactory, agreement_between
from tests.committees.factories import (
    CommitteeFactory,
    CommitteeMemberFactory,
    DelegationFactory,
    QuorumRuleFactory,
)
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnerFactory,
    PartnershipFactory,
    UserFactory,
)
from tests.finance.factories import BudgetFactory, ContributionFactory
from tests.races import race
from tests.staffing.factories import PostFactory, PostShareFactory

D = datetime.date
TAKES_EFFECT = D(2013, 4, 1)
LAST_DAY = D(2013, 3, 31)

KINDS = [
    "partner",
    "party",
    "payment_from",
    "payment_to",
    "delegation",
    "seat",
    "quorum",
    "membership",
    "post",
    "post_share",
    "contribution",
]
#: Each abolished body's live records: one of each kind, and a second membership (its administrator).
PER_BODY = len(KINDS) + 1


def build(abolished_count=1, successor_count=1):
    """A council and ``abolished_count`` PCTs in one partnership, each PCT holding one live record
    of every kind (and a past contribution, which stays), and ``successor_count`` CCGs."""
    w = SimpleNamespace()
    w.partnership = PartnershipFactory(name="Reorganising partnership", slug="reorganising")
    w.council = OrganisationFactory(name="Shire Council", active_from=D(1998, 4, 1))
    PartnerFactory(partnership=w.partnership, organisation=w.council)
    w.pcts = [
        OrganisationFactory(name=f"Shire PCT {n}", kind=OrganisationKind.PCT, active_from=D(2006, 10, 1))
        for n in range(abolished_count)
    ]
    w.ccgs = [
        OrganisationFactory(name=f"Shire CCG {n}", kind=OrganisationKind.CCG, active_from=D(2012, 4, 1))
        for n in range(successor_count)
    ]
    w.committee = CommitteeFactory(partnership=w.partnership, name="Shire Joint Commissioning Board")
    w.budget = BudgetFactory(partnership=w.partnership, host=w.council)
    w.admin = UserFactory(username="pct-admin")
    w.officer = UserFactory(username="pct-officer")
    w.records = {}
    for pct in w.pcts:
        PartnerFactory(partnership=w.partnership, organisation=pct, joined=D(2008, 4, 1))
        agreement = agreement_between(w.partnership, w.council, pct, status=AgreementStatus.IN_FORCE)
        MembershipFactory(user=w.admin, organisation=pct, role=Role.ADMINISTRATOR)
        MembershipFactory(user=w.officer, organisation=pct, role=Role.OFFICER)
        post = PostFactory(partnership=w.partnership, employer=pct, start_date=D(2009, 4, 1))
        ContributionFactory(budget=w.budget, organisation=pct, year=2012, amount=Decimal("100.00"))
        w.records[pct.pk] = {
            "partner": Partner.objects.get(partnership=w.partnership, organisation=pct),
            "party": AgreementParty.objects.get(agreement=agreement, organisation=pct),
            "payment_from": AgreementPaymentFactory(agreement=agreement, payer=pct, payee=w.council),
            "payment_to": AgreementPaymentFactory(agreement=agreement, payer=w.council, payee=pct),
            "delegation": DelegationFactory(
                partnership=w.partnership,
                from_organisation=pct,
                to_committee=w.committee,
                valid_from=D(2010, 4, 1),
            ),
            "seat": CommitteeMemberFactory(
                committee=w.committee,
                organisation=pct,
                person_name=f"Nominee of {pct.name}",
                from_date=D(2010, 4, 1),
            ),
            "quorum": QuorumRuleFactory(committee=w.committee, organisation=pct),
            "membership": Membership.objects.get(user=w.officer, organisation=pct),
            "post": post,
            "post_share": PostShareFactory(post=post, organisation=pct, share_percent=Decimal("100.00")),
            "contribution": ContributionFactory(
                budget=w.budget, organisation=pct, year=2013, amount=Decimal("250.00")
            ),
        }
    w.superuser = UserFactory(username="site-admin", is_superuser=True, is_staff=True)
    return w


def record(w, user=None):
    return service.record_reorganisation(
        name="PCTs replaced by CCGs",
        takes_effect=TAKES_EFFECT,
        abolished=w.pcts,
        successors=w.ccgs,
        user=user or w.superuser,
    )


def assert_moved(kind, old, successor, pct):
    """What a record of ``kind`` looks like after moving from ``pct`` to ``successor``."""
    if kind == "partner":
        old.refresh_from_db()
        assert old.left == LAST_DAY
        assert Partner.objects.get(partnership=old.partnership, organisation=successor).joined == TAKES_EFFECT
    elif kind == "party":
        old.refresh_from_db()
        assert old.organisation == successor
    elif kind in ("payment_from", "payment_to"):
        old.refresh_from_db()
        side = "payer" if kind == "payment_from" else "payee"
        assert getattr(old, side) == successor
    elif kind == "delegation":
        old.refresh_from_db()
        assert old.valid_to == LAST_DAY
        assert Delegation.objects.filter(
            from_organisation=successor,
            valid_from=TAKES_EFFECT,
            scope=old.scope,
            to_committee=old.to_committee,
        ).exists()
    elif kind == "seat":
        old.refresh_from_db()
        assert old.to_date == LAST_DAY and old.organisation == pct
        new = CommitteeMember.objects.get(organisation=successor, person_name=old.person_name)
        assert new.from_date == TAKES_EFFECT and new.to_date is None
    elif kind == "quorum":
        # In a merger the successor keeps one rule (the first moved; the others are removed).
        assert not CommitteeQuorumRule.objects.filter(organisation=pct).exists()
        assert (
            CommitteeQuorumRule.objects.filter(committee=old.committee, organisation=successor).count() == 1
        )
    elif kind == "membership":
        assert not Membership.objects.filter(pk=old.pk).exists()
        assert Membership.objects.filter(user=old.user, organisation=successor, role=old.role).exists()
    elif kind == "post":
        old.refresh_from_db()
        assert old.employer == successor and old.end_date is None
    elif kind == "post_share":
        old.refresh_from_db()
        assert old.organisation == successor
    elif kind == "contribution":
        assert not Contribution.objects.filter(organisation=pct, year=2013).exists()
        assert Contribution.objects.filter(organisation=successor, year=2013).exists()
        assert Contribution.objects.get(organisation=pct, year=2012).amount == Decimal("100.00")


def assert_ended(kind, old, pct):
    if kind == "partner":
        old.refresh_from_db()
        assert old.left == LAST_DAY
    elif kind in ("party", "quorum", "membership", "contribution", "payment_from", "payment_to"):
        assert not type(old).objects.filter(pk=old.pk).exists()
    elif kind == "delegation":
        old.refresh_from_db()
        assert old.valid_to == LAST_DAY
        assert Delegation.objects.filter(scope=old.scope).count() == 1
    elif kind == "seat":
        old.refresh_from_db()
        assert old.to_date == LAST_DAY
        assert CommitteeMember.objects.filter(person_name=old.person_name).count() == 1
    elif kind == "post":
        old.refresh_from_db()
        assert old.end_date == LAST_DAY and old.employer == pct


# --- Every kind of record, moved or ended ----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "shape, abolished_count, successor_count",
    [("one into one", 1, 1), ("merger", 2, 1), ("split", 1, 2)],
)
def test_every_kind_of_live_record_moves_to_the_chosen_successor(shape, abolished_count, successor_count):
    w = build(abolished_count, successor_count)
    reorganisation = record(w)
    touched = service.touched_records(reorganisation)
    assert sorted({t.kind.key for t in touched}) == sorted(KINDS)
    assert len(touched) == PER_BODY * abolished_count
    # In a split each record goes to the successor chosen for it: here alternately.
    choices = {}
    chosen = {}
    for index, t in enumerate(touched):
        successor = w.ccgs[index % successor_count]
        choices[t.key] = str(successor.pk)
        chosen[(t.kind.key, t.organisation.pk)] = successor
    if successor_count == 1:
        assert service.default_choices(reorganisation, touched) == choices
    else:
        assert service.default_choices(reorganisation, touched) == {}
    service.complete_transfer(
        reorganisation=reorganisation, choices=choices, user=w.superuser, reason="Order 2013"
    )

    for pct in w.pcts:
        for kind, old in w.records[pct.pk].items():
            assert_moved(kind, old, chosen[(kind, pct.pk)], pct)
    # Merged contributions add up: no money is lost or made.
    moved = Contribution.objects.filter(year=2013).values_list("amount", flat=True)
    assert sum(moved) == Decimal("250.00") * abolished_count
    reorganisation.refresh_from_db()
    assert reorganisation.status == ReorganisationStatus.COMPLETED
    assert reorganisation.completed_by == w.superuser
    transferred = TransferredRecord.objects.filter(reorganisation=reorganisation)
    assert transferred.count() == len(touched)
    assert set(transferred.values_list("outcome", flat=True)) == {TransferOutcome.MOVED}
    assert service.touched_records(reorganisation) == []
    # History says who moved each record and why.
    seat = w.records[w.pcts[0].pk]["seat"]
    latest = seat.history.first()
    assert (latest.history_user, latest.history_change_reason, latest.to_date) == (
        w.superuser,
        "Order 2013",
        LAST_DAY,
    )


@pytest.mark.django_db
def test_every_kind_that_can_end_is_ended_when_chosen():
    w = build(1, 2)
    reorganisation = record(w)
    touched = service.touched_records(reorganisation)
    choices = {t.key: (service.END if t.can_end else str(w.ccgs[1].pk)) for t in touched}
    assert [t.kind.key for t in touched if not t.can_end] == ["post_share"]
    service.complete_transfer(reorganisation=reorganisation, choices=choices, user=w.superuser)
    pct = w.pcts[0]
    for kind, old in w.records[pct.pk].items():
        if kind == "post_share":
            continue
        assert_ended(kind, old, pct)
    assert not Partner.objects.filter(organisation__in=w.ccgs).exists()
    ended = TransferredRecord.objects.filter(outcome=TransferOutcome.ENDED)
    assert ended.count() == PER_BODY - 1
    assert all(entry.to_organisation is None for entry in ended)


@pytest.mark.django_db
def test_a_share_of_a_post_cannot_be_ended_only_moved():
    w = build(1, 2)
    reorganisation = record(w)
    choices = {t.key: service.END for t in service.touched_records(reorganisation)}
    with pytest.raises(ValidationError, match="cannot be ended"):
        service.complete_transfer(reorganisation=reorganisation, choices=choices, user=w.superuser)
    assert Reorganisation.objects.get().status == ReorganisationStatus.RECORDED
    assert Partner.objects.get(organisation=w.pcts[0]).left is None


@pytest.mark.django_db
def test_a_split_needs_a_choice_for_every_record_and_nothing_changes_without_one():
    w = build(1, 2)
    reorganisation = record(w)
    touched = service.touched_records(reorganisation)
    choices = {t.key: str(w.ccgs[0].pk) for t in touched[1:]}
    with pytest.raises(ValidationError, match="review the transfer again"):
        service.complete_transfer(reorganisation=reorganisation, choices=choices, user=w.superuser)
    assert service.touched_records(reorganisation) != []
    assert not TransferredRecord.objects.exists()


@pytest.mark.django_db
def test_recording_ends_the_abolished_bodies_and_names_a_single_successor():
    w = build(2, 1)
    record(w)
    for pct in w.pcts:
        pct.refresh_from_db()
        assert (pct.active_to, pct.successor) == (LAST_DAY, w.ccgs[0])
    with pytest.raises(ValidationError, match="Another reorganisation already abolishes"):
        record(w)


@pytest.mark.django_db
def test_records_ended_before_the_change_and_past_years_are_not_touched():
    w = build(1, 1)
    pct = w.pcts[0]
    seat = w.records[pct.pk]["seat"]
    seat.to_date = D(2012, 3, 31)
    seat.save()
    reorganisation = record(w)
    kinds = [t.kind.key for t in service.touched_records(reorganisation)]
    assert "seat" not in kinds
    assert [
        t.record.year for t in service.touched_records(reorganisation) if t.kind.key == "contribution"
    ] == [2013]


# --- Attention items until done ----------------------------------------------------------


@pytest.mark.django_db
def test_live_records_naming_an_abolished_body_are_attention_items_until_the_transfer_is_done():
    from partnership.apps import attention_items

    w = build(1, 1)
    reorganisation = record(w)
    for person, expected in ((w.superuser, 1), (w.admin, 1), (w.officer, 0)):
        items = [i for i in attention_items(person) if "abolished" in i["text"]]
        assert len(items) == expected, person
    item = next(i for i in attention_items(w.admin) if "abolished" in i["text"])
    assert item["text"].startswith(f"{PER_BODY} live records still name")
    assert item["url"] == reverse("reorganisation_detail", kwargs={"pk": reorganisation.pk})
    touched = service.touched_records(reorganisation)
    service.complete_transfer(
        reorganisation=reorganisation, choices=service.default_choices(reorganisation, touched), user=w.admin
    )
    assert [i for i in attention_items(w.admin) if "abolished" in i["text"]] == []
    assert [i for i in attention_items(w.superuser) if "abolished" in i["text"]] == []


@pytest.mark.django_db
def test_the_home_page_shows_the_attention_item(client):
    w = build(1, 1)
    record(w)
    client.force_login(w.admin)
    page = client.get(reverse("home")).content.decode()
    assert f"{PER_BODY} live records still name {w.pcts[0].display_name}, abolished on 31 March 2013" in page


# --- Nothing done for a body outside its life --------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "year, refused",
    [(2012, False), (2013, True), (2005, True)],
)
def test_a_contribution_is_refused_for_a_year_outside_the_body_s_life(year, refused):
    w = build(1, 1)
    record(w)
    pct = Organisation.objects.get(pk=w.pcts[0].pk)
    finance_officer = UserFactory(username="pct-finance")
    MembershipFactory(user=finance_officer, organisation=pct, role=Role.FINANCE_OFFICER)

    def contribute():
        return finance_services.set_contribution(
            budget=w.budget, organisation=pct, year=year, amount="321.00", user=finance_officer
        )

    if refused:
        with pytest.raises(ValidationError, match="so nobody can contribute for it in"):
            contribute()
        assert not Contribution.objects.filter(organisation=pct, amount=Decimal("321.00")).exists()
    else:
        assert contribute().amount == Decimal("321.00")


def post_delegation(client, w, url, **values):
    return client.post(
        url,
        {
            "to_committee": w.committee.pk,
            "scope": "Everything in the pooled budget",
            "change_reason": "test",
            **values,
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, valid_from, field, refusal",
    [
        ("ccg", D(2012, 4, 1), None, None),
        (
            "ccg",
            D(2005, 1, 1),
            "valid_from",
            "was established on 1 April 2012, so nobody can delegate for it on 1 January 2005",
        ),
        ("pct", D(2010, 4, 1), "from_organisation", "Select the delegating body from the list"),
    ],
)
def test_a_new_delegation_is_refused_from_a_date_outside_the_body_s_life(
    client, body, valid_from, field, refusal
):
    w = build(1, 1)
    record(w)
    delegating = w.ccgs[0] if body == "ccg" else w.pcts[0]
    PartnerFactory(partnership=w.partnership, organisation=w.ccgs[0])
    client.force_login(w.superuser)
    url = reverse("committees:delegation_add", kwargs={"partnership": w.partnership.slug})
    response = post_delegation(
        client, w, url, from_organisation=delegating.pk, valid_from=valid_from.isoformat()
    )
    created = Delegation.objects.filter(scope="Everything in the pooled budget")
    if refusal:
        assert response.status_code == 200
        assert refusal in response.content.decode()
        assert refusal in " ".join(response.context["form"].errors[field])  # shown beside its field
        assert not created.exists()
    else:
        assert response.status_code == 302
        assert created.get().from_organisation == delegating


@pytest.mark.django_db
def test_an_abolished_body_s_delegation_cannot_be_moved_to_start_after_its_end(client):
    w = build(1, 1)
    record(w)
    delegation = w.records[w.pcts[0].pk]["delegation"]
    client.force_login(w.superuser)
    url = reverse(
        "committees:delegation_edit", kwargs={"partnership": w.partnership.slug, "pk": delegation.pk}
    )
    response = post_delegation(
        client, w, url, valid_from="2013-05-01", loaded_version=delegation.updated_at.isoformat()
    )
    assert response.status_code == 200
    assert "was abolished on 31 March 2013" in " ".join(response.context["form"].errors["valid_from"])
    delegation.refresh_from_db()
    assert delegation.valid_from == D(2010, 4, 1)


@pytest.mark.django_db
def test_nobody_can_sign_for_an_abolished_body_after_its_end():
    w = build(1, 1)
    record(w)
    pct = Organisation.objects.get(pk=w.pcts[0].pk)
    signatory = UserFactory(username="pct-signatory")
    MembershipFactory(user=signatory, organisation=pct, role=Role.SIGNATORY)
    assert agreement_access.signing_authority(signatory, pct, D(2013, 3, 1))
    after = agreement_access.signing_authority(signatory, pct, D(2013, 4, 2))
    assert not after and after.about_the_date
    assert "abolished on 31 March 2013" in after.reason


# --- Forms do not offer abolished bodies after their end -------------------------------


@pytest.mark.django_db
def test_forms_do_not_offer_a_body_after_its_end():
    w = build(1, 1)
    pct, ccg = w.pcts[0], w.ccgs[0]
    PartnerFactory(partnership=w.partnership, organisation=ccg)
    record(w)
    bodies = [w.council, pct, ccg]
    delegation_bodies = (
        DelegationForm(partnership=w.partnership, bodies=bodies).fields["from_organisation"].queryset
    )
    assert set(delegation_bodies) == {w.council, ccg}
    new_seat = CommitteeMemberForm(partnership=w.partnership).fields["organisation"].queryset
    assert pct not in new_seat and ccg in new_seat
    # A seat that already names the body keeps it, so the form still saves.
    old_seat = w.records[pct.pk]["seat"]
    assert (
        pct
        in CommitteeMemberForm(partnership=w.partnership, instance=old_seat).fields["organisation"].queryset
    )
    finance_officer = UserFactory(username="two-bodies-finance")
    for body in (pct, ccg):
        MembershipFactory(user=finance_officer, organisation=body, role=Role.FINANCE_OFFICER)
    contribution_bodies = ContributionForm(partnership=w.partnership, user=finance_officer).fields[
        "organisation"
    ]
    assert list(contribution_bodies.queryset) == [ccg]
    assert set(Organisation.objects.existing_on(D(2013, 4, 1))) >= {ccg, w.council}
    assert pct not in Organisation.objects.existing_on(D(2013, 4, 1))
    assert pct in Organisation.objects.existing_on(LAST_DAY)


@pytest.mark.django_db
def test_the_body_form_offers_as_successor_only_bodies_of_the_administrator_s_partnerships():
    w = build(1, 1)
    pct = w.pcts[0]
    stranger = OrganisationFactory(name="Body in nobody's partnership")
    offered = OrganisationForm(instance=pct, user=w.admin).fields["successor"].queryset
    assert w.council in offered and stranger not in offered and pct not in offered
    assert stranger in OrganisationForm(instance=pct, user=w.superuser).fields["successor"].queryset


# --- Who may run it ---------------------------------------------------------------------


def person(w, label):
    if label == "site administrator":
        return w.superuser
    user = UserFactory(username=label.replace(" ", "-"))
    if label == "staff without superuser":
        user.is_staff = True
        user.save()
    elif label == "administrator of every body abolished":
        for pct in w.pcts:
            MembershipFactory(user=user, organisation=pct, role=Role.ADMINISTRATOR)
    elif label == "administrator of one body abolished":
        MembershipFactory(user=user, organisation=w.pcts[0], role=Role.ADMINISTRATOR)
        MembershipFactory(user=user, organisation=w.pcts[1], role=Role.OFFICER)
    elif label == "officer of every body abolished":
        for pct in w.pcts:
            MembershipFactory(user=user, organisation=pct, role=Role.OFFICER)
    elif label == "administrator of the council":
        MembershipFactory(user=user, organisation=w.council, role=Role.ADMINISTRATOR)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, allowed",
    [
        ("site administrator", True),
        ("administrator of every body abolished", True),
        ("administrator of one body abolished", False),
        ("officer of every body abolished", False),
        ("administrator of the council", False),
        ("staff without superuser", False),
    ],
)
def test_only_permitted_people_may_record_and_complete_a_reorganisation(client, who, allowed):
    w = build(2, 1)
    PartnerFactory(partnership=w.partnership, organisation=w.ccgs[0])
    user = person(w, who)
    assert service.may_reorganise(user, w.pcts, w.ccgs) is allowed
    if allowed:
        assert record(w, user).pk
        reorganisation = Reorganisation.objects.get()
    else:
        with pytest.raises(PermissionDenied):
            record(w, user)
        reorganisation = record(w)
    client.force_login(user)
    url = reverse("reorganisation_detail", kwargs={"pk": reorganisation.pk})
    touched = service.touched_records(reorganisation)
    data = service.default_choices(reorganisation, touched)
    response = client.post(url, data)
    reorganisation.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert reorganisation.is_completed
    else:
        assert response.status_code in (403, 404)
        assert not reorganisation.is_completed
        assert service.touched_records(reorganisation) != []


@pytest.mark.django_db
def test_an_administrator_may_not_hand_records_to_a_body_outside_their_partnerships():
    w = build(1, 1)
    stranger = OrganisationFactory(name="Far away ICB", kind=OrganisationKind.ICB)
    assert not service.may_reorganise(w.admin, w.pcts, [stranger])
    with pytest.raises(PermissionDenied):
        service.record_reorganisation(
            name="Away", takes_effect=TAKES_EFFECT, abolished=w.pcts, successors=[stranger], user=w.admin
        )


@pytest.mark.django_db
def test_the_pages_record_review_and_complete_for_an_administrator(client):
    w = build(1, 2)
    for ccg in w.ccgs:
        PartnerFactory(partnership=w.partnership, organisation=ccg)
    client.force_login(w.admin)
    response = client.post(
        reverse("reorganisation_add"),
        {
            "name": "Shire PCT split",
            "takes_effect": "2013-04-01",
            "abolished": [w.pcts[0].pk],
            "successors": [c.pk for c in w.ccgs],
            "legal_basis": "Health and Social Care Act 2012",
        },
    )
    reorganisation = Reorganisation.objects.get()
    assert response.status_code == 302 and response["Location"] == reorganisation.get_absolute_url()
    page = client.get(reorganisation.get_absolute_url()).content.decode()
    for t in service.touched_records(reorganisation):
        assert f'name="{t.key}"' in page
    # A split with no choice made shows every record's error and changes nothing.
    response = client.post(reorganisation.get_absolute_url(), {})
    assert response.status_code == 400
    assert "Choose a successor for this record, or end it." in response.content.decode()
    data = {t.key: str(w.ccgs[1].pk) for t in service.touched_records(reorganisation)}
    response = client.post(reorganisation.get_absolute_url(), data)
    assert response.status_code == 302
    page = client.get(reorganisation.get_absolute_url()).content.decode()
    assert "What was transferred" in page and f"Moved to {w.ccgs[1].display_name}" in page


# --- Two people completing the same transfer at once --------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_people_completing_the_same_transfer_at_once_one_wins_the_other_is_told():
    w = build(1, 1)
    other_admin = UserFactory(username="other-admin")
    MembershipFactory(user=other_admin, organisation=w.pcts[0], role=Role.ADMINISTRATOR)
    reorganisation = record(w)
    touched = service.touched_records(reorganisation)
    choices = service.default_choices(reorganisation, touched)

    first, second = race(
        lambda: service.complete_transfer(reorganisation=reorganisation, choices=choices, user=w.admin),
        lambda: service.complete_transfer(reorganisation=reorganisation, choices=choices, user=other_admin),
    )
    assert not first.refused
    assert second.refused
    assert "completed this transfer at" in second.message and "nothing more was changed" in second.message
    assert TransferredRecord.objects.count() == PER_BODY + 1  # and the other administrator's role
    assert Delegation.objects.filter(from_organisation=w.ccgs[0]).count() == 1
    assert CommitteeMember.objects.filter(organisation=w.ccgs[0]).count() == 1
    assert CommitteeQuorumRule.objects.filter(organisation=w.ccgs[0]).count() == 1
    assert Post.objects.get().employer == w.ccgs[0]
    assert PostShare.objects.get().organisation == w.ccgs[0]


@pytest.mark.django_db
def test_a_moved_seat_titled_for_the_old_kind_of_body_is_titled_for_the_successors():
    w = build(1, 1)
    pct, ccg = w.pcts[0], w.ccgs[0]
    seat = w.records[pct.pk]["seat"]
    seat.person_name, seat.job_title = "PCT Chair", "PCT Non-Executive Director"
    seat.save()
    reorganisation = record(w)
    touched = service.touched_records(reorganisation)
    service.complete_transfer(
        reorganisation=reorganisation,
        choices=service.default_choices(reorganisation, touched),
        user=w.superuser,
        reason="Order 2013",
    )
    new = CommitteeMember.objects.get(organisation=ccg, committee=seat.committee)
    assert (new.person_name, new.job_title, new.from_date) == (
        "CCG Chair",
        "CCG Non-Executive Director",
        TAKES_EFFECT,
    )
    seat.refresh_from_db()
    assert (seat.person_name, seat.to_date) == ("PCT Chair", LAST_DAY), "the old seat keeps its own title"
    assert service.successor_title("Nominee of NHS Walsall PCT", pct, ccg) == "Nominee of NHS Walsall PCT"
