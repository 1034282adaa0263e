"""Pages fit the screen in a real Chromium: no page is wider than a 375 px phone, the
agreement register fits a 1280 px laptop, wide tables scroll in a region of their own, and a
register's filters fold away before its results, with or without JavaScript. Printed, a page is
its content: no header, menus, sub-navigation, filters or buttons."""

import pytest

from agreements.models import Agreement
from tests.browser.static import serve_static_from_memory
from tests.url_catalogue import build_records, catalogue

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


def test_registers_fold_their_filters_on_a_phone_and_scroll_their_tables(live_server, browser, demo, axe):
    phone = Screen(browser, live_server.url, viewport=PHONE)
    phone.sign_in("banes-council-auditor")

    # The register on a phone: the filters are folded, so the results come first.
    phone.open("/p/banes/agreements/")
    assert phone.width <= 375
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
    laptop.open(Agreement.objects.get(reference="BANES-JWF-2012").get_absolute_url())
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
    assert not plain.filters_open()
    assert "(1 applied)" in plain.filters().locator("summary").inner_text()
    rows = plain.page.get_by_role("region", name="Agreements").locator("tbody tr")
    assert rows.all_inner_texts() and all("Expired" in row for row in rows.all_inner_texts())
    assert plain.width <= 375
    for screen in (phone, laptop, plain):
        screen.context.close()


def test_no_page_is_wider_than_a_phone(live_server, browser, settings, tmp_path, client):
    """Every page of the project (every URL pattern but the Django admin's and downloads), filled
    from one of each kind of record and asked by a person with every role in a body: none is
    wider than a 375 px phone."""
    settings.MEDIA_ROOT = tmp_path
    records = build_records()
    client.force_login(records.body_user)
    pages = []
    for route in catalogue():
        if route.is_admin or not route.allows("get"):
            continue
        for url in route.urls(records):
            response = client.get(url)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                pages.append(url)
    assert len(pages) >= 120, len(pages)

    phone = Screen(browser, live_server.url, viewport=PHONE)
    session = settings.SESSION_COOKIE_NAME
    phone.context.add_cookies(
        [{"name": session, "value": client.cookies[session].value, "url": live_server.url}]
    )
    serve_static_from_memory(phone.context)
    wider = {}
    for url in pages:
        phone.open(url)
        if phone.width > 375:
            wider[url] = phone.width
    phone.context.close()
    assert wider == {}
