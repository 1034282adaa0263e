"""In a real Chromium: an officer searches from the header and opens what they found."""

import pytest

from partnership.choices import Role
from tests.agreements.factories import AgreementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_searches_from_the_header_and_opens_a_result(live_server, page, login, axe, world):
    agreement = AgreementFactory(
        partnership=world.ours,
        title="Pooled fund for community equipment",
        aims_and_outcomes="<p>One store for the <strong>pooled</strong> equipment budget.</p>",
    )
    AgreementFactory(partnership=world.theirs, title="Their pooled fund")
    login(world.user("council", Role.OFFICER).username)

    page.get_by_role("searchbox", name="Search agreements, reports and minutes").fill("pooled")
    page.get_by_role("search", name="Search Concordat").get_by_role("button", name="Search").click()

    assert page.locator("#results-heading").inner_text() == "1 result for “pooled”"
    assert page.locator("main mark").count() >= 2  # in the title and the snippet
    assert axe(page) == []
    page.get_by_role("link", name=str(agreement)).click()
    assert page.locator("h1").inner_text() == agreement.title
