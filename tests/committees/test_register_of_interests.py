"""The register of interests across bodies: one register per member whichever body nominated
them, each entry in its body's words, kept by the member and reviewed by the body; matched
against agendas; public as each body's rules require; reminders yearly and before updates."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from committees import interests, services
from committees.choices import InterestCategory, InterestNature, InterestReview, MeetingStatus
from committees.models import Declaration, RegisteredInterest
from committees.reminders import sweep_reminders
from partnership import permissions
from partnership.choices import Role
from partnership.models import Reminder
from tests.committees.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    CommitteeMemberFactory,
    MeetingFactory,
    RegisteredInterestFactory,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def seats(world):
    """A councillor (with an account) on two of ``ours``' committees and an ICB member on one;
    the council's officer, the ICB's officer and the council's secretary are other people."""
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    board = CommitteeFactory(partnership=world.ours, name="Health and Wellbeing Board", meets_in_public=True)
    scrutiny = CommitteeFactory(partnership=world.ours, name="Joint Commissioning Committee")
    councillor = UserFactory(username="cllr-register")
    MembershipFactory(user=councillor, organisation=council, role=Role.OFFICER)
    clinician = UserFactory(username="dr-register")
    MembershipFactory(user=clinician, organisation=nhs, role=Role.OFFICER)
    return {
        "board": board,
        "councillor": councillor,
        "clinician": clinician,
        "cllr": CommitteeMemberFactory(
            committee=board, organisation=council, user=councillor, person_name="Cllr R"
        ),
        "cllr_jcc": CommitteeMemberFactory(
            committee=scrutiny, organisation=council, user=councillor, person_name="Cllr R"
        ),
        "dr": CommitteeMemberFactory(committee=board, organisation=nhs, user=clinician, person_name="Dr S"),
    }


def entry(seat, **values):
    values.setdefault("confirmed_on", timezone.localdate())
    return RegisteredInterestFactory(member=seat, **values)


def withheld_entry(seat, **values):
    """A reviewed land entry whose details the body agreed to withhold from the public."""
    return entry(
        seat,
        category=InterestCategory.LAND,
        withhold_requested=True,
        withhold_reason="Risk",
        withheld=True,
        **values,
    )


def new_entry(seat, **values):
    return RegisteredInterest(
        partnership=seat.committee.partnership,
        member=seat,
        organisation=values.pop("organisation", seat.organisation),
        category=values.pop("category", InterestCategory.EMPLOYMENT),
        description=values.pop("description", "Solicitor, Bath Law LLP"),
        from_date=values.pop("from_date", D(2015, 5, 7)),
        **values,
    )


# --- Rules, as tables ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("confirmed", "months", "due", "reminded_from"),
    [
        (D(2026, 4, 1), 12, D(2027, 4, 1), D(2027, 3, 4)),
        (D(2027, 1, 31), 1, D(2027, 2, 28), D(2027, 1, 31)),  # no 31 February: its last day
        (D(2027, 3, 31), 11, D(2028, 2, 29), D(2028, 2, 1)),  # a leap year's February
        (D(2026, 12, 2), 6, D(2027, 6, 2), D(2027, 5, 5)),
    ],
)
def test_an_entry_is_due_an_update_the_bodys_months_after_it_was_confirmed_and_reminded_28_days_before(
    world, confirmed, months, due, reminded_from
):
    council = world.bodies["council"]
    council.register_update_months = months
    interest = RegisteredInterest(organisation=council, confirmed_on=confirmed)
    assert interest.update_due == due
    assert interests.update_notice_from(interest) == reminded_from


@pytest.mark.parametrize(
    ("body", "ended_months_ago", "published"),
    [
        ("council", None, True),
        ("council", 0, True),  # ended today: still held today
        ("council", 1, False),  # a council publishes the register as it stands
        ("nhs", 5, True),  # an NHS body keeps it for six months after it ends
        ("nhs", 7, False),
    ],
)
def test_the_public_register_keeps_an_ended_interest_as_its_bodys_rules_require(
    world, body, ended_months_ago, published
):
    today = timezone.localdate()
    to_date = None if ended_months_ago is None else today - datetime.timedelta(days=31 * ended_months_ago)
    interest = RegisteredInterest(
        organisation=world.bodies[body],
        review_status=InterestReview.ACCEPTED,
        from_date=D(2015, 5, 7),
        to_date=to_date,
    )
    assert interests.is_publishable(interest, today) is published
    interest.review_status = InterestReview.AWAITING
    assert interests.is_publishable(interest, today) is False  # only what the body has reviewed


