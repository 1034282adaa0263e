"""Pages fit the screen in a real Chromium: no main page is wider than a 375 px phone, the
agreement register fits a 1280 px laptop, wide tables scroll in a region of their own, and a
register's filters fold away before its results, with or without JavaScript. Printed, a page is
its content: no header, menus, sub-navigation, filters or buttons."""

import pytest

from agreements.models import Agreement
from committees.models import Committee, Report
from finance.models import Budget

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}
LAPTOP = {"width": 1280, "height": 800}


class Screen:
    """One signed-in browser context at one size, with or without JavaScript."""

    def __init__(self, browser, base_url, *, viewport, javascript=True):
        self.context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.base_url = base_url

    def sign_in(self, username):
        self.open("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", "concordat-demo")
        self.page.click("main button[type=submit]")

    def open(self, path):
        response = self.page.goto(f"{self.base_url}{path}")
        assert response.status == 200, path

    @property
    def width(self):
        self.page.wait_for_load_state("load")
        return self.page.evaluate("document.documentElement.scrollWidth")

    def filters(self):
        return self.page.locator("details.app-list__filters")

    def filters_open(self):
        return self.filters().evaluate("details => details.open")


def main_pages():
    agreement = Agreement.objects.get(reference="BANES-JWF-2012")
    committee = Committee.objects.get(partnership__slug="banes", name="Integrated Health and Care Board")
    meeting = committee.meetings.order_by("starts_at").first()
    return [
        "/",
        "/p/banes/",
        "/p/banes/agreements/",
        agreement.get_absolute_url(),
        "/p/banes/finance/",
        Budget.objects.get(name="Better Care Fund pooled budget").get_absolute_url(),
        committee.get_absolute_url(),
        meeting.get_absolute_url(),
        meeting.minutes_url,
        Report.objects.filter(meeting__committee__partnership__slug="banes").first().get_absolute_url(),
        "/p/banes/staffing/",
        "/p/banes/staffing/recharges/",
        "/p/banes/audit/",
    ]


def test_pages_fit_phone_and_laptop_filters_fold_and_print_is_content(live_server, browser, demo, axe):
    pages = main_pages()
    phone = Screen(browser, live_server.url, viewport=PHONE)
    phone.sign_in("banes-council-auditor")
    for path in pages:
        phone.open(path)
        assert phone.width <= 375, path

    # The register on a phone: the filters are folded, so the results come first.
    phone.open("/p/banes/agreements/")
    assert not phone.filters_open()
    assert phone.page.get_by_label("Section 75 pooled fund", exact=True).is_hidden()
    region = phone.page.get_by_role("region", name="Agreements")
    assert region.get_attribute("tabindex") == "0"  # a keyboard can scroll it
    assert "Overdue" in region.locator("tr", has_text="BANES-JWF-2012").inner_text()
    assert axe(phone.page) == []

    # On a laptop the filters open beside the results and the register fits.
    laptop = Screen(browser, live_server.url, viewport=LAPTOP)
    laptop.sign_in("banes-council-auditor")
    laptop.open("/p/banes/agreements/")
    assert laptop.filters_open()
    assert laptop.width <= 1280
    assert axe(laptop.page) == []

    # Printed, an agreement is its content.
    laptop.open(pages[3])
    laptop.page.emulate_media(media="print")
    for chrome in (".govuk-header", ".govuk-service-navigation", ".govuk-breadcrumbs", ".govuk-footer"):
        assert laptop.page.locator(chrome).is_hidden(), chrome
    assert laptop.page.get_by_role("link", name="Download PDF").is_hidden()
    assert laptop.page.locator("h1").is_visible()
    assert laptop.page.get_by_role("region", name="Parties and sign-off").is_visible()

    # Without JavaScript the fold still works: open it, filter, and the results come back with
    # the filters folded again and counted.
    plain = Screen(browser, live_server.url, viewport=PHONE, javascript=False)
    plain.sign_in("banes-council-officer")
    plain.open("/p/banes/agreements/")
    assert not plain.filters_open()
    plain.page.get_by_text("Filter agreements").click()
    plain.page.get_by_label("Expired", exact=True).check()
    plain.page.get_by_role("button", name="Apply filters").click()
    plain.page.wait_for_load_state()
    assert not plain.filters_open()
    assert "(1 applied)" in plain.filters().locator("summary").inner_text()
    rows = plain.page.get_by_role("region", name="Agreements").locator("tbody tr")
    assert rows.all_inner_texts() and all("Expired" in row for row in rows.all_inner_texts())
    assert plain.width <= 375
    for screen in (phone, laptop, plain):
        screen.context.close()
