"""The officer's and secretary's steps on a 375 px phone with JavaScript off, on the demo: ending
an agreement, signing one, reading its history, searching, choosing an earlier meeting for a
report and the meeting's sections. Each page fits the screen and does its job without script."""

import pytest
from django.urls import reverse

from agreements.models import Agreement, AgreementParty
from committees.models import Committee
from tests.date_input import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Phone:
    def __init__(self, browser, base_url, username):
        self.context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
        self.page = self.context.new_page()
        self.base_url = base_url
        self.open("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", "concordat-demo")
        self.page.click("main button[type=submit]")

    def open(self, path):
        response = self.page.goto(f"{self.base_url}{path}")
        assert response.status == 200, path
        assert self.page.evaluate("document.documentElement.scrollWidth") <= 375, path
        return self.page.locator("main").inner_text()

    def fits(self):
        """After a click the text can be read before the stylesheet has loaded: measure once it has."""
        self.page.wait_for_load_state("load")
        return self.page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_officer_and_a_signatory_on_a_phone_without_javascript(live_server, browser, demo):
    agreement = Agreement.objects.get(reference="BANES-JWF-2012")
    officer = Phone(browser, live_server.url, "banes-council-officer")

    # Ending an agreement asks first, with the notice and the reason, beside the fields.
    main = officer.open(reverse("agreements:terminate", kwargs={"partnership": "banes", "pk": agreement.pk}))
    assert "Terminate this agreement?" in main
    officer.page.click("button:has-text('Yes, terminate the agreement')")
    assert "Enter the reason" in officer.page.locator(".govuk-error-summary").inner_text()
    assert officer.fits()

    # History reads as text; a long value opens without script.
    officer.open(agreement.get_absolute_url() + "history/")
    assert "<p>" not in officer.page.locator("main").inner_text()
    details = officer.page.locator("main details").first
    details.locator("summary").click()
    assert details.evaluate("d => d.open")

    # As it stood before tracking began: what the record's own dates say.
    officer.page.get_by_role("link", name="See this agreement as it stood on an earlier date").click()
    fill_date(officer.page, "#id_date", "2019-03-31")
    officer.page.click("main button:has-text('Show')")
    main = officer.page.locator("main").inner_text()
    assert "From the record's own dates, not from its history" in main and "did not exist" not in main
    assert officer.fits()

    # Search, with highlighted matches.
    officer.open("/search/?q=pooled")
    assert officer.page.locator("main mark").count() > 0

    # An earlier meeting is found for a report by a search above its form.
    main = officer.open(reverse("committees:report_add", kwargs={"partnership": "banes"}))
    officer.page.fill("#id_meetings", "2018")
    officer.page.click("button:has-text('Search meetings')")
    assert "found" in officer.page.locator(".app-meeting-search").inner_text()
    assert "14 Jun" in officer.page.locator("#id_meeting").inner_text()
    assert officer.fits()

    # The meeting's sections.
    meeting = Committee.objects.get(
        partnership__slug="banes", name="Integrated Health and Care Board"
    ).meetings.order_by("starts_at")[0]
    for url in (meeting.get_absolute_url(), meeting.agenda_url, meeting.attendance_url, meeting.minutes_url):
        officer.open(url)
    officer.context.close()

    # Signing: the page shows what is signed and asks the signatory to confirm their authority.
    party = AgreementParty.objects.get(
        agreement__reference="WORCS-CONCORDAT-2008", organisation__name="Worcestershire County Council"
    )
    signatory = Phone(browser, live_server.url, "worcs-council-signatory")
    main = signatory.open(
        reverse(
            "agreements:sign",
            kwargs={"partnership": "worcestershire", "pk": party.agreement_id, "party": party.pk},
        )
    )
    assert party.agreement.title in main and "I confirm I am authorised to sign" in main
    signatory.page.click("main button[type=submit]")
    # Waits for the answer to the form (a count could be taken before the page is replaced).
    assert "There is a problem" in signatory.page.locator(".govuk-error-summary").inner_text()
    assert signatory.fits()
    signatory.context.close()