def test_each_body_registers_in_its_own_categories_and_words(world):
    council, nhs = world.bodies["council"], world.bodies["nhs"]
    council_labels = dict(interests.categories_for(council))
    nhs_labels = dict(interests.categories_for(nhs))
    assert council_labels[InterestCategory.LAND] == "Disclosable pecuniary interest: land"
    assert (
        InterestCategory.OTHER_REGISTRABLE in council_labels
        and InterestCategory.FINANCIAL not in council_labels
    )
    assert set(nhs_labels) == {
        InterestCategory.FINANCIAL,
        InterestCategory.NON_FINANCIAL_PROFESSIONAL,
        InterestCategory.NON_FINANCIAL_PERSONAL,
        InterestCategory.INDIRECT,
    }
    assert "Localism Act 2011" in interests.WITHHELD_WORDS["council"]
    assert interests.DECLARATION_NATURE[InterestCategory.SECURITIES] == InterestNature.DISCLOSABLE_PECUNIARY
    assert interests.DECLARATION_NATURE[InterestCategory.INDIRECT] == InterestNature.CONFLICT


@pytest.mark.parametrize(
    ("registered", "on_item", "matched"),
    [
        ("Bath Home Care Ltd", "bath home care limited", True),  # case and company suffix ignored
        ("The Carers' Centre", "Carers Centre", True),  # punctuation and "the" ignored
        ("Sirona Care & Health", "Sirona care & health CIC", True),
        ("Bath Home Care Ltd", "Bristol Home Care Ltd", False),
        ("", "Bath Home Care Ltd", False),
    ],
)
def test_an_item_touches_an_interest_that_names_the_same_organisation(seats, registered, on_item, matched):
    meeting = MeetingFactory(committee=seats["board"])
    item = AgendaItemFactory(meeting=meeting, named_organisations=on_item)
    interest = entry(seats["cllr"], named_organisations=registered)
    found = interests.matches([item], [interest], meeting.date)
    assert bool(found) is matched
    if matched:
        assert found[0].item == item and found[0].interest == interest and found[0].terms == (registered,)


def test_topics_match_and_interests_not_held_on_the_meeting_day_do_not(seats):
    meeting = MeetingFactory(committee=seats["board"])
    item = AgendaItemFactory(meeting=meeting, topics="Care homes\nCarers")
    held = entry(seats["cllr"], topics="carers")
    ended = entry(seats["cllr"], topics="Care homes", to_date=meeting.date - datetime.timedelta(days=1))
    future = entry(seats["cllr"], topics="Care homes", from_date=meeting.date + datetime.timedelta(days=1))
    found = interests.matches([item], [held, ended, future], meeting.date)
    assert [match.interest for match in found] == [held]


# --- One register per person, whichever seat ----------------------------------------------------------


def test_a_members_register_is_the_same_from_every_seat_their_account_holds(seats):
    first = entry(seats["cllr"])
    second = entry(seats["cllr_jcc"])
    entry(seats["dr"], organisation=seats["dr"].organisation, category=InterestCategory.FINANCIAL)
    assert set(seats["cllr"].register()) == set(seats["cllr_jcc"].register()) == {first, second}
    without_account = CommitteeMemberFactory(
        committee=seats["board"], organisation=seats["cllr"].organisation
    )
    own = entry(without_account)
    assert list(without_account.register()) == [own]


# --- Writing, reviewing, confirming -------------------------------------------------------------------


