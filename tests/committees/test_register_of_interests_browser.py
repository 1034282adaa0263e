"""A councillor registers an interest and asks for its details to be withheld, the council's
secretary reviews it, the public read the register, and the councillor sees the agenda item it
touches: in a real Chromium with JavaScript switched off; the pages then checked with axe."""

import pytest

from committees.choices import MeetingStatus
from partnership.choices import Role
from tests.committees.factories import AgendaItemFactory, CommitteeMemberFactory, MeetingFactory
from tests.committees.tabs import sign_in
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_registers_an_interest_the_body_reviews_it_and_the_public_read_it(
    live_server, browser, login, page, axe, world, board
):
    board.committee.meets_in_public = True
    board.committee.save()
    councillor = UserFactory(username="cllr-browser")
    MembershipFactory(user=councillor, organisation=world.bodies["council"], role=Role.OFFICER)
    seat = CommitteeMemberFactory(
        committee=board.committee,
        organisation=world.bodies["council"],
        user=councillor,
        person_name="Cllr Browser",
    )
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(15000)
    tab = sign_in(context, live_server, councillor)

    tab.goto(f"{live_server.url}/p/ours/committees/interests/")
    tab.click("text=Register an interest")
    # Only a council's categories: the member's seat is the council's.
    options = tab.locator("#id_category option").all_inner_texts()
    assert "Disclosable pecuniary interest: land" in options and "Financial interest" not in options
    tab.select_option("#id_category", "land")
    tab.check("#id_withhold_requested")
    tab.click("main button:has-text('Save')")
    summary = tab.locator(".govuk-error-summary").inner_text()
    assert "Enter the interest" in summary or "This field is required" in summary
    assert "Say why the details should be withheld." in summary
    tab.fill("#id_description", "HOMEADDRESS, Widcombe, Bath")
    tab.fill("#id_named_organisations", "Widcombe Residents Association")
    tab.fill("#id_from_date-day", "7")
    tab.fill("#id_from_date-month", "5")
    tab.fill("#id_from_date-year", "2015")
    tab.fill("#id_withhold_reason", "A neighbour has threatened my family.")
    tab.click("main button:has-text('Save')")
    assert "Awaiting review" in tab.locator("main").inner_text()
    entry_url = tab.url

    secretary = context.browser.new_context(java_script_enabled=False)
    review = sign_in(secretary, live_server, world.user("council", Role.COMMITTEE_SECRETARY))
    review.goto(entry_url)
    assert "HOMEADDRESS" in review.locator("main").inner_text()
    review.check("input[name=outcome][value=accept]")
    review.check("#id_withhold")
    review.click("button:has-text('Record the review')")
    assert "Entry reviewed." in review.locator(".govuk-notification-banner").inner_text()
    assert "its details are withheld from the public" in review.locator("main").inner_text()

    public = context.browser.new_context(java_script_enabled=False).new_page()
    public.goto(f"{live_server.url}/public/interests/ours/")
    register = public.locator(f"#member-{seat.pk}").inner_text()
    assert "Disclosable pecuniary interest: land" in register
    assert "withheld under section 32(2) of the Localism Act 2011" in register
    assert "HOMEADDRESS" not in public.content()

    # The agenda names the same organisation: the councillor is asked to declare.
    meeting = MeetingFactory(committee=board.committee, status=MeetingStatus.AGENDA_PUBLISHED)
    AgendaItemFactory(
        meeting=meeting,
        order=1,
        title="Residents' parking scheme",
        named_organisations="Widcombe Residents Association",
    )
    tab.goto(f"{live_server.url}{meeting.agenda_url}")
    panel = tab.locator("#your-interests").inner_text()
    assert "Item 1, Residents' parking scheme" in panel and "Widcombe Residents Association" in panel

    login(councillor.username)
    for address in (
        entry_url,
        f"{live_server.url}/p/ours/committees/interests/",
        live_server.url + meeting.agenda_url,
    ):
        page.goto(address)
        assert axe(page) == []
    page.goto(f"{live_server.url}/public/interests/ours/")
    assert axe(page) == []
