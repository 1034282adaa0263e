"""In a real Chromium: an officer edits an agreement and sends it for signature, and each
body's signatory signs for their own body until it comes into force."""

import pytest

from partnership.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_officer_edits_and_signatories_sign(live_server, page, login, axe, world, agreement):
    detail = f"{live_server.url}{agreement.get_absolute_url()}"
    login(world.user("council", Role.OFFICER).username)
    page.goto(detail)
    page.get_by_role("link", name="Edit agreement").click()
    page.fill("#id_title", "Hospital discharge transfer 2025/26")
    page.fill("#id_aims_and_outcomes", "<p>Faster discharge <script>alert(1)</script></p>")
    page.fill("#id_change_reason", "Title agreed at the joint board")
    page.get_by_role("button", name="Save").click()
    assert "saved" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("h1").inner_text() == "Hospital discharge transfer 2025/26"
    page.get_by_role("button", name="Send for signature").click()
    assert "Awaiting signature" in page.locator("#agreement-status").inner_text()
    assert page.get_by_role("link", name="Edit agreement").count() == 0
    sign_out(page)

    login(world.user("council", Role.SIGNATORY).username)
    page.goto(detail)
    assert axe(page) == []
    assert page.get_by_role("link", name="Sign for ICB").count() == 0
    page.get_by_role("link", name="Sign for Council").click()
    page.fill("#id_signatory_name", "Pat Signer")
    page.fill("#id_relied_on", "Cabinet decision, 1 April")
    page.check("#id_authorised")
    page.get_by_role("button", name="Sign for Council").click()
    assert "Signed for Our Council" in page.locator(".govuk-notification-banner").inner_text()
    assert "Awaiting signature" in page.locator("#agreement-status").inner_text()
    sign_out(page)

    login(world.user("nhs", Role.SIGNATORY).username)
    page.goto(detail)
    page.get_by_role("link", name="Sign for ICB").click()
    page.fill("#id_signatory_name", "Sam Signer")
    page.fill("#id_relied_on", "ICB Board, 3 April")
    page.check("#id_authorised")
    page.get_by_role("button", name="Sign for ICB").click()
    assert "In force" in page.locator("#agreement-status").inner_text()
    assert "Pat Signer" in page.get_by_role("region", name="Parties and sign-off").inner_text()


def test_walsall_case_the_sign_page_says_why_and_shows_the_authority(
    live_server, page, login, world, awaiting, jcu_manager
):
    """The JCU manager, given the council's signatory role by mistake, is told on the sign page
    why they cannot sign for the council, is refused if they try, and signs for their employer
    on the authority the page names, which the agreement then shows."""
    detail = f"{live_server.url}{awaiting.get_absolute_url()}"
    login(jcu_manager.username)
    page.goto(detail)
    page.get_by_role("link", name="Sign for Council").click()
    warning = page.locator("#signing-authority").inner_text()
    assert "You cannot sign for Our Council today" in warning
    assert "signs only for Our ICB" in warning
    page.fill("#id_relied_on", "Scheme of delegation")
    page.check("#id_authorised")  # ticking it is not authority: the rule still refuses
    page.get_by_role("button", name="Sign for Council").click()
    assert "You cannot do this" in page.locator("h1").inner_text()
    assert "not an employee of Our Council" in page.locator("main").inner_text()

    page.goto(detail)
    page.get_by_role("link", name="Sign for ICB").click()
    assert "Signatory of Our ICB" in page.locator("#signing-authority").inner_text()
    page.fill("#id_relied_on", "Scheme of delegation")
    page.get_by_role("button", name="Sign for ICB").click()
    assert (
        "Confirm that you are authorised to sign for Our ICB"
        in page.locator("#id_authorised")
        .locator("xpath=ancestor::div[contains(@class,'govuk-form-group')]")
        .inner_text()
    )
    page.check("#id_authorised")
    page.get_by_role("button", name="Sign for ICB").click()
    assert "Signed for Our ICB" in page.locator(".govuk-notification-banner").inner_text()
    assert (
        "Authority: Signatory of Our ICB."
        in page.get_by_role("region", name="Parties and sign-off").inner_text()
    )


def fill_date(page, name, day):
    """A date field as it is rendered: Day, Month and Year boxes, or one date input."""
    if page.locator(f"#id_{name}-day").count():
        page.fill(f"#id_{name}-day", str(day.day))
        page.fill(f"#id_{name}-month", str(day.month))
        page.fill(f"#id_{name}-year", str(day.year))
    else:
        page.fill(f"#id_{name}", day.isoformat())


@pytest.mark.usefixtures("on_2_december_2026")
def test_officer_terminates_with_notice_through_the_confirmation_page(
    live_server, page, login, axe, world, in_force
):
    import datetime

    agreement = in_force
    login(world.user("council", Role.OFFICER).username)
    page.goto(f"{live_server.url}{agreement.get_absolute_url()}")
    page.get_by_role("link", name="Terminate").click()
    assert page.locator("h1").inner_text().endswith("Terminate this agreement?")
    assert "6 months' notice" in page.locator("main").inner_text()

    fill_date(page, "ends_on", datetime.date(2027, 5, 1))
    page.get_by_role("button", name="Yes, terminate the agreement").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the reason for ending the agreement" in summary
    assert "must be on or after 2 June 2027" in summary
    assert axe(page) == []

    fill_date(page, "ends_on", datetime.date(2027, 6, 2))
    page.fill("#id_change_reason", "The fund moves to the ICB")
    page.get_by_role("button", name="Yes, terminate the agreement").click()
    assert (
        "Terminating on 2 June 2027 (notice given 2 December 2026"
        in page.locator("#pending-ending").inner_text()
    )
    assert "In force" in page.locator("#agreement-status").inner_text()