def test_a_member_registers_their_own_interest_and_it_awaits_the_nominating_bodys_review(world, seats):
    interest = services.save_interest(interest=new_entry(seats["cllr"]), user=seats["councillor"])
    assert interest.review_status == InterestReview.AWAITING
    assert interest.confirmed_on == timezone.localdate()
    assert interest.history.first().history_user == seats["councillor"]

    with pytest.raises(PermissionDenied):  # another body's keeper does not review it
        services.review_interest(
            interest=interest, user=world.user("nhs", Role.COMMITTEE_SECRETARY), accept=True
        )
    with pytest.raises(ValidationError) as returned_without_reason:
        services.review_interest(
            interest=interest, user=world.user("council", Role.COMMITTEE_SECRETARY), accept=False
        )
    assert "comment" in returned_without_reason.value.message_dict

    reviewed = services.review_interest(
        interest=interest,
        user=world.user("council", Role.COMMITTEE_SECRETARY),
        accept=True,
        loaded_version=interest.updated_at.isoformat(),
    )
    assert reviewed.review_status == InterestReview.ACCEPTED
    assert reviewed.reviewed_by == world.user("council", Role.COMMITTEE_SECRETARY)

    with pytest.raises(ValidationError, match="already reviewed"):
        services.review_interest(
            interest=reviewed, user=world.user("council", Role.COMMITTEE_SECRETARY), accept=True
        )


