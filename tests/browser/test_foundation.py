"""The foundation in a real Chromium: sign in, see your partnerships, accessible pages."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_council_officer_signs_in_and_sees_only_their_partnership(live_server, page, login, axe, demo):
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe(page) == []

    login("banes-council-officer", "concordat-demo")
    assert page.locator("h1").inner_text().startswith("Welcome")
    body = page.locator("main").inner_text()
    assert "Bath and North East Somerset health and care partnership" in body
    assert "Walsall" not in body
    assert axe(page) == []

    page.click("text=Bath and North East Somerset health and care partnership")
    assert "Partner bodies" in page.locator("main").inner_text()
    assert "Bath and North East Somerset Council" in page.locator("main").inner_text()
    assert axe(page) == []

    response = page.goto(f"{live_server.url}/p/walsall/")
    assert response.status == 404


def test_wrong_password_shows_an_error_summary(live_server, page, login, axe, demo):
    login("banes-council-officer", "not-the-password")
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert axe(page) == []


def test_administrator_adds_a_person_to_their_body(live_server, page, login, demo):
    login("walsall-council-admin", "concordat-demo")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Walsall Council", exact=True).click()
    page.get_by_role("link", name="Add a person").click()
    page.fill("#id_user", "jcu-manager")
    page.select_option("#id_role", "committee_secretary")
    page.click("button:has-text('Add')")
    assert "Added" in page.locator(".govuk-notification-banner").inner_text()