def test_returning_an_entry_without_saying_why_shows_the_entry_again_with_the_error_beside_it(
    client, world, seats
):
    interest = services.save_interest(interest=new_entry(seats["cllr"]), user=seats["councillor"])
    review = reverse("committees:interest_review", kwargs={"partnership": "ours", "pk": interest.pk})
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    response = client.post(
        review, {"outcome": "return", "comment": "", "loaded_version": interest.updated_at.isoformat()}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Solicitor, Bath Law LLP" in page and "There is a problem" in page
    assert 'href="#id_comment">Say what the member should change.</a>' in page
    assert 'class="govuk-error-message"' in page
    interest.refresh_from_db()
    assert interest.review_status == InterestReview.AWAITING
    # The member may not review their own entry: no form on their page, so a plain 400.
    client.force_login(seats["councillor"])
    response = client.post(review, {"outcome": "sideways"})
    assert response.status_code in (400, 403)
    assert "Record the review" not in response.content.decode()


def test_no_one_else_writes_a_members_register_and_no_one_reviews_their_own(world, seats):
    with pytest.raises(PermissionDenied):  # another member
        services.save_interest(interest=new_entry(seats["cllr"]), user=seats["clinician"])
    with pytest.raises(PermissionDenied):  # an officer of the nominating body
        services.save_interest(interest=new_entry(seats["cllr"]), user=world.user("council", Role.OFFICER))
    with pytest.raises(PermissionDenied):  # the other body's keeper
        services.save_interest(
            interest=new_entry(seats["cllr"]), user=world.user("nhs", Role.COMMITTEE_SECRETARY)
        )
    # A secretary who sits on a committee does not review their own entry.
    secretary = world.user("council", Role.COMMITTEE_SECRETARY)
    own_seat = CommitteeMemberFactory(
        committee=seats["board"], organisation=world.bodies["council"], user=secretary
    )
    own = services.save_interest(interest=new_entry(own_seat), user=secretary)
    with pytest.raises(PermissionDenied, match="Someone else"):
        services.review_interest(interest=own, user=secretary, accept=True)


def test_an_entry_takes_a_category_of_the_body_that_nominated_the_member(seats):
    with pytest.raises(ValidationError) as wrong_code:
        services.save_interest(
            interest=new_entry(seats["cllr"], category=InterestCategory.FINANCIAL), user=seats["councillor"]
        )
    assert "category" in wrong_code.value.message_dict
    other_body = new_entry(seats["cllr"], organisation=seats["dr"].organisation)
    with pytest.raises(ValidationError) as wrong_body:
        services.save_interest(interest=other_body, user=seats["councillor"])
    assert "organisation" in wrong_body.value.message_dict
    assert not RegisteredInterest.objects.exists()


def test_changing_a_reviewed_entry_sends_it_back_for_review_and_withholding_lasts_while_asked(world, seats):
    secretary = world.user("council", Role.COMMITTEE_SECRETARY)
    asked = new_entry(
        seats["cllr"],
        category=InterestCategory.LAND,
        withhold_requested=True,
        withhold_reason="Risk to family",
    )
    interest = services.save_interest(interest=asked, user=seats["councillor"])
    interest = services.review_interest(interest=interest, user=secretary, accept=True, withhold=True)
    assert interest.withheld

    interest.description = "Home, and a garage in the same street"
    interest = services.save_interest(interest=interest, user=seats["councillor"])
    assert interest.review_status == InterestReview.AWAITING and interest.withheld
    interest.withhold_requested, interest.withhold_reason = False, ""
    interest = services.save_interest(interest=interest, user=seats["councillor"])
    assert not interest.withheld  # no longer asked for: the details are public once reviewed


def test_a_member_confirms_an_entry_and_its_next_update_runs_from_today(world, seats):
    today = timezone.localdate()
    interest = entry(seats["cllr"], confirmed_on=today - datetime.timedelta(days=340))
    with pytest.raises(PermissionDenied):
        services.confirm_interest(interest=interest, user=world.user("council", Role.COMMITTEE_SECRETARY))
    confirmed = services.confirm_interest(interest=interest, user=seats["councillor"])
    assert confirmed.confirmed_on == today
    assert confirmed.update_due > today + datetime.timedelta(days=300)
    ended = entry(seats["cllr"], to_date=today - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="ended"):
        services.confirm_interest(interest=ended, user=seats["councillor"])


# --- Withheld details: one rule, as a filter and as a check -----------------------------------------


def test_withheld_details_are_read_only_by_the_member_the_bodys_keepers_and_auditors(world, seats):
    withheld = withheld_entry(seats["cllr"], description="WITHHELDADDRESS")
    entry(seats["dr"], organisation=seats["dr"].organisation, category=InterestCategory.FINANCIAL)
    entitled = [
        seats["councillor"],
        world.user("council", Role.COMMITTEE_SECRETARY),
        world.user("council", Role.AUDITOR),
    ]
    unentitled = [
        seats["clinician"],
        world.user("council", Role.OFFICER),
        world.user("nhs", Role.COMMITTEE_SECRETARY),
        world.user("council", Role.SIGNATORY),
    ]
    for user in entitled + unentitled:
        permissions.forget_memberships(user)
        visible = list(permissions.restrict(RegisteredInterest.objects.all(), user))
        kept = set(permissions.restrict(RegisteredInterest.objects.all(), user, action="read"))
        assert kept == {obj for obj in visible if permissions.can_read(user, obj)}, user.username
        assert (withheld in kept) is (user in entitled), user.username


def test_the_entry_page_and_its_history_show_withheld_details_only_to_those_entitled(client, world, seats):
    interest = withheld_entry(seats["cllr"], description="WITHHELDADDRESS")
    page = reverse("committees:interest_detail", kwargs={"partnership": "ours", "pk": interest.pk})
    history = reverse("committees:interest_history", kwargs={"partnership": "ours", "pk": interest.pk})
    client.force_login(world.user("nhs", Role.COMMITTEE_SECRETARY))
    shown = client.get(page).content.decode()
    assert "WITHHELDADDRESS" not in shown and "section 32(2) of the Localism Act 2011" in shown
    assert "WITHHELDADDRESS" not in client.get(history).content.decode()
    assert client.get(page.replace("/pk", "") + "edit/").status_code == 403
    # "As it stood on" shows every field, so it refuses them: the history does not offer it.
    as_of = reverse(
        "audit:as_of",
        kwargs={
            "partnership": "ours",
            "app_label": "committees",
            "model": "registeredinterest",
            "pk": interest.pk,
        },
    )
    assert as_of not in client.get(history).content.decode()
    assert client.get(as_of).status_code == 403
    client.force_login(world.user("council", Role.COMMITTEE_SECRETARY))
    assert "WITHHELDADDRESS" in client.get(page).content.decode()
    assert as_of in client.get(history).content.decode()
    assert client.get(as_of).status_code == 200


# --- The public register ------------------------------------------------------------------------------


def test_the_public_register_shows_reviewed_entries_of_members_of_committees_that_meet_in_public(
    client, seats
):
    entry(seats["cllr"], description="PUBLICTRUSTEE")
    entry(seats["cllr"], description="AWAITINGREVIEW", review_status=InterestReview.AWAITING)
    withheld_entry(seats["cllr"], description="PRIVATEHOME")
    private_committee_seat = CommitteeMemberFactory(
        committee=seats["cllr_jcc"].committee,
        organisation=seats["cllr"].organisation,
        person_name="Cllr Private",
    )
    entry(private_committee_seat, description="NOTONAPUBLICCOMMITTEE")
    page = client.get(reverse("public:interests", kwargs={"partnership": "ours"})).content.decode()
    assert "PUBLICTRUSTEE" in page
    assert "Disclosable pecuniary interest: land" in page and "section 32(2)" in page
    for hidden in ("AWAITINGREVIEW", "PRIVATEHOME", "NOTONAPUBLICCOMMITTEE", "Cllr Private"):
        assert hidden not in page


def test_the_public_register_takes_the_same_queries_however_many_members_and_entries(client, world, seats):
    url = reverse("public:interests", kwargs={"partnership": "ours"})

    def add(count):
        for n in range(count):
            seat = CommitteeMemberFactory(committee=seats["board"], organisation=world.bodies["council"])
            entry(seat, named_organisations=f"Charity {n}")

    add(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add(40)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)


# --- When the agenda is published ----------------------------------------------------------------------


def test_publishing_the_agenda_asks_each_member_whose_register_it_touches_to_declare(world, seats):
    meeting = MeetingFactory(committee=seats["board"], starts_at=timezone.now() + datetime.timedelta(days=20))
    AgendaItemFactory(
        meeting=meeting, order=1, title="Home care framework", named_organisations="Bath Home Care Ltd"
    )
    AgendaItemFactory(
        meeting=meeting,
        order=2,
        title="SECRETTENDERTITLE",
        named_organisations="Sirona Care & Health",
        exempt=True,
        exempt_paragraph=3,
    )
    home_care = entry(
        seats["cllr_jcc"], named_organisations="Bath Home Care Limited"
    )  # another seat, same person
    entry(seats["cllr"], named_organisations="Sirona Care and Health")  # "and" is not "&": no match
    entry(
        seats["dr"],
        organisation=seats["dr"].organisation,
        category=InterestCategory.FINANCIAL,
        topics="Dentistry",
    )
    tender = entry(
        seats["dr"],
        organisation=seats["dr"].organisation,
        category=InterestCategory.INDIRECT,
        named_organisations="Sirona Care & Health",
    )

    services.publish_agenda(meeting=meeting, user=world.user("council", Role.COMMITTEE_SECRETARY))

    prompts = {
        r.recipient: r for r in Reminder.objects.filter(key__startswith=f"committees:declare:{meeting.pk}:")
    }
    assert set(prompts) == {seats["councillor"], seats["clinician"]}
    assert (
        f"Item 1, Home care framework: your entry {home_care.reference}" in prompts[seats["councillor"]].body
    )
    clinician = prompts[seats["clinician"]].body
    assert "Item 2 (taken in private)" in clinician and "SECRETTENDERTITLE" not in clinician
    assert tender.reference not in clinician and "Sirona" not in clinician  # nothing from the exempt item


def test_the_member_sees_on_the_agenda_which_items_may_touch_their_register(client, world, seats):
    meeting = MeetingFactory(committee=seats["board"], status=MeetingStatus.AGENDA_PUBLISHED)
    AgendaItemFactory(meeting=meeting, order=1, title="Carers strategy", topics="Carers")
    interest = entry(seats["cllr"], topics="Carers", description="Trustee, Carers' Centre")
    agenda = reverse(
        "committees:meeting_section", kwargs={"partnership": "ours", "pk": meeting.pk, "section": "agenda"}
    )
    client.force_login(seats["councillor"])
    page = client.get(agenda).content.decode()
    assert (
        "Your interests" in page
        and "Item 1, Carers strategy: your entry" in page
        and interest.reference in page
    )
    client.force_login(world.user("council", Role.OFFICER))  # not a member: no panel
    assert "Your interests" not in client.get(agenda).content.decode()


def test_a_declaration_links_only_to_the_declaring_members_own_register(world, seats):
    meeting = MeetingFactory(committee=seats["board"])
    item = AgendaItemFactory(meeting=meeting)
    secretary = world.user("council", Role.COMMITTEE_SECRETARY)
    others = entry(seats["dr"], organisation=seats["dr"].organisation, category=InterestCategory.FINANCIAL)
    own = entry(seats["cllr_jcc"])  # registered through another seat: still theirs
    wrong = Declaration(
        meeting=meeting,
        agenda_item=item,
        member=seats["cllr"],
        interest="x",
        nature=InterestNature.OTHER_REGISTRABLE,
        registered_interest=others,
    )
    with pytest.raises(ValidationError) as refused:
        services.save_declaration(declaration=wrong, user=secretary)
    assert "registered_interest" in refused.value.message_dict
    right = Declaration(
        meeting=meeting,
        agenda_item=item,
        member=seats["cllr"],
        interest="Trustee",
        nature=InterestNature.OTHER_REGISTRABLE,
        registered_interest=own,
    )
    services.save_declaration(declaration=right, user=secretary)
    assert list(own.declarations.all()) == [right]


# --- Reminders ------------------------------------------------------------------------------------------


def test_members_are_reminded_once_a_year_and_28_days_before_an_entry_is_due(world, seats):
    today = timezone.localdate()
    council = world.bodies["council"]
    due_soon = entry(seats["cllr"], confirmed_on=today - datetime.timedelta(days=365 - 20))  # due in ~20 days
    entry(seats["cllr"], confirmed_on=today - datetime.timedelta(days=300))  # due in ~65 days: not yet
    entry(
        seats["cllr"],
        confirmed_on=today - datetime.timedelta(days=400),
        to_date=today - datetime.timedelta(days=1),
    )
    assert council.register_update_months == 12

    sweep_reminders()
    sweep_reminders()  # a second sweep records nothing twice

    mine = Reminder.objects.filter(recipient=seats["councillor"], key__startswith="committees:register-")
    yearly = [r for r in mine if r.key.startswith("committees:register-year:")]
    due = [r for r in mine if r.key.startswith("committees:register-due:")]
    assert len(yearly) == 1  # one person on two committees of one partnership: one reminder
    assert [r.key for r in due] == [
        f"committees:register-due:{due_soon.pk}:{due_soon.update_due.isoformat()}"
    ]
    assert (
        Reminder.objects.filter(
            recipient=seats["clinician"], key__startswith="committees:register-year:"
        ).count()
        == 1
    )


def test_the_home_page_lists_entries_awaiting_review_and_the_members_own_to_act_on(world, seats):
    from committees.reminders import attention_items

    today = timezone.localdate()
    entry(seats["cllr"], review_status=InterestReview.AWAITING)
    entry(seats["cllr_jcc"], review_status=InterestReview.AWAITING)
    entry(
        seats["dr"],
        organisation=seats["dr"].organisation,
        category=InterestCategory.FINANCIAL,
        review_status=InterestReview.AWAITING,
    )
    returned = entry(seats["cllr"], review_status=InterestReview.RETURNED)
    due = entry(seats["cllr"], confirmed_on=today - datetime.timedelta(days=350))
    entry(seats["cllr"], confirmed_on=today - datetime.timedelta(days=30))  # not due for months

    council_secretary = [i["text"] for i in attention_items(world.user("council", Role.COMMITTEE_SECRETARY))]
    assert "2 register entries of Our Council awaiting your review" in council_secretary
    assert not any("Our ICB" in text for text in council_secretary)  # another body's register
    assert not any("register" in i["text"] for i in attention_items(world.user("council", Role.OFFICER)))

    listed = attention_items(seats["councillor"])
    mine = {i["url"]: i for i in listed if "register entry" in i["text"].lower()}
    assert set(mine) == {returned.get_absolute_url(), due.get_absolute_url()}
    assert mine[due.get_absolute_url()]["due"] == due.update_due
